import { Type, type Static } from 'typebox';
import { format, type Language, type Localized } from '../i18n.ts';

/**
 * Every refusal is one code from a closed catalogue: each module declares its own (`errors.ts`) with
 * an HTTP status and the message in Italian and English, saying what is wrong and what to do.
 */
export interface ProblemDefinition {
  status: number;
  title: Localized;
  detail: Localized;
}

export type ProblemCatalogue<Code extends string> = Record<Code, ProblemDefinition>;

/** One catalogue entry: the HTTP status, a short title and what to do, in Italian and English. */
export const problem = (status: number, title: Localized, detail: Localized): ProblemDefinition => ({
  status,
  title,
  detail,
});

const catalogue = new Map<string, ProblemDefinition>();

export function defineProblems<Code extends string>(
  problems: ProblemCatalogue<Code>,
): ProblemCatalogue<Code> {
  for (const [code, definition] of Object.entries<ProblemDefinition>(problems)) {
    if (catalogue.has(code)) throw new Error(`Problem code ${code} is defined twice`);
    catalogue.set(code, definition);
  }
  return problems;
}

export function problemDefinition(code: string): ProblemDefinition | undefined {
  return catalogue.get(code);
}

export function allProblemCodes(): string[] {
  return [...catalogue.keys()].sort();
}

/** A domain refusal: thrown by services, turned into problem+json by the HTTP layer. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly options: {
      /** JSON pointer of the field at fault, e.g. `/body/taxCode`. */
      pointer?: string;
      /** A Localized value is rendered in the answer's language. */
      params?: Record<string, string | number | Localized>;
      /** Extra machine-readable facts for the client (never personal data of others). */
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(code);
    this.name = 'DomainError';
    if (!catalogue.has(code)) throw new Error(`Unknown problem code ${code}`);
  }
}

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI reference naming the problem type' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable machine-readable code, e.g. TAX_CODE_CHECK_CHARACTER' }),
    pointer: Type.Optional(Type.String({ description: 'JSON pointer of the field at fault' })),
    correlationId: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ code: Type.String(), pointer: Type.String(), detail: Type.String() })),
    ),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

export type Problem = Static<typeof ProblemSchema>;

function inLanguage(
  params: Record<string, string | number | Localized> | undefined,
  language: Language,
): Record<string, string | number> | undefined {
  if (params === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => [
      name,
      typeof value === 'object' ? value[language] : value,
    ]),
  );
}

export function renderProblem(
  code: string,
  language: Language,
  correlationId: string,
  options: DomainError['options'] & { instance?: string } = {},
): Problem {
  const definition = catalogue.get(code) ?? catalogue.get('INTERNAL_ERROR');
  if (!definition) throw new Error('INTERNAL_ERROR is not defined');
  const problem: Problem = {
    type: `/problems/${code}`,
    title: definition.title[language],
    status: definition.status,
    detail: format(definition.detail[language], inLanguage(options.params, language)),
    code,
    correlationId,
    ...(options.pointer ? { pointer: options.pointer } : {}),
    ...(options.instance ? { instance: options.instance } : {}),
    ...(options.extensions ?? {}),
  };
  return problem;
}
