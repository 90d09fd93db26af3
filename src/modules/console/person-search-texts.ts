import type { Localized } from '../../platform/i18n.ts';

/**
 * The words of the person search and registration every console shares (person-search.ts, REG-5, REG-6);
 * the search's own words are the vaccination point's `vp` keys, where the search began. Keys start with `ps`.
 */
export const PERSON_SEARCH_TEXTS = {
  psSearchIntroRegional: {
    it: 'Cercare per identificativo (con il numero della tessera sanitaria, se chi chiama lo ha), oppure per cognome con nome e data di nascita. La ricerca parte dall’anagrafe regionale; per identificativo si può estendere all’anagrafe nazionale.',
    en: 'Search by identifier (with the health-card number, if the caller has it), or by surname with given name and birth date. The search starts with the regional registry; by identifier it can be widened to the national registry.',
  },
  psWritersOnly: {
    it: 'Importare o inserire la persona spetta a un supervisore.',
    en: 'Importing or registering the person is for a supervisor.',
  },
  psRegisterLink: {
    it: 'Inserisci un assistito non in anagrafe',
    en: 'Register a person not in any registry',
  },
  psRegisterTitle: {
    it: 'Inserire un assistito non in anagrafe',
    en: 'Register a person not in any registry',
  },
  psRegisterIntro: {
    it: 'Per chi non risulta in alcuna anagrafe: residente altrove ma presente, AIRE, stranieri. Prima si sceglie la provincia del domicilio sanitario, poi si compilano i dati dal documento.',
    en: 'For people in no registry: resident elsewhere but present, AIRE, foreigners. First choose the province of the health domicile, then fill in the details from the document.',
  },
  psDomicileProvince: { it: 'Provincia del domicilio sanitario', en: 'Province of the health domicile' },
  psChangeProvince: { it: 'Cambia provincia', en: 'Change the province' },
  psIdentityTitle: { it: 'Identità', en: 'Identity' },
  psStatus: { it: 'Posizione', en: 'Status' },
  psIdentifierType: { it: 'Tipo di identificativo', en: 'Identifier type' },
  psIdentifierType_CF: { it: 'Codice fiscale', en: 'Tax code' },
  psIdentifierType_CF_TEMP: {
    it: 'Codice fiscale provvisorio (11 cifre)',
    en: 'Temporary tax code (11 digits)',
  },
  psIdentifierType_ORD7: { it: 'Codice ORD7 (Ordinanza 7/2021)', en: 'ORD7 code (Ordinance 7/2021)' },
  psIdentifierType_TS_FOREIGN: {
    it: 'Identificativo TS per stranieri',
    en: 'Health-card identifier for foreigners',
  },
  psIdentifierType_STP: { it: 'STP', en: 'STP' },
  psIdentifierType_ENI: { it: 'ENI', en: 'ENI' },
  psIdentifierValue: { it: 'Identificativo', en: 'Identifier' },
  psIdentifierPending: {
    it: 'Identificativo TS richiesto, non ancora rilasciato',
    en: 'Health-card identifier requested, not issued yet',
  },
  psTaxCodeAire: { it: 'Codice fiscale, se lo ha', en: 'Tax code, if they have one' },
  psTaxCodeAireHint: {
    it: 'Per un iscritto AIRE registrato con il codice ORD7.',
    en: 'For an AIRE person registered with the ORD7 code.',
  },
  psOrd7Category: { it: 'Categoria dell’Ordinanza 7/2021', en: 'Ordinance 7/2021 category' },
  psOrd7_aire: { it: 'Italiani iscritti AIRE', en: 'Italians registered with AIRE' },
  psOrd7_eu_institution: { it: 'Personale delle istituzioni UE', en: 'Staff of EU institutions' },
  psOrd7_diplomatic: { it: 'Personale diplomatico', en: 'Diplomatic staff' },
  psOrd7_international_organisation: {
    it: 'Personale di organizzazioni internazionali',
    en: 'Staff of international organisations',
  },
  psSex: { it: 'Sesso', en: 'Sex' },
  psSex_M: { it: 'Maschio', en: 'Male' },
  psSex_F: { it: 'Femmina', en: 'Female' },
  psBirthPlaceCode: { it: 'Codice catastale del luogo di nascita', en: 'Cadastral code of the birth place' },
  psBirthPlaceCodeHint: {
    it: 'Come nel codice fiscale: H501 per Roma, Z-codice per un paese estero.',
    en: 'As in the tax code: H501 for Rome, a Z-code for a foreign country.',
  },
  psDomicileTitle: { it: 'Domicilio sanitario', en: 'Health domicile' },
  psDomicileMunicipality: { it: 'Comune del domicilio', en: 'Municipality of the domicile' },
  psDomicileCap: { it: 'CAP del domicilio', en: 'Postcode of the domicile' },
  psAddress: { it: 'Indirizzo', en: 'Address' },
  psResidenceTitle: { it: 'Residenza', en: 'Residence' },
  psResidenceIntro: {
    it: 'Se diversa dal domicilio, anche in un’altra regione; vuota per chi risiede all’estero.',
    en: 'If other than the domicile, also in another region; empty for people living abroad.',
  },
  psResidenceCap: { it: 'CAP di residenza', en: 'Postcode of residence' },
  psResidenceMunicipality: { it: 'Comune di residenza', en: 'Municipality of residence' },
  psResidenceMunicipalityHint: {
    it: 'Il nome del comune; basta il CAP se il CAP è di un solo comune.',
    en: 'The municipality’s name; the postcode is enough if it belongs to one municipality only.',
  },
  psContactsTitle: { it: 'Contatti', en: 'Contacts' },
  psContactsHint: {
    it: 'Almeno un cellulare o un indirizzo e-mail: servono per conferme, promemoria e certificato (obbligatorio per AIRE e ORD7).',
    en: 'At least a mobile or an e-mail address: they are needed for confirmations, reminders and the certificate (required for AIRE and ORD7).',
  },
  psLandline: { it: 'Telefono fisso', en: 'Landline' },
  psRegisterButton: { it: 'Inserisci l’assistito', en: 'Register the person' },
  psWarningsTitle: {
    it: 'Il codice fiscale non corrisponde a questi dati',
    en: 'The tax code does not match these details',
  },
  psWarningPart: {
    it: '{part}: dai dati «{expected}», nel codice «{actual}»',
    en: '{part}: from the details «{expected}», in the code «{actual}»',
  },
  psConfirmWarnings: { it: 'Verificati sul documento', en: 'Checked against the document' },
  psConfirmWarningsHint: {
    it: 'Spuntare solo se il documento conferma i dati inseriti, poi inserire di nuovo.',
    en: 'Tick only if the document confirms the details entered, then register again.',
  },
} satisfies Record<string, Localized>;
