import { defineProblems, problem } from '../../platform/http/problem.ts';

/** Refusals of the certificate routes. */
export const certificateProblems = defineProblems({
  CERTIFICATE_PLATFORM_UNREACHABLE: problem(
    503,
    { it: 'Piattaforma dei certificati non raggiungibile', en: 'Certificate platform unreachable' },
    {
      it: 'La piattaforma nazionale dei certificati non ha risposto in tempo: riprovi tra poco.',
      en: 'The national certificate platform did not answer in time: try again shortly.',
    },
  ),
  CERTIFICATE_PERSON_WITHOUT_IDENTIFIER: problem(
    409,
    { it: 'Identificativo in attesa', en: 'Identifier pending' },
    {
      it: 'Non ha ancora un identificativo nazionale: i certificati saranno disponibili quando arriverà.',
      en: 'You have no national identifier yet: certificates will be available once it arrives.',
    },
  ),
});
