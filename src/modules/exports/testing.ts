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
