import { format, type Language, type Localized } from '../../platform/i18n.ts';
import { CERTIFICATE_TEXTS } from './certificate-texts.ts';
import { CONSOLE_TEXTS } from '../console/texts.ts';
import { CAREGIVER_TEXTS } from './caregiver-texts.ts';

/**
 * The citizen portal's own words (UX-1): short sentences, the citizen addressed with the formal «lei» in
 * Italian, and every refusal followed by what to do. Refusals themselves come from the problem catalogue.
 */
const TEXTS = {
  serviceName: { it: 'Vaccinazione anti COVID-19', en: 'COVID-19 vaccination' },
  serviceTagline: { it: 'Prenotazione per i cittadini', en: 'Booking for citizens' },
  regionFallback: { it: 'Regione', en: 'Region' },
  skipToContent: { it: 'Vai al contenuto principale', en: 'Skip to main content' },
  switchLanguage: { it: 'English', en: 'Italiano' },
  switchLanguageLabel: { it: 'Read this page in English', en: 'Leggi questa pagina in italiano' },
  signedInUntil: {
    it: 'Ha eseguito l’accesso. Per sicurezza la sessione termina alle {time}: dopo dovrà accedere di nuovo.',
    en: 'You are signed in. For your safety the session ends at {time}: after that, sign in again.',
  },
  signOut: { it: 'Esci', en: 'Sign out' },
  sessionEnding: {
    it: 'La sessione termina tra due minuti: completi ora quello che sta facendo, poi dovrà accedere di nuovo.',
    en: 'Your session ends in two minutes: finish what you are doing now; after that, sign in again.',
  },
  footerHelp: {
    it: 'Per aiuto chiami il numero verde della regione: è gratuito.',
    en: 'For help call the region’s toll-free number: it is free of charge.',
  },
  errorPrefix: { it: 'Errore: ', en: 'Error: ' },
  errorSummaryTitle: { it: 'C’è un problema', en: 'There is a problem' },
  errorWord: { it: 'Errore:', en: 'Error:' },
  stepOf: { it: 'Passo {step} di {steps}', en: 'Step {step} of {steps}' },
  back: { it: 'Indietro', en: 'Back' },
  change: { it: 'Cambia', en: 'Change' },
  continue: { it: 'Continua', en: 'Continue' },
  toStart: { it: 'Torna alla sua pagina', en: 'Back to your page' },
  toSignIn: { it: 'Vai all’accesso', en: 'Go to sign-in' },
  correlation: {
    it: 'Se chiama il numero verde, indichi questo codice: {id}',
    en: 'If you call the toll-free number, give this code: {id}',
  },

  // Sign-in
  signInTitle: { it: 'Acceda con la tessera sanitaria', en: 'Sign in with your health card' },
  signInIntro: {
    it: 'Per prenotare, vedere o cambiare una vaccinazione servono il codice fiscale e il numero della tessera sanitaria. Li trova sulla tessera.',
    en: 'To book, see or change a vaccination you need your tax code and your health-card number. Both are on the card.',
  },
  taxCode: { it: 'Codice fiscale', en: 'Tax code (codice fiscale)' },
  taxCodeHint: {
    it: '16 caratteri, sul fronte della tessera. Esempio: RSSMRA85T10A562S',
    en: '16 characters, on the front of the card. Example: RSSMRA85T10A562S',
  },
  healthCardNumber: { it: 'Numero della tessera sanitaria', en: 'Health-card number' },
  healthCardNumberHint: {
    it: '20 cifre, sul retro della tessera, sotto «Numero identificazione tessera». Iniziano con 80380.',
    en: '20 digits, on the back of the card, under «Numero identificazione tessera». They start with 80380.',
  },
  signInButton: { it: 'Accedi', en: 'Sign in' },
  signInExpired: {
    it: 'La sessione è terminata o non è ancora iniziata: acceda di nuovo per continuare.',
    en: 'Your session has ended or has not started yet: sign in again to continue.',
  },
  signedOut: {
    it: 'È uscito dal servizio. Per sicurezza chiuda anche il browser se il dispositivo è condiviso.',
    en: 'You have signed out. For your safety also close the browser if the device is shared.',
  },
  signInPrivacy: {
    it: 'Usiamo i suoi dati solo per la vaccinazione. Dopo {attempts} tentativi errati l’accesso si blocca per {minutes} minuti.',
    en: 'We use your data only for the vaccination. After {attempts} wrong attempts sign-in is blocked for {minutes} minutes.',
  },

  // Start page: can I book?
  startTitle: { it: 'La sua vaccinazione', en: 'Your vaccination' },
  greeting: { it: 'Buongiorno {name}.', en: 'Hello {name}.' },
  canBookTitle: { it: 'Può prenotare', en: 'You can book' },
  cannotBookTitle: { it: 'Non può ancora prenotare', en: 'You cannot book yet' },
  bookButton: { it: 'Prenota la vaccinazione', en: 'Book your vaccination' },
  yourCategory: { it: 'Perché: {categories}', en: 'Why: {categories}' },
  alreadyBooked: {
    it: 'Ha già una prenotazione: per cambiarla la apra e scelga «Sposta appuntamento».',
    en: 'You already have a booking: to change it, open it and choose "Reschedule".',
  },
  yourBookings: { it: 'Le sue prenotazioni', en: 'Your bookings' },
  noBookings: { it: 'Non ha prenotazioni aperte.', en: 'You have no open bookings.' },
  bookingItem: { it: '{dose}: {when}, {place}', en: '{dose}: {when}, {place}' },
  doseNumber: { it: 'Dose {n}', en: 'Dose {n}' },
  openBooking: { it: 'Apri la prenotazione {code}', en: 'Open booking {code}' },
  findTitle: { it: 'Cerca una prenotazione con il codice', en: 'Find a booking by its code' },
  bookingCode: { it: 'Codice della prenotazione', en: 'Booking code' },
  bookingCodeHint: {
    it: '8 lettere o cifre, nella conferma ricevuta. Esempio: K7M2Q9XA',
    en: '8 letters or digits, in the confirmation you received. Example: K7M2Q9XA',
  },
  findButton: { it: 'Cerca', en: 'Find' },

  // Booking: domicile, time, hubs
  bookTitle: { it: 'Dove abita', en: 'Where you live' },
  rescheduleTitle: { it: 'Sposti la prenotazione {code}', en: 'Reschedule booking {code}' },
  domicileIntro: {
    it: 'Indichi il domicilio, cioè dove vive ora: le proponiamo i centri vaccinali più vicini.',
    en: 'Give your domicile, that is where you live now: we show you the nearest vaccination centres.',
  },
  province: { it: 'Provincia', en: 'Province' },
  municipality: { it: 'Comune', en: 'Municipality' },
  municipalityHint: {
    it: 'Può scrivere le prime lettere del nome per spostarsi nell’elenco.',
    en: 'You can type the first letters of the name to move through the list.',
  },
  cap: { it: 'CAP', en: 'Postcode (CAP)' },
  capHint: { it: 'Il codice postale del domicilio.', en: 'The postcode of your domicile.' },
  chooseOption: { it: 'Scelga…', en: 'Choose…' },
  whenTitle: { it: 'Quando preferisce', en: 'When you prefer' },
  date: { it: 'Giorno', en: 'Day' },
  dateHint: {
    it: 'Se il giorno è pieno le proponiamo il più vicino libero.',
    en: 'If the day is full we offer the nearest free one.',
  },
  time: { it: 'Ora', en: 'Time' },
  timeHint: { it: 'Per esempio 09:30.', en: 'For example 09:30.' },
  needs: { it: 'Mi serve (facoltativo)', en: 'I need (optional)' },
  need_step_free: { it: 'Accesso senza gradini', en: 'Step-free access' },
  need_parking: { it: 'Parcheggio', en: 'Parking' },
  need_sign_language: { it: 'Interprete LIS (lingua dei segni)', en: 'Sign-language (LIS) interpreter' },
  need_lip_reading: { it: 'Mediatore per la lettura labiale', en: 'Lip-reading mediator' },
  searchButton: { it: 'Cerca i centri vaccinali', en: 'Find vaccination centres' },
  hubsTitle: { it: 'Scelga centro e orario', en: 'Choose centre and time' },
  hubsIntro: {
    it: 'I centri sono in ordine di distanza dal suo domicilio ({place}). Per ognuno vede l’orario libero più vicino a {when}.',
    en: 'Centres are in order of distance from your domicile ({place}). For each you see the free time nearest to {when}.',
  },
  hubChoice: { it: 'Centro e orario', en: 'Centre and time' },
  distance: { it: 'a {km} km', en: '{km} km away' },
  freeAtWanted: { it: 'Libero all’orario che ha chiesto', en: 'Free at the time you asked' },
  freeNearest: { it: 'Orario libero più vicino', en: 'Nearest free time' },
  freePlaces: { it: '{free} posti liberi', en: '{free} places free' },
  hubFull: {
    it: 'Nessun orario libero nelle due settimane intorno al giorno scelto.',
    en: 'No free time in the two weeks around the chosen day.',
  },
  accessibility: { it: 'Servizi: {features}', en: 'Services: {features}' },
  noHubs: {
    it: 'Nessun centro ha posti liberi in quei giorni. Provi un altro giorno o chiami il numero verde.',
    en: 'No centre has free places on those days. Try another day or call the toll-free number.',
  },
  changeSearch: { it: 'Cambia giorno, ora o domicilio', en: 'Change day, time or domicile' },

  // Confirm
  confirmTitle: { it: 'Controlli e confermi', en: 'Check and confirm' },
  confirmRescheduleTitle: { it: 'Controlli il nuovo appuntamento', en: 'Check the new appointment' },
  where: { it: 'Dove', en: 'Where' },
  when: { it: 'Quando', en: 'When' },
  vaccine: { it: 'Vaccino', en: 'Vaccine' },
  vaccineChosen: {
    it: 'Lo sceglie il sistema in base alla sua età e al piano vaccinale: {products}.',
    en: 'The system chooses it from your age and the vaccination plan: {products}.',
  },
  secondDoseNote: {
    it: 'Se il vaccino richiede due dosi, la seconda viene prenotata insieme alla prima, nello stesso centro, con lo stesso vaccino.',
    en: 'If the vaccine needs two doses, the second is booked together with the first, at the same centre, with the same vaccine.',
  },
  confirmButton: { it: 'Conferma la prenotazione', en: 'Confirm the booking' },
  confirmRescheduleButton: { it: 'Conferma il nuovo appuntamento', en: 'Confirm the new appointment' },
  bookingFailedTitle: { it: 'Prenotazione non riuscita', en: 'Booking not made' },
  searchAgain: { it: 'Ripeta la ricerca', en: 'Search again' },
  openExisting: { it: 'Apra la prenotazione {code}', en: 'Open booking {code}' },

  // Booking page
  bookingTitle: { it: 'Prenotazione {code}', en: 'Booking {code}' },
  booked: {
    it: 'Prenotazione confermata. Conservi il codice: serve per vederla, spostarla o annullarla.',
    en: 'Booking confirmed. Keep the code: you need it to see, move or cancel the booking.',
  },
  moved: { it: 'Appuntamento spostato.', en: 'Appointment moved.' },
  cancelledNow: { it: 'Prenotazione annullata.', en: 'Booking cancelled.' },
  statusCancelled: {
    it: 'Questa prenotazione è annullata. Per vaccinarsi ne faccia una nuova.',
    en: 'This booking is cancelled. To be vaccinated, make a new one.',
  },
  who: { it: 'Chi', en: 'Who' },
  whoValue: { it: '{name}, codice fiscale {taxCode}', en: '{name}, tax code {taxCode}' },
  dose: { it: 'Dose', en: 'Dose' },
  doseValue: { it: '{n}ª dose', en: 'Dose {n}' },
  secondDose: { it: 'Seconda dose', en: 'Second dose' },
  secondDoseValue: {
    it: '{when}, nello stesso centro. Codice {code}.',
    en: '{when}, at the same centre. Code {code}.',
  },
  bring: { it: 'Cosa portare', en: 'What to bring' },
  arrive: {
    it: 'Arrivi 10 minuti prima dell’orario. Se ha febbre o sintomi, non vada: sposti l’appuntamento.',
    en: 'Arrive 10 minutes before your time. If you have a fever or symptoms, do not go: move the appointment.',
  },
  print: { it: 'Stampa', en: 'Print' },
  printHint: {
    it: 'Per stampare questa pagina usi il comando Stampa del browser.',
    en: 'To print this page use your browser’s Print command.',
  },
  reschedule: { it: 'Sposta appuntamento', en: 'Reschedule' },
  cancel: { it: 'Annulla prenotazione', en: 'Cancel booking' },
  actions: { it: 'Cosa vuole fare', en: 'What you can do' },

  // Cancel
  cancelTitle: { it: 'Annullare la prenotazione {code}?', en: 'Cancel booking {code}?' },
  cancelIntro: {
    it: 'Il posto viene liberato subito per un’altra persona.',
    en: 'The place is freed at once for someone else.',
  },
  reason: { it: 'Perché annulla', en: 'Why you are cancelling' },
  reason_cannot_attend: { it: 'Non posso venire in quel giorno', en: 'I cannot come that day' },
  reason_vaccinated_elsewhere: { it: 'Mi sono già vaccinato altrove', en: 'I was vaccinated elsewhere' },
  reason_not_wanted: { it: 'Non voglio più vaccinarmi ora', en: 'I no longer want the vaccination now' },
  reason_other: { it: 'Altro', en: 'Other' },
  otherReason: { it: 'Scriva il motivo', en: 'Write the reason' },
  otherReasonHint: {
    it: 'Solo se ha scelto «Altro». Non scriva dati sulla sua salute.',
    en: 'Only if you chose "Other". Do not write about your health.',
  },
  secondDoseChoice: {
    it: 'Ha anche la seconda dose il {when} (codice {code}). Cosa vuole fare?',
    en: 'You also have the second dose on {when} (code {code}). What do you want to do?',
  },
  secondDose_cancel: { it: 'Annulla anche la seconda dose', en: 'Cancel the second dose too' },
  secondDose_keep: { it: 'Tieni la seconda dose', en: 'Keep the second dose' },
  cancelButton: { it: 'Annulla la prenotazione', en: 'Cancel the booking' },
  keepButton: { it: 'No, tieni la prenotazione', en: 'No, keep the booking' },

  // Errors
  errorTitle: { it: 'Non è stato possibile continuare', en: 'We could not continue' },
  notFoundTitle: { it: 'Pagina non trovata', en: 'Page not found' },
  notFoundText: {
    it: 'L’indirizzo non corrisponde a nessuna pagina. Controlli di averlo scritto bene o parta dalla pagina iniziale.',
    en: 'The address does not match any page. Check it, or start from the first page.',
  },
  ...CONSOLE_TEXTS,
  ...CERTIFICATE_TEXTS,
  ...CAREGIVER_TEXTS,
} satisfies Record<string, Localized>;

export type TextKey = keyof typeof TEXTS;

export function text(language: Language, key: TextKey, params?: Record<string, string | number>): string {
  return format(TEXTS[key][language], params);
}
