import { Type } from 'typebox';
import type { StaffRole } from '../../platform/auth/roles.ts';
import type { PlatformContext } from '../../platform/http/app.ts';
import type { App } from '../../platform/http/types.ts';
import { BookingService } from '../booking/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { OutreachService } from '../outreach/service.ts';
import { listHealthAuthorities } from '../reference/service.ts';
import { WaitingListService } from '../waiting-list/service.ts';
import type { EntryStatus } from '../waiting-list/repo.ts';
import { errorSummary, selectInput, type FieldError } from '../portal/forms.ts';
import { html, type SafeHtml } from '../portal/html.ts';
import { checkFields, FormText, HTML_PAGE, type PageKit } from '../portal/kit.ts';
import { formatDateTime, t, type PageContext } from '../portal/layout.ts';
import { authoritiesOf } from './authority-pages.ts';
import { AUTHORITY_ROLES, formatDay, formatNumber } from './authority-views.ts';
import { staffOf } from './routes.ts';
import { consolePage } from './views.ts';

/*
 * Read-only lists over the modules built alongside the consoles (issue 6): the active-calling campaigns
 * (outreach, BOOK-17) and an area's waiting list (BOOK-13). Their own operations (creating a campaign,
 * calling, offering) stay with their APIs; these pages only show where things stand.
 */

const ENTRY_STATUSES = ['waiting', 'booked', 'left', 'closed'] as const satisfies readonly EntryStatus[];
const WAITING_PAGE_SIZE = 100;

interface CampaignLine {
  id: number;
  name: string;
  authority: string;
  deadline: string;
  status: string;
  targets: number;
  createdAt: Date;
}

function campaignsPage(context: PageContext, role: StaffRole, campaigns: readonly CampaignLine[]): SafeHtml {
  return consolePage(context, role, {
    title: t(context, 'campaignsTitle'),
    current: '/console/outreach',
    body: html`<h1>${t(context, 'campaignsTitle')}</h1>
      <p class="lead">${t(context, 'campaignsIntro')}</p>
      <p><a class="btn btn-primary" href="/console/outreach/new">${t(context, 'oaNewLink')}</a></p>
      <div class="table-responsive">
        <table class="table table-sm">
          <caption>
            ${t(context, 'campaignsCaption', { count: campaigns.length })}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t(context, 'campaignColumn')}</th>
              <th scope="col">${t(context, 'authAuthorityColumn')}</th>
              <th scope="col">${t(context, 'deadlineColumn')}</th>
              <th scope="col">${t(context, 'authStatusColumn')}</th>
              <th scope="col" class="text-end">${t(context, 'targetsColumn')}</th>
              <th scope="col">${t(context, 'authCreatedColumn')}</th>
            </tr>
          </thead>
          <tbody>
            ${
              campaigns.length === 0
                ? html`<tr>
                    <td colspan="6">${t(context, 'campaignsNone')}</td>
                  </tr>`
                : campaigns.map(
                    (campaign) =>
                      html`<tr>
                        <th scope="row"><a href="/console/outreach/${campaign.id}">${campaign.name}</a></th>
                        <td>${campaign.authority}</td>
                        <td>${formatDay(context, campaign.deadline)}</td>
                        <td>
                          ${t(context, campaign.status === 'closed' ? 'campaignClosed' : 'campaignActive')}
                        </td>
                        <td class="text-end">${formatNumber(context, campaign.targets)}</td>
                        <td>${formatDateTime(campaign.createdAt, context.language)}</td>
                      </tr>`,
                  )
            }
          </tbody>
        </table>
      </div>`,
  });
}

interface WaitingLine {
  priority: number;
  category: string;
  municipality: string;
  doseNumber: number;
  joinedAt: Date;
  offersMade: number;
  offerExpiresAt: Date | null;
}

function waitingListPage(
  context: PageContext,
  role: StaffRole,
  view: {
    areas: readonly { code: string; name: string }[];
    values: { area?: string | undefined; status: string };
    total: number;
    entries: readonly WaitingLine[];
    errors: readonly FieldError[];
  },
): SafeHtml {
  return consolePage(context, role, {
    title: t(context, 'waitingTitle'),
    current: '/console/waiting-list',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}
      <h1>${t(context, 'waitingTitle')}</h1>
      <p class="lead">${t(context, 'waitingIntro')}</p>
      <form method="get" action="/console/waiting-list" class="row align-items-end mb-3" novalidate>
        <div class="col-12 col-md-5">
          ${selectInput(context, view.errors, {
            name: 'area',
            label: t(context, 'waitingAreaLabel'),
            value: view.values.area,
            options: view.areas.map((area) => ({ value: area.code, label: `${area.name} (${area.code})` })),
          })}
        </div>
        <div class="col-12 col-md-4">
          ${selectInput(context, view.errors, {
            name: 'status',
            label: t(context, 'authStatusColumn'),
            value: view.values.status,
            options: ENTRY_STATUSES.map((status) => ({
              value: status,
              label: t(context, `entryStatus_${status}`),
            })),
          })}
        </div>
        <div class="col-12 col-md-3 mb-4">
          <button type="submit" class="btn btn-outline-primary">${t(context, 'authShowButton')}</button>
        </div>
      </form>
      ${
        view.values.area === undefined
          ? html`<p>${t(context, 'waitingChooseArea')}</p>`
          : html`<div class="table-responsive">
              <table class="table table-sm">
                <caption>
                  ${t(context, 'waitingCaption', { total: formatNumber(context, view.total), shown: view.entries.length })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">${t(context, 'priorityColumn')}</th>
                    <th scope="col">${t(context, 'categoryColumn')}</th>
                    <th scope="col">${t(context, 'municipality')}</th>
                    <th scope="col">${t(context, 'doseColumn')}</th>
                    <th scope="col">${t(context, 'joinedColumn')}</th>
                    <th scope="col" class="text-end">${t(context, 'offersColumn')}</th>
                    <th scope="col">${t(context, 'openOfferColumn')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${
                    view.entries.length === 0
                      ? html`<tr>
                          <td colspan="7">${t(context, 'waitingNone')}</td>
                        </tr>`
                      : view.entries.map(
                          (entry) =>
                            html`<tr>
                              <th scope="row">${entry.priority}</th>
                              <td>${entry.category}</td>
                              <td>${entry.municipality}</td>
                              <td>${entry.doseNumber}</td>
                              <td>${formatDateTime(entry.joinedAt, context.language)}</td>
                              <td class="text-end">${entry.offersMade}</td>
                              <td>
                                ${
                                  entry.offerExpiresAt === null
                                    ? '–'
                                    : t(context, 'offerUntil', {
                                        time: formatDateTime(entry.offerExpiresAt, context.language),
                                      })
                                }
                              </td>
                            </tr>`,
                        )
                  }
                </tbody>
              </table>
            </div>`
      }`,
  });
}

/** Registered by the authority pages: read-only lists of campaigns and waiting lists. */
export function registerFollowupPages(
  console: App,
  { kit, database, clock, config }: { kit: PageKit } & Pick<PlatformContext, 'database' | 'config' | 'clock'>,
): void {
  const { pageContext, sendPage, formFailed } = kit;
  const eligibility = new EligibilityService(database.db, clock, config.REGION_CODE);
  const booking = new BookingService(database.db, clock, eligibility);
  const outreach = new OutreachService(database.db, clock, eligibility, booking);
  const waitingList = new WaitingListService(database.db, clock, booking);
  const access = { access: AUTHORITY_ROLES };

  console.get(
    '/outreach',
    {
      schema: {
        operationId: 'consoleOutreachCampaigns',
        tags: ['console'],
        summary:
          'Authority console: the active-calling campaigns of the administrator’s authorities (BOOK-17)',
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const campaigns = (await outreach.listCampaigns(authoritiesOf(request))).map((row) => ({
        id: Number(row.id),
        name: row.name,
        authority: row.health_authority_code,
        deadline: row.deadline,
        status: row.status,
        targets: row.target_count,
        createdAt: row.created_at,
      }));
      return sendPage(
        reply,
        200,
        campaignsPage(await pageContext(request), staffOf(request).role, campaigns),
      );
    },
  );

  console.get(
    '/waiting-list',
    {
      schema: {
        operationId: 'consoleWaitingList',
        tags: ['console'],
        summary:
          'Authority console: an area’s waiting list in priority order, with open offers (BOOK-13, ELIG-2)',
        querystring: Type.Object({ area: FormText, status: FormText }, { additionalProperties: false }),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const scope = authoritiesOf(request);
      const areas = (await listHealthAuthorities(database.db))
        .filter((authority) => scope === null || scope.includes(authority.code))
        .map((authority) => ({ code: authority.code, name: authority.name }));
      const values = {
        area: request.query.area || (areas.length === 1 ? areas[0]?.code : undefined),
        status: request.query.status || 'waiting',
      };
      const role = staffOf(request).role;
      const refusals = checkFields(request, values, [
        {
          name: 'area',
          label: 'waitingAreaLabel',
          schema: Type.Enum(areas.map((area) => area.code)),
          optional: true,
        },
        { name: 'status', label: 'authStatusColumn', schema: Type.Enum(ENTRY_STATUSES) },
      ]);
      if (refusals.length > 0)
        return formFailed(request, reply, refusals, 'query', (context, errors) =>
          waitingListPage(context, role, {
            areas,
            values: { status: 'waiting' },
            total: 0,
            entries: [],
            errors,
          }),
        );
      const result =
        values.area === undefined
          ? { total: 0, entries: [] }
          : await waitingList.listArea(values.area, values.status as EntryStatus, WAITING_PAGE_SIZE, 0);
      return sendPage(
        reply,
        200,
        waitingListPage(await pageContext(request), role, {
          areas,
          values,
          total: result.total,
          errors: [],
          entries: result.entries.map((row) => ({
            priority: row.priority,
            category: row.category,
            municipality: row.municipality_istat,
            doseNumber: row.dose_number,
            joinedAt: row.joined_at,
            offersMade: row.offers_made,
            offerExpiresAt: row.offer_expires_at,
          })),
        }),
      );
    },
  );
}
