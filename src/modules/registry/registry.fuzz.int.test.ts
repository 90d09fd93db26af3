import { beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, TEST_PASSWORD } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import type { InjectOptions } from 'fastify';
import type { App } from '../../platform/http/types.ts';

/** Values that break naive code: wrong types, impossible dates, foreign CAPs, oversized and control text. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ minLength: 200, maxLength: 3000 }),
  fc.constantFrom('', ' ', '\u0000', '🙂', "'; DROP TABLE persons; --", '%00', '../../etc/passwd', 'null'),
  fc.constantFrom('2021-02-29', '2021-13-01', '0000-00-00', '1899-12-31', '2999-01-01', '12/10/1985'),
  fc.constantFrom('00000', '20121', '99999', '019036', '999999', 'ABCDEF'),
  fc.constantFrom(
    'RSSMRA85T10A562S',
    'RSSMRA85T10A562X',
    'RSSMRA85T10A56NH',
    'XXXXXXXXXXXXXXXX',
    '12345678901',
  ),
  fc.constantFrom('CF', 'ORD7', 'TS_FOREIGN', 'STP', 'ENI', 'PASSPORT', 'ACTIVE_REGION', 'MARTIAN'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
);

const personFields = [
  'identifier',
  'taxCode',
  'status',
  'surname',
  'givenName',
  'sex',
  'birthDate',
  'birthPlaceCode',
  'healthCardNumber',
  'residence',
  'domicile',
  'healthAuthorityCode',
  'ord7Category',
  'mobile',
  'landline',
  'email',
  'confirmedWarnings',
  'version',
  'unknownField',
];

const body = fc.dictionary(
  fc.constantFrom(...personFields),
  fc.oneof(
    nasty,
    fc.record({ type: nasty, value: nasty, pending: nasty }, { requiredKeys: [] }),
    fc.record({ municipalityIstat: nasty, cap: nasty, address: nasty }, { requiredKeys: [] }),
  ),
);

const query = fc.dictionary(
  fc.constantFrom(
    'identifier',
    'surname',
    'givenName',
    'birthDate',
    'healthAuthority',
    'page',
    'pageSize',
    'other',
  ),
  nasty.map((value) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))),
);

describeEachDatabase('Registry routes under random bad input', (database) => {
  let app: App;
  let headers: Record<string, string>;

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 50, seed: 5 });
    await ensureStaffOfEveryRole(database());
    ({ app } = await buildTestApp(database()));
    const grant = await app.inject({
      method: 'POST',
      url: '/auth/staff/session',
      payload: { username: 'test.region-admin', password: TEST_PASSWORD },
    });
    headers = { authorization: `Bearer ${grant.json<{ token: string }>().token}` };
  });

  const expectClean = async (request: InjectOptions) => {
    const response = await app.inject(request);
    const type = String(response.headers['content-type'] ?? '');
    if (
      response.statusCode >= 500 ||
      (response.statusCode >= 400 && !type.includes('application/problem+json'))
    ) {
      throw new Error(`${response.statusCode} ${response.body.slice(0, 300)}`);
    }
    if (response.statusCode >= 400) expect(response.json<{ code: string }>().code).toMatch(/^[A-Z0-9_]+$/);
  };

  it('REG-5 searchPersons answers any query with 2xx or a 4xx problem, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (params) => {
        await expectClean({ method: 'GET', url: '/persons', query: params, headers });
      }),
      { numRuns: 150 },
    );
  });

  it('REG-6 createPerson answers any body with 2xx or a 4xx problem, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        await expectClean({ method: 'POST', url: '/persons', payload, headers });
      }),
      { numRuns: 200 },
    );
  });

  it('REG-10 updatePerson and getPerson answer any input with 2xx or a 4xx problem, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.oneof(fc.integer(), fc.string()), async (payload, id) => {
        const url = `/persons/${encodeURIComponent(String(id))}`;
        await expectClean({ method: 'PATCH', url, payload, headers });
        await expectClean({ method: 'GET', url, headers });
      }),
      { numRuns: 150 },
    );
  });
});
