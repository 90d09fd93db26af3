import { defineProblems, problem } from '../../platform/http/problem.ts';

/** Refusals about home vaccination, dedicated sessions and transport (BOOK-14..16). Each says what to do. */
export const accessibilityProblems = defineProblems({
  HOME_VACCINATION_LISTED: problem(
    409,
    { it: 'Vaccinazione a domicilio in corso', en: 'Home vaccination under way' },
    {
      it: 'La persona è nella lista per la vaccinazione a domicilio della sua azienda sanitaria, che la contatterà per fissare la visita: non serve prenotare in un centro vaccinale. Se ora può raggiungere un centro, lo dica al numero verde o alla sua azienda sanitaria.',
      en: 'The person is on the home-vaccination list of their health authority, which will contact them to set the visit: there is no need to book at a vaccination centre. If they can now reach a centre, tell the toll-free number or the health authority.',
    },
  ),
  DEDICATED_SESSION_BOOKED: problem(
    409,
    { it: 'Appuntamento in una seduta dedicata', en: 'Appointment in a dedicated session' },
    {
      it: 'La persona ha già un appuntamento in una seduta dedicata (codice {code}). Per prenotare in un centro vaccinale, prima annulli quell’appuntamento.',
      en: 'The person already has an appointment in a dedicated session (code {code}). To book at a vaccination centre, cancel that appointment first.',
    },
  ),
  ACCESSIBILITY_HUB_BOOKING_OPEN: problem(
    409,
    { it: 'C’è già un appuntamento in un centro', en: 'There is already a centre appointment' },
    {
      it: 'La persona ha già un appuntamento in un centro vaccinale (codice {code}). Lo annulli prima, così il posto torna libero.',
      en: 'The person already has an appointment at a vaccination centre (code {code}). Cancel it first, so that its place is freed.',
    },
  ),
  ACCESSIBILITY_OUT_OF_SCOPE: problem(
    403,
    { it: 'Non di sua competenza', en: 'Outside your scope' },
    {
      it: 'Può gestire solo le richieste e le sedute della sua azienda sanitaria.',
      en: 'You can manage only the requests and sessions of your health authority.',
    },
  ),
  ACCESSIBILITY_PERSON_NOT_FOUND: problem(
    404,
    { it: 'Persona non trovata', en: 'Person not found' },
    {
      it: 'Nessuna persona con questo riferimento nell’anagrafe. Controlli il riferimento o cerchi la persona di nuovo.',
      en: 'No person with this reference in the registry. Check the reference or search for the person again.',
    },
  ),
  HOME_VACCINATION_NOT_FOR_PERSON: problem(
    400,
    { it: 'La vaccinazione a domicilio non è prevista', en: 'Home vaccination does not apply' },
    {
      it: 'La vaccinazione a domicilio è per le persone non autosufficienti che non possono raggiungere un centro nemmeno con un trasporto organizzato. Chi ha bisogno di un trasporto può chiederlo con la prenotazione.',
      en: 'Home vaccination is for non-self-sufficient people who cannot reach a centre even with organised transport. Anyone who needs transport can ask for it with the booking.',
    },
  ),
  HOME_VACCINATION_ALREADY_OPEN: problem(
    409,
    { it: 'Richiesta già presente', en: 'Request already made' },
    {
      it: 'Per questa persona c’è già una richiesta di vaccinazione a domicilio (numero {id}). L’azienda sanitaria la contatterà.',
      en: 'There is already a home-vaccination request for this person (number {id}). The health authority will contact them.',
    },
  ),
  HOME_VACCINATION_NOT_FOUND: problem(
    404,
    { it: 'Richiesta non trovata', en: 'Request not found' },
    {
      it: 'Nessuna richiesta di vaccinazione a domicilio con questo numero.',
      en: 'No home-vaccination request with this number.',
    },
  ),
  HOME_VACCINATION_WRONG_STATUS: problem(
    409,
    { it: 'Operazione non possibile in questo stato', en: 'Not possible in this status' },
    {
      it: 'La richiesta è nello stato «{status}»: questa operazione non si può fare. Ricarichi la lista e controlli lo stato.',
      en: 'The request is “{status}”: this operation cannot be done. Reload the list and check its status.',
    },
  ),
  HOME_VISIT_IN_THE_PAST: problem(
    400,
    { it: 'Giorno della visita passato', en: 'Visit day in the past' },
    {
      it: 'Il giorno della visita non può essere prima di oggi ({today}).',
      en: 'The visit day cannot be before today ({today}).',
    },
  ),
  HOME_VACCINATION_NO_AUTHORITY: problem(
    409,
    { it: 'Azienda sanitaria non nota', en: 'Health authority unknown' },
    {
      it: 'Non sappiamo a quale azienda sanitaria appartiene la persona: manca il domicilio sanitario. Lo aggiorni in anagrafe, poi ripeta la richiesta.',
      en: 'We do not know which health authority the person belongs to: the health domicile is missing. Update it in the registry, then make the request again.',
    },
  ),
  HOME_OUTCOME_REASON_REQUIRED: problem(
    400,
    { it: 'Motivo mancante', en: 'Reason missing' },
    {
      it: 'Se la vaccinazione a domicilio non è stata possibile, scriva il motivo.',
      en: 'If the home vaccination was not possible, write the reason.',
    },
  ),
  DEDICATED_SESSION_SUPPORT_MISSING: problem(
    400,
    { it: 'Supporto mancante', en: 'Support missing' },
    {
      it: 'Per le persone sorde serve un interprete LIS o un mediatore per la lettura labiale; per le persone cieche un accompagnatore. Scelga una seduta con il supporto necessario.',
      en: 'Deaf people need a LIS interpreter or a lip-reading mediator; blind people a guide. Choose a session with the support needed.',
    },
  ),
  DEDICATED_SESSION_PLACES_TOO_FEW: problem(
    400,
    { it: 'Posti insufficienti', en: 'Too few places' },
    {
      it: 'I posti della seduta devono bastare per le persone di supporto (ognuna occupa un posto) e per ogni persona del gruppo.',
      en: 'The session’s places must be enough for its support people (each takes one place) and for every person of the group.',
    },
  ),
  DEDICATED_SESSION_IN_THE_PAST: problem(
    400,
    { it: 'Seduta nel passato', en: 'Session in the past' },
    {
      it: 'La seduta deve iniziare più tardi di adesso.',
      en: 'The session must start later than now.',
    },
  ),
  DEDICATED_SESSION_TIME_INVALID: problem(
    400,
    { it: 'Orario della seduta non valido', en: 'Session time not valid' },
    {
      it: 'La seduta deve finire dopo l’inizio, nello stesso giorno, e durare al massimo 10 ore.',
      en: 'The session must end after it starts, on the same day, and last at most 10 hours.',
    },
  ),
  DEDICATED_SESSION_NOT_FOUND: problem(
    404,
    { it: 'Seduta non trovata', en: 'Session not found' },
    {
      it: 'Nessuna seduta dedicata con questo riferimento. Scelga di nuovo dalla lista delle sedute.',
      en: 'No dedicated session with this reference. Choose again from the list of sessions.',
    },
  ),
  DEDICATED_SESSION_NOT_OPEN: problem(
    409,
    { it: 'Seduta non prenotabile', en: 'Session not bookable' },
    {
      it: 'Questa seduta è stata annullata o è già iniziata. Scelga un’altra seduta.',
      en: 'This session was cancelled or has already started. Choose another session.',
    },
  ),
  DEDICATED_SESSION_NOT_NEEDED: problem(
    400,
    { it: 'Indichi di cosa ha bisogno', en: 'Say what is needed' },
    {
      it: 'Le sedute dedicate sono per chi ha bisogno di un interprete LIS, di un mediatore per la lettura labiale, di un accompagnatore o di un trasporto. Indichi almeno uno di questi bisogni, oppure prenoti in un centro vaccinale.',
      en: 'Dedicated sessions are for people who need a LIS interpreter, a lip-reading mediator, a guide or transport. Say at least one of these needs, or book at a vaccination centre.',
    },
  ),
  DEDICATED_SESSION_KIND_MISMATCH: problem(
    409,
    { it: 'Seduta di un altro tipo', en: 'Session of another kind' },
    {
      it: 'Questa seduta è organizzata per altre persone (ad esempio per persone sorde o cieche). Scelga una seduta adatta ai bisogni indicati.',
      en: 'This session is organised for other people (for example deaf or blind people). Choose a session that fits the needs given.',
    },
  ),
  DEDICATED_SESSION_FULL: problem(
    409,
    { it: 'Seduta al completo', en: 'Session full' },
    {
      it: 'Nella seduta non c’è più posto (per la persona e, se viene, per chi l’accompagna). Scelga un’altra seduta.',
      en: 'There is no room left in the session (for the person and, if they come, their caregiver). Choose another session.',
    },
  ),
  DEDICATED_SESSION_BOOKING_ALREADY_OPEN: problem(
    409,
    { it: 'Appuntamento già presente', en: 'Appointment already made' },
    {
      it: 'La persona ha già un appuntamento in una seduta dedicata per questa dose (codice {code}).',
      en: 'The person already has an appointment in a dedicated session for this dose (code {code}).',
    },
  ),
  DEDICATED_SESSION_BOOKING_NOT_FOUND: problem(
    404,
    { it: 'Appuntamento non trovato', en: 'Appointment not found' },
    {
      it: 'Nessun appuntamento in una seduta dedicata con questo codice. Controlli il codice.',
      en: 'No dedicated-session appointment with this code. Check the code.',
    },
  ),
  DEDICATED_SESSION_BOOKING_CANCELLED: problem(
    409,
    { it: 'Appuntamento già annullato', en: 'Appointment already cancelled' },
    {
      it: 'Questo appuntamento è già stato annullato.',
      en: 'This appointment has already been cancelled.',
    },
  ),
  DEDICATED_SESSION_BEFORE_VACCINATIONS_START: problem(
    409,
    { it: 'Troppo presto per questa persona', en: 'Too early for this person' },
    {
      it: 'Le vaccinazioni per la categoria della persona iniziano il {vaccinationsStartOn}. Scelga una seduta da quel giorno.',
      en: 'Vaccinations for the person’s category start on {vaccinationsStartOn}. Choose a session from that day.',
    },
  ),
});
