import { defineProblems } from '../../platform/http/problem.ts';
import type { Localized } from '../../platform/i18n.ts';
import type { RegistryRefusalCode, TaxCodeWarningCode } from './identifiers.ts';

const refusal = (title: Localized, detail: Localized) => ({ status: 400, title, detail });

/** Refusals of the identifiers (REG-1), the tax code (REG-2) and the health card (REG-3): see identifiers.ts. */
export const registryProblems = defineProblems<RegistryRefusalCode>({
  TAX_CODE_LENGTH: refusal(
    { it: 'Codice fiscale di lunghezza errata', en: 'Tax code of the wrong length' },
    {
      it: 'Il codice fiscale ha 16 caratteri, quello inserito ne ha {length}. Lo ricopi dalla tessera sanitaria senza tralasciare caratteri.',
      en: 'A tax code has 16 characters, the one entered has {length}. Copy it again from the health card without leaving any out.',
    },
  ),
  TAX_CODE_CHARACTERS: refusal(
    { it: 'Carattere non ammesso nel codice fiscale', en: 'Character not allowed in the tax code' },
    {
      it: 'Il carattere «{character}» in posizione {position} non è ammesso: nel codice fiscale i caratteri 1-6, 9, 12 e 16 sono lettere, gli altri cifre. Controlli di non aver scambiato lettere e cifre (la O con lo 0, la I con l’1).',
      en: 'The character "{character}" at position {position} is not allowed: in a tax code characters 1-6, 9, 12 and 16 are letters, the others digits. Check that no letter and digit were swapped (O and 0, I and 1).',
    },
  ),
  TAX_CODE_OMOCODIA: refusal(
    { it: 'Lettera non ammessa al posto di una cifra', en: 'Letter not allowed in place of a digit' },
    {
      it: 'In posizione {position} ci vuole una cifra oppure, nei codici fiscali omocodici, una delle lettere L M N P Q R S T U V: «{character}» non lo è. Controlli di aver copiato bene il codice dalla tessera sanitaria.',
      en: 'Position {position} must hold a digit or, in an omocodic tax code, one of the letters L M N P Q R S T U V: "{character}" is neither. Check that the code was copied correctly from the health card.',
    },
  ),
  TAX_CODE_CHECK_CHARACTER: refusal(
    { it: 'Codice fiscale non valido', en: 'Invalid tax code' },
    {
      it: 'Il carattere di controllo (l’ultima lettera, «{character}») non corrisponde agli altri 15 caratteri: di solito è un errore di battitura. Controlli di aver copiato bene il codice fiscale dalla tessera sanitaria.',
      en: 'The check character (the last letter, "{character}") does not match the other 15 characters: usually a typing mistake. Check that the tax code was copied correctly from the health card.',
    },
  ),
  TAX_CODE_MONTH: refusal(
    { it: 'Mese di nascita non valido nel codice fiscale', en: 'Invalid birth month in the tax code' },
    {
      it: 'Il 9° carattere indica il mese di nascita con una delle lettere A B C D E H L M P R S T: «{character}» non è tra queste. Controlli il codice sulla tessera sanitaria.',
      en: 'The 9th character gives the birth month as one of the letters A B C D E H L M P R S T: "{character}" is not one of them. Check the code against the health card.',
    },
  ),
  TAX_CODE_BIRTH_DATE: refusal(
    { it: 'Data di nascita inesistente nel codice fiscale', en: 'Birth date in the tax code does not exist' },
    {
      it: 'I caratteri dal 7° all’11° ({datePart}: anno, lettera del mese, giorno, più 40 per le donne) non formano una data di calendario. Controlli questi caratteri sulla tessera sanitaria.',
      en: 'Characters 7 to 11 ({datePart}: year, month letter, day, plus 40 for women) do not make a calendar date. Check these characters against the health card.',
    },
  ),
  TAX_CODE_PLACE_UNKNOWN: refusal(
    { it: 'Luogo di nascita sconosciuto', en: 'Unknown birth place' },
    {
      it: 'Il codice del luogo di nascita {placeCode} (caratteri dal 12° al 15°) non è né un comune italiano né uno Stato estero. Controlli questi caratteri sulla tessera sanitaria.',
      en: 'The birth-place code {placeCode} (characters 12 to 15) is neither an Italian municipality nor a foreign country. Check these characters against the health card.',
    },
  ),
  TAX_CODE_PLACE_NOT_VALID_ON_BIRTH_DATE: refusal(
    {
      it: 'Luogo di nascita non in uso alla data di nascita',
      en: 'Birth place not in use on the birth date',
    },
    {
      it: 'Il codice del luogo di nascita {placeCode} ({placeName}) non era in uso il {birthDate}, data di nascita del codice: lo è stato dal {validFrom} al {validTo} escluso. Controlli data e luogo di nascita nel codice: per chi è nato in un comune poi soppresso o unito ad altri vale il codice in uso alla nascita.',
      en: 'The birth-place code {placeCode} ({placeName}) was not in use on {birthDate}, the birth date in the code: it was in use from {validFrom} until {validTo} (exclusive). Check birth date and place in the code: people born in a municipality later abolished or merged keep the code in use at their birth.',
    },
  ),
  IDENTIFIER_CF_TEMP_FORMAT: refusal(
    { it: 'Codice fiscale provvisorio non valido', en: 'Invalid temporary tax code' },
    {
      it: 'Il codice fiscale provvisorio è fatto di 11 cifre; il valore inserito ({length} caratteri) non lo è. Lo ricopi dal certificato di attribuzione dell’Agenzia delle Entrate.',
      en: 'A temporary tax code is made of 11 digits; the value entered ({length} characters) is not. Copy it again from the Revenue Agency’s certificate.',
    },
  ),
  IDENTIFIER_CF_TEMP_CHECK_DIGIT: refusal(
    { it: 'Codice fiscale provvisorio non valido', en: 'Invalid temporary tax code' },
    {
      it: 'L’ultima cifra del codice fiscale provvisorio (la cifra di controllo) non corrisponde alle altre 10: di solito è un errore di battitura. Controlli di averlo copiato bene.',
      en: 'The last digit of the temporary tax code (the check digit) does not match the other 10: usually a typing mistake. Check that it was copied correctly.',
    },
  ),
  IDENTIFIER_STP_FORMAT: refusal(
    { it: 'Codice STP non valido', en: 'Invalid STP code' },
    {
      it: 'Il codice STP è «STP» seguito da 13 cifre (3 della regione, 3 dell’azienda sanitaria, 7 progressive), 16 caratteri in tutto; il valore inserito ({length} caratteri) non ha questa forma. Lo ricopi dal tesserino STP.',
      en: 'An STP code is "STP" followed by 13 digits (3 for the region, 3 for the health authority, 7 progressive), 16 characters in all; the value entered ({length} characters) does not have this form. Copy it again from the STP card.',
    },
  ),
  IDENTIFIER_ENI_FORMAT: refusal(
    { it: 'Codice ENI non valido', en: 'Invalid ENI code' },
    {
      it: 'Il codice ENI è «ENI» seguito da 13 cifre (3 della regione, 3 dell’azienda sanitaria, 7 progressive), 16 caratteri in tutto; il valore inserito ({length} caratteri) non ha questa forma. Lo ricopi dal tesserino ENI.',
      en: 'An ENI code is "ENI" followed by 13 digits (3 for the region, 3 for the health authority, 7 progressive), 16 characters in all; the value entered ({length} characters) does not have this form. Copy it again from the ENI card.',
    },
  ),
  IDENTIFIER_ORD7_FORMAT: refusal(
    { it: 'Codice Ordinanza 7/2021 non valido', en: 'Invalid Ordinance 7/2021 code' },
    {
      it: 'Il codice rilasciato dal Sistema Tessera Sanitaria per l’Ordinanza 7/2021 è fatto di 8-20 lettere e cifre, senza altri segni; il valore inserito ({length} caratteri) non lo è. Lo ricopi dal documento che la persona presenta insieme al documento di identità.',
      en: 'The code issued by the health-card system under Ordinance 7/2021 is 8 to 20 letters and digits, with no other signs; the value entered ({length} characters) is not. Copy it again from the document the person shows with their identity document.',
    },
  ),
  IDENTIFIER_TS_FOREIGN_FORMAT: refusal(
    { it: 'Identificativo TS per stranieri non valido', en: 'Invalid health-card identifier for foreigners' },
    {
      it: 'L’identificativo rilasciato dal Sistema Tessera Sanitaria è fatto di 8-20 lettere e cifre, senza altri segni; il valore inserito ({length} caratteri) non lo è. Lo ricopi dalla risposta del Sistema Tessera Sanitaria.',
      en: 'The identifier issued by the health-card system is 8 to 20 letters and digits, with no other signs; the value entered ({length} characters) is not. Copy it again from the health-card system’s answer.',
    },
  ),
  HEALTH_CARD_LENGTH: refusal(
    { it: 'Numero di tessera sanitaria di lunghezza errata', en: 'Health-card number of the wrong length' },
    {
      it: 'Il numero di identificazione della tessera sanitaria ha 20 cifre, quello inserito ne ha {length}. Lo ricopi dal retro della tessera, dove inizia con 80380.',
      en: 'The health-card identification number has 20 digits, the one entered has {length}. Copy it again from the back of the card, where it starts with 80380.',
    },
  ),
  HEALTH_CARD_DIGITS: refusal(
    { it: 'Numero di tessera sanitaria non valido', en: 'Invalid health-card number' },
    {
      it: 'Il numero di identificazione della tessera sanitaria è fatto solo di cifre: il carattere «{character}» in posizione {position} non è ammesso. Lo ricopi dal retro della tessera.',
      en: 'The health-card identification number is made of digits only: the character "{character}" at position {position} is not allowed. Copy it again from the back of the card.',
    },
  ),
  HEALTH_CARD_PREFIX: refusal(
    { it: 'Numero di tessera sanitaria non valido', en: 'Invalid health-card number' },
    {
      it: 'Il numero di identificazione della tessera sanitaria inizia con 80380, quello inserito con {prefix}. Controlli di aver copiato il numero sul retro della tessera, non il codice fiscale o un altro numero.',
      en: 'The health-card identification number starts with 80380, the one entered with {prefix}. Check that you copied the number on the back of the card, not the tax code or another number.',
    },
  ),
});

/**
 * REG-2: the differences between a valid tax code and the person's known data. Not refusals: the
 * operator checks a document and confirms. `{expected}` is what the known data encodes to, `{actual}`
 * what the code holds.
 */
export const TAX_CODE_WARNINGS: Record<TaxCodeWarningCode, Localized> = {
  TAX_CODE_MISMATCH_SURNAME: {
    it: 'Il cognome indicato dà le lettere «{expected}», ma il codice fiscale ha «{actual}» (caratteri 1-3). Verifichi cognome e codice fiscale su un documento e confermi solo se sono entrambi corretti.',
    en: 'The surname given encodes to "{expected}", but the tax code has "{actual}" (characters 1-3). Check surname and tax code against a document and confirm only if both are right.',
  },
  TAX_CODE_MISMATCH_GIVEN_NAME: {
    it: 'Il nome indicato dà le lettere «{expected}», ma il codice fiscale ha «{actual}» (caratteri 4-6). Verifichi nome e codice fiscale su un documento e confermi solo se sono entrambi corretti.',
    en: 'The given name encodes to "{expected}", but the tax code has "{actual}" (characters 4-6). Check given name and tax code against a document and confirm only if both are right.',
  },
  TAX_CODE_MISMATCH_SEX: {
    it: 'Il sesso indicato è {expected}, ma il codice fiscale indica {actual} (giorno di nascita, più 40 per le donne). Verifichi sesso e codice fiscale su un documento e confermi solo se sono entrambi corretti.',
    en: 'The sex given is {expected}, but the tax code says {actual} (birth day, plus 40 for women). Check sex and tax code against a document and confirm only if both are right.',
  },
  TAX_CODE_MISMATCH_BIRTH_DATE: {
    it: 'La data di nascita indicata è {expected}, ma il codice fiscale indica {actual} (caratteri 7-11). Verifichi data di nascita e codice fiscale su un documento e confermi solo se sono entrambi corretti.',
    en: 'The birth date given is {expected}, but the tax code says {actual} (characters 7-11). Check birth date and tax code against a document and confirm only if both are right.',
  },
  TAX_CODE_MISMATCH_BIRTH_PLACE: {
    it: 'Il luogo di nascita indicato ha codice {expected}, ma il codice fiscale indica {actual} (caratteri 12-15). Verifichi luogo di nascita e codice fiscale su un documento e confermi solo se sono entrambi corretti.',
    en: 'The birth place given has code {expected}, but the tax code says {actual} (characters 12-15). Check birth place and tax code against a document and confirm only if both are right.',
  },
};
