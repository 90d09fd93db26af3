import type { Localized } from '../../platform/i18n.ts';

/** The certificate pages' words (DCC-1, DCC-3, DCC-4; UX-1): what the page is for, what to type, what next. */
export const CERTIFICATE_TEXTS = {
  // Download with the code (DCC-4)
  downloadTitle: {
    it: 'Scarichi il certificato verde COVID-19',
    en: 'Download your EU Digital COVID Certificate',
  },
  downloadIntro: {
    it: 'Dopo la vaccinazione ha ricevuto per e-mail o SMS un codice (AUTHCODE). Con il codice, il codice fiscale e le ultime 8 cifre della tessera sanitaria scarica il certificato in PDF, con il codice QR. Non serve accedere.',
    en: 'After the vaccination you received a code (AUTHCODE) by e-mail or text message. With the code, your tax code and the last 8 digits of your health card you download the certificate as a PDF with its QR code. No sign-in needed.',
  },
  cardDigits: { it: 'Ultime 8 cifre della tessera sanitaria', en: 'Last 8 digits of the health card' },
  cardDigitsHint: {
    it: 'Le ultime 8 cifre del numero sul retro della tessera, sotto «Numero identificazione tessera».',
    en: 'The last 8 digits of the number on the back of the card, under «Numero identificazione tessera».',
  },
  authCode: { it: 'Codice ricevuto (AUTHCODE)', en: 'Code you received (AUTHCODE)' },
  authCodeHint: {
    it: '10 lettere e cifre, nel messaggio ricevuto. Può scriverlo con o senza il trattino. Esempio: K7M2Q-9XAHD',
    en: '10 letters and digits, in the message you received. With or without the dash. Example: K7M2Q-9XAHD',
  },
  downloadButton: { it: 'Scarica il certificato (PDF)', en: 'Download the certificate (PDF)' },
  downloadPrivacy: {
    it: 'Il codice serve solo a lei: non lo dia a nessuno. Dopo {attempts} tentativi errati il servizio si blocca per {minutes} minuti.',
    en: 'The code is for you only: give it to no one. After {attempts} wrong attempts the service is blocked for {minutes} minutes.',
  },
  downloadNoCode: {
    it: 'Non ha il codice o è scaduto? Acceda con codice fiscale e tessera sanitaria e scarichi il certificato da «I miei certificati».',
    en: 'No code, or has it expired? Sign in with your tax code and health card and download the certificate from "My certificates".',
  },
  downloadLinkFromSignIn: {
    it: 'Ha ricevuto il codice per il certificato verde? Scarichi il certificato senza accedere',
    en: 'Did you receive the code for your certificate? Download it without signing in',
  },

  // Signed in: my certificates (DCC-1)
  myCertificatesTitle: { it: 'I miei certificati', en: 'My certificates' },
  myCertificatesLink: { it: 'I miei certificati verdi COVID-19', en: 'My EU Digital COVID Certificates' },
  myCertificatesIntro: {
    it: 'Qui trova i certificati verdi COVID-19 delle sue vaccinazioni, con il codice QR. Può scaricarli in PDF per stamparli o tenerli sul telefono.',
    en: 'Here are the EU Digital COVID Certificates of your vaccinations, with their QR codes. Download them as PDF to print them or keep them on your phone.',
  },
  noCertificates: {
    it: 'Non ha ancora certificati. Il certificato arriva di solito entro due giorni dalla vaccinazione: se dopo non c’è, chiami il numero verde.',
    en: 'You have no certificates yet. A certificate usually arrives within two days of the vaccination: if it does not, call the toll-free number.',
  },
  certificateHeading: {
    it: 'Vaccinazione del {date}, dose {dose} di {doses}',
    en: 'Vaccination of {date}, dose {dose} of {doses}',
  },
  certificateIssued: { it: 'Emesso il {date}', en: 'Issued on {date}' },
  certificateUvci: { it: 'Identificativo del certificato: {uvci}', en: 'Certificate identifier: {uvci}' },
  certificateRevoked: {
    it: 'Revocato: non è più valido. Usi il certificato più recente della stessa vaccinazione.',
    en: 'Revoked: no longer valid. Use the newest certificate of the same vaccination.',
  },
  certificateQrAlt: {
    it: 'Codice QR del certificato della vaccinazione del {date}',
    en: 'QR code of the certificate of the vaccination of {date}',
  },
  downloadPdf: { it: 'Scarica il PDF', en: 'Download the PDF' },
  downloadPdfLabel: {
    it: 'Scarica il PDF del certificato della vaccinazione del {date}',
    en: 'Download the PDF of the certificate of the vaccination of {date}',
  },
  codesTitle: { it: 'Codici inviati ai suoi contatti', en: 'Codes sent to your contacts' },
  codeItem: {
    it: 'Vaccinazione del {date}: codice che termina con {end}, inviato il {sent}, valido fino al {until}.',
    en: 'Vaccination of {date}: code ending in {end}, sent on {sent}, valid until {until}.',
  },
  codeItemLapsed: {
    it: 'Vaccinazione del {date}: codice che termina con {end}, inviato il {sent}, non più valido.',
    en: 'Vaccination of {date}: code ending in {end}, sent on {sent}, no longer valid.',
  },
  toMyCertificates: { it: 'Vai a «I miei certificati»', en: 'Go to "My certificates"' },
  toDownload: { it: 'Torna al modulo', en: 'Back to the form' },

  // Verify a pass (DCC-3)
  verifyTitle: { it: 'Verifichi un certificato verde', en: 'Check a COVID certificate' },
  verifyIntro: {
    it: 'Controlli se un certificato verde COVID-19 è valido oggi secondo le regole italiane. Incolli il testo del codice QR (inizia con HC1:) oppure carichi una foto del codice QR in formato PNG.',
    en: 'Check whether an EU Digital COVID Certificate is valid today under the Italian rules. Paste the text of the QR code (it starts with HC1:) or upload a picture of the QR code in PNG format.',
  },
  verifyPasteTitle: { it: 'Incolli il testo del codice QR', en: 'Paste the text of the QR code' },
  hc1: { it: 'Testo del codice QR', en: 'Text of the QR code' },
  hc1Hint: {
    it: 'Inizia con HC1: ed è lungo qualche centinaio di caratteri.',
    en: 'It starts with HC1: and is a few hundred characters long.',
  },
  verifyButton: { it: 'Verifica', en: 'Check' },
  verifyUploadTitle: {
    it: 'Oppure carichi una foto del codice QR',
    en: 'Or upload a picture of the QR code',
  },
  qrImage: {
    it: 'Immagine del codice QR (PNG, al massimo 2 MB)',
    en: 'Picture of the QR code (PNG, at most 2 MB)',
  },
  qrImageHint: {
    it: 'Il codice QR deve essere intero, nitido e ben illuminato.',
    en: 'The QR code must be whole, sharp and well lit.',
  },
  verifyUploadButton: { it: 'Carica e verifica', en: 'Upload and check' },
  verdictTitle: { it: 'Esito della verifica', en: 'Result of the check' },
  verdict_valid: { it: 'Certificato valido', en: 'Valid certificate' },
  verdict_not_yet_valid: { it: 'Certificato non ancora valido', en: 'Certificate not valid yet' },
  verdict_expired: { it: 'Certificato scaduto', en: 'Certificate expired' },
  verdict_invalid: { it: 'Certificato non valido', en: 'Certificate not valid' },
  verdictHolder: {
    it: 'Intestatario: {name}, nato il {birthDate}',
    en: 'Holder: {name}, born on {birthDate}',
  },
  verdictReason: { it: 'Motivo: {reason}', en: 'Reason: {reason}' },
  verdictRules: { it: 'Regole italiane applicate: {rules}', en: 'Italian rules applied: {rules}' },
  verdictNotice: {
    it: 'Confronti nome e data di nascita con un documento d’identità: il certificato vale solo per il suo intestatario.',
    en: 'Compare name and date of birth with an identity document: the certificate is valid for its holder only.',
  },
  verifyAnother: { it: 'Verifichi un altro certificato', en: 'Check another certificate' },
  reason_decode: {
    it: 'il testo non è un certificato leggibile (deve iniziare con HC1:)',
    en: 'the text is not a readable certificate (it must start with HC1:)',
  },
  reason_signer: {
    it: 'la firma non è di un emittente riconosciuto',
    en: 'the signature is not from a recognised issuer',
  },
  reason_schema: {
    it: 'il contenuto del certificato non è corretto',
    en: 'the content of the certificate is not correct',
  },
  reason_revoked: { it: 'il certificato è stato revocato', en: 'the certificate has been revoked' },
  reason_cwt_expired: {
    it: 'la firma del certificato è scaduta',
    en: 'the certificate’s signature has expired',
  },
  reason_not_yet_issued: {
    it: 'il certificato non è ancora stato emesso',
    en: 'the certificate has not been issued yet',
  },
  reason_rules: {
    it: 'secondo le regole italiane in vigore ({detail})',
    en: 'under the Italian rules in force ({detail})',
  },
} satisfies Record<string, Localized>;
