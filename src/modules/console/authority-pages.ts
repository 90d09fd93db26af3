import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { romeDate } from '../../platform/clock.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import type { PlatformContext } from '../../platform/http/app.ts';
import { DomainError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import { createNationalClient } from '../../national/client.ts';
import { BookingService } from '../booking/service.ts';
import { HubDayBody, HubSettingsBody } from '../booking/schemas.ts';
import { ACCESSIBILITY_FEATURES, type AccessibilityFeature, type HubStatus } from '../booking/tables.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { ListService, type ListUploadRow } from '../eligibility/lists/service.ts';
import { listFileFormat } from '../eligibility/lists/reader.ts';
import { LIST_TYPES, type ListType } from '../eligibility/tables.ts';
import { ExportService } from '../exports/service.ts';
import { MessagingService } from '../messaging/service.ts';
import { CHANNELS, MESSAGE_STATUSES } from '../messaging/tables.ts';
import { listHealthAuthorities, listProducts, listVaccinationPoints } from '../reference/service.ts';
import { NationalSync } from '../vaccination/national-sync.ts';
import { VaccinationService } from '../vaccination/service.ts';
import { LateRecordsQuery } from '../vaccination/schemas.ts';
import type { FieldError } from '../portal/forms.ts';
import { checkFields, FormText, HTML_PAGE, refusalOf, type PageKit, type Refusal } from '../portal/kit.ts';
import { text } from '../portal/texts.ts';
import { pageLanguage } from '../portal/kit.ts';
import { Id, DayText } from './console-kit.ts';
import { acceptListFileForms, claimFile } from './authority-uploads.ts';
import { registerFollowupPages } from './authority-followup-pages.ts';
import { registerRegistryOfficePages } from './registry-office-pages.ts';
import {
  AUTHORITY_ROLES,
  hubDayPage,
  hubPage,
  hubsPage,
  lateRecordsPage,
  listsPage,
  messagePage,
  messagesPage,
  nationalFlowPage,
  planPage,
  uploadPage,
  type HubListItem,
  type UploadLine,
} from './authority-views.ts';
import { outboxLagFigure } from './dashboard-pages.ts';
import { staffOf } from './routes.ts';

const PointParams = Type.Object({ pointId: Id });
const FormList = Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 8 }));
const MESSAGES_PAGE_SIZE = 50;
/** How far ahead the hub page lists its days. */
const HUB_DAYS_AHEAD = 20;

const uploadScript = (() => {
  const file = fileURLToPath(new URL('../../../web/portal/console-upload.js', import.meta.url));
  const version = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
  return `/assets/portal/console-upload.js?v=${version}`;
})();

/** A field's schema as a value on its own: Ajv refuses a default at the root of a schema. */
const alone = (schema: TSchema): TSchema => {
  const { default: _default, ...rest } = schema as TSchema & { default?: unknown };
  return rest;
};

export const addDays = (day: string, days: number): string => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
};

/** The health authorities a page covers: the ASL administrator's own, or every one (null) for the region. */
export function authoritiesOf(request: FastifyRequest): readonly string[] | null {
  const staff = staffOf(request);
  return staff.role === 'region_admin' ? null : staff.healthAuthorityCodes;
}

const inScope = (authorities: readonly string[] | null, code: string): boolean =>
  authorities === null || authorities.includes(code);

export const uploadLine = (row: ListUploadRow): UploadLine => ({
  id: Number(row.id),
  listType: row.list_type,
  sourceAuthority: row.source_authority,
  fileName: row.file_name,
  status: row.status,
  failureCode: row.failure_code,
  rowsTotal: row.rows_total,
  rowsRead: row.rows_read,
  rowsLoaded: row.rows_loaded,
  rowsUpdated: row.rows_updated,
  rowsUnchanged: row.rows_unchanged,
  rowsRejected: row.rows_rejected,
  rejectedByReason: row.rejected_by_reason,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
});

/**
 * The authority console (issue 9, point 4): hubs and their days, list uploads with their progress, plan
 * versions, late records, the national outbox and the messages sent, for a health authority's
 * administrator (their authorities only, SEC-2) and the region's (all of them).
 */
export function registerAuthorityPages(
  console: App,
  { kit, database, config, clock }: { kit: PageKit } & Pick<PlatformContext, 'database' | 'config' | 'clock'>,
): void {
  const db = database.db;
  const { pageContext, sendPage, formFailed } = kit;
  const eligibility = new EligibilityService(db, clock, config.REGION_CODE);
  const booking = new BookingService(db, clock, eligibility);
  const lists = new ListService(database, clock, eligibility);
  const exportsService = new ExportService(db, clock);
  const messaging = new MessagingService(db, config, clock, console.log);
  const national = createNationalClient({
    baseUrl: config.NATIONAL_URL,
    token: config.NATIONAL_API_TOKEN,
    timeoutMs: config.NATIONAL_TIMEOUT_MS,
  });
  const vaccination = new VaccinationService(db, clock, eligibility, booking, national, config.REGION_CODE);
  const sync = new NationalSync(
    db,
    national,
    config.REGION_CODE,
    clock,
    console.log,
    config.NATIONAL_RETRY_BASE_MS,
  );
  // Campaigns and waiting lists: read-only lists over their modules (authority-followup-pages.ts).
  registerFollowupPages(console, { kit, database, config, clock });
  // Anomaly reports and foreigners' identifiers: the registry office (registry-office-pages.ts).
  registerRegistryOfficePages(console, { kit, database, config, clock, vaccination });
  const uploadsDirectory = path.resolve(config.DATA_DIR, 'list-uploads');
  const access = { access: AUTHORITY_ROLES };
  const schema = (operationId: string, summary: string) => ({
    operationId,
    tags: ['console'],
    summary,
  });
  const today = () => romeDate(clock.now());

  /** SEC-2: a hub of the administrator's authorities, or HUB_OUT_OF_SCOPE; HUB_NOT_FOUND if none. */
  const scopedHub = async (request: FastifyRequest, pointId: number) => {
    const authority = await booking.healthAuthorityOf(pointId);
    if (!inScope(authoritiesOf(request), authority))
      throw new DomainError('HUB_OUT_OF_SCOPE', { pointer: '/pointId' });
    const hub = (await booking.listHubs()).find((one) => one.id === pointId);
    if (hub === undefined) throw new DomainError('HUB_NOT_FOUND', { pointer: '/pointId' });
    return hub;
  };

  const hubItem = (hub: Awaited<ReturnType<BookingService['listHubs']>>[number]) => ({
    id: hub.id,
    code: hub.code,
    name: hub.name,
    municipality: hub.municipality_name,
    healthAuthorityCode: hub.health_authority_code,
    stations: hub.stations,
    status: hub.status,
    address: hub.address,
    accessibility: hub.accessibility ?? [],
  });

  // -------------------------------------------------------------------------------------------------
  // Hubs (BOOK-1..3)

  console.get(
    '/hubs',
    {
      schema: {
        ...schema('consoleHubs', 'Authority console: the hubs of the administrator’s authorities (BOOK-1)'),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const authorities = authoritiesOf(request);
      const hubs: HubListItem[] = (await booking.listHubs())
        .filter((hub) => inScope(authorities, hub.health_authority_code))
        .map(hubItem);
      return sendPage(reply, 200, hubsPage(await pageContext(request), staffOf(request).role, hubs));
    },
  );

  const hubView = async (request: FastifyRequest, pointId: number) => {
    const hub = hubItem(await scopedHub(request, pointId));
    const from = today();
    const days = await exportsService.bookingCapacity({
      from,
      to: addDays(from, HUB_DAYS_AHEAD),
      points: [pointId],
    });
    return { hub, days, today: from };
  };

  console.get(
    '/hubs/:pointId',
    {
      schema: {
        ...schema(
          'consoleHub',
          'Authority console: a hub’s stations, accessibility, status and coming days (BOOK-1..3)',
        ),
        params: PointParams,
        querystring: Type.Object({ saved: Type.Optional(Type.Literal('1')) }),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const view = await hubView(request, request.params.pointId);
      return sendPage(
        reply,
        200,
        hubPage(await pageContext(request), staffOf(request).role, {
          ...view,
          errors: [],
          saved: request.query.saved === '1',
        }),
      );
    },
  );

  console.post(
    '/hubs/:pointId',
    {
      schema: {
        ...schema(
          'consoleConfigureHub',
          'Authority console: sets a hub’s stations (≥ 5), accessibility and status: active, reserve, closed to new bookings (BOOK-1, BOOK-3, BOOK-4)',
        ),
        params: PointParams,
        body: Type.Object(
          { stations: FormText, status: FormText, accessibility: FormList },
          { additionalProperties: false },
        ),
      },
      config: access,
    },
    async (request, reply) => {
      const pointId = request.params.pointId;
      const view = await hubView(request, pointId);
      const values = {
        stations: request.body.stations?.trim(),
        status: request.body.status,
        accessibility: request.body.accessibility ?? [],
      };
      const failed = (refusals: Refusal[]) =>
        formFailed(
          request,
          reply,
          refusals,
          'body',
          (context, errors) => hubPage(context, staffOf(request).role, { ...view, values, errors }),
          `/console/hubs/${pointId}`,
        );
      const refusals = checkFields(request, { stations: values.stations, status: values.status }, [
        { name: 'stations', label: 'authStationsLabel', schema: HubSettingsBody.properties.stations },
        { name: 'status', label: 'hubStatusLegend', schema: HubSettingsBody.properties.status },
      ]);
      const unknown = values.accessibility.find(
        (feature) => !(ACCESSIBILITY_FEATURES as readonly string[]).includes(feature),
      );
      if (unknown !== undefined)
        refusals.push({
          code: 'REQUEST_INVALID',
          field: 'accessibility',
          params: { field: text(pageLanguage(request), 'accessibilityLegend') },
        });
      if (refusals.length > 0) return failed(refusals);
      try {
        await booking.configureHub(
          pointId,
          {
            stations: Number(values.stations),
            status: values.status as HubStatus,
            accessibility: [...new Set(values.accessibility)] as AccessibilityFeature[],
          },
          actingContextOf(request, clock.now()),
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return failed([refusalOf(error, ['stations', 'status', 'accessibility'])]);
      }
      return reply.redirect(`/console/hubs/${pointId}?saved=1`, 303);
    },
  );

  const hubDayView = async (request: FastifyRequest, pointId: number, day: string) => {
    const hub = await scopedHub(request, pointId);
    const [state, products] = await Promise.all([
      booking.hubDay(pointId, day),
      listProducts(db, { effectiveOn: day }),
    ]);
    const stockOf = new Map(state.stock.map((line) => [line.product_code, line]));
    const codes = [...new Set([...products.map((product) => product.code), ...stockOf.keys()])];
    return {
      hubId: pointId,
      hubName: hub.name,
      hubStations: state.hub?.stations ?? null,
      day,
      current:
        state.settings === undefined
          ? undefined
          : {
              opensAt: state.settings.opens_at,
              closesAt: state.settings.closes_at,
              stations: state.settings.stations,
              minutesPerVaccination: state.settings.minutes_per_vaccination,
              slotMinutes: state.settings.slot_minutes,
            },
      slots: state.slots,
      capacity: state.capacity,
      booked: state.booked,
      limitedSlots: state.limitedSlots,
      stock: codes.map((code) => ({
        product: code,
        productName: products.find((product) => product.code === code)?.name ?? code,
        doses: stockOf.get(code)?.doses ?? null,
        booked: stockOf.get(code)?.booked ?? 0,
      })),
    };
  };

  console.get(
    '/hubs/:pointId/day',
    {
      schema: {
        ...schema(
          'consoleHubDay',
          'Authority console: a hub’s day: opening hours, stations, places, doses per product (BOOK-2)',
        ),
        params: PointParams,
        querystring: Type.Object({ day: DayText, saved: Type.Optional(Type.Literal('1')) }),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const view = await hubDayView(request, request.params.pointId, request.query.day);
      return sendPage(
        reply,
        200,
        hubDayPage(await pageContext(request), staffOf(request).role, {
          ...view,
          errors: [],
          saved: request.query.saved === '1',
        }),
      );
    },
  );

  console.post(
    '/hubs/:pointId/day',
    {
      schema: {
        ...schema(
          'consoleSetHubDay',
          'Authority console: opens or changes a hub’s day: hours, stations, minutes per vaccination, doses per product (BOOK-2)',
        ),
        params: PointParams,
        // Stock fields are named stock_<product code>: one per product of the catalogue.
        body: Type.Object(
          {
            day: DayText,
            opensAt: FormText,
            closesAt: FormText,
            stations: FormText,
            minutesPerVaccination: FormText,
            slotMinutes: FormText,
          },
          { additionalProperties: Type.String({ maxLength: 20 }), maxProperties: 40 },
        ),
      },
      config: access,
    },
    async (request, reply) => {
      const pointId = request.params.pointId;
      const body = request.body as Record<string, string | undefined> & { day: string };
      const view = await hubDayView(request, pointId, body.day);
      const values: Record<string, string | undefined> = Object.fromEntries(
        Object.entries(body).map(([name, value]) => [name, value?.trim()]),
      );
      const language = pageLanguage(request);
      const failed = (refusals: Refusal[]) =>
        formFailed(
          request,
          reply,
          refusals,
          'body',
          (context, errors) => hubDayPage(context, staffOf(request).role, { ...view, values, errors }),
          `/console/hubs/${pointId}/day?day=${body.day}`,
        );
      const fields = HubDayBody.properties;
      const refusals = checkFields(request, values, [
        { name: 'opensAt', label: 'opensAtLabel', schema: fields.opensAt },
        { name: 'closesAt', label: 'closesAtLabel', schema: fields.closesAt },
        { name: 'stations', label: 'dayStationsLabel', schema: fields.stations },
        {
          name: 'minutesPerVaccination',
          label: 'minutesPerVaccinationLabel',
          schema: fields.minutesPerVaccination,
        },
        { name: 'slotMinutes', label: 'slotMinutesLabel', schema: alone(fields.slotMinutes) },
      ]);
      const stock: { product: string; doses: number }[] = [];
      const validDoses = request.compileValidationSchema(fields.stock.items.properties.doses);
      for (const line of view.stock) {
        const value = values[`stock_${line.product}`];
        if (value === undefined || value === '') continue;
        if (!/^\d+$/.test(value) || !validDoses(Number(value))) {
          refusals.push({
            code: 'REQUEST_INVALID',
            field: `stock_${line.product}`,
            params: { field: line.productName },
          });
          continue;
        }
        stock.push({ product: line.product, doses: Number(value) });
      }
      if (refusals.length > 0) return failed(refusals);
      if ((values.closesAt ?? '') <= (values.opensAt ?? ''))
        return failed([
          { code: 'REQUEST_INVALID', field: 'closesAt', params: { field: text(language, 'closesAtLabel') } },
        ]);
      try {
        await booking.setHubDay(
          pointId,
          body.day,
          {
            opensAt: values.opensAt ?? '',
            closesAt: values.closesAt ?? '',
            stations: Number(values.stations),
            minutesPerVaccination: Number(values.minutesPerVaccination),
            slotMinutes: Number(values.slotMinutes),
            stock,
            reopenClosedPlaces: values.reopenClosedPlaces === 'yes',
          },
          actingContextOf(request, clock.now()),
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return failed([refusalOf(error, ['stations', 'opensAt', 'closesAt'])]);
      }
      return reply.redirect(`/console/hubs/${pointId}/day?day=${body.day}&saved=1`, 303);
    },
  );

  // -------------------------------------------------------------------------------------------------
  // List uploads (ELIG-18, UX-4)

  const authoritiesForForm = async (request: FastifyRequest) => {
    const scope = authoritiesOf(request);
    return (await listHealthAuthorities(db))
      .filter((authority) => inScope(scope, authority.code))
      .map((authority) => ({ code: authority.code, name: authority.name }));
  };

  const listsView = async (request: FastifyRequest) => ({
    authorities: await authoritiesForForm(request),
    listTypes: await lists.listTypes(),
    uploads: (await lists.recentUploads(authoritiesOf(request))).map(uploadLine),
  });

  console.get(
    '/lists',
    {
      schema: {
        ...schema(
          'consoleListUploads',
          'Authority console: upload a list of entitled people (CSV or XLSX) and the latest uploads (ELIG-18, UX-4)',
        ),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) =>
      sendPage(
        reply,
        200,
        listsPage(await pageContext(request), staffOf(request).role, {
          ...(await listsView(request)),
          values: {},
          errors: [],
        }),
      ),
  );

  // Only this page takes a file: its form is parsed here, streamed to disk.
  void console.register((plain, _options, done) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    const receivedFile = acceptListFileForms(scope, uploadsDirectory);
    scope.post(
      '/lists',
      {
        schema: {
          ...schema(
            'consoleUploadList',
            'Authority console: the upload form (multipart/form-data): the file is streamed to disk and loaded in the background; answers with the progress page (ELIG-18, UX-4, PERF-4)',
          ),
          body: Type.Object(
            { listType: FormText, sourceAuthority: FormText },
            { additionalProperties: false },
          ),
        },
        config: access,
      },
      async (request, reply) => {
        const values = { listType: request.body.listType, sourceAuthority: request.body.sourceAuthority };
        const file = receivedFile(request);
        const language = pageLanguage(request);
        const failed = async (refusals: Refusal[]) => {
          const view = await listsView(request);
          return formFailed(
            request,
            reply,
            refusals,
            'body',
            (context, errors: FieldError[]) =>
              listsPage(context, staffOf(request).role, { ...view, values, errors }),
            '/console/lists',
          );
        };
        const refusals = checkFields(request, values, [
          { name: 'listType', label: 'listTypeLabel', schema: Type.Enum(LIST_TYPES) },
          {
            name: 'sourceAuthority',
            label: 'sourceAuthorityLabel',
            schema: Type.String({ pattern: '^[A-Z]{2,5}-[A-Z0-9-]{2,40}$' }),
          },
        ]);
        if (file === undefined)
          refusals.push({
            code: 'FIELD_REQUIRED',
            field: 'file',
            params: { field: text(language, 'listFileLabel') },
          });
        const format = file === undefined ? undefined : listFileFormat(file.fileName);
        if (file !== undefined && format === undefined)
          refusals.push({ code: 'LIST_FILE_FORMAT', field: 'file', params: { fileName: file.fileName } });
        const source = values.sourceAuthority ?? '';
        if (refusals.length === 0 && !inScope(authoritiesOf(request), source))
          refusals.push({
            code: 'LIST_SOURCE_OUT_OF_SCOPE',
            field: 'sourceAuthority',
            params: { sourceAuthority: source },
          });
        if (refusals.length > 0 || file === undefined || format === undefined) return failed(refusals);
        const listFile = {
          path: await claimFile(file, uploadsDirectory, format),
          fileName: file.fileName,
          listType: values.listType as ListType,
          sourceAuthority: source,
        };
        const context = actingContextOf(request, clock.now());
        let upload: ListUploadRow;
        try {
          upload = await lists.begin(listFile, context);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          return failed([refusalOf(error, ['listType', 'sourceAuthority'], 'file')]);
        }
        // The loading goes on after the answer; its progress and outcome are on the upload's row.
        lists.run(upload, listFile, context).catch((error: unknown) => {
          request.log.error({ err: error, uploadId: upload.id }, 'list upload failed');
        });
        return reply.redirect(`/console/lists/${upload.id}`, 303);
      },
    );
    done();
  });

  console.get(
    '/lists/:uploadId',
    {
      schema: {
        ...schema(
          'consoleListUpload',
          'Authority console: an upload’s progress (a bar, refreshed while it runs), its counts and its rejection report (ELIG-18, UX-4)',
        ),
        params: Type.Object({ uploadId: Id }),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const upload = await lists.getUpload(request.params.uploadId);
      if (!inScope(authoritiesOf(request), upload.source_authority))
        throw new DomainError('LIST_SOURCE_OUT_OF_SCOPE', {
          pointer: '/sourceAuthority',
          params: { sourceAuthority: upload.source_authority },
        });
      return sendPage(
        reply,
        200,
        uploadPage(await pageContext(request), staffOf(request).role, uploadLine(upload), {
          script: uploadScript,
        }),
      );
    },
  );

  // -------------------------------------------------------------------------------------------------
  // Plan versions (ELIG-1)

  console.get(
    '/plan',
    {
      schema: {
        ...schema(
          'consolePlanVersions',
          'Authority console: the plan versions loaded and which are in force on a date (ELIG-1)',
        ),
        querystring: Type.Object({ on: FormText }, { additionalProperties: false }),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const refusals = checkFields(request, { on: request.query.on }, [
        { name: 'on', label: 'planOnLabel', schema: DayText, optional: true },
      ]);
      const on = refusals.length === 0 && request.query.on ? request.query.on : today();
      const context = await pageContext(request);
      const errors = refusals.map((refusal) => ({
        field: refusal.field,
        message: text(context.language, 'planOnInvalid'),
      }));
      let inForce: { national: string; calendar: string | null } | undefined;
      try {
        const plan = await eligibility.planInForce(on);
        inForce = { national: plan.national.id, calendar: plan.calendar?.id ?? null };
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'PLAN_NOT_IN_FORCE') throw error;
      }
      const versions = (await eligibility.listPlanVersions()).map((row) => ({
        id: row.id,
        kind: row.kind,
        regionCode: row.region_code,
        effectiveFrom: row.effective_from,
        loadedAt: row.loaded_at,
        sha256: row.sha256,
      }));
      return sendPage(
        reply,
        errors.length > 0 ? 400 : 200,
        planPage(context, staffOf(request).role, { versions, on, inForce, errors }),
      );
    },
  );

  // -------------------------------------------------------------------------------------------------
  // Late records (VAX-3) and the national outbox (NAT-1)

  const pointsOf = async (request: FastifyRequest) => {
    const authorities = authoritiesOf(request);
    const points = await listVaccinationPoints(db);
    return {
      names: new Map(points.map((point) => [point.id, `${point.name} (${point.code})`])),
      scope:
        authorities === null
          ? null
          : points
              .filter((point) => authorities.includes(point.healthAuthorityCode))
              .map((point) => point.id),
    };
  };

  console.get(
    '/late-records',
    {
      schema: {
        ...schema(
          'consoleLateRecords',
          'Authority console: administrations recorded late, by vaccination point and operator (VAX-3)',
        ),
        querystring: Type.Object(
          { from: FormText, to: FormText, lateAfterMinutes: FormText },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const values = {
        from: request.query.from || addDays(today(), -7),
        to: request.query.to || today(),
        lateAfterMinutes: request.query.lateAfterMinutes || '60',
      };
      const refusals = checkFields(request, values, [
        { name: 'from', label: 'authFromLabel', schema: LateRecordsQuery.properties.from },
        { name: 'to', label: 'authToLabel', schema: LateRecordsQuery.properties.to },
        {
          name: 'lateAfterMinutes',
          label: 'lateAfterLabel',
          schema: alone(LateRecordsQuery.properties.lateAfterMinutes),
        },
      ]);
      const role = staffOf(request).role;
      if (refusals.length > 0)
        return formFailed(request, reply, refusals, 'query', (context, errors) =>
          lateRecordsPage(context, role, { values, rows: [], errors }),
        );
      const points = await pointsOf(request);
      const rows = await vaccination.lateRecords({
        from: values.from,
        to: values.to,
        lateAfterMinutes: Number(values.lateAfterMinutes),
        pointIds: points.scope,
      });
      return sendPage(
        reply,
        200,
        lateRecordsPage(await pageContext(request), role, {
          values,
          errors: [],
          rows: rows.map((row) => ({
            point: points.names.get(Number(row.vaccination_point_id)) ?? String(row.vaccination_point_id),
            operator: row.operator,
            recorded: row.recorded,
            late: row.late,
            latestDelayMinutes: row.latest_delay_minutes,
          })),
        }),
      );
    },
  );

  console.get(
    '/national-flow',
    {
      schema: {
        ...schema(
          'consoleNationalFlow',
          'Authority console: the national outbox: backlog, failing deliveries, lag recorded → acknowledged (NAT-1, NAT-5)',
        ),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const context = await pageContext(request);
      const [figures, hours] = await Promise.all([sync.figures(), sync.lagByHour(24)]);
      return sendPage(
        reply,
        200,
        nationalFlowPage(
          context,
          staffOf(request).role,
          figures,
          outboxLagFigure(context, hours, clock.now()),
        ),
      );
    },
  );

  // -------------------------------------------------------------------------------------------------
  // Messages sent (BOOK-17, BOOK-18)

  console.get(
    '/messages',
    {
      schema: {
        ...schema(
          'consoleMessages',
          'Authority console: the messages sent to people, newest first, by status, channel or person; recipients masked (BOOK-17, BOOK-18, SEC-5)',
        ),
        querystring: Type.Object(
          { status: FormText, channel: FormText, personId: FormText, page: FormText },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const values = {
        status: request.query.status || undefined,
        channel: request.query.channel || undefined,
        personId: request.query.personId?.trim() || undefined,
      };
      const refusals = checkFields(request, { ...values, page: request.query.page }, [
        { name: 'status', label: 'authStatusColumn', schema: Type.Enum(MESSAGE_STATUSES), optional: true },
        { name: 'channel', label: 'authChannelColumn', schema: Type.Enum(CHANNELS), optional: true },
        { name: 'personId', label: 'authPersonIdLabel', schema: Id, optional: true },
        {
          name: 'page',
          label: 'authPagesLabel',
          schema: Type.Integer({ minimum: 1, maximum: 10_000 }),
          optional: true,
        },
      ]);
      const role = staffOf(request).role;
      const page = Number(request.query.page || '1');
      const base = { values, statuses: MESSAGE_STATUSES, channels: CHANNELS, pageSize: MESSAGES_PAGE_SIZE };
      if (refusals.length > 0)
        return formFailed(request, reply, refusals, 'query', (context, errors) =>
          messagesPage(context, role, { ...base, total: 0, page: 1, messages: [], errors }),
        );
      const result = await messaging.list({
        personId: values.personId === undefined ? undefined : Number(values.personId),
        status: values.status as (typeof MESSAGE_STATUSES)[number] | undefined,
        channel: values.channel as (typeof CHANNELS)[number] | undefined,
        healthAuthorityCodes: authoritiesOf(request),
        limit: MESSAGES_PAGE_SIZE,
        offset: (page - 1) * MESSAGES_PAGE_SIZE,
      });
      return sendPage(
        reply,
        200,
        messagesPage(await pageContext(request), role, {
          ...base,
          total: result.total,
          page,
          errors: [],
          messages: result.messages.map(messageLine),
        }),
      );
    },
  );

  console.get(
    '/messages/:messageId',
    {
      schema: {
        ...schema(
          'consoleMessage',
          'Authority console: one message, its text and its delivery attempts (BOOK-18)',
        ),
        params: Type.Object({ messageId: Id }),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const found = await messaging.get(request.params.messageId, authoritiesOf(request));
      return sendPage(
        reply,
        200,
        messagePage(await pageContext(request), staffOf(request).role, {
          message: {
            ...messageLine(found.message),
            attemptLog: found.message.attemptLog.map((attempt) => ({
              attempt: attempt.attempt,
              adapter: attempt.adapter,
              outcome: attempt.outcome,
              finishedAt: attempt.finished_at,
              error: attempt.error,
            })),
          },
          rendered: found.rendered,
          renderError: found.renderError,
          contentsRemovedAfterDays: found.message.redacted_at === null ? null : config.RETENTION_MESSAGE_DAYS,
        }),
      );
    },
  );
}

const messageLine = (row: {
  id: number | string;
  person_id: number | string;
  channel: string;
  template: string;
  recipient: string | null;
  status: string;
  attempts: number;
  created_at: Date;
  sent_at: Date | null;
  last_error: string | null;
  redacted_at: Date | null;
}) => ({
  id: Number(row.id),
  personId: Number(row.person_id),
  channel: row.channel,
  template: row.template,
  // A redacted message's recipient is a marker, not an address: shown as none.
  recipient: row.redacted_at === null ? row.recipient : null,
  status: row.status,
  attempts: row.attempts,
  createdAt: row.created_at,
  sentAt: row.sent_at,
  lastError: row.last_error,
});
