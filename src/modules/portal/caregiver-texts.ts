import type { Localized } from '../../platform/i18n.ts';

/** The caregiver paths' words (ELIG-12..15, group booking), spread into the portal's catalogue. */
export const CAREGIVER_TEXTS = {
  caregiversLink: {
    it: 'Familiari conviventi e caregiver: collegarli e prenotarli insieme',
    en: 'Cohabitants and caregivers: link them and book together',
  },
  caregiversTitle: { it: 'Conviventi e caregiver', en: 'Cohabitants and caregivers' },
  caregiversIntro: {
    it: 'Se lei è una persona fragile, o se ha eseguito l’accesso con la tessera della persona fragile che assiste, può collegare fino a 3 familiari conviventi o caregiver e prenotarli insieme alla persona fragile, nello stesso centro e in orari consecutivi.',
    en: 'If you are a fragile person, or signed in with the card of the fragile person you assist, you can link up to 3 cohabitants or caregivers and book them together with the fragile person, at the same centre and at consecutive times.',
  },
  linkedAs: {
    it: 'Lei ha diritto alla vaccinazione come {relation} di {name}.',
    en: 'You are entitled to vaccination as {relation} of {name}.',
  },
  yourLinks: { it: 'Persone collegate', en: 'Linked people' },
  noLinks: { it: 'Nessuna persona è ancora collegata.', en: 'No one is linked yet.' },
  placesLeft: { it: 'Posti ancora liberi: {n} su 3.', en: 'Places still free: {n} of 3.' },
  linkedPerson: { it: 'Persona', en: 'Person' },
  relation: { it: 'Relazione', en: 'Relation' },
  evidence: { it: 'Documentazione', en: 'Evidence' },
  relation_cohabitant: { it: 'familiare convivente', en: 'cohabitant' },
  relation_caregiver: { it: 'caregiver', en: 'caregiver' },
  relation_parent_guardian_foster: {
    it: 'genitore, tutore o affidatario',
    en: 'parent, guardian or foster parent',
  },
  evidence_self_declared: {
    it: 'autodichiarazione da consegnare al centro',
    en: 'self-declaration to hand in at the centre',
  },
  evidence_verified: { it: 'verificata', en: 'verified' },
  evidence_rejected: { it: 'respinta', en: 'rejected' },
  removeLink: { it: 'Rimuovi il collegamento', en: 'Remove the link' },
  removeReason: { it: 'Perché lo rimuove', en: 'Why you remove it' },
  removeReasonHint: {
    it: 'Per esempio: non assiste più la persona. Il posto torna libero.',
    en: 'For example: no longer assists the person. The place is freed.',
  },
  addLinkTitle: { it: 'Collega un convivente o caregiver', en: 'Link a cohabitant or caregiver' },
  addLinkIntro: {
    it: 'Servono il codice fiscale e il numero della tessera sanitaria della persona da collegare.',
    en: 'You need the tax code and the health-card number of the person to link.',
  },
  linkDeclaration: {
    it: 'Dichiaro che la persona assiste o convive con la persona fragile; porterà al centro vaccinale un’autodichiarazione firmata.',
    en: 'I declare that the person assists or lives with the fragile person; they will bring a signed self-declaration to the vaccination centre.',
  },
  declarationLabel: { it: 'Autodichiarazione', en: 'Self-declaration' },
  addLinkButton: { it: 'Collega', en: 'Link' },
  linkAdded: { it: 'Persona collegata.', en: 'Person linked.' },
  linkRemoved: {
    it: 'Collegamento rimosso: il posto è di nuovo libero.',
    en: 'Link removed: the place is free again.',
  },
  preRegistered: {
    it: 'Preadesione registrata. Potrà prenotare dal {when}.',
    en: 'Pre-registration recorded. You can book from {when}.',
  },
  groupTitle: { it: 'Prenota insieme', en: 'Book together' },
  groupIntro: {
    it: 'Scelga chi prenotare: al massimo 3 persone collegate, con o senza la persona fragile (per esempio se è già vaccinata).',
    en: 'Choose whom to book: at most 3 linked people, with or without the fragile person (for instance if already vaccinated).',
  },
  groupWho: { it: 'Chi prenotare', en: 'Whom to book' },
  groupSelf: { it: '{name} (persona fragile)', en: '{name} (fragile person)' },
  groupButton: { it: 'Scegli centro e orario', en: 'Choose centre and time' },
  groupNone: {
    it: 'Scelga almeno una persona da prenotare.',
    en: 'Choose at least one person to book.',
  },
  groupBookedTitle: { it: 'Prenotazioni confermate', en: 'Bookings confirmed' },
  groupBookedIntro: {
    it: 'Ecco gli appuntamenti, nello stesso centro, alla stessa ora o in orari consecutivi. Ciascuno porta il proprio codice di prenotazione.',
    en: 'Here are the appointments, at the same centre, at the same or consecutive times. Each person brings their own booking code.',
  },
  preRegisterTitle: { it: 'Preadesione con autodichiarazione', en: 'Pre-registration with self-declaration' },
  preRegisterIntro: {
    it: 'Se la persona fragile non risulta in nessun elenco, può dichiararlo qui. Potrà prenotare dal giorno dopo (24 ore) e collegare i suoi conviventi o caregiver. L’autodichiarazione va consegnata al centro vaccinale.',
    en: 'If the fragile person is on no list, declare it here. Booking opens the next day (24 hours) and cohabitants or caregivers can be linked. The self-declaration is handed in at the vaccination centre.',
  },
  declarationKind: { it: 'Cosa dichiara', en: 'What you declare' },
  declare_severe_disability: {
    it: 'Disabilità grave (L.104/1992 art. 3 c. 3)',
    en: 'Severe disability (L.104/1992 art. 3 c. 3)',
  },
  declare_extremely_vulnerable: {
    it: 'Estrema vulnerabilità (una patologia della Tabella 1)',
    en: 'Extreme vulnerability (a Table 1 condition)',
  },
  conditionCode: {
    it: 'Patologia (per l’estrema vulnerabilità)',
    en: 'Condition (for extreme vulnerability)',
  },
  declaredBy: { it: 'Chi compila', en: 'Who fills this in' },
  declaredBy_self: { it: 'La persona fragile', en: 'The fragile person' },
  declaredBy_caregiver: { it: 'Chi la assiste', en: 'The person who assists them' },
  preRegisterDeclaration: {
    it: 'Dichiaro che quanto indicato è vero e che consegnerò l’autodichiarazione firmata al centro vaccinale.',
    en: 'I declare this is true and that the signed self-declaration will be handed in at the vaccination centre.',
  },
  preRegisterButton: { it: 'Invia la preadesione', en: 'Send the pre-registration' },
} satisfies Record<string, Localized>;
