import { defineProblems, problem } from '../../platform/http/problem.ts';

/** Refusals of the waiting list, no-shows and the standby list (BOOK-13). Each says what to do. */
export const waitingListProblems = defineProblems({
  WAITING_LIST_SLOTS_FREE: problem(
    409,
    { it: 'Ci sono posti liberi', en: 'There are free places' },
    {
      it: 'Nella Sua zona ci sono ancora appuntamenti liberi nei prossimi {days} giorni: li cerchi e ne prenoti uno. La lista d’attesa serve quando non ce ne sono.',
      en: 'There are still free appointments in your area within the next {days} days: search and book one. The waiting list is for when there are none.',
    },
  ),
  WAITING_LIST_ALREADY_JOINED: problem(
    409,
    { it: 'È già in lista d’attesa', en: 'Already on the waiting list' },
    {
      it: 'Questa persona è già in lista d’attesa per questa dose. Può vedere a che punto è nella pagina della lista d’attesa.',
      en: 'This person is already on the waiting list for this dose. The waiting-list page shows where they stand.',
    },
  ),
  WAITING_LIST_ALREADY_BOOKED: problem(
    409,
    { it: 'Ha già un appuntamento', en: 'Already has an appointment' },
    {
      it: 'Questa persona ha già un appuntamento per questa dose (codice {code}): non serve la lista d’attesa.',
      en: 'This person already has an appointment for this dose (code {code}): the waiting list is not needed.',
    },
  ),
  WAITING_LIST_NO_AREA: problem(
    409,
    { it: 'Nessun centro vaccinale vicino', en: 'No vaccination centre nearby' },
    {
      it: 'Non troviamo centri vaccinali attivi vicino a questo domicilio. Chiami il numero verde per essere aiutato.',
      en: 'We find no active vaccination centre near this domicile. Call the toll-free number for help.',
    },
  ),
  WAITING_LIST_ENTRY_NOT_FOUND: problem(
    404,
    { it: 'Iscrizione non trovata', en: 'Entry not found' },
    {
      it: 'Nessuna iscrizione in lista d’attesa con questo riferimento per questa persona.',
      en: 'No waiting-list entry with this reference for this person.',
    },
  ),
  WAITING_LIST_ENTRY_CLOSED: problem(
    409,
    { it: 'Iscrizione non più attiva', en: 'Entry no longer active' },
    {
      it: 'Questa iscrizione in lista d’attesa non è più attiva (ha già un appuntamento o è uscita dalla lista).',
      en: 'This waiting-list entry is no longer active (it has an appointment, or it left the list).',
    },
  ),
  WAITING_LIST_OFFER_NOT_FOUND: problem(
    404,
    { it: 'Proposta non trovata', en: 'Offer not found' },
    {
      it: 'Nessuna proposta di appuntamento con questo riferimento per questa persona.',
      en: 'No appointment offer with this reference for this person.',
    },
  ),
  WAITING_LIST_OFFER_EXPIRED: problem(
    409,
    { it: 'Proposta scaduta', en: 'Offer expired' },
    {
      it: 'Il tempo per accettare questa proposta è finito e il posto è passato ad altri. Resta in lista d’attesa: riceverà una nuova proposta appena si libera un posto.',
      en: 'The time to accept this offer is over and the place went to someone else. You stay on the waiting list: you will get a new offer as soon as a place opens.',
    },
  ),
  WAITING_LIST_OFFER_ANSWERED: problem(
    409,
    { it: 'Proposta già chiusa', en: 'Offer already closed' },
    {
      it: 'A questa proposta è già stata data una risposta ({status}).',
      en: 'This offer has already been answered ({status}).',
    },
  ),
  WAITING_LIST_AREA_OUT_OF_SCOPE: problem(
    403,
    { it: 'Zona non di sua competenza', en: 'Area outside your scope' },
    {
      it: 'Può vedere solo le liste d’attesa della sua azienda sanitaria.',
      en: 'You can see only the waiting lists of your health authority.',
    },
  ),
  NO_SHOW_DAY_NOT_OVER: problem(
    409,
    { it: 'Giornata non ancora chiusa', en: 'Day not over yet' },
    {
      it: 'Le assenze si segnano dopo la chiusura della giornata del centro ({from}): fino ad allora le persone possono ancora presentarsi.',
      en: 'No-shows are marked after the centre’s day has closed ({from}): until then people may still come.',
    },
  ),
  NO_SHOW_DAY_NOT_FOUND: problem(
    404,
    { it: 'Giornata non trovata', en: 'Day not found' },
    {
      it: 'Il centro non ha una giornata aperta in questa data.',
      en: 'The centre has no day opened on this date.',
    },
  ),
  NO_SHOW_NOT_FOUND: problem(
    404,
    { it: 'Assenza non trovata', en: 'No-show not found' },
    {
      it: 'Nessun appuntamento mancato con questo codice per questa persona.',
      en: 'No missed appointment with this code for this person.',
    },
  ),
  NO_SHOW_REBOOK_BY_PHONE: problem(
    409,
    { it: 'Nuovo appuntamento per telefono', en: 'New appointment by phone' },
    {
      it: 'Per una seconda dose mancata il nuovo appuntamento va concordato: chiami gratis il numero verde.',
      en: 'For a missed second dose the new appointment has to be agreed: call the toll-free number (free of charge).',
    },
  ),
  STANDBY_DAY_NOT_OPEN: problem(
    409,
    { it: 'Giornata non disponibile', en: 'Day not available' },
    {
      it: 'Ci si può rendere disponibili solo per una giornata aperta del centro, da oggi a {days} giorni.',
      en: 'You can stand by only for an open day of the centre, from today up to {days} days ahead.',
    },
  ),
  STANDBY_ALREADY_REGISTERED: problem(
    409,
    { it: 'Già disponibile per quel giorno', en: 'Already standing by that day' },
    {
      it: 'Questa persona è già nella lista dei riservisti per quel giorno.',
      en: 'This person is already on the standby list for that day.',
    },
  ),
  STANDBY_NOT_FOUND: problem(
    404,
    { it: 'Riservista non trovato', en: 'Standby registration not found' },
    {
      it: 'Nessuna disponibilità o chiamata con questo riferimento.',
      en: 'No standby registration or call with this reference.',
    },
  ),
  STANDBY_CALL_CLOSED: problem(
    409,
    { it: 'Chiamata già chiusa', en: 'Call already closed' },
    {
      it: 'Questa chiamata ha già un esito ({outcome}) o il tempo per rispondere è finito.',
      en: 'This call already has an outcome ({outcome}), or the time to answer is over.',
    },
  ),
});
