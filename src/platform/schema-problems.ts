import type { Validator } from 'typebox/compile';

/**
 * The schema errors of a data file as one line each, for people who fix the file: where (as the
 * caller names a JSON pointer, e.g. `products[3] "VAXZEVRIA"`), then what is wrong.
 */
export function schemaProblems(
  validator: Pick<Validator, 'Errors'>,
  value: unknown,
  describe: (pointer: string) => string = (pointer) => (pointer === '' ? '(file)' : pointer.slice(1)),
): string[] {
  const lines = new Set<string>();
  for (const error of validator.Errors(value)) {
    // A wrong value in a nullable field reports once per union branch; the branch errors are enough.
    if (error.keyword === 'anyOf' || error.keyword === 'boolean') continue;
    const extra =
      error.keyword === 'additionalProperties' && Array.isArray(error.params.additionalProperties)
        ? `: ${(error.params.additionalProperties as unknown[]).join(', ')}`
        : '';
    lines.add(`${describe(error.instancePath)}: ${error.message}${extra}`);
  }
  return [...lines];
}
