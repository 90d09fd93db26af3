import { defineProblems } from '../platform/http/problem.ts';
// The generic problems (validation, unknown route, internal error) are the platform's.
import '../platform/http/errors.ts';

/** What the simulated national systems refuse, in the platform's problem+json shape. */
export const nationalProblems = defineProblems({
  NATIONAL_AUTHENTICATION_REQUIRED: {
    status: 401,
    title: { it: 'Autenticazione richiesta', en: 'Authentication required' },
    detail: {
      it: 'Il sistema nazionale risponde solo alle regioni: invii il token della regione nell’intestazione Authorization (Bearer).',
      en: 'The national system answers regions only: send the region’s token in the Authorization header (Bearer).',
    },
  },
  NATIONAL_ADMIN_TOKEN_INVALID: {
    status: 401,
    title: { it: 'Token di amministrazione mancante o errato', en: 'Missing or wrong admin token' },
    detail: {
      it: 'Le impostazioni del simulatore richiedono il token di amministrazione nell’intestazione x-admin-token.',
      en: 'The simulator’s settings need the admin token in the x-admin-token header.',
    },
  },
  NATIONAL_PERSON_NOT_FOUND: {
    status: 404,
    title: { it: 'Assistito non presente in anagrafe nazionale', en: 'Person not in the national registry' },
    detail: {
      it: 'Nessun assistito ha questo identificativo nell’anagrafe nazionale. Controlli l’identificativo; se è corretto, inserisca la persona a mano.',
      en: 'No person has this identifier in the national registry. Check the identifier; if it is right, insert the person by hand.',
    },
  },
  NATIONAL_SERVICE_UNAVAILABLE: {
    status: 503,
    title: { it: 'Sistema nazionale non disponibile', en: 'National system unavailable' },
    detail: {
      it: 'Il sistema nazionale non è al momento disponibile. Riprovi tra qualche minuto.',
      en: 'The national system is not available at the moment. Try again in a few minutes.',
    },
  },
  NATIONAL_FAULT_ROUTE_UNKNOWN: {
    status: 400,
    title: { it: 'Operazione sconosciuta', en: 'Unknown operation' },
    detail: {
      it: 'L’operazione «{route}» non esiste. I guasti si applicano a: {allowed}.',
      en: 'There is no operation "{route}". Faults apply to: {allowed}.',
    },
  },
});
