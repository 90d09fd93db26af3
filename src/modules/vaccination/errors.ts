import { defineProblems, DomainError, problem } from '../../platform/http/problem.ts';
import { findingsText } from './finding-texts.ts';
import type { NonConformingFinding } from './rules.ts';

/** Refusals of the immunization registry (spec 40-vaccination.md). Each says what is wrong and what to do. */
export const vaccinationProblems = defineProblems({
  NATIONAL_VACCINATIONS_UNREACHABLE: problem(
    503,
    { it: 'Sistema nazionale non raggiungibile', en: 'National system unreachable' },
    {
      it: 'Il sistema nazionale non ha risposto in tempo: riprovi tra poco. Il lavoro in regione può continuare.',
      en: 'The national system did not answer in time: try again shortly. Work in the region can go on.',
    },
  ),
  ADMINISTRATION_PERSON_WITHOUT_IDENTIFIER: problem(
    409,
    { it: 'Identificativo in attesa', en: 'Identifier pending' },
    {
      it: 'La persona non ha ancora un identificativo nazionale (richiesta in corso): il confronto con il sistema nazionale sarà possibile quando arriverà.',
      en: 'The person has no national identifier yet (requested): the national comparison will be possible once it arrives.',
    },
  ),
  ADMINISTRATION_PRODUCT_UNKNOWN: problem(
    400,
    { it: 'Vaccino sconosciuto', en: 'Unknown vaccine' },
    {
      it: 'Il prodotto {product} non è nel catalogo: scelga il vaccino dall’elenco.',
      en: 'Product {product} is not in the catalogue: choose the vaccine from the list.',
    },
  ),
  ADMINISTRATION_IN_THE_FUTURE: problem(
    400,
    { it: 'Data futura', en: 'Date in the future' },
    {
      it: 'La somministrazione non può avere una data o un’ora successiva a questo momento.',
      en: 'An administration cannot be dated later than now.',
    },
  ),
  LOT_EXPIRED: problem(
    400,
    { it: 'Lotto scaduto', en: 'Lot expired' },
    {
      it: 'Il lotto è scaduto il {expiry}, prima della somministrazione del {date}: controlli lotto e scadenza.',
      en: 'The lot expired on {expiry}, before the administration on {date}: check the lot and its expiry.',
    },
  ),
  ADMINISTRATION_POINT_OUT_OF_SCOPE: problem(
    403,
    { it: 'Punto vaccinale non suo', en: 'Not your vaccination point' },
    {
      it: 'Può registrare solo le vaccinazioni del suo punto vaccinale.',
      en: 'You can record only the vaccinations of your own vaccination point.',
    },
  ),
  ADMINISTRATION_PERSON_NOT_FOUND: problem(
    404,
    { it: 'Persona non trovata', en: 'Person not found' },
    {
      it: 'Nessun assistito con questo riferimento: lo cerchi in anagrafe.',
      en: 'No person with this reference: look them up in the registry.',
    },
  ),
  CHECK_IN_BOOKING_OF_ANOTHER_PERSON: problem(
    409,
    { it: 'Prenotazione di un’altra persona', en: 'Booking of another person' },
    {
      it: 'La prenotazione {code} è di un’altra persona: controlli il codice.',
      en: 'Booking {code} belongs to another person: check the code.',
    },
  ),
  CHECK_IN_BOOKING_CANCELLED: problem(
    409,
    { it: 'Prenotazione annullata', en: 'Booking cancelled' },
    {
      it: 'La prenotazione {code} è stata annullata: registri la vaccinazione indicando la persona e il vaccino.',
      en: 'Booking {code} was cancelled: record the vaccination naming the person and the vaccine.',
    },
  ),
  CHECK_IN_BOOKING_ALREADY_FULFILLED: problem(
    409,
    { it: 'Prenotazione già registrata', en: 'Booking already recorded' },
    {
      it: 'La vaccinazione della prenotazione {code} è già registrata: controlli lo storico della persona.',
      en: 'The vaccination of booking {code} is recorded already: check the person’s history.',
    },
  ),
  CERTIFICATE_CONTACTS_NOT_CONFIRMED: problem(
    400,
    { it: 'Contatti per la certificazione non confermati', en: 'Certificate contacts not confirmed' },
    {
      it: 'Spunti la casella che conferma cellulare ed e-mail per il codice della certificazione, o che la persona non li ha forniti: senza, la vaccinazione non viene salvata.',
      en: 'Tick the box confirming the mobile and e-mail for the certificate code, or stating that the person gave none: without it the vaccination is not saved.',
    },
  ),
  CERTIFICATE_MOBILE_INVALID: problem(
    400,
    { it: 'Cellulare non valido', en: 'Invalid mobile number' },
    {
      it: 'Il cellulare contiene solo cifre, con un + iniziale per il prefisso internazionale.',
      en: 'A mobile number has digits only, with a leading + for the international prefix.',
    },
  ),
  ADDITIONAL_DOSE_NOT_ADMISSIBLE: problem(
    409,
    { it: 'Dose addizionale non ammessa', en: 'Additional dose not allowed' },
    {
      it: 'La dose addizionale è ammessa solo per la categoria "Soggetto vulnerabile per patologia" con una condizione sanitaria a rischio; qui la categoria è "{category}".',
      en: 'An additional dose is allowed only for the category "Soggetto vulnerabile per patologia" with a health condition at risk; here the category is "{category}".',
    },
  ),
  ADDITIONAL_DOSE_BEFORE_PRIMARY_CYCLE: problem(
    409,
    { it: 'Ciclo primario non completato', en: 'Primary cycle not complete' },
    {
      it: 'La dose addizionale completa un ciclo primario già fatto: prima vanno registrate le dosi del ciclo.',
      en: 'An additional dose follows a completed primary cycle: record the cycle’s doses first.',
    },
  ),
  BOOSTER_NOT_ADMISSIBLE: problem(
    409,
    { it: 'Dose booster non ammessa', en: 'Booster not allowed' },
    {
      it: 'Il booster è ammesso per operatori sanitari, persone oltre i 60 anni, ospiti e operatori delle strutture residenziali, o dopo 180 giorni da una dose unica di Janssen; non per la categoria "{category}".',
      en: 'A booster is allowed for health workers, people over 60, residents and staff of care homes, or 180 days after a single Janssen dose; not for the category "{category}".',
    },
  ),
  BOOSTER_BEFORE_PRIMARY_CYCLE: problem(
    409,
    { it: 'Ciclo primario non completato', en: 'Primary cycle not complete' },
    {
      it: 'Il booster segue un ciclo primario completato: questa persona non lo ha ancora completato.',
      en: 'A booster follows a completed primary cycle: this person has not completed one yet.',
    },
  ),
  NON_EMA_BOOSTER_TOO_EARLY: problem(
    409,
    { it: 'Troppo presto per il richiamo', en: 'Too early for the booster' },
    {
      it: 'Dopo un ciclo con un vaccino non autorizzato da EMA il richiamo con vaccino a mRNA si fa dal 28° al 180° giorno.',
      en: 'After a cycle with a vaccine not authorised by EMA, the mRNA booster is given from day 28 to day 180.',
    },
  ),
  NON_EMA_NEW_PRIMARY_CYCLE: problem(
    409,
    { it: 'Serve un nuovo ciclo primario', en: 'A new primary cycle is needed' },
    {
      it: 'Oltre il 180° giorno dal ciclo con un vaccino non autorizzato da EMA la dose a mRNA è la prima di un nuovo ciclo: la registri come dose 1.',
      en: 'Past day 180 after a cycle with a vaccine not authorised by EMA, an mRNA dose is the first of a new cycle: record it as dose 1.',
    },
  ),
  NON_EMA_BOOSTER_PRODUCT: problem(
    409,
    { it: 'Vaccino non adatto al richiamo', en: 'Vaccine not suitable for the booster' },
    {
      it: 'Dopo un ciclo con un vaccino non autorizzato da EMA il richiamo è Comirnaty 30 mcg (0,3 ml) o Spikevax 50 mcg (0,25 ml).',
      en: 'After a cycle with a vaccine not authorised by EMA the booster is Comirnaty 30 mcg (0.3 ml) or Spikevax 50 mcg (0.25 ml).',
    },
  ),
  ADMINISTRATION_NOT_FOUND: problem(
    404,
    { it: 'Vaccinazione non trovata', en: 'Vaccination not found' },
    {
      it: 'Nessuna vaccinazione registrata con questo riferimento.',
      en: 'No vaccination recorded under this reference.',
    },
  ),
  ADMINISTRATION_EDIT_OUT_OF_SCOPE: problem(
    403,
    { it: 'Modifica riservata al punto vaccinale', en: 'Changes reserved to the vaccination point' },
    {
      it: 'I dati di una vaccinazione li modifica solo il punto vaccinale che l’ha registrata; il numero di dose lo può correggere qualunque operatore dell’anagrafe vaccinale.',
      en: 'A vaccination’s data can be changed only by the vaccination point that recorded it; any registry operator can correct its dose number.',
    },
  ),
  INFECTION_RESULT_BEFORE_SAMPLE: problem(
    400,
    { it: 'Esito prima del prelievo', en: 'Result before the sample' },
    {
      it: 'La data dell’esito non può precedere quella del prelievo.',
      en: 'The result date cannot be earlier than the sample date.',
    },
  ),
  INFECTION_RECOVERY_NOT_AFTER_RESULT: problem(
    400,
    { it: 'Guarigione non successiva all’esito', en: 'Recovery not after the result' },
    {
      it: 'La data di guarigione deve essere successiva a quella dell’esito.',
      en: 'The recovery date must be later than the result date.',
    },
  ),
  INFECTION_IN_THE_FUTURE: problem(
    400,
    { it: 'Data futura', en: 'Date in the future' },
    {
      it: 'Le date di prelievo, esito e guarigione non possono essere successive a oggi.',
      en: 'Sample, result and recovery dates cannot be later than today.',
    },
  ),
  INFECTION_NOT_FOUND: problem(
    404,
    { it: 'Infezione non trovata', en: 'Infection not found' },
    {
      it: 'Nessuna infezione registrata con questo riferimento.',
      en: 'No infection recorded under this reference.',
    },
  ),
  INFECTION_NOT_EDITABLE: problem(
    409,
    { it: 'Infezione dalla sorveglianza regionale', en: 'Infection from regional surveillance' },
    {
      it: 'Le infezioni diagnosticate in regione arrivano dalla sorveglianza e qui non si modificano: la correzione va chiesta a chi gestisce la sorveglianza.',
      en: 'Infections diagnosed in the region come from surveillance and are not changed here: ask the surveillance office to correct them.',
    },
  ),
  ANOMALY_NO_COMPETENT_AUTHORITY: problem(
    409,
    { it: 'Azienda sanitaria competente sconosciuta', en: 'Competent health authority unknown' },
    {
      it: 'La persona non ha un’azienda sanitaria di assistenza e la segnalazione non riguarda una vaccinazione registrata qui: indichi la vaccinazione.',
      en: 'The person has no health authority of care and the report is not about a vaccination recorded here: give the vaccination.',
    },
  ),
  ANOMALY_ADMINISTRATION_OF_ANOTHER_PERSON: problem(
    409,
    { it: 'Vaccinazione di un’altra persona', en: 'Vaccination of another person' },
    {
      it: 'La vaccinazione indicata non è di questa persona: controlli i riferimenti.',
      en: 'The vaccination given does not belong to this person: check the references.',
    },
  ),
  ANOMALY_REPORT_NOT_FOUND: problem(
    404,
    { it: 'Segnalazione non trovata', en: 'Report not found' },
    { it: 'Nessuna segnalazione con questo riferimento.', en: 'No report under this reference.' },
  ),
  ANOMALY_REPORT_OUT_OF_SCOPE: problem(
    403,
    { it: 'Segnalazione di un’altra azienda', en: 'Report of another authority' },
    {
      it: 'La segnalazione è assegnata a un’altra azienda sanitaria: la gestisce il suo ufficio.',
      en: 'The report is assigned to another health authority: its office handles it.',
    },
  ),
  ANOMALY_REPORT_CLOSED: problem(
    409,
    { it: 'Segnalazione chiusa', en: 'Report closed' },
    {
      it: 'La segnalazione è già chiusa; se il problema continua, ne apra una nuova.',
      en: 'The report is already closed; if the problem persists, file a new one.',
    },
  ),
  ANOMALY_RESOLUTION_REQUIRED: problem(
    400,
    { it: 'Indicare l’esito', en: 'Give the resolution' },
    {
      it: 'Per chiudere una segnalazione scriva come è stata risolta.',
      en: 'To close a report, write how it was resolved.',
    },
  ),
  CONSENT_NOT_FOUND: problem(
    404,
    { it: 'Consenso non trovato', en: 'Consent not found' },
    { it: 'Nessun consenso con questo identificativo.', en: 'No consent has this id.' },
  ),
  CONSENT_JUDGE_NOT_REQUIRED: problem(
    409,
    { it: 'Convalida non richiesta', en: 'No validation required' },
    {
      it: 'Questo consenso non richiede la convalida del giudice tutelare.',
      en: 'This consent does not need the tutelary judge’s validation.',
    },
  ),
  CONSENT_JUDGE_IN_THE_FUTURE: problem(
    400,
    { it: 'Data futura', en: 'Date in the future' },
    {
      it: 'La convalida del giudice non può avere una data successiva a questo momento.',
      en: 'The judge’s validation cannot be dated later than now.',
    },
  ),
  CONSENT_REQUIRED: problem(
    400,
    { it: 'Consenso mancante', en: 'Consent missing' },
    {
      it: 'Questa dose apre un ciclo (o è un richiamo): registri il consenso informato sul modulo in vigore.',
      en: 'This dose opens a cycle (or is a booster): record the informed consent on the current form.',
    },
  ),
  CONSENT_INFORMATION_NOT_READ: problem(
    400,
    { it: 'Nota informativa non letta', en: 'Information note not read' },
    {
      it: 'Il consenso si raccoglie dopo aver letto la nota informativa del vaccino con la persona o a lei.',
      en: 'Consent is taken after the vaccine’s information note was read with or to the person.',
    },
  ),
  CONSENT_SIGNER_NOT_ALLOWED: problem(
    400,
    { it: 'Firmatario non ammesso', en: 'Signer not allowed' },
    {
      it: 'Per la situazione di questa persona il consenso lo firma: {allowed}.',
      en: 'Given this person’s situation, the consent is signed by: {allowed}.',
    },
  ),
  CONSENT_HEALTH_CHANGE_REQUIRED: problem(
    400,
    { it: 'Indicare se la salute è cambiata', en: 'Say whether health changed' },
    {
      it: 'Il consenso della prima dose vale per tutto il ciclo: indichi se lo stato di salute della persona è cambiato da allora.',
      en: 'The first dose’s consent holds for the whole cycle: say whether the person’s health changed since.',
    },
  ),
  DOSE_NON_CONFORMING: problem(
    409,
    { it: 'Dose non conforme', en: 'Non-conforming dose' },
    {
      it: 'Questa dose non è conforme. {findings} Se è stata davvero somministrata così, lo confermi esplicitamente (override): la conferma viene registrata.',
      en: 'This dose does not conform. {findings} If it was really given like this, confirm it explicitly (override): the confirmation is recorded.',
    },
  ),
});

/**
 * VAX-12, VAX-13, VAX-17: a dose recorded only with the override. Clients read the findings' codes in
 * `findings`; the detail says them in words (UX-1), and a form lists them from `findings` here.
 */
export class NonConformingDoseError extends DomainError {
  constructor(
    readonly findings: readonly NonConformingFinding[],
    productNames: ReadonlyMap<string, string>,
  ) {
    super('DOSE_NON_CONFORMING', {
      params: { findings: findingsText(findings, productNames) },
      extensions: { findings },
    });
  }
}
