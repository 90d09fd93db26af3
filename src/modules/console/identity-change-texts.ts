import type { Localized } from '../../platform/i18n.ts';

/**
 * The words of a changed tax code (REG-7, identity-change-*.ts): marking the old identity obsolete and
 * moving its records to the current one. Keys start with `ic`; the person page's notices are `vpDone_` keys.
 */
export const IDENTITY_CHANGE_TEXTS = {
  icReplacedLink: { it: 'Questo codice fiscale è stato sostituito', en: 'This tax code was replaced' },
  icReplacedTitle: { it: 'Codice fiscale sostituito', en: 'Tax code replaced' },
  icReplacedIntro: {
    it: 'Quando il codice fiscale di una persona è cambiato, la vecchia identità diventa obsoleta e rimanda a quella in uso. Indicare il codice fiscale attuale, controllare le due identità e confermare.',
    en: 'When a person’s tax code changed, the old identity becomes obsolete and points to the current one. Enter the current tax code, check both identities and confirm.',
  },
  icCurrentIdentifier: { it: 'Codice fiscale attuale', en: 'Current tax code' },
  icCurrentIdentifierHint: {
    it: 'Il codice della stessa persona oggi in uso, già in anagrafe.',
    en: 'The same person’s tax code in use today, already in the registry.',
  },
  icFind: { it: 'Cerca l’identità attuale', en: 'Find the current identity' },
  icSearchByName: { it: 'Cerca per cognome', en: 'Search by surname' },
  icObsoleteSide: { it: 'Identità da rendere obsoleta', en: 'Identity to make obsolete' },
  icCurrentSide: { it: 'Identità attuale', en: 'Current identity' },
  icAdministrations: { it: 'Somministrazioni', en: 'Administrations' },
  icOpenBookings: { it: 'Prenotazioni aperte', en: 'Open bookings' },
  icInfections: { it: 'Infezioni', en: 'Infections' },
  icConfirmReplaced: {
    it: 'Conferma: è la stessa persona, rendi obsoleta la vecchia identità',
    en: 'Confirm: same person, make the old identity obsolete',
  },
  icMoveLink: { it: 'Sposta i dati sull’identità attuale', en: 'Move the records to the current identity' },
  icMoveTitle: {
    it: 'Spostare i dati sull’identità attuale',
    en: 'Move the records to the current identity',
  },
  icMoveIntro: {
    it: 'Tutti i dati dell’identità obsoleta passano a quella attuale in un solo passo registrato: nulla si perde né si duplica, i numeri di dose vengono ricalcolati.',
    en: 'Every record of the obsolete identity goes to the current one in one recorded step: nothing is lost or duplicated, dose numbers are recomputed.',
  },
  icMoveButton: { it: 'Sposta i dati', en: 'Move the records' },
  icNotObsolete: {
    it: 'Questa identità è in uso: non ha dati da spostare.',
    en: 'This identity is in use: it has no records to move.',
  },
  icMovedTitle: { it: 'Dati spostati:', en: 'Records moved:' },
  icMoved_administrations: { it: 'somministrazioni', en: 'administrations' },
  icMoved_renumbered: { it: 'numeri di dose ricalcolati', en: 'dose numbers recomputed' },
  icMoved_mobilityAdministrations: { it: 'dosi di altre regioni', en: 'doses of other regions' },
  icMoved_infections: { it: 'infezioni', en: 'infections' },
  icMoved_consents: { it: 'consensi', en: 'consents' },
  icMoved_anomalyReports: { it: 'segnalazioni', en: 'anomaly reports' },
  icMoved_bookings: { it: 'prenotazioni', en: 'bookings' },
  icMoved_entitlements: { it: 'diritti', en: 'entitlements' },
  icMoved_entitlementsAlreadyHeld: {
    it: 'diritti già presenti (non duplicati)',
    en: 'entitlements already held (not duplicated)',
  },
  icMoved_links: { it: 'collegamenti a persone fragili', en: 'fragile-person links' },
  icMoved_linksClosed: { it: 'collegamenti chiusi perché doppi', en: 'links closed as duplicates' },
  icMoved_nonResidentApplications: { it: 'domande di non residenti', en: 'non-resident applications' },
  icMoved_regionalAdmissions: { it: 'ammissioni regionali', en: 'regional admissions' },
  vpDone_obsolete: {
    it: 'Identità resa obsoleta e collegata a quella attuale.',
    en: 'Identity made obsolete and linked to the current one.',
  },
  vpDone_moved: {
    it: 'Dati spostati su questa persona dall’identità obsoleta.',
    en: 'Records moved to this person from the obsolete identity.',
  },
  'vpDone_nothing-moved': {
    it: 'Nulla da spostare: i dati dell’identità obsoleta sono già qui.',
    en: 'Nothing to move: the obsolete identity’s records are already here.',
  },
  psReplacedBy: { it: 'sostituita da {identifier}', en: 'replaced by {identifier}' },
} satisfies Record<string, Localized>;

/** What a move reports, in the order the done notice names it (the keys of the modules' movers). */
export const MOVED_KINDS = [
  'administrations',
  'renumbered',
  'mobilityAdministrations',
  'infections',
  'consents',
  'anomalyReports',
  'bookings',
  'entitlements',
  'entitlementsAlreadyHeld',
  'links',
  'linksClosed',
  'nonResidentApplications',
  'regionalAdmissions',
] as const;
