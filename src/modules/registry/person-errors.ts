import { defineProblems } from '../../platform/http/problem.ts';

/** Refusals of the person operations (REG-4 … REG-11). Identifier refusals are in errors.ts. */
export const personProblems = defineProblems({
  FOREIGNERS_ANSWER_UNREADABLE: {
    status: 400,
    title: { it: 'File di risposta illeggibile', en: 'Unreadable answer file' },
    detail: {
      it: 'Il file non si legge come risposta del sistema Tessera Sanitaria ({reason}): servono le colonne della richiesta e «Identificativo TS».',
      en: 'The file cannot be read as the health-card system’s answer ({reason}): it needs the request columns and “Identificativo TS”.',
    },
  },
  PERSON_NOT_FOUND: {
    status: 404,
    title: { it: 'Assistito non trovato', en: 'Person not found' },
    detail: {
      it: 'Nessun assistito con questo riferimento. Lo cerchi per codice fiscale o per cognome e data di nascita.',
      en: 'No person with this reference. Search by tax code, or by surname and birth date.',
    },
  },
  PERSON_SEARCH_CRITERIA: {
    status: 400,
    title: { it: 'Criteri di ricerca insufficienti', en: 'Not enough search criteria' },
    detail: {
      it: 'Indichi il codice identificativo, oppure il cognome (almeno 2 lettere) con eventualmente nome e data di nascita.',
      en: 'Give the identifier, or the surname (at least 2 letters), optionally with given name and birth date.',
    },
  },
  PERSON_IDENTIFIER_EXISTS: {
    status: 409,
    title: { it: 'Assistito già presente', en: 'Person already registered' },
    detail: {
      it: 'Esiste già un assistito con l’identificativo {identifier}: lo cerchi e aggiorni quello invece di inserirne uno nuovo.',
      en: 'A person with identifier {identifier} already exists: search for them and update that record instead.',
    },
  },
  PERSON_IDENTIFIER_NOT_ALLOWED: {
    status: 400,
    title: { it: 'Tipo di identificativo non ammesso', en: 'Identifier type not allowed' },
    detail: {
      it: 'Per lo stato {status} l’identificativo deve essere di tipo {allowed}.',
      en: 'For status {status} the identifier must be of type {allowed}.',
    },
  },
  PERSON_STATUS_NOT_CREATABLE: {
    status: 400,
    title: { it: 'Stato non ammesso per un inserimento', en: 'Status not allowed for a new person' },
    detail: {
      it: 'Un assistito non può essere inserito con stato {status}. Inserisca lo stato attuale della persona.',
      en: 'A person cannot be inserted with status {status}. Enter the person’s current status.',
    },
  },
  PERSON_CONTACT_REQUIRED: {
    status: 400,
    title: { it: 'Contatto obbligatorio', en: 'Contact required' },
    detail: {
      it: 'Per questa persona serve almeno un cellulare o un indirizzo e-mail, per inviare conferme e certificato.',
      en: 'This person needs at least a mobile phone or an e-mail address, to receive confirmations and the certificate.',
    },
  },
  PERSON_ORD7_CATEGORY_REQUIRED: {
    status: 400,
    title: { it: 'Categoria mancante', en: 'Category missing' },
    detail: {
      it: 'Per un identificativo ORD7 indichi la categoria dell’Ordinanza 7/2021 (AIRE, istituzioni UE, personale diplomatico, organizzazioni internazionali).',
      en: 'For an ORD7 identifier give the Ordinance 7/2021 category (AIRE, EU institutions, diplomatic staff, international organisations).',
    },
  },
  PERSON_MUNICIPALITY_UNKNOWN: {
    status: 400,
    title: { it: 'Comune sconosciuto', en: 'Unknown municipality' },
    detail: {
      it: 'Il codice ISTAT {istat} non corrisponde a un comune italiano. Scelga il comune dall’elenco.',
      en: 'ISTAT code {istat} is not an Italian municipality. Choose the municipality from the list.',
    },
  },
  PERSON_CAP_NOT_OF_MUNICIPALITY: {
    status: 400,
    title: { it: 'CAP non del comune', en: 'Postcode not of the municipality' },
    detail: {
      it: 'Il CAP {cap} non appartiene al comune indicato. Controlli il CAP o il comune.',
      en: 'Postcode {cap} does not belong to the municipality given. Check the postcode or the municipality.',
    },
  },
  PERSON_BIRTH_DATE_INVALID: {
    status: 400,
    title: { it: 'Data di nascita non valida', en: 'Invalid birth date' },
    detail: {
      it: 'La data di nascita non può essere nel futuro né prima del 1900.',
      en: 'The birth date cannot be in the future nor before 1900.',
    },
  },
  PERSON_WARNINGS_UNCONFIRMED: {
    status: 422,
    title: { it: 'Dati da confermare', en: 'Data to confirm' },
    detail: {
      it: 'Il codice fiscale non corrisponde ad alcuni dati inseriti ({parts}). Verifichi con il documento e, se i dati sono corretti, confermi.',
      en: 'The tax code does not match some of the data entered ({parts}). Check against the document and, if the data are right, confirm.',
    },
  },
  PERSON_VERSION_CONFLICT: {
    status: 409,
    title: { it: 'Dati modificati da altri', en: 'Changed by someone else' },
    detail: {
      it: 'Un altro operatore ha modificato questo assistito nel frattempo. Ricarichi la scheda e ripeta la modifica.',
      en: 'Another operator changed this person in the meantime. Reload the record and make the change again.',
    },
  },
  NATIONAL_REGISTRY_UNREACHABLE: {
    status: 503,
    title: { it: 'Anagrafe nazionale non raggiungibile', en: 'National registry unreachable' },
    detail: {
      it: 'L’anagrafe nazionale non risponde in questo momento. Riprovi tra qualche minuto; nel frattempo può continuare a lavorare sull’anagrafe regionale.',
      en: 'The national registry is not answering right now. Try again in a few minutes; meanwhile you can keep working on the regional registry.',
    },
  },
  PERSON_NOT_FOUND_NATIONALLY: {
    status: 404,
    title: { it: 'Non presente nell’anagrafe nazionale', en: 'Not in the national registry' },
    detail: {
      it: 'Nessuna persona con l’identificativo {identifier} nell’anagrafe nazionale. Controlli il codice; se la persona non è in alcuna anagrafe, la inserisca a mano.',
      en: 'No person with identifier {identifier} in the national registry. Check the code; if the person is in no registry, insert them by hand.',
    },
  },
  PERSON_NOT_IMPORTABLE: {
    status: 409,
    title: { it: 'Persona non importabile', en: 'Person cannot be imported' },
    detail: {
      it: 'L’anagrafe nazionale indica questa persona come deceduta: non viene importata.',
      en: 'The national registry records this person as deceased: they are not imported.',
    },
  },
  PERSON_SUPERSEDE_SELF: {
    status: 400,
    title: { it: 'Stessa identità', en: 'Same identity' },
    detail: {
      it: 'Un’identità non può sostituire sé stessa: indichi l’assistito con il codice fiscale attuale.',
      en: 'An identity cannot replace itself: give the person with the current tax code.',
    },
  },
  PERSON_NOT_OBSOLETE: {
    status: 409,
    title: { it: 'Identità ancora in uso', en: 'Identity still in use' },
    detail: {
      it: 'Si spostano i dati solo da un’identità segnata come obsoleta e collegata a quella attuale: la colleghi prima.',
      en: 'Records move only from an identity marked obsolete and linked to the current one: link it first.',
    },
  },
  PERSON_OBSOLETE: {
    status: 409,
    title: { it: 'Identità non più in uso', en: 'Identity no longer in use' },
    detail: {
      it: 'Questa identità è obsoleta: lavori sull’identità attuale ({identifier}).',
      en: 'This identity is obsolete: work on the current identity ({identifier}).',
    },
  },
});
