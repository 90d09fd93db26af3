import { defineProblems, problem } from '../../platform/http/problem.ts';

/** Refusals of active calling (BOOK-17, ELIG-21). Each says what is wrong and what to do. */
export const outreachProblems = defineProblems({
  OUTREACH_CAMPAIGN_NOT_FOUND: problem(
    404,
    { it: 'Campagna non trovata', en: 'Campaign not found' },
    {
      it: 'Nessuna campagna di chiamata attiva con questo numero tra quelle che può vedere. Controlli il numero nell’elenco delle campagne.',
      en: 'No active-calling campaign with this number among those you can see. Check the number in the list of campaigns.',
    },
  ),
  OUTREACH_AUTHORITY_OUT_OF_SCOPE: problem(
    403,
    { it: 'Azienda sanitaria non Sua', en: 'Not your health authority' },
    {
      it: 'Può creare campagne solo per la Sua azienda sanitaria ({authorities}). Scelga una di queste.',
      en: 'You can create campaigns only for your health authority ({authorities}). Choose one of these.',
    },
  ),
  OUTREACH_AUTHORITY_UNKNOWN: problem(
    422,
    { it: 'Azienda sanitaria sconosciuta', en: 'Unknown health authority' },
    {
      it: 'Non esiste un’azienda sanitaria con il codice {code}. Controlli il codice.',
      en: 'There is no health authority with code {code}. Check the code.',
    },
  ),
  OUTREACH_DEADLINE_REQUIRED: problem(
    422,
    { it: 'Scadenza mancante', en: 'Deadline missing' },
    {
      it: 'Indichi la data entro cui contattare le persone (deadline) oppure una scadenza del piano (deadlineId).',
      en: 'Give the date by which the people must be contacted (deadline) or a deadline of the plan (deadlineId).',
    },
  ),
  OUTREACH_DEADLINE_UNKNOWN: problem(
    422,
    { it: 'Scadenza del piano sconosciuta', en: 'Unknown plan deadline' },
    {
      it: 'Il piano della Sua regione in vigore oggi non ha una scadenza «{deadlineId}». Controlli il nome o indichi una data.',
      en: 'Your region’s plan in force today has no deadline “{deadlineId}”. Check the name or give a date.',
    },
  ),
  OUTREACH_SELECTION_EMPTY: problem(
    422,
    { it: 'Selezione troppo ampia', en: 'Selection too wide' },
    {
      it: 'Indichi almeno un criterio (categoria, lista, fascia d’età o comuni): una campagna non chiama tutta la popolazione.',
      en: 'Give at least one criterion (category, list, age band or municipalities): a campaign does not call the whole population.',
    },
  ),
  OUTREACH_AGE_BAND_INVALID: problem(
    422,
    { it: 'Fascia d’età non valida', en: 'Invalid age band' },
    {
      it: 'L’età minima ({ageFrom}) supera la massima ({ageTo}). Corregga la fascia.',
      en: 'The lowest age ({ageFrom}) is above the highest ({ageTo}). Correct the band.',
    },
  ),
  OUTREACH_CATEGORY_UNKNOWN: problem(
    422,
    { it: 'Categoria sconosciuta', en: 'Unknown category' },
    {
      it: 'Il piano in vigore non ha la categoria «{category}». Scelga una categoria del piano.',
      en: 'The plan in force has no category “{category}”. Choose a category of the plan.',
    },
  ),
  OUTREACH_CAMPAIGN_CLOSED: problem(
    409,
    { it: 'Campagna chiusa', en: 'Campaign closed' },
    {
      it: 'La campagna è chiusa: non si inviano più contatti. Apra una nuova campagna se serve.',
      en: 'The campaign is closed: no more contacts are sent. Open a new campaign if needed.',
    },
  ),
  OUTREACH_TARGET_NOT_FOUND: problem(
    404,
    { it: 'Persona non nella campagna', en: 'Person not in the campaign' },
    {
      it: 'Questa persona non è tra quelle da contattare in questa campagna. Controlli la persona o la campagna.',
      en: 'This person is not among the people this campaign contacts. Check the person or the campaign.',
    },
  ),
  OUTREACH_NO_CALL_TO_DEAF: problem(
    422,
    { it: 'Nessuna telefonata a una persona sorda', en: 'No phone call to a deaf person' },
    {
      it: 'Questa persona è sorda: non va chiamata al telefono. Le scriva (SMS, e-mail o lettera) in un linguaggio semplice.',
      en: 'This person is deaf: do not call them on the phone. Write to them instead (SMS, e-mail or letter) in plain language.',
    },
  ),
  OUTREACH_NO_PHONE: problem(
    422,
    { it: 'Nessun telefono da chiamare', en: 'No phone to call' },
    {
      it: 'Questa persona non ha un telefono che si possa chiamare. Le scriva oppure aggiorni i suoi contatti in anagrafe.',
      en: 'This person has no phone that can be called. Write to them, or update their contacts in the registry.',
    },
  ),
  OUTREACH_BOOKING_REQUIRED: problem(
    422,
    { it: 'Prenotazione mancante', en: 'Booking missing' },
    {
      it: 'Per l’esito «prenotato» indichi la prenotazione fatta durante la telefonata (bookingCode) o confermi la proposta.',
      en: 'For the outcome “booked”, give the booking made during the call (bookingCode) or confirm the proposal.',
    },
  ),
  OUTREACH_BOOKING_NOT_OF_PERSON: problem(
    422,
    { it: 'Prenotazione di un’altra persona', en: 'Booking of another person' },
    {
      it: 'La prenotazione indicata non è di questa persona. Controlli il codice.',
      en: 'The booking given is not this person’s. Check the code.',
    },
  ),
  OUTREACH_PROPOSALS_OFF: problem(
    409,
    { it: 'Campagna senza proposte', en: 'Campaign without proposals' },
    {
      it: 'Questa campagna non propone appuntamenti. La persona può prenotare con la ricerca normale.',
      en: 'This campaign does not propose appointments. The person can book with the normal search.',
    },
  ),
  OUTREACH_NO_SLOT_TO_PROPOSE: problem(
    409,
    { it: 'Nessun posto da proporre', en: 'No place to propose' },
    {
      it: 'Non c’è un posto libero vicino al domicilio della persona nei prossimi giorni. La persona può prenotare con la ricerca normale o essere richiamata.',
      en: 'There is no free place near the person’s domicile in the coming days. The person can book with the normal search or be called again.',
    },
  ),
  OUTREACH_PROPOSAL_NOT_FOUND: problem(
    404,
    { it: 'Proposta non trovata', en: 'Proposal not found' },
    {
      it: 'Nessuna proposta di appuntamento con questo numero per Lei. Controlli il numero nel messaggio ricevuto.',
      en: 'No appointment proposal with this number for you. Check the number in the message you received.',
    },
  ),
  OUTREACH_PROPOSAL_EXPIRED: problem(
    409,
    { it: 'Proposta scaduta', en: 'Proposal expired' },
    {
      it: 'Questa proposta di appuntamento non vale più. Scelga un altro appuntamento con la ricerca, oppure chiami il numero verde.',
      en: 'This appointment proposal is no longer valid. Choose another appointment with the search, or call the toll-free number.',
    },
  ),
  OUTREACH_PROPOSAL_DECIDED: problem(
    409,
    { it: 'Proposta già decisa', en: 'Proposal already decided' },
    {
      it: 'Per questa proposta è già stata fatta una scelta ({status}). Veda le Sue prenotazioni o scelga un altro appuntamento.',
      en: 'A choice was already made for this proposal ({status}). See your bookings or choose another appointment.',
    },
  ),
  OUTREACH_PROPOSAL_SLOT_TAKEN: problem(
    409,
    { it: 'Posto proposto non più libero', en: 'Proposed place no longer free' },
    {
      it: 'Il posto proposto è stato preso da altri nel frattempo. Scelga un altro appuntamento con la ricerca, oppure chiami il numero verde.',
      en: 'The proposed place was taken by others in the meantime. Choose another appointment with the search, or call the toll-free number.',
    },
  ),
  OUTREACH_PERSON_NOT_FOUND: problem(
    404,
    { it: 'Persona non trovata', en: 'Person not found' },
    {
      it: 'Nessuna persona con questo numero in anagrafe. Cerchi la persona per codice fiscale.',
      en: 'No person with this number in the registry. Search for the person by tax code.',
    },
  ),
});
