import type { FastifySchemaValidationError } from 'fastify';

export interface FieldProblem {
  code: string;
  pointer: string;
  params: Record<string, string | number>;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'un testo / a text',
  integer: 'un numero intero / a whole number',
  number: 'un numero / a number',
  boolean: 'vero o falso / true or false',
  object: 'un oggetto / an object',
  array: 'un elenco / a list',
  null: 'vuoto / empty',
};

/**
 * Turns one schema-validation failure into a field problem: a stable code per kind of mistake and
 * the JSON pointer of the field, e.g. `/body/taxCode`, so clients can put the message next to it.
 */
export function fieldProblem(error: FastifySchemaValidationError, context: string | undefined): FieldProblem {
  const params: Record<string, unknown> = error.params;
  let path = error.instancePath;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    path = `${path}/${params.missingProperty}`;
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    path = `${path}/${params.additionalProperty}`;
  }
  const pointer = `/${context ?? 'body'}${path}`;
  const field = path.split('/').filter(Boolean).join('.') || (context ?? 'body');
  switch (error.keyword) {
    case 'required':
      return { code: 'FIELD_REQUIRED', pointer, params: { field } };
    case 'type': {
      const expected = typeof params.type === 'string' ? params.type : 'valid';
      return { code: 'FIELD_TYPE', pointer, params: { field, expected: TYPE_NAMES[expected] ?? expected } };
    }
    case 'minLength':
    case 'minItems':
      return { code: 'FIELD_TOO_SHORT', pointer, params: { field, limit: Number(params.limit) } };
    case 'maxLength':
    case 'maxItems':
      return { code: 'FIELD_TOO_LONG', pointer, params: { field, limit: Number(params.limit) } };
    case 'pattern':
      return { code: 'FIELD_PATTERN', pointer, params: { field } };
    case 'format':
      return { code: 'FIELD_FORMAT', pointer, params: { field, format: String(params.format) } };
    case 'enum':
    case 'const': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues : [params.allowedValue];
      return { code: 'FIELD_ENUM', pointer, params: { field, allowed: allowed.map(String).join(', ') } };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        code: 'FIELD_RANGE',
        pointer,
        params: { field, comparison: String(params.comparison), limit: Number(params.limit) },
      };
    case 'additionalProperties':
      return { code: 'FIELD_UNKNOWN', pointer, params: { field } };
    default:
      return { code: 'REQUEST_INVALID', pointer, params: { field } };
  }
}
