import { defineProblems, problem } from '../../platform/http/problem.ts';

/** Refusals of booking (spec 30-booking.md). Each says what is wrong and what to do. */
export const bookingProblems = defineProblems({
  HUB_NOT_FOUND: problem(
    404,
    { it: 'Centro vaccinale non trovato', en: 'Vaccination centre not found' },
    {
      it: 'Nessun centro vaccinale con questo riferimento.',
      en: 'No vaccination centre with this reference.',
    },
  ),
  HUB_NOT_CONFIGURED: problem(
    409,
    { it: 'Centro non ancora configurato', en: 'Centre not configured yet' },
    {
      it: 'Prima di aprire giornate va indicato il numero di postazioni del centro (almeno 5).',
      en: 'Before opening days, set the centre’s number of stations (at least 5).',
    },
  ),
  HUB_OUT_OF_SCOPE: problem(
    403,
    { it: 'Centro non di sua competenza', en: 'Centre outside your scope' },
    {
      it: 'Può gestire solo i centri del suo punto vaccinale o della sua azienda sanitaria.',
      en: 'You can manage only the centres of your vaccination point or of your health authority.',
    },
  ),
  HUB_DAY_TOO_MANY_STATIONS: problem(
    400,
    { it: 'Postazioni oltre quelle del centro', en: 'More stations than the centre has' },
    {
      it: 'Le postazioni attive del giorno ({dayStations}) non possono superare quelle del centro ({hubStations}).',
      en: 'The day’s active stations ({dayStations}) cannot exceed the centre’s ({hubStations}).',
    },
  ),
  HUB_DAY_WOULD_DROP_BOOKINGS: problem(
    409,
    { it: 'La modifica toglierebbe posti già prenotati', en: 'The change would drop booked places' },
    {
      it: 'Con questi orari o postazioni {affected} prenotazioni resterebbero senza posto (BOOK-2): spostarle o avvisare le persone prima di ridurre la capacità.',
      en: 'With these hours or stations {affected} bookings would lose their place (BOOK-2): move them or tell the people before cutting capacity.',
    },
  ),
  STOCK_BELOW_BOOKED: problem(
    409,
    { it: 'Dosi meno delle prenotazioni', en: 'Fewer doses than bookings' },
    {
      it: 'Per {product} ci sono già {booked} prenotazioni in quel giorno: le dosi non possono essere meno di così.',
      en: 'There are already {booked} bookings for {product} that day: the doses cannot be fewer.',
    },
  ),
  PRODUCT_UNKNOWN: problem(
    400,
    { it: 'Vaccino sconosciuto', en: 'Unknown vaccine' },
    { it: 'Il vaccino «{product}» non è nel catalogo.', en: 'Vaccine "{product}" is not in the catalogue.' },
  ),
  MUNICIPALITY_UNKNOWN: problem(
    400,
    { it: 'Comune sconosciuto', en: 'Unknown municipality' },
    {
      it: 'Il comune indicato non esiste: lo scelga dall’elenco della provincia.',
      en: 'The municipality given does not exist: pick it from the province’s list.',
    },
  ),
  CAP_NOT_OF_MUNICIPALITY: problem(
    400,
    { it: 'CAP di un altro comune', en: 'Postcode of another municipality' },
    {
      it: 'Il CAP {cap} non appartiene al comune scelto (BOOK-6): controlli il CAP del domicilio.',
      en: 'Postcode {cap} does not belong to the chosen municipality (BOOK-6): check your domicile postcode.',
    },
  ),
  BOOKING_NOT_ENTITLED: problem(
    403,
    { it: 'Prenotazione non ancora possibile', en: 'Booking not possible yet' },
    { it: '{message}', en: '{message}' },
  ),
  BOOKING_BEFORE_VACCINATIONS_START: problem(
    409,
    { it: 'Vaccinazioni non ancora iniziate in quella data', en: 'Vaccinations not started on that date' },
    {
      it: 'Per la sua categoria le vaccinazioni iniziano il {vaccinationsStartOn}: scelga un appuntamento da quel giorno.',
      en: 'For your category vaccinations start on {vaccinationsStartOn}: choose an appointment from that day.',
    },
  ),
  SLOT_NOT_FOUND: problem(
    404,
    { it: 'Orario non trovato', en: 'Time slot not found' },
    {
      it: 'L’orario scelto non esiste più: ripeta la ricerca.',
      en: 'The chosen time no longer exists: search again.',
    },
  ),
  SLOT_IN_THE_PAST: problem(
    409,
    { it: 'Orario passato', en: 'Time in the past' },
    {
      it: 'L’orario scelto è già passato: ne scelga un altro.',
      en: 'The chosen time has passed: choose another.',
    },
  ),
  SLOT_FULL: problem(
    409,
    { it: 'Orario esaurito', en: 'Time slot full' },
    {
      it: 'Nel frattempo l’ultimo posto di quell’orario è stato preso: ripeta la ricerca per vedere gli orari liberi.',
      en: 'Meanwhile the last place at that time was taken: search again to see the free times.',
    },
  ),
  HUB_NOT_BOOKABLE: problem(
    409,
    { it: 'Centro non prenotabile', en: 'Centre not open for booking' },
    {
      it: 'Questo centro non accetta nuove prenotazioni: ne scelga un altro tra quelli proposti.',
      en: 'This centre does not take new bookings: choose another of those offered.',
    },
  ),
  NO_DOSES_FOR_PERSON: problem(
    409,
    { it: 'Nessun vaccino adatto disponibile', en: 'No suitable vaccine available' },
    {
      it: 'Quel giorno il centro non ha dosi del vaccino indicato per lei ({products}): ripeta la ricerca.',
      en: 'That day the centre has no doses of the vaccine indicated for you ({products}): search again.',
    },
  ),
  BOOKING_ALREADY_OPEN: problem(
    409,
    { it: 'Prenotazione già presente', en: 'Booking already made' },
    {
      it: 'Ha già una prenotazione per questa dose (codice {code}): per cambiarla usi «sposta appuntamento».',
      en: 'You already have a booking for this dose (code {code}): to change it use "reschedule".',
    },
  ),
  IDEMPOTENCY_KEY_REUSED: problem(
    409,
    { it: 'Chiave di ripetizione già usata', en: 'Idempotency key already used' },
    {
      it: 'Questa chiave Idempotency-Key è già stata usata per un’altra prenotazione: ogni conferma nuova ne usa una nuova.',
      en: 'This Idempotency-Key was already used for another booking: each new confirmation uses a new key.',
    },
  ),
  BOOKING_MOVE_CONFLICT: problem(
    409,
    { it: 'Prenotazioni in conflitto', en: 'Conflicting bookings' },
    {
      it: 'Le due identità hanno una prenotazione confermata per la stessa dose ({codes}): ne annulli una, poi ripeta lo spostamento.',
      en: 'Both identities have a confirmed booking for the same dose ({codes}): cancel one, then move again.',
    },
  ),
  BOOKING_NOT_FOUND: problem(
    404,
    { it: 'Prenotazione non trovata', en: 'Booking not found' },
    {
      it: 'Nessuna prenotazione con questo codice per questa persona: controlli il codice ricevuto alla conferma.',
      en: 'No booking with this code for this person: check the code received at confirmation.',
    },
  ),
  BOOKING_CANCELLED: problem(
    409,
    { it: 'Prenotazione annullata', en: 'Booking cancelled' },
    {
      it: 'Questa prenotazione è stata annullata: per vaccinarsi ne faccia una nuova.',
      en: 'This booking was cancelled: to be vaccinated, make a new one.',
    },
  ),
  SECOND_DOSE_NO_PLACE: problem(
    409,
    { it: 'Nessun posto per la seconda dose', en: 'No place for the second dose' },
    {
      it: 'Con {product} la seconda dose va fatta tra il {earliest} e il {latest}, e in questo centro non ci sono ancora posti in quei giorni: scelga un altro centro o riprovi quando il calendario sarà aperto.',
      en: 'With {product} the second dose is due between {earliest} and {latest}, and this centre has no places on those days yet: choose another centre or try again when its calendar opens.',
    },
  ),
  SECOND_DOSE_DECISION_REQUIRED: problem(
    409,
    { it: 'Decidere della seconda dose', en: 'Decide about the second dose' },
    {
      it: 'Questa prenotazione ha anche la seconda dose (codice {code}, il {startsAt}): indichi se annullare anche quella o tenerla (secondDose: cancel oppure keep).',
      en: 'This booking also has the second dose (code {code}, on {startsAt}): say whether to cancel it too or keep it (secondDose: cancel or keep).',
    },
  ),
  PERSON_REQUIRED: problem(
    400,
    { it: 'Indicare la persona', en: 'Give the person' },
    {
      it: 'Prenotando per conto di un cittadino va indicata la persona (personId), dopo averla identificata.',
      en: 'Booking on a citizen’s behalf needs the person (personId), after identifying them.',
    },
  ),
});
