import { defineProblems } from '../http/problem.ts';

export const authProblems = defineProblems({
  AUTHENTICATION_REQUIRED: {
    status: 401,
    title: { it: 'Accesso richiesto', en: 'Sign-in required' },
    detail: {
      it: 'Per questa operazione deve prima accedere. Se la sessione è scaduta, acceda di nuovo.',
      en: 'You must sign in for this operation. If your session expired, sign in again.',
    },
  },
  ROLE_NOT_ALLOWED: {
    status: 403,
    title: { it: 'Operazione non consentita', en: 'Operation not allowed' },
    detail: {
      it: 'Il suo profilo ({role}) non può eseguire questa operazione. Se pensa di doverlo fare, si rivolga al suo amministratore.',
      en: 'Your profile ({role}) cannot perform this operation. If you think you should, ask your administrator.',
    },
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    title: { it: 'Richiesta non verificata', en: 'Request not verified' },
    detail: {
      it: 'La richiesta non porta il codice di sicurezza della sessione. Ricarichi la pagina e riprovi.',
      en: 'The request does not carry the session security token. Reload the page and try again.',
    },
  },
  CITIZEN_SIGN_IN_FAILED: {
    status: 401,
    title: { it: 'Accesso non riuscito', en: 'Sign-in failed' },
    detail: {
      it: 'Codice fiscale e numero di tessera sanitaria non corrispondono a un assistito. Controlli entrambi sulla tessera (il numero è di 20 cifre e inizia con 80380) e riprovi; se il problema persiste chiami il numero verde.',
      en: 'Tax code and health-card number do not match a registered person. Check both on the card (the number has 20 digits and starts with 80380) and try again; if it persists call the toll-free number.',
    },
  },
  STAFF_SIGN_IN_FAILED: {
    status: 401,
    title: { it: 'Accesso non riuscito', en: 'Sign-in failed' },
    detail: {
      it: 'Nome utente o password non corretti. Riprovi; dopo più tentativi errati l’accesso viene sospeso per alcuni minuti.',
      en: 'Wrong username or password. Try again; after several wrong attempts sign-in is suspended for a few minutes.',
    },
  },
  SIGN_IN_LOCKED: {
    status: 429,
    title: { it: 'Accesso temporaneamente sospeso', en: 'Sign-in temporarily suspended' },
    detail: {
      it: 'Troppi tentativi non riusciti. Per sicurezza l’accesso è sospeso: riprovi tra {minutes} minuti.',
      en: 'Too many failed attempts. For your safety sign-in is suspended: try again in {minutes} minutes.',
    },
  },
  STAFF_ACCOUNT_INVALID: {
    status: 400,
    title: { it: 'Utenza non valida', en: 'Invalid account' },
    detail: { it: '{reason}', en: '{reason}' },
  },
});
