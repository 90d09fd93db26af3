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
  CERTIFICATE_DOWNLOAD_REFUSED: problem(
    401,
    { it: 'Dati non corretti', en: 'Details not correct' },
    {
      it: 'Codice fiscale, ultime 8 cifre della tessera sanitaria e codice (AUTHCODE) non corrispondono a un certificato. Controlli i tre dati (il codice è nel messaggio ricevuto dopo la vaccinazione) e riprovi; dopo alcuni tentativi errati il servizio si blocca per alcuni minuti. Se il problema persiste chiami il numero verde.',
      en: 'Tax code, last 8 digits of the health card and code (AUTHCODE) do not match a certificate. Check all three (the code is in the message you received after the vaccination) and try again; after several wrong attempts the service is blocked for a few minutes. If it persists call the toll-free number.',
    },
  ),
  CERTIFICATE_DOWNLOAD_LOCKED: problem(
    429,
    { it: 'Servizio temporaneamente sospeso', en: 'Service temporarily suspended' },
    {
      it: 'Troppi tentativi non riusciti. Per sicurezza lo scaricamento è sospeso: riprovi tra {minutes} minuti.',
      en: 'Too many failed attempts. For your safety downloads are suspended: try again in {minutes} minutes.',
    },
  ),
  CERTIFICATE_AUTHCODE_EXPIRED: problem(
    410,
    { it: 'Codice non più valido', en: 'Code no longer valid' },
    {
      it: 'Il codice è scaduto o è stato sostituito da uno più recente, inviato ai suoi contatti. Usi il codice più recente, oppure acceda al portale con codice fiscale e tessera sanitaria e scarichi il certificato dalla pagina «I miei certificati».',
      en: 'The code has expired or was replaced by a newer one, sent to your contacts. Use the newest code, or sign in to the portal with your tax code and health card and download the certificate from "My certificates".',
    },
  ),
  CERTIFICATE_NOT_YET_AVAILABLE: problem(
    404,
    { it: 'Certificato non ancora disponibile', en: 'Certificate not available yet' },
    {
      it: 'La piattaforma nazionale non ha ancora il certificato di questa vaccinazione. Riprovi più tardi; se dopo due giorni non è disponibile chiami il numero verde.',
      en: 'The national platform does not hold the certificate of this vaccination yet. Try again later; if it is still not available after two days call the toll-free number.',
    },
  ),
  CERTIFICATE_NOT_FOUND: problem(
    404,
    { it: 'Certificato non trovato', en: 'Certificate not found' },
    {
      it: 'Tra i suoi certificati non c’è quello richiesto: torni all’elenco dei suoi certificati e lo scelga da lì.',
      en: 'The certificate asked for is not among yours: go back to the list of your certificates and choose it there.',
    },
  ),
  PASS_IMAGE_MISSING: problem(
    400,
    { it: 'Immagine mancante', en: 'Picture missing' },
    { it: 'Scelga un’immagine PNG del codice QR.', en: 'Choose a PNG picture of the QR code.' },
  ),
  PASS_IMAGE_TOO_LARGE: problem(
    413,
    { it: 'Immagine troppo grande', en: 'Picture too large' },
    {
      it: 'L’immagine è più grande di 2 MB: ne usi una più piccola.',
      en: 'The picture is larger than 2 MB: use a smaller one.',
    },
  ),
  PASS_IMAGE_UNREADABLE: problem(
    422,
    { it: 'Codice QR non leggibile', en: 'QR code not readable' },
    {
      it: 'Nell’immagine non si legge un codice QR. Usi un’immagine PNG più nitida, con il codice intero, o incolli il testo del codice.',
      en: 'No QR code can be read in the picture. Use a sharper PNG picture with the whole code, or paste the text of the code.',
    },
  ),
});
