import { defineProblems } from './problem.ts';

/** Problems any route can produce: transport, validation, availability. */
export const httpProblems = defineProblems({
  INTERNAL_ERROR: {
    status: 500,
    title: { it: 'Errore interno', en: 'Internal error' },
    detail: {
      it: 'Si è verificato un errore imprevisto. Riprovi tra qualche minuto; se il problema persiste, comunichi al supporto il codice di correlazione.',
      en: 'An unexpected error occurred. Please try again in a few minutes; if it persists, give the correlation id to support.',
    },
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    title: { it: 'Servizio temporaneamente non disponibile', en: 'Service temporarily unavailable' },
    detail: {
      it: 'La banca dati non risponde. Riprovi tra qualche minuto.',
      en: 'The database is not answering. Please try again in a few minutes.',
    },
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    title: { it: 'Indirizzo non trovato', en: 'Address not found' },
    detail: {
      it: 'Non esiste alcuna operazione {method} {url}. Consulti /docs per l’elenco delle operazioni.',
      en: 'There is no operation {method} {url}. See /docs for the list of operations.',
    },
  },
  URL_MALFORMED: {
    status: 400,
    title: { it: 'Indirizzo non valido', en: 'Invalid address' },
    detail: {
      it: 'L’indirizzo della richiesta contiene caratteri non validi. Lo controlli e riprovi.',
      en: 'The request address contains invalid characters. Check it and try again.',
    },
  },
  PARAMETER_TOO_LONG: {
    status: 414,
    title: { it: 'Indirizzo troppo lungo', en: 'Address too long' },
    detail: {
      it: 'Un elemento dell’indirizzo della richiesta è troppo lungo. Controlli il codice indicato.',
      en: 'A part of the request address is too long. Check the code given.',
    },
  },
  BODY_MALFORMED: {
    status: 400,
    title: { it: 'Richiesta non leggibile', en: 'Unreadable request' },
    detail: {
      it: 'Il contenuto della richiesta non è un JSON valido. Corregga il formato e riprovi.',
      en: 'The request body is not valid JSON. Fix the format and try again.',
    },
  },
  BODY_TOO_LARGE: {
    status: 413,
    title: { it: 'Richiesta troppo grande', en: 'Request too large' },
    detail: {
      it: 'Il contenuto della richiesta supera la dimensione consentita. Per i caricamenti massivi usi la funzione di caricamento elenchi.',
      en: 'The request body is larger than allowed. For bulk loads use the list upload function.',
    },
  },
  MEDIA_TYPE_UNSUPPORTED: {
    status: 415,
    title: { it: 'Formato non supportato', en: 'Unsupported format' },
    detail: {
      it: 'Il formato del contenuto non è accettato. Invii application/json.',
      en: 'The content type is not accepted. Send application/json.',
    },
  },
  TOO_MANY_REQUESTS: {
    status: 429,
    title: { it: 'Troppe richieste', en: 'Too many requests' },
    detail: {
      it: 'Il servizio sta ricevendo troppe richieste. Riprovi tra {retryAfter} secondi.',
      en: 'The service is receiving too many requests. Try again in {retryAfter} seconds.',
    },
  },
  FIELD_REQUIRED: {
    status: 400,
    title: { it: 'Dato mancante', en: 'Missing field' },
    detail: {
      it: 'Il campo «{field}» è obbligatorio: lo compili.',
      en: 'The field "{field}" is required: fill it in.',
    },
  },
  FIELD_TYPE: {
    status: 400,
    title: { it: 'Dato del tipo sbagliato', en: 'Wrong type of value' },
    detail: {
      it: 'Il campo «{field}» deve essere {expected}.',
      en: 'The field "{field}" must be {expected}.',
    },
  },
  FIELD_TOO_SHORT: {
    status: 400,
    title: { it: 'Dato troppo corto', en: 'Value too short' },
    detail: {
      it: 'Il campo «{field}» deve avere almeno {limit} caratteri o elementi.',
      en: 'The field "{field}" must have at least {limit} characters or items.',
    },
  },
  FIELD_TOO_LONG: {
    status: 400,
    title: { it: 'Dato troppo lungo', en: 'Value too long' },
    detail: {
      it: 'Il campo «{field}» può avere al massimo {limit} caratteri o elementi.',
      en: 'The field "{field}" can have at most {limit} characters or items.',
    },
  },
  FIELD_PATTERN: {
    status: 400,
    title: { it: 'Formato non valido', en: 'Invalid format' },
    detail: {
      it: 'Il campo «{field}» non ha il formato atteso. Controlli quanto ha scritto.',
      en: 'The field "{field}" does not have the expected format. Check what you typed.',
    },
  },
  FIELD_FORMAT: {
    status: 400,
    title: { it: 'Formato non valido', en: 'Invalid format' },
    detail: {
      it: 'Il campo «{field}» deve essere nel formato {format}.',
      en: 'The field "{field}" must be in the {format} format.',
    },
  },
  FIELD_ENUM: {
    status: 400,
    title: { it: 'Valore non ammesso', en: 'Value not allowed' },
    detail: {
      it: 'Il campo «{field}» accetta solo: {allowed}.',
      en: 'The field "{field}" only accepts: {allowed}.',
    },
  },
  FIELD_RANGE: {
    status: 400,
    title: { it: 'Valore fuori intervallo', en: 'Value out of range' },
    detail: {
      it: 'Il campo «{field}» deve essere {comparison} {limit}.',
      en: 'The field "{field}" must be {comparison} {limit}.',
    },
  },
  FIELD_UNKNOWN: {
    status: 400,
    title: { it: 'Dato non previsto', en: 'Unexpected field' },
    detail: {
      it: 'Il campo «{field}» non è previsto da questa operazione: lo tolga.',
      en: 'The field "{field}" is not part of this operation: remove it.',
    },
  },
  REQUEST_INVALID: {
    status: 400,
    title: { it: 'Richiesta non valida', en: 'Invalid request' },
    detail: {
      it: 'Il campo «{field}» non è valido. Controlli quanto ha scritto.',
      en: 'The field "{field}" is not valid. Check what you typed.',
    },
  },
});
