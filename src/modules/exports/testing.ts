import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import { PROJECT_ROOT } from '../reference/files.ts';
import { valueSetProblems } from './fhir.ts';

/*
 * Test support: the official HL7 FHIR R4 JSON schema (../shared/data/fhir, draft-06) under ajv 8, as
 * SOURCES.md describes: `id` renamed to `$id`, the draft-06 meta-schema added, strict mode off, one
 * resource type compiled at a time (the whole schema at once takes minutes). Not used at run time.
 */

export const SHARED_DATA = path.resolve(PROJECT_ROOT, '..', 'shared', 'data');
export const HL7_IT_EXAMPLES = path.join(SHARED_DATA, 'fhir', 'hl7-it-examples');

const require = createRequire(import.meta.url);

export interface FhirValidator {
  /** Schema errors and value-set problems of a resource; empty when it is valid. */
  problems(resource: unknown): string[];
}

export function fhirValidator(): FhirValidator {
  const schema = JSON.parse(readFileSync(path.join(SHARED_DATA, 'fhir', 'fhir.r4.schema.json'), 'utf8')) as {
    id?: string;
    $id?: string;
  };
  const id = schema.id ?? 'http://hl7.org/fhir/json-schema/4.0';
  delete schema.id;
  schema.$id = id;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as AnySchemaObject);
  ajv.addSchema(schema);
  const compiled = new Map<string, ValidateFunction>();
  const validatorOf = (type: string): ValidateFunction => {
    let validate = compiled.get(type);
    if (validate === undefined) {
      validate = ajv.getSchema(`${id}#/definitions/${type}`);
      if (validate === undefined) throw new Error(`no FHIR definition ${type}`);
      compiled.set(type, validate);
    }
    return validate;
  };
  return {
    problems(resource) {
      const type = (resource as { resourceType?: unknown } | null)?.resourceType;
      if (typeof type !== 'string') return ['no resourceType'];
      const validate = validatorOf(type);
      const schemaProblems = validate(resource)
        ? []
        : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
      return [...schemaProblems, ...valueSetProblems(resource)];
    },
  };
}

/** EXP-2: a published open-data file of ../shared/data/opendata-vaccini-2021-05-04, as text. */
export function publishedOpenData(file: string): string {
  return readFileSync(path.join(SHARED_DATA, 'opendata-vaccini-2021-05-04', file), 'utf8');
}

export type CsvColumnType = 'integer' | 'number' | 'date' | 'text';

const COLUMN_TYPES: readonly [CsvColumnType, RegExp][] = [
  ['integer', /^(0|[1-9][0-9]*)$/],
  ['number', /^(0|[1-9][0-9]*)\.[0-9]$/],
  ['date', /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/],
];

/** The type of one CSV value: the first of integer, one-decimal number, day, else text. */
export function csvValueType(value: string): CsvColumnType {
  return COLUMN_TYPES.find(([, pattern]) => pattern.test(value))?.[0] ?? 'text';
}

/**
 * The type of each column of a CSV text (a plain one: no quoted commas), by header name: the type all
 * its values share, else text.
 */
export function csvColumnTypes(csv: string): Record<string, CsvColumnType> {
  const [header = '', ...lines] = csv.split('\n').filter((line) => line !== '');
  const names = header.split(',');
  const types: Record<string, CsvColumnType> = {};
  names.forEach((name, index) => {
    const seen = new Set(lines.map((line) => csvValueType(line.split(',')[index] ?? '')));
    types[name] = seen.size === 1 ? ([...seen][0] ?? 'text') : 'text';
  });
  return types;
}
