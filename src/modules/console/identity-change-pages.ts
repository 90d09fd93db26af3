import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Clock } from '../../platform/clock.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { Id } from '../../platform/http/schema-types.ts';
import type { App } from '../../platform/http/types.ts';
import type { Role } from '../../platform/auth/roles.ts';
import type { RegistryService } from '../registry/service.ts';
import { personRecordsMovers } from '../registry/identity-change.ts';
import type { PersonViewT } from '../registry/schemas.ts';
import { SearchPersonsQuery } from '../registry/schemas.ts';
import type { EligibilityService } from '../eligibility/service.ts';
import type { BookingService } from '../booking/service.ts';
import type { VaccinationService } from '../vaccination/service.ts';
import type { FieldError } from '../portal/forms.ts';
import { checkFields, FormText, HTML_PAGE, refusalOf, type PageKit, type Refusal } from '../portal/kit.ts';
import type { PageContext } from '../portal/layout.ts';
import { staffOf } from './routes.ts';
import { MOVED_KINDS } from './identity-change-texts.ts';
import {
  movePage,
  replacedPage,
  type IdentityConsole,
  type IdentitySide,
  type Moved,
} from './identity-change-views.ts';

/*
 * REG-7 for the consoles that open a person's page: "this tax code was replaced" marks the old identity
 * obsolete and links it to the current one; "move the records" moves every record of the obsolete identity
 * to the current one in one audited transaction. Both through RegistryService, as the JSON API does.
 */

export interface IdentityChangeDeps {
  kit: PageKit;
  clock: Clock;
  registry: RegistryService;
  eligibility: EligibilityService;
  booking: BookingService;
  vaccination: VaccinationService;
}

export interface IdentityChangeOptions {
  /** The console's person pages, `${home}/persons/:id`, and its search (identityConsole). */
  where: IdentityConsole;
  /** The registry's identity administrators among the console's roles. */
  roles: readonly Role[];
  operationIds: { replacedForm: string; replaced: string; moveForm: string; move: string };
  /** The console's name in the routes' summaries. */
  who: string;
}

const CONSOLE_PREFIX = '/console';
const PersonParams = Type.Object({ personId: Id });
const IdentifierForm = Type.Object({ identifier: FormText }, { additionalProperties: false });

/** What a move carried, in the done notice's query: `administrations:2,bookings:1`. */
export const movedQuery = (moved: Record<string, number>): string =>
  MOVED_KINDS.flatMap((kind) => ((moved[kind] ?? 0) > 0 ? [`${kind}:${String(moved[kind])}`] : [])).join(',');

export const movedOf = (query: string | undefined): Moved =>
  Object.fromEntries(
    (query ?? '').split(',').flatMap((part) => {
      const [kind, count] = part.split(':');
      const known = MOVED_KINDS.find((name) => name === kind);
      return known !== undefined && /^\d{1,9}$/.test(count ?? '') ? [[known, Number(count)]] : [];
    }),
  );

export function registerIdentityChange(
  console: App,
  deps: IdentityChangeDeps,
  options: IdentityChangeOptions,
): void {
  const { kit, clock, registry, eligibility, booking, vaccination } = deps;
  const { pageContext, sendPage, formFailed, sendProblemPage } = kit;
  const where = options.where;
  const route = (suffix: string) => `${where.home.slice(CONSOLE_PREFIX.length)}/persons/:personId/${suffix}`;
  const movers = personRecordsMovers(eligibility, booking, vaccination);
  const roleOf = (request: FastifyRequest) => staffOf(request).role;
  const backTo = (personId: number) => ({
    links: [{ href: where.personHref(personId), label: 'vpBackToPerson' as const }],
  });

  /** One identity with the counts of its history, each read through its module's service. */
  const sideOf = async (person: PersonViewT): Promise<IdentitySide> => ({
    id: person.id,
    name: `${person.surname} ${person.givenName}`,
    birthDate: person.birthDate,
    identifier: person.identifier.value ?? person.taxCode ?? '',
    status: person.status,
    counts: {
      administrations: (await vaccination.history(person.id)).here.length,
      openBookings: (await booking.openBookingsOf(person.id)).length,
      infections: (await vaccination.checkInfections(person.id)).infections.length,
    },
  });

  /** The current identity by its tax code, or the refusal to show on the field. */
  const currentOf = async (
    request: FastifyRequest,
    typed: string | undefined,
  ): Promise<{ identifier: string | undefined; found?: PersonViewT; refusals: Refusal[] }> => {
    const identifier = typed?.replace(/\s+/g, '').toUpperCase() || undefined;
    const refusals = checkFields(request, { identifier }, [
      { name: 'identifier', label: 'icCurrentIdentifier', schema: SearchPersonsQuery.properties.identifier },
    ]);
    if (refusals.length > 0 || identifier === undefined) return { identifier, refusals };
    const [found] = (await registry.searchPersons({ identifier, page: 1, pageSize: 1 })).items;
    if (found !== undefined) return { identifier, found, refusals };
    return {
      identifier,
      refusals: [{ code: 'PERSON_NOT_FOUND', field: 'identifier', params: { identifier } }],
    };
  };

  const renderReplaced =
    (
      request: FastifyRequest,
      obsolete: IdentitySide,
      identifier: string | undefined,
      current?: IdentitySide,
    ) =>
    (context: PageContext, errors: FieldError[]) =>
      replacedPage(context, roleOf(request), where, { obsolete, identifier, current, errors });

  console.get(
    route('replaced'),
    {
      schema: {
        operationId: options.operationIds.replacedForm,
        tags: ['console'],
        summary: `${options.who}: this tax code was replaced — the current identity by its tax code, both shown side by side with their records (REG-7)`,
        params: PersonParams,
        querystring: IdentifierForm,
        response: HTML_PAGE,
      },
      config: { access: options.roles },
    },
    async (request, reply) => {
      const obsolete = await sideOf(await registry.getPerson(request.params.personId));
      const typed = request.query.identifier;
      if (typed === undefined) {
        return sendPage(
          reply,
          200,
          renderReplaced(request, obsolete, undefined)(await pageContext(request), []),
        );
      }
      const { identifier, found, refusals } = await currentOf(request, typed);
      const current = found === undefined ? undefined : await sideOf(found);
      const render = renderReplaced(request, obsolete, identifier, current);
      if (refusals.length > 0)
        return formFailed(request, reply, refusals, 'query', render, where.replacedHref(obsolete.id));
      return sendPage(reply, 200, render(await pageContext(request), []));
    },
  );

  console.post(
    route('replaced'),
    {
      schema: {
        operationId: options.operationIds.replaced,
        tags: ['console'],
        summary: `${options.who}: marks the identity obsolete and links it to the current one, audited (REG-7)`,
        params: PersonParams,
        body: IdentifierForm,
      },
      config: { access: options.roles },
    },
    async (request, reply) => {
      const personId = request.params.personId;
      const { identifier, found, refusals } = await currentOf(request, request.body.identifier);
      if (found !== undefined) {
        try {
          await registry.markObsolete(personId, found.id, actingContextOf(request, clock.now()));
          return reply.redirect(`${where.personHref(personId)}?done=obsolete`, 303);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          // Every refusal is about the identity named in the one field: same person, already obsolete, …
          refusals.push(refusalOf(error, ['identifier'], 'identifier'));
        }
      }
      const obsolete = await sideOf(await registry.getPerson(personId));
      const render = renderReplaced(request, obsolete, identifier);
      return formFailed(request, reply, refusals, 'body', render, where.replacedHref(personId));
    },
  );

  /** The obsolete identity and the current one, or the registry's refusal when it is not obsolete. */
  const bothOf = async (personId: number) => {
    const obsolete = await registry.getPerson(personId);
    if (obsolete.supersededBy === null) {
      throw new DomainError('PERSON_NOT_OBSOLETE', { pointer: '/params/personId' });
    }
    return {
      obsolete: await sideOf(obsolete),
      current: await sideOf(await registry.getPerson(obsolete.supersededBy.id)),
    };
  };

  console.get(
    route('records-move'),
    {
      schema: {
        operationId: options.operationIds.moveForm,
        tags: ['console'],
        summary: `${options.who}: what moves from an obsolete identity to the current one, to confirm (REG-7)`,
        params: PersonParams,
        response: HTML_PAGE,
      },
      config: { access: options.roles },
    },
    async (request, reply) => {
      try {
        const both = await bothOf(request.params.personId);
        const context = await pageContext(request);
        return await sendPage(reply, 200, movePage(context, roleOf(request), where, { ...both, errors: [] }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return sendProblemPage(request, reply, error, backTo(request.params.personId));
      }
    },
  );

  console.post(
    route('records-move'),
    {
      schema: {
        operationId: options.operationIds.move,
        tags: ['console'],
        summary: `${options.who}: moves every record of an obsolete identity to the current one in one audited transaction, dose numbers recomputed; again, moves nothing (REG-7)`,
        params: PersonParams,
      },
      config: { access: options.roles },
    },
    async (request, reply) => {
      const personId = request.params.personId;
      try {
        const result = await registry.movePersonRecords(
          personId,
          movers,
          actingContextOf(request, clock.now()),
        );
        const moved = movedQuery(result.moved);
        const done = moved === '' ? 'done=nothing-moved' : `done=moved&moved=${moved}`;
        return reply.redirect(`${where.personHref(result.to)}?${done}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.code !== 'BOOKING_MOVE_CONFLICT')
          return sendProblemPage(request, reply, error, backTo(personId));
        // BOOKING_MOVE_CONFLICT: both bookings named, on top of the page that lists what would move.
        const both = await bothOf(personId);
        return formFailed(
          request,
          reply,
          [refusalOf(error, [])],
          'body',
          (context, errors) => movePage(context, roleOf(request), where, { ...both, errors }),
          where.moveHref(personId),
        );
      }
    },
  );
}
