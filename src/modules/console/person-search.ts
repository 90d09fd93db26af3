import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { DomainError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import type { Role } from '../../platform/auth/roles.ts';
import type { RegistryService } from '../registry/service.ts';
import { CreatePersonBody, SearchPersonsQuery, type CreatePersonBodyT } from '../registry/schemas.ts';
import type { TaxCodeWarning } from '../registry/identifiers.ts';
import { IDENTIFIER_TYPES, ORD7_CATEGORIES } from '../registry/tables.ts';
import { municipalitiesByCap } from '../reference/service.ts';
import { resolveDomicile } from '../portal/booking-pages.ts';
import type { FieldError } from '../portal/forms.ts';
import {
  checkFields,
  FormText,
  HTML_PAGE,
  pageLanguage,
  refusalOf,
  type FieldCheck,
  type PageKit,
  type Refusal,
} from '../portal/kit.ts';
import { t, type PageContext } from '../portal/layout.ts';
import { text } from '../portal/texts.ts';
import { staffOf } from './routes.ts';
import {
  CREATABLE_STATUSES,
  partLabel,
  registerPage,
  searchPage,
  type NationalFound,
  type FoundPerson,
  type RegisterValues,
  type SearchConsole,
  type SearchValues,
  type Tier,
} from './person-search-views.ts';

/*
 * REG-5 and REG-6 for every console that finds people: the search in tiers (the point's health authority,
 * the region, then by identifier the national registry), the import of a person found nationally, and
 * the registration by hand of a person in no registry. Each console mounts it under its own address and
 * roles; the work goes through RegistryService, audited as any write.
 */

export interface PersonSearchOptions extends Omit<
  SearchConsole,
  'searchHref' | 'importHref' | 'registerHref' | 'firstTier'
> {
  /** The search page's route in the console scope, e.g. `/vaccination-point/search`. */
  searchUrl: string;
  /** The console's route prefix in the console scope: import and registration go under it. */
  section: string;
  /** Who searches, and who imports and registers (the registry's writers among the console's roles). */
  readers: readonly Role[];
  writers: readonly Role[];
  operationIds: { search: string; import: string; registerForm: string; register: string };
  /** The console's name in the routes' summaries. */
  who: string;
  /** The local tier's health authority (the point's); asked only when the search starts there. */
  localAuthority?: (request: FastifyRequest) => Promise<string>;
}

export interface PersonSearchDeps {
  kit: PageKit;
  db: Kysely<DB>;
  clock: Clock;
  registry: RegistryService;
  regionCode: string;
}

const CONSOLE_PREFIX = '/console';

const TIERS: readonly Tier[] = ['local', 'regional', 'national'];

/** What a search asks, and what it carries on to the registration form. */
const SEARCH_FIELDS = { identifier: FormText, surname: FormText, givenName: FormText, birthDate: FormText };

const REGISTER_NAMES = [
  'province',
  'identifierValue',
  'identifierType',
  'identifierPending',
  'status',
  'ord7Category',
  'taxCode',
  'surname',
  'givenName',
  'sex',
  'birthDate',
  'birthPlaceCode',
  'healthCardNumber',
  'domicileMunicipality',
  'domicileCap',
  'domicileAddress',
  'residenceCap',
  'residenceMunicipality',
  'mobile',
  'email',
  'landline',
] as const;

/** The registry's pointers (`/body/...`) as the registration form names its fields. */
const FIELD_OF_POINTER: Record<string, string> = {
  '/body/identifier/value': 'identifierValue',
  '/body/identifier/type': 'identifierType',
  '/body/identifier/pending': 'identifierPending',
  '/body/status': 'status',
  '/body/ord7Category': 'ord7Category',
  '/body/taxCode': 'taxCode',
  '/body/birthDate': 'birthDate',
  '/body/healthCardNumber': 'healthCardNumber',
  '/body/domicile/municipalityIstat': 'domicileMunicipality',
  '/body/domicile/cap': 'domicileCap',
  '/body/residence/municipalityIstat': 'residenceMunicipality',
  '/body/residence/cap': 'residenceCap',
  '/body/mobile': 'mobile',
};

const person = CreatePersonBody.properties;
const place = person.domicile.properties;

/** Each field checked against the schema of `createPerson` itself, all at once (the kit's checkFields). */
const REGISTER_CHECKS: readonly FieldCheck[] = [
  {
    name: 'identifierValue',
    label: 'psIdentifierValue',
    schema: person.identifier.properties.value,
    optional: true,
  },
  { name: 'identifierType', label: 'psIdentifierType', schema: person.identifier.properties.type },
  { name: 'status', label: 'psStatus', schema: Type.Enum([...CREATABLE_STATUSES]) },
  { name: 'ord7Category', label: 'psOrd7Category', schema: person.ord7Category, optional: true },
  { name: 'taxCode', label: 'psTaxCodeAire', schema: person.taxCode, optional: true },
  { name: 'surname', label: 'vpSurname', schema: person.surname },
  { name: 'givenName', label: 'vpGivenName', schema: person.givenName },
  { name: 'sex', label: 'psSex', schema: person.sex },
  { name: 'birthDate', label: 'vpBirthDate', schema: person.birthDate },
  { name: 'birthPlaceCode', label: 'psBirthPlaceCode', schema: person.birthPlaceCode, optional: true },
  { name: 'healthCardNumber', label: 'healthCardNumber', schema: person.healthCardNumber, optional: true },
  { name: 'domicileMunicipality', label: 'psDomicileMunicipality', schema: place.municipalityIstat },
  { name: 'domicileCap', label: 'psDomicileCap', schema: place.cap },
  { name: 'domicileAddress', label: 'psAddress', schema: place.address, optional: true },
  { name: 'residenceCap', label: 'psResidenceCap', schema: place.cap, optional: true },
  { name: 'mobile', label: 'vpMobile', schema: person.mobile, optional: true },
  { name: 'email', label: 'vpEmail', schema: person.email, optional: true },
  { name: 'landline', label: 'psLandline', schema: person.landline, optional: true },
];

const oneOf = <T extends string>(values: readonly T[], value: string | undefined): T | undefined =>
  values.find((known) => known === value);

const trimmed = (values: Record<string, string | undefined>): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value?.trim() || undefined]));

const summaryOf = (found: Awaited<ReturnType<RegistryService['getPerson']>>): FoundPerson => ({
  id: found.id,
  name: `${found.surname} ${found.givenName}`,
  birthDate: found.birthDate,
  identifier: found.identifier.value ?? found.taxCode ?? '',
  status: found.status,
  replacedBy: found.supersededBy?.identifier ?? null,
});

/** A registry refusal on the registration field its pointer names. */
function registerRefusal(error: DomainError): Refusal {
  const pointer = error.options.pointer;
  const named = pointer === undefined ? undefined : (FIELD_OF_POINTER[pointer] ?? pointer.split('/').at(-1));
  const field = REGISTER_NAMES.find((name) => name === named);
  return { code: error.code, field, params: error.options.params ?? {}, error };
}

export function registerPersonSearch(
  console: App,
  deps: PersonSearchDeps,
  options: PersonSearchOptions,
): void {
  const { kit, db, clock, registry, regionCode } = deps;
  const { pageContext, sendPage, formFailed, sendProblemPage } = kit;
  const where: SearchConsole = {
    home: options.home,
    searchHref: `${CONSOLE_PREFIX}${options.searchUrl}`,
    importHref: `${CONSOLE_PREFIX}${options.section}/import`,
    registerHref: `${CONSOLE_PREFIX}${options.section}/register`,
    personHref: options.personHref,
    firstTier: options.localAuthority === undefined ? 'regional' : 'local',
    intro: options.intro,
    healthCard: options.healthCard,
  };
  const tiers = options.localAuthority === undefined ? TIERS.filter((tier) => tier !== 'local') : TIERS;
  const roleOf = (request: FastifyRequest) => staffOf(request).role;
  const mayWrite = (request: FastifyRequest) => options.writers.includes(roleOf(request));

  // --- REG-5: the tiers -------------------------------------------------------------------------

  console.get(
    options.searchUrl,
    {
      schema: {
        operationId: options.operationIds.search,
        tags: ['console'],
        summary: `${options.who}: search a person in the ${tiers.slice(0, -1).join(', then the ')} registry, then (by identifier) the national one (REG-5)`,
        querystring: Type.Object(
          { ...SEARCH_FIELDS, healthCardNumber: FormText, tier: FormText },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: { access: options.readers },
    },
    async (request, reply) => {
      const query = request.query;
      const values: SearchValues = trimmed({
        identifier: query.identifier?.replace(/\s+/g, '').toUpperCase(),
        healthCardNumber: options.healthCard ? query.healthCardNumber?.replace(/\s+/g, '') : undefined,
        surname: query.surname,
        givenName: query.givenName,
        birthDate: query.birthDate,
      });
      const tier = oneOf(tiers, query.tier);
      const show = async (
        refusals: readonly Refusal[],
        found: Omit<Parameters<typeof searchPage>[3], 'values' | 'tier' | 'errors' | 'mayWrite'> = {},
        fieldErrors?: (context: PageContext) => FieldError[],
      ) => {
        const render = (context: PageContext, errors: FieldError[]) =>
          searchPage(context, roleOf(request), where, {
            values,
            tier,
            mayWrite: mayWrite(request),
            errors: fieldErrors?.(context) ?? errors,
            ...found,
          });
        if (refusals.length > 0)
          return formFailed(request, reply, refusals, 'query', render, where.searchHref);
        return sendPage(reply, 200, render(await pageContext(request), []));
      };
      if (tier === undefined) return show([]);
      const refusals = checkFields(request, { ...values }, [
        {
          name: 'identifier',
          label: 'vpIdentifier',
          schema: SearchPersonsQuery.properties.identifier,
          optional: true,
        },
        {
          name: 'healthCardNumber',
          label: 'healthCardNumber',
          schema: person.healthCardNumber,
          optional: true,
        },
        {
          name: 'surname',
          label: 'vpSurname',
          schema: SearchPersonsQuery.properties.surname,
          optional: true,
        },
        {
          name: 'givenName',
          label: 'vpGivenName',
          schema: SearchPersonsQuery.properties.givenName,
          optional: true,
        },
        {
          name: 'birthDate',
          label: 'vpBirthDate',
          schema: SearchPersonsQuery.properties.birthDate,
          optional: true,
        },
      ]);
      if (refusals.length > 0) return show(refusals);
      if (tier === 'national') {
        if (values.identifier === undefined) {
          return show([
            {
              code: 'FIELD_REQUIRED',
              field: 'identifier',
              params: { field: text(pageLanguage(request), 'vpIdentifier') },
            },
          ]);
        }
        try {
          const found = await registry.findNational(values.identifier);
          const national: NationalFound = {
            name: `${found.person.surname} ${found.person.givenName}`,
            birthDate: found.person.birthDate,
            identifier: found.person.identifier.value,
            localPersonId: found.localPersonId,
          };
          return await show([], { national });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          // REG-5: an unreachable national registry is said at the top, with "try again"; not a field's fault.
          return show([refusalOf(error, ['identifier'])], {
            unknownNationally: error.code === 'PERSON_NOT_FOUND_NATIONALLY',
          });
        }
      }
      try {
        const { items, hasMore } = await registry.searchPersons({
          identifier: values.identifier,
          surname: values.surname,
          givenName: values.givenName,
          birthDate: values.birthDate,
          healthAuthority: tier === 'local' ? await options.localAuthority?.(request) : undefined,
          page: 1,
          pageSize: 50,
        });
        const [first] = items;
        // REG-3: booking identity is the tax code with its card; a card of someone else is not read back.
        if (
          first !== undefined &&
          values.healthCardNumber !== undefined &&
          first.healthCardNumber !== values.healthCardNumber
        ) {
          const label = text(pageLanguage(request), 'healthCardNumber');
          return show(
            [{ code: 'REQUEST_INVALID', field: 'healthCardNumber', params: { field: label } }],
            {},
            (context) => [{ field: 'healthCardNumber', message: t(context, 'ccCardMismatch') }],
          );
        }
        return await show([], { results: items.map(summaryOf), hasMore });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return show([refusalOf(error, ['surname', 'identifier'])]);
      }
    },
  );

  console.post(
    `${options.section}/import`,
    {
      schema: {
        operationId: options.operationIds.import,
        tags: ['console'],
        summary: `${options.who}: copies a person found in the national registry into the regional one, with provenance (REG-5)`,
        body: Type.Object({ identifier: FormText }, { additionalProperties: false }),
      },
      config: { access: options.writers },
    },
    async (request, reply) => {
      const identifier = request.body.identifier?.trim() ?? '';
      try {
        const result = await registry.importFromNational(identifier, actingContextOf(request, clock.now()));
        return reply.redirect(
          `${options.personHref(result.person.id)}?done=${result.imported ? 'imported' : 'found'}`,
          303,
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return sendProblemPage(request, reply, error, {
          links: [{ href: where.searchHref, label: 'vpSearchLink' }],
        });
      }
    },
  );

  // --- REG-6: a person in no registry, registered by hand ---------------------------------------

  const showRegister = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: RegisterValues,
    refusals: readonly Refusal[],
    tax: { warnings: readonly TaxCodeWarning[]; confirmed: readonly string[] } = {
      warnings: [],
      confirmed: [],
    },
  ) => {
    const domicile = await resolveDomicile(db, regionCode, request, {
      province: values.province,
      accessibility: [],
    });
    const all = [...domicile.refusals, ...refusals];
    const render = (context: PageContext, errors: FieldError[]) =>
      registerPage(context, roleOf(request), where, {
        provinces: domicile.provinces,
        province: domicile.chosen.province,
        municipalities: domicile.municipalities,
        values,
        ...tax,
        errors,
      });
    if (all.length > 0)
      return formFailed(
        request,
        reply,
        all,
        request.method === 'GET' ? 'query' : 'body',
        render,
        where.registerHref,
      );
    return sendPage(reply, 200, render(await pageContext(request), []));
  };

  console.get(
    `${options.section}/register`,
    {
      schema: {
        operationId: options.operationIds.registerForm,
        tags: ['console'],
        summary: `${options.who}: the form to register a person in no registry; first the province of the health domicile (REG-6)`,
        querystring: Type.Object({ ...SEARCH_FIELDS, province: FormText }, { additionalProperties: false }),
        response: HTML_PAGE,
      },
      config: { access: options.writers },
    },
    async (request, reply) => {
      const query = trimmed(request.query);
      return showRegister(request, reply, { ...query, identifierValue: query.identifier }, []);
    },
  );

  /** REG-10: the residence by its CAP; the name picks one of the CAP's municipalities when it has several. */
  const residenceOf = async (
    request: FastifyRequest,
    values: RegisterValues,
  ): Promise<{ place?: CreatePersonBodyT['residence']; refusal?: Refusal }> => {
    const cap = values.residenceCap;
    const name = values.residenceMunicipality?.toLocaleLowerCase('it');
    const language = pageLanguage(request);
    if (cap === undefined) {
      return name === undefined
        ? {}
        : {
            refusal: {
              code: 'FIELD_REQUIRED',
              field: 'residenceCap',
              params: { field: text(language, 'psResidenceCap') },
            },
          };
    }
    const candidates = await municipalitiesByCap(db, cap);
    const named =
      name === undefined ? candidates : candidates.filter((m) => m.name.toLocaleLowerCase('it') === name);
    const [only] = named;
    if (only !== undefined && named.length === 1) return { place: { municipalityIstat: only.istat, cap } };
    if (named.length > 1)
      return {
        refusal: {
          code: 'FIELD_REQUIRED',
          field: 'residenceMunicipality',
          params: { field: text(language, 'psResidenceMunicipality') },
        },
      };
    return { refusal: { code: 'PERSON_CAP_NOT_OF_MUNICIPALITY', field: 'residenceCap', params: { cap } } };
  };

  console.post(
    `${options.section}/register`,
    {
      schema: {
        operationId: options.operationIds.register,
        tags: ['console'],
        summary: `${options.who}: registers a person in no registry by the rules of their status and identifier, audited; a tax code that disagrees with the details is confirmed first (REG-6, REG-8, REG-9, REG-2)`,
        body: Type.Object(
          {
            ...Object.fromEntries(REGISTER_NAMES.map((name) => [name, FormText])),
            confirmedWarnings: Type.Optional(Type.Array(Type.String({ maxLength: 60 }), { maxItems: 10 })),
          },
          { additionalProperties: false },
        ),
      },
      config: { access: options.writers },
    },
    async (request, reply) => {
      const body = request.body as Record<string, string | undefined> & { confirmedWarnings?: string[] };
      const confirmed = body.confirmedWarnings ?? [];
      const values = trimmed(Object.fromEntries(REGISTER_NAMES.map((name) => [name, body[name]])));
      for (const code of ['identifierValue', 'taxCode', 'birthPlaceCode'] as const)
        values[code] = values[code]?.replace(/\s+/g, '').toUpperCase();
      const refusals = checkFields(request, values, REGISTER_CHECKS);
      const residence = await residenceOf(request, values);
      if (residence.refusal !== undefined) refusals.push(residence.refusal);
      const status = oneOf(CREATABLE_STATUSES, values.status);
      const identifierType = oneOf(IDENTIFIER_TYPES, values.identifierType);
      const sex = oneOf(['M', 'F'] as const, values.sex);
      if (refusals.length > 0 || status === undefined || identifierType === undefined || sex === undefined)
        return showRegister(request, reply, values, refusals);
      try {
        const created = await registry.createPerson(
          {
            identifier: {
              type: identifierType,
              value: values.identifierValue,
              pending: values.identifierPending === 'yes',
            },
            taxCode: values.taxCode,
            status,
            surname: values.surname ?? '',
            givenName: values.givenName ?? '',
            sex,
            birthDate: values.birthDate ?? '',
            birthPlaceCode: values.birthPlaceCode,
            healthCardNumber: values.healthCardNumber,
            domicile: {
              municipalityIstat: values.domicileMunicipality ?? '',
              cap: values.domicileCap,
              address: values.domicileAddress ?? null,
            },
            residence: residence.place,
            ord7Category: oneOf(ORD7_CATEGORIES, values.ord7Category),
            mobile: values.mobile ?? null,
            email: values.email ?? null,
            landline: values.landline ?? null,
            confirmedWarnings: confirmed,
          },
          actingContextOf(request, clock.now()),
        );
        return reply.redirect(`${options.personHref(created.id)}?done=registered`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.code !== 'PERSON_WARNINGS_UNCONFIRMED')
          return showRegister(request, reply, values, [registerRefusal(error)]);
        // REG-2: the parts the tax code disagrees with, named in words, each for the operator to confirm.
        const warnings = (error.options.extensions?.warnings ?? []) as TaxCodeWarning[];
        const context = await pageContext(request);
        const parts = warnings.map((warning) => partLabel(context, warning.field)).join(', ');
        return showRegister(
          request,
          reply,
          values,
          [{ code: error.code, field: 'confirmedWarnings', params: { parts } }],
          { warnings, confirmed },
        );
      }
    },
  );
}
