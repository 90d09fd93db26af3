import { defineProblems, problem } from '../../platform/http/problem.ts';

/** Refusals of the exports and reports (spec 50-national-flows.md, EXP-1..3). */
export const exportProblems = defineProblems({
  EXPORT_PERIOD_INVALID: problem(
    400,
    { it: 'Periodo non valido', en: 'Invalid period' },
    {
      it: 'La data iniziale ({from}) è successiva a quella finale ({to}): indichi un periodo con from non successiva a to.',
      en: 'The first day ({from}) is after the last one ({to}): give a period whose from is not after its to.',
    },
  ),
});
