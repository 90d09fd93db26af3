import { defineProblems, problem } from '../../platform/http/problem.ts';

/** Refusals of capacity changes (BOOK-12). Each says what is wrong and what to do. */
export const capacityProblems = defineProblems({
  CAPACITY_HUB_NOT_FOUND: problem(
    404,
    { it: 'Centro vaccinale non trovato', en: 'Vaccination centre not found' },
    {
      it: 'Nessun centro vaccinale configurato con questo riferimento.',
      en: 'No configured vaccination centre with this reference.',
    },
  ),
  CAPACITY_HUB_OUT_OF_SCOPE: problem(
    403,
    { it: 'Centro non di sua competenza', en: 'Centre outside your scope' },
    {
      it: 'Può modificare la capacità solo dei centri della sua azienda sanitaria.',
      en: 'You can change the capacity only of the centres of your health authority.',
    },
  ),
  CAPACITY_DAY_NOT_OPEN: problem(
    404,
    { it: 'Giornata non aperta', en: 'Day not open' },
    {
      it: 'Il centro non ha una giornata aperta il {day}: non c’è nulla da chiudere o ridurre.',
      en: 'The centre has no day open on {day}: there is nothing to close or cut.',
    },
  ),
  CAPACITY_DAY_PAST: problem(
    409,
    { it: 'Giornata già passata', en: 'Day already past' },
    {
      it: 'Il {day} è già passato: si può cambiare solo la capacità di oggi o dei giorni futuri.',
      en: '{day} is past: only today’s or future capacity can be changed.',
    },
  ),
  CAPACITY_FIELDS: problem(
    400,
    { it: 'Dati della modifica incompleti', en: 'Incomplete change' },
    {
      it: 'Per questo tipo di modifica servono: {fields}.',
      en: 'This kind of change needs: {fields}.',
    },
  ),
  CAPACITY_NOT_A_CUT: problem(
    400,
    { it: 'Non è una riduzione', en: 'Not a cut' },
    {
      it: 'Il nuovo valore ({requested}) non è inferiore a quello attuale ({current}). Per aumentare la capacità modifichi la giornata del centro.',
      en: 'The new value ({requested}) is not below the current one ({current}). To add capacity, change the centre’s day.',
    },
  ),
  CAPACITY_NO_STOCK: problem(
    404,
    { it: 'Vaccino non previsto quel giorno', en: 'No such vaccine that day' },
    {
      it: 'Il centro non ha dosi di {product} il {day}.',
      en: 'The centre has no doses of {product} on {day}.',
    },
  ),
  CAPACITY_CHANGE_NOT_FOUND: problem(
    404,
    { it: 'Modifica non trovata', en: 'Change not found' },
    {
      it: 'Nessuna modifica di capacità con questo numero.',
      en: 'No capacity change with this number.',
    },
  ),
  CAPACITY_CHANGE_DISCARDED: problem(
    409,
    { it: 'Modifica scartata', en: 'Change discarded' },
    {
      it: 'Questa modifica è stata scartata e non si può applicare: ne crei una nuova.',
      en: 'This change was discarded and cannot be applied: create a new one.',
    },
  ),
  CAPACITY_CHANGE_ALREADY_APPLIED: problem(
    409,
    { it: 'Modifica già applicata', en: 'Change already applied' },
    {
      it: 'La modifica è già stata applicata (o è in corso): non si può più scartare.',
      en: 'The change has already been applied (or is being applied): it can no longer be discarded.',
    },
  ),
});
