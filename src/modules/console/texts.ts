import type { Localized } from '../../platform/i18n.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import { VACCINATION_POINT_TEXTS } from './vaccination-point-texts.ts';
import { AUTHORITY_TEXTS, DASHBOARD_TEXTS } from './authority-texts.ts';
import { CALL_CENTER_TEXTS } from './call-center-texts.ts';
import { PERSON_SEARCH_TEXTS } from './person-search-texts.ts';
import { IDENTITY_CHANGE_TEXTS } from './identity-change-texts.ts';
import { ACCESSIBILITY_ADMIN_TEXTS, CAPACITY_CHANGE_TEXTS } from './capacity-access-texts.ts';
import { OUTREACH_ADMIN_TEXTS } from './outreach-admin-texts.ts';
import { NO_SHOW_TEXTS } from './no-show-texts.ts';
import { REGISTRY_OFFICE_TEXTS } from './registry-office-texts.ts';

/**
 * The staff consoles' words, in the same catalogue as the portal's (portal/texts.ts merges them), so that
 * every page shares one frame, one form kit and one language switch. Operators are addressed with
 * infinitives, impersonally and tersely: they read these pages hundreds of times a day.
 */
const ROLE_TEXTS = {
  role_call_center: { it: 'operatore call center', en: 'call-center operator' },
  role_contact_center_supervisor: { it: 'supervisore contact center', en: 'contact-center supervisor' },
  role_gp: { it: 'medico di medicina generale', en: 'general practitioner' },
  role_pharmacist: { it: 'farmacista', en: 'pharmacist' },
  role_vaccinator: { it: 'vaccinatore', en: 'vaccinator' },
  role_point_admin: { it: 'responsabile punto vaccinale', en: 'vaccination-point manager' },
  role_asl_admin: { it: 'amministratore ASL', en: 'health-authority administrator' },
  role_region_admin: { it: 'amministratore regionale', en: 'regional administrator' },
  role_auditor: { it: 'revisore', en: 'auditor' },
} satisfies Record<`role_${StaffRole}`, Localized>;

export const CONSOLE_TEXTS = {
  ...ROLE_TEXTS,
  ...VACCINATION_POINT_TEXTS,
  ...PERSON_SEARCH_TEXTS,
  ...IDENTITY_CHANGE_TEXTS,
  ...AUTHORITY_TEXTS,
  ...DASHBOARD_TEXTS,
  ...CALL_CENTER_TEXTS,
  ...CAPACITY_CHANGE_TEXTS,
  ...ACCESSIBILITY_ADMIN_TEXTS,
  ...OUTREACH_ADMIN_TEXTS,
  ...NO_SHOW_TEXTS,
  ...REGISTRY_OFFICE_TEXTS,
  consoleName: { it: 'Console vaccinazioni', en: 'Vaccination console' },
  consoleTagline: { it: 'Per gli operatori del servizio sanitario', en: 'For health-service staff' },
  consoleSignInTitle: { it: 'Accesso operatori', en: 'Staff sign-in' },
  consoleSignInIntro: {
    it: 'Accedere con il nome utente e la password ricevuti dall’amministratore.',
    en: 'Sign in with the username and password your administrator gave you.',
  },
  username: { it: 'Nome utente', en: 'Username' },
  password: { it: 'Password', en: 'Password' },
  consoleSignInButton: { it: 'Accedi', en: 'Sign in' },
  consoleHomeTitle: { it: 'Cosa vuoi fare?', en: 'What do you want to do?' },
  consoleHomeIntro: {
    it: 'Le sezioni elencate sono quelle permesse al ruolo {role}.',
    en: 'These are the sections open to the role {role}.',
  },
  consoleNavLabel: { it: 'Sezioni della console', en: 'Console sections' },
  consoleNoSections: {
    it: 'Nessuna sezione è ancora disponibile per questo ruolo.',
    en: 'No section is available for this role yet.',
  },
} satisfies Record<string, Localized>;
