import { beforeAll, it } from 'vitest';
import fc from 'fast-check';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, TEST_PASSWORD } from '../../../test/app.ts';
import { expectCleanAnswer, nasty } from '../../../test/fuzz.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import type { App } from '../../platform/http/types.ts';

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

  it('REG-5 searchPersons answers any query with 2xx or a 4xx problem, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (params) => {
        await expectCleanAnswer(app, { method: 'GET', url: '/persons', query: params, headers });
      }),
      { numRuns: 150 },
    );
  });

  it('REG-6 createPerson answers any body with 2xx or a 4xx problem, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        await expectCleanAnswer(app, { method: 'POST', url: '/persons', payload, headers });
      }),
      { numRuns: 200 },
    );
  });

  it('REG-10 updatePerson and getPerson answer any input with 2xx or a 4xx problem, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.oneof(fc.integer(), fc.string()), async (payload, id) => {
        const url = `/persons/${encodeURIComponent(String(id))}`;
        await expectCleanAnswer(app, { method: 'PATCH', url, payload, headers });
        await expectCleanAnswer(app, { method: 'GET', url, headers });
      }),
      { numRuns: 150 },
    );
  });
});
