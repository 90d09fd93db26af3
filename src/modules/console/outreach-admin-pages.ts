import type { FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import type { StaffRole } from '../../platform/auth/roles.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import type { PlatformContext } from '../../platform/http/app.ts';
import { DomainError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import { BookingService } from '../booking/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { CampaignBody, Selection } from '../outreach/schemas.ts';
import { MAX_DISPATCH, OutreachService, type Scope } from '../outreach/service.ts';
import { listHealthAuthorities } from '../reference/service.ts';
import { choiceGroup, errorSummary, selectInput, textInput, type FieldError } from '../portal/forms.ts';
import { html, type HtmlValue, type SafeHtml } from '../portal/html.ts';
import { checkFields, FormText, HTML_PAGE, refusalOf, type PageKit, type Refusal } from '../portal/kit.ts';
import { csrfField, t, type PageContext } from '../portal/layout.ts';
import { AUTHORITY_ROLES, formatDay, formatNumber } from './authority-views.ts';
import { dataTable, Id, successNotice } from './console-kit.ts';
import { staffOf } from './routes.ts';
import { consolePage } from './views.ts';

/*
 * Active calling from the authority console (BOOK-17, ELIG-21): create a campaign (a selection and a
 * deadline), follow its progress, send the next wave, close it, and see who was not contacted by the
 * deadline (with the CSV of GET /outreach/campaigns/:id/not-contacted.csv). Everything goes through
 * OutreachService, the same the JSON routes under /outreach call.
 */

const CampaignParams = Type.Object({ campaignId: Id });
const SOURCES = ['regional_list', 'inps_list', 'specialist_list'] as const;
const FIELDS = [
  'healthAuthorityCode',
  'name',
  'categories',
  'ageFrom',
  'ageTo',
  'ageOn',
  'municipalities',
  'deadline',
  'deadlineId',
] as const;
const COUNTS = [
  'targets',
  'toInvite',
  'waiting',
  'toCall',
  'unreachable',
  'messagesSent',
  'calls',
  'contacted',
  'contactedInTime',
  'booked',
] as const;
const NOT_CONTACTED_PAGE = 100;

type Values = Record<string, string | undefined>;

interface FormView {
  authorities: readonly { code: string; name: string }[];
  values: Values;
  sources: readonly string[];
  errors: readonly FieldError[];
}

function newCampaignPage(context: PageContext, role: StaffRole, view: FormView): SafeHtml {
  const { values, errors } = view;
  const title = t(context, 'oaNewTitle');
  const text = (name: string, label: string, extra: Partial<Parameters<typeof textInput>[2]> = {}) =>
    textInput(context, errors, { name, label, value: values[name], ...extra });
  return consolePage(context, role, {
    title,
    current: '/console/outreach',
    hasErrors: errors.length > 0,
    body: html`${errorSummary(context, errors)}
      <p><a href="/console/outreach">${t(context, 'oaBack')}</a></p>
      <h1>${title}</h1>
      <p>${t(context, 'oaNewIntro')}</p>
      <form method="post" action="/console/outreach/new" novalidate>
        ${csrfField(context)}
        <div class="row">
          <div class="col-12 col-md-6">
            ${selectInput(context, errors, {
              name: 'healthAuthorityCode',
              label: t(context, 'oaAuthorityLabel'),
              value: values.healthAuthorityCode,
              options: view.authorities.map((a) => ({ value: a.code, label: `${a.name} (${a.code})` })),
            })}
            ${text('name', t(context, 'oaNameLabel'), { maxlength: 200, autofocus: errors.length === 0 })}
            ${text('categories', t(context, 'oaCategoriesLabel'))}
            ${choiceGroup(context, errors, {
              name: 'listSources',
              type: 'checkbox',
              legend: t(context, 'oaListSourcesLegend'),
              values: view.sources,
              options: SOURCES.map((source) => ({ value: source, label: t(context, `oaSource_${source}`) })),
            })}
          </div>
          <div class="col-12 col-md-6">
            ${text('ageFrom', t(context, 'oaAgeFromLabel'), { type: 'number', inputmode: 'numeric', size: 'short' })}
            ${text('ageTo', t(context, 'oaAgeToLabel'), { type: 'number', inputmode: 'numeric', size: 'short' })}
            ${text('ageOn', t(context, 'oaAgeOnLabel'), { type: 'date', size: 'medium' })}
            ${text('municipalities', t(context, 'oaMunicipalitiesLabel'))}
            ${text('deadline', t(context, 'oaDeadlineLabel'), { type: 'date', size: 'medium' })}
            ${text('deadlineId', t(context, 'oaDeadlineIdLabel'), { maxlength: 80 })}
          </div>
        </div>
        <button type="submit" class="btn btn-primary">${t(context, 'oaCreateButton')}</button>
      </form>`,
  });
}

interface CampaignPageView {
  progress: Awaited<ReturnType<OutreachService['progress']>>;
  notContacted: Awaited<ReturnType<OutreachService['notContacted']>>['rows'];
  notice: string | undefined;
  errors: readonly FieldError[];
}

const figure = (label: string, value: string): HtmlValue =>
  html`<dt class="col-7 col-md-4">${label}</dt>
    <dd class="col-5 col-md-8">${value}</dd>`;

function campaignPage(context: PageContext, role: StaffRole, view: CampaignPageView): SafeHtml {
  const { campaign, counts } = view.progress;
  const id = Number(campaign.id);
  const title = t(context, 'oaCampaignTitle', { name: campaign.name });
  const active = campaign.status === 'active';
  return consolePage(context, role, {
    title,
    current: '/console/outreach',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)} ${successNotice(view.notice)}
      <p><a href="/console/outreach">${t(context, 'oaBack')}</a></p>
      <h1>${title}</h1>
      <dl class="row">
        ${figure(t(context, 'authAuthorityColumn'), campaign.health_authority_code)}
        ${figure(t(context, 'deadlineColumn'), formatDay(context, campaign.deadline))}
        ${figure(t(context, 'authStatusColumn'), t(context, `oaStatus_${campaign.status}`))}
      </dl>
      <h2 class="h4">${t(context, 'oaProgressHeading')}</h2>
      <dl class="row">
        ${COUNTS.map((key) => figure(t(context, `oaCount_${key}`), formatNumber(context, counts[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) as keyof typeof counts])))}
      </dl>
      ${
        active
          ? html`<div class="d-flex flex-wrap gap-3 align-items-end mb-4">
              <form method="post" action="/console/outreach/${id}/dispatch" novalidate>
                ${csrfField(context)}
                ${textInput(context, view.errors, {
                  name: 'limit',
                  label: t(context, 'oaDispatchLimitLabel'),
                  type: 'number',
                  inputmode: 'numeric',
                  value: '500',
                  size: 'short',
                })}
                <button type="submit" class="btn btn-primary" autofocus>
                  ${t(context, 'oaDispatchButton')}
                </button>
              </form>
              <form method="post" action="/console/outreach/${id}/close">
                ${csrfField(context)}
                <button type="submit" class="btn btn-outline-primary">${t(context, 'oaCloseButton')}</button>
              </form>
            </div>`
          : null
      }
      <h2 class="h4">${t(context, 'oaNotContactedHeading')}</h2>
      <p><a href="/outreach/campaigns/${id}/not-contacted.csv" download>${t(context, 'oaCsvLink')}</a></p>
      ${dataTable(
        t(context, 'oaNotContactedCaption', {
          deadline: formatDay(context, campaign.deadline),
          count: NOT_CONTACTED_PAGE,
        }),
        [
          t(context, 'oaRankColumn'),
          t(context, 'oaPersonColumn'),
          t(context, 'oaBirthColumn'),
          t(context, 'oaNextStepColumn'),
          t(context, 'oaAttemptsColumn'),
        ],
        view.notContacted.map(
          (row) =>
            html`<tr>
              <th scope="row">${row.rank}</th>
              <td>${row.surname} ${row.given_name}</td>
              <td>${formatDay(context, row.birth_date)}</td>
              <td>${row.next_step}</td>
              <td>${row.messages_written} / ${row.calls}</td>
            </tr>`,
        ),
        t(context, 'oaNotContactedNone'),
      )}`,
  });
}

const scopeOf = (request: FastifyRequest): Scope => {
  const staff = staffOf(request);
  return staff.role === 'region_admin' ? null : staff.healthAuthorityCodes;
};

/** A service's refusal on the form field its pointer names (selection/categories/0 → categories). */
const refusalOnField = (error: DomainError, fields: readonly string[], fallback: string): Refusal => {
  const segments = error.options.pointer?.split('/') ?? [];
  const field = [...segments].reverse().find((segment) => fields.includes(segment));
  return refusalOf(error, field === undefined ? [] : [field], field ?? fallback);
};

const list = (value: string | undefined): string[] | undefined => {
  const items = (value ?? '')
    .split(/[\s,;]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length === 0 ? undefined : [...new Set(items)];
};

/** BOOK-17, ELIG-21 in the authority console: create a campaign, dispatch, close, the not-contacted. */
export function registerOutreachAdminPages(
  console: App,
  { kit, database, config, clock }: { kit: PageKit } & Pick<PlatformContext, 'database' | 'config' | 'clock'>,
): void {
  const db = database.db;
  const { pageContext, sendPage, formFailed } = kit;
  const eligibility = new EligibilityService(db, clock, config.REGION_CODE);
  const booking = new BookingService(db, clock, eligibility);
  const outreach = new OutreachService(db, clock, eligibility, booking);
  const access = { access: AUTHORITY_ROLES };
  const schema = (operationId: string, summary: string) => ({ operationId, tags: ['console'], summary });

  const authoritiesFor = async (request: FastifyRequest) => {
    const scope = scopeOf(request);
    return (await listHealthAuthorities(db))
      .filter((authority) => scope === null || scope.includes(authority.code))
      .map((authority) => ({ code: authority.code, name: authority.name }));
  };

  console.get(
    '/outreach/new',
    {
      schema: {
        ...schema(
          'consoleNewOutreachCampaign',
          'Authority console: the form to create an active-calling campaign (BOOK-17)',
        ),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const authorities = await authoritiesFor(request);
      return sendPage(
        reply,
        200,
        newCampaignPage(await pageContext(request), staffOf(request).role, {
          authorities,
          values: { healthAuthorityCode: authorities.length === 1 ? authorities[0]?.code : undefined },
          sources: [],
          errors: [],
        }),
      );
    },
  );

  console.post(
    '/outreach/new',
    {
      schema: {
        ...schema(
          'consoleCreateOutreachCampaign',
          'Authority console: creates an active-calling campaign with its targets; 303 to its page (BOOK-17, ELIG-21)',
        ),
        body: Type.Object(
          {
            ...Object.fromEntries(FIELDS.map((name) => [name, FormText])),
            listSources: Type.Optional(
              Type.Union([FormText, Type.Array(Type.String({ maxLength: 40 }), { maxItems: 3 })]),
            ),
          },
          { additionalProperties: false },
        ),
      },
      config: access,
    },
    async (request, reply) => {
      const body = request.body as Record<string, string | string[] | undefined>;
      const values: Values = Object.fromEntries(
        FIELDS.map((name) => [name, typeof body[name] === 'string' ? body[name].trim() : undefined]),
      );
      const raw = body.listSources;
      const sources = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).filter((s) => s !== '');
      const failed = async (refusals: Refusal[]) => {
        const authorities = await authoritiesFor(request);
        return formFailed(
          request,
          reply,
          refusals,
          'body',
          (context, errors) =>
            newCampaignPage(context, staffOf(request).role, { authorities, values, sources, errors }),
          '/console/outreach/new',
        );
      };
      const fields = CampaignBody.properties;
      const selection = Selection.properties;
      const age = Type.String({ pattern: '^[0-9]{1,3}$' });
      const refusals = checkFields(request, values, [
        { name: 'healthAuthorityCode', label: 'oaAuthorityLabel', schema: fields.healthAuthorityCode },
        { name: 'name', label: 'oaNameLabel', schema: fields.name },
        { name: 'ageFrom', label: 'oaAgeFromLabel', schema: age, optional: true },
        { name: 'ageTo', label: 'oaAgeToLabel', schema: age, optional: true },
        { name: 'ageOn', label: 'oaAgeOnLabel', schema: selection.ageOn, optional: true },
        { name: 'deadline', label: 'oaDeadlineLabel', schema: fields.deadline, optional: true },
        { name: 'deadlineId', label: 'oaDeadlineIdLabel', schema: fields.deadlineId, optional: true },
      ]);
      const categories = list(values.categories);
      const municipalities = list(values.municipalities);
      const check = (
        name: string,
        label: 'oaCategoriesLabel' | 'oaMunicipalitiesLabel',
        items: readonly string[] | undefined,
        item: TSchema,
      ) =>
        (items ?? [])
          .flatMap((value) => checkFields(request, { [name]: value }, [{ name, label, schema: item }]))
          .slice(0, 1);
      refusals.push(
        ...check(
          'categories',
          'oaCategoriesLabel',
          categories,
          Type.String({ pattern: '^[a-z0-9_]{2,50}$' }),
        ),
        ...check(
          'municipalities',
          'oaMunicipalitiesLabel',
          municipalities,
          Type.String({ pattern: '^[0-9]{6}$' }),
        ),
        ...checkFields(
          request,
          { listSources: sources.find((source) => !SOURCES.includes(source as (typeof SOURCES)[number])) },
          [{ name: 'listSources', label: 'oaListSourcesLegend', schema: Type.Enum(SOURCES), optional: true }],
        ),
      );
      if (refusals.length > 0) return failed(refusals);
      const number = (value: string | undefined) =>
        value === undefined || value === '' ? undefined : Number(value);
      const optional = (value: string | undefined) => (value === '' ? undefined : value);
      try {
        const created = await outreach.createCampaign(
          {
            healthAuthorityCode: values.healthAuthorityCode ?? '',
            name: values.name ?? '',
            selection: {
              ...(categories === undefined ? {} : { categories }),
              ...(sources.length === 0 ? {} : { listSources: sources as (typeof SOURCES)[number][] }),
              ...(number(values.ageFrom) === undefined ? {} : { ageFrom: number(values.ageFrom) }),
              ...(number(values.ageTo) === undefined ? {} : { ageTo: number(values.ageTo) }),
              ...(optional(values.ageOn) === undefined ? {} : { ageOn: values.ageOn }),
              ...(municipalities === undefined ? {} : { municipalities }),
            },
            deadline: optional(values.deadline),
            deadlineId: optional(values.deadlineId),
          },
          scopeOf(request),
          actingContextOf(request, clock.now()),
        );
        return reply.redirect(`/console/outreach/${created.id}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return failed([refusalOnField(error, [...FIELDS, 'listSources'], 'categories')]);
      }
    },
  );

  const campaignView = async (request: FastifyRequest, campaignId: number) => {
    const scope = scopeOf(request);
    const progress = await outreach.progress(campaignId, scope);
    const { rows } = await outreach.notContacted(campaignId, scope, { offset: 0, limit: NOT_CONTACTED_PAGE });
    return { progress, notContacted: rows };
  };

  console.get(
    '/outreach/:campaignId',
    {
      schema: {
        ...schema(
          'consoleOutreachCampaign',
          'Authority console: a campaign’s progress, its next wave, closing it, and the people not contacted (BOOK-17, ELIG-21)',
        ),
        params: CampaignParams,
        querystring: Type.Object(
          {
            done: Type.Optional(Type.Enum(['dispatched', 'closed'])),
            targets: Type.Optional(Type.Integer({ minimum: 0 })),
            messages: Type.Optional(Type.Integer({ minimum: 0 })),
            toCall: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const context = await pageContext(request);
      const { done, targets = 0, messages = 0, toCall = 0 } = request.query;
      const notice =
        done === 'closed'
          ? t(context, 'oaClosed')
          : done === 'dispatched'
            ? t(context, 'oaDispatched', { targets, messages, toCall })
            : undefined;
      const view = await campaignView(request, request.params.campaignId);
      return sendPage(
        reply,
        200,
        campaignPage(context, staffOf(request).role, { ...view, notice, errors: [] }),
      );
    },
  );

  const refused = async (
    request: FastifyRequest,
    reply: Parameters<typeof formFailed>[1],
    campaignId: number,
    error: DomainError,
  ) => {
    const view = await campaignView(request, campaignId);
    return formFailed(
      request,
      reply,
      [refusalOnField(error, ['limit'], 'limit')],
      'body',
      (context, errors) =>
        campaignPage(context, staffOf(request).role, { ...view, notice: undefined, errors }),
      `/console/outreach/${campaignId}`,
    );
  };

  console.post(
    '/outreach/:campaignId/dispatch',
    {
      schema: {
        ...schema(
          'consoleDispatchOutreachCampaign',
          'Authority console: sends a campaign’s next wave (messages, call list); 303 to its page (BOOK-17)',
        ),
        params: CampaignParams,
        body: Type.Object({ limit: FormText }, { additionalProperties: false }),
      },
      config: access,
    },
    async (request, reply) => {
      const { campaignId } = request.params;
      const limit = request.body.limit?.trim();
      const refusals = checkFields(request, { limit }, [
        { name: 'limit', label: 'oaDispatchLimitLabel', schema: Type.String({ pattern: '^[0-9]{1,4}$' }) },
      ]);
      const value = Number(limit);
      if (refusals.length === 0 && (value < 1 || value > MAX_DISPATCH))
        refusals.push(
          ...checkFields(request, { limit: '' }, [
            { name: 'limit', label: 'oaDispatchLimitLabel', schema: Type.String() },
          ]),
        );
      if (refusals.length > 0) {
        const view = await campaignView(request, campaignId);
        return formFailed(
          request,
          reply,
          refusals,
          'body',
          (context, errors) =>
            campaignPage(context, staffOf(request).role, { ...view, notice: undefined, errors }),
          `/console/outreach/${campaignId}`,
        );
      }
      try {
        const result = await outreach.dispatch(
          campaignId,
          scopeOf(request),
          value,
          actingContextOf(request, clock.now()),
          outreach.slotFinder(),
        );
        return reply.redirect(
          `/console/outreach/${campaignId}?done=dispatched&targets=${result.targets}&messages=${result.messagesWritten}&toCall=${result.toCall}`,
          303,
        );
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === 'OUTREACH_CAMPAIGN_NOT_FOUND') throw error;
        return refused(request, reply, campaignId, error);
      }
    },
  );

  console.post(
    '/outreach/:campaignId/close',
    {
      schema: {
        ...schema(
          'consoleCloseOutreachCampaign',
          'Authority console: closes a campaign; 303 to its page (BOOK-17)',
        ),
        params: CampaignParams,
        body: Type.Object({}, { additionalProperties: false }),
      },
      config: access,
    },
    async (request, reply) => {
      const { campaignId } = request.params;
      try {
        await outreach.closeCampaign(campaignId, scopeOf(request), actingContextOf(request, clock.now()));
        return reply.redirect(`/console/outreach/${campaignId}?done=closed`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === 'OUTREACH_CAMPAIGN_NOT_FOUND') throw error;
        return refused(request, reply, campaignId, error);
      }
    },
  );
}
