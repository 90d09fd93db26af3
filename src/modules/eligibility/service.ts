import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../reference/files.ts';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import { listProducts, type ProductEntry } from '../reference/service.ts';
import { isUniqueViolation } from '../registry/repo.ts';
import { findCondition, loadFragilityTables, type FragilityTables } from './fragility-tables.ts';
import { parsePlanFile, PlanFileError, type BookingChannel, type PlanFile } from './plan-file.ts';
import {
  activeLinksOfFragilePerson,
  entitlementsOf,
  findPersonByCard,
  freeLinkPlace,
  loadPersonFacts,
  loadPersonSnapshot,
  lockPersonForLinks,
  planVersionDocuments,
  planVersionIds,
  type EntitlementRow,
  type LinkRow,
} from './repo.ts';
import {
  bookableAfterPreRegistration,
  DECISION_ENTITLEMENTS,
  explainEligibility,
  linkRefusal,
  planInForce,
  qualifications,
  romeMidnight,
  type Explanation,
  type ImmuneRelated,
  type PlanInForce,
} from './rules.ts';
import type {
  EntitlementSource,
  EvidenceStatus,
  LinkRelation,
  LinkSource,
  NonResidentReason,
} from './tables.ts';
import './errors.ts';

export interface NewEntitlement {
  category: string;
  conditionCode: string | null;
  source: EntitlementSource;
  evidenceStatus: EvidenceStatus;
  validFrom: Date;
  reason: string | null;
  sourceReference: string | null;
}

/** Who the link is to: a person the operator found, or the CF + TS a caregiver typed (ELIG-13). */
export type LinkedPersonRef = { personId: number } | { taxCode: string; healthCardNumber: string };

export const notFound = (): DomainError => new DomainError('PERSON_NOT_FOUND', { pointer: '/personId' });

/**
 * The campaign rules' use cases (spec 20-eligibility.md): plan versions, entitlements and the
 * decisions of people (GPs, pharmacists, contact-center supervisors, health authorities), links to
 * fragile people, and "why can(not) I book?". Rules are in rules.ts; this file adds the data.
 */
export class EligibilityService {
  private tables: Promise<FragilityTables> | undefined;
  /**
   * Parsed plan documents by version id. Safe to keep for the life of the process, across processes:
   * a loaded version never changes (a trigger refuses it); which versions exist is asked each time.
   */
  private readonly planDocuments = new Map<string, PlanFile>();
  /** The product catalogue as last read, kept while the database's stamp of it stays the same. */
  private catalogue: { stamp: string; products: ProductEntry[] } | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly regionCode: string,
  ) {}

  fragilityTables(): Promise<FragilityTables> {
    this.tables ??= loadFragilityTables();
    return this.tables;
  }

  private async immuneRelated(): Promise<ImmuneRelated> {
    const tables = await this.fragilityTables();
    return (code) => findCondition(tables, code)?.immuneRelated ?? false;
  }

  /**
   * REG-7: moves the campaign-rules records of an obsolete identity to the current one, inside the
   * caller's transaction. An entitlement the current identity already has is not copied twice; a link
   * that would join the person to itself, or duplicate one of the current identity's links or places,
   * is closed with its reason instead of moved; an open application or an admission stays with the old
   * identity when the current one already has its own.
   */
  async moveRecords(trx: Transaction<DB>, fromId: number, toId: number, now: Date) {
    const duplicates = await trx
      .deleteFrom('entitlements as o')
      .where('o.person_id', '=', fromId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('entitlements as c')
            .select('c.id')
            .where('c.person_id', '=', toId)
            .whereRef('c.category', '=', 'o.category')
            .where(sql<boolean>`c.condition_code IS NOT DISTINCT FROM o.condition_code`)
            .whereRef('c.source', '=', 'o.source'),
        ),
      )
      .executeTakeFirst();
    const entitlements = await trx
      .updateTable('entitlements')
      .set({ person_id: toId })
      .where('person_id', '=', fromId)
      .executeTakeFirst();
    const close = (reason: string) => ({ removed_at: now, removed_reason: reason });
    const selfLinks = await trx
      .updateTable('fragility_links')
      .set(close('REG-7: identities merged, the link would join the person to itself'))
      .where('removed_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb.and([eb('fragile_person_id', '=', fromId), eb('linked_person_id', '=', toId)]),
          eb.and([eb('fragile_person_id', '=', toId), eb('linked_person_id', '=', fromId)]),
        ]),
      )
      .executeTakeFirst();
    const clashing = await sql`
      UPDATE fragility_links l SET removed_at = ${now},
        removed_reason = 'REG-7: identities merged, the current identity already has this link or place'
      WHERE l.removed_at IS NULL AND (
        (l.fragile_person_id = ${fromId} AND EXISTS (SELECT 1 FROM fragility_links c WHERE c.removed_at IS NULL
          AND c.fragile_person_id = ${toId} AND (c.place = l.place OR c.linked_person_id = l.linked_person_id)))
        OR (l.linked_person_id = ${fromId} AND EXISTS (SELECT 1 FROM fragility_links c WHERE c.removed_at IS NULL
          AND c.fragile_person_id = l.fragile_person_id AND c.linked_person_id = ${toId})))
    `.execute(trx);
    const asFragile = await trx
      .updateTable('fragility_links')
      .set({ fragile_person_id: toId })
      .where('fragile_person_id', '=', fromId)
      .where('linked_person_id', '<>', toId)
      .executeTakeFirst();
    const asLinked = await trx
      .updateTable('fragility_links')
      .set({ linked_person_id: toId })
      .where('linked_person_id', '=', fromId)
      .where('fragile_person_id', '<>', toId)
      .executeTakeFirst();
    const applications = await sql`
      UPDATE non_resident_applications a SET person_id = ${toId}
      WHERE a.person_id = ${fromId} AND NOT (a.status IN ('submitted', 'approved') AND EXISTS (
        SELECT 1 FROM non_resident_applications c WHERE c.person_id = ${toId} AND c.status IN ('submitted', 'approved')))
    `.execute(trx);
    const admissions = await sql`
      UPDATE regional_admissions SET person_id = ${toId}
      WHERE person_id = ${fromId} AND NOT EXISTS (SELECT 1 FROM regional_admissions WHERE person_id = ${toId})
    `.execute(trx);
    return {
      entitlements: Number(entitlements.numUpdatedRows),
      entitlementsAlreadyHeld: Number(duplicates.numDeletedRows),
      links: Number(asFragile.numUpdatedRows) + Number(asLinked.numUpdatedRows),
      linksClosed: Number(selfLinks.numUpdatedRows) + Number(clashing.numAffectedRows ?? 0n),
      nonResidentApplications: Number(applications.numAffectedRows ?? 0n),
      regionalAdmissions: Number(admissions.numAffectedRows ?? 0n),
    };
  }

  /** ELIG-1: loads a plan version once; the same content again is a no-op, other content is refused. */
  async loadPlanVersion(value: unknown, fileName: string, now = this.clock.now()) {
    let plan: PlanFile;
    try {
      plan = parsePlanFile(value, fileName);
    } catch (error) {
      if (!(error instanceof PlanFileError)) throw error;
      throw new DomainError('PLAN_VERSION_INVALID', {
        params: { file: fileName, problems: error.problems.join('; ') },
      });
    }
    const sha256 = createHash('sha256').update(JSON.stringify(plan)).digest('hex');
    const existing = await this.db
      .selectFrom('plan_versions')
      .select(['sha256'])
      .where('id', '=', plan.id)
      .executeTakeFirst();
    if (existing !== undefined) {
      if (existing.sha256 !== sha256)
        throw new DomainError('PLAN_VERSION_CONFLICT', { params: { versionId: plan.id } });
      return { id: plan.id, loaded: false };
    }
    try {
      await this.db
        .insertInto('plan_versions')
        .values({
          id: plan.id,
          kind: plan.kind,
          region_code: plan.region,
          effective_from: plan.effectiveFrom,
          document: JSON.stringify(plan),
          sha256,
          loaded_at: now,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('PLAN_VERSION_DATE_TAKEN', { params: { effectiveFrom: plan.effectiveFrom } });
      }
      throw error;
    }
    return { id: plan.id, loaded: true };
  }

  /** Every version under plan/versions, in name order: what `npm start` and tests load. */
  async loadShippedPlanVersions(directory = path.join(PROJECT_ROOT, 'plan', 'versions')) {
    const names = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
    const results = [];
    for (const name of names) {
      const value: unknown = JSON.parse(await readFile(path.join(directory, name), 'utf8'));
      results.push(await this.loadPlanVersion(value, `plan/versions/${name}`));
    }
    return results;
  }

  async listPlanVersions() {
    return this.db
      .selectFrom('plan_versions')
      .select(['id', 'kind', 'region_code', 'effective_from', 'loaded_at', 'sha256'])
      .orderBy('effective_from')
      .orderBy('id')
      .execute();
  }

  async planInForce(date: string, db: Kysely<DB> | Transaction<DB> = this.db): Promise<PlanInForce> {
    return this.planOf(await planVersionIds(db), date, db);
  }

  /** The plan in force on a date among the versions named (in effective-date order). */
  private async planOf(ids: readonly string[], date: string, db: Kysely<DB> | Transaction<DB>) {
    const missing = ids.filter((id) => !this.planDocuments.has(id));
    for (const document of await planVersionDocuments(db, missing))
      this.planDocuments.set(document.id, document);
    const documents = ids.map((id) => this.planDocuments.get(id)).filter((d) => d !== undefined);
    const plan = planInForce(documents, this.regionCode, date);
    if (plan === undefined) throw new DomainError('PLAN_NOT_IN_FORCE', { params: { date } });
    return plan;
  }

  /** The products in effect on a date, from the catalogue with the given stamp. */
  private async productsOn(stamp: string, date: string): Promise<ProductEntry[]> {
    if (this.catalogue?.stamp !== stamp) this.catalogue = { stamp, products: await listProducts(this.db) };
    return this.catalogue.products.filter((product) => product.effectiveFrom <= date);
  }

  /** ELIG-5: why the person can or cannot book, and what to do next. */
  async explain(
    personId: number,
    channel?: BookingChannel,
  ): Promise<Explanation & { plan: PlanInForce; catalogue: ProductEntry[]; entitlements: EntitlementRow[] }> {
    const now = this.clock.now();
    const today = romeDate(now);
    const snapshot = await loadPersonSnapshot(this.db, personId);
    if (snapshot.facts === undefined) throw notFound();
    const plan = await this.planOf(snapshot.planVersionIds, today, this.db);
    const catalogue = await this.productsOn(snapshot.productsStamp, today);
    const explanation = explainEligibility(
      snapshot.facts,
      plan,
      catalogue,
      await this.immuneRelated(),
      now,
      channel,
    );
    return { ...explanation, plan, catalogue, entitlements: snapshot.entitlements };
  }

  async entitlements(personId: number): Promise<EntitlementRow[]> {
    await this.requirePerson(personId);
    return entitlementsOf(this.db, [personId]);
  }

  private async requirePerson(personId: number, db: Kysely<DB> | Transaction<DB> = this.db): Promise<void> {
    const row = await db.selectFrom('persons').select('id').where('id', '=', personId).executeTakeFirst();
    if (row === undefined) throw notFound();
  }

  private async requireCondition(category: string, conditionCode: string | null): Promise<void> {
    if (category !== 'extremely_vulnerable') return;
    if (conditionCode === null) throw new DomainError('CONDITION_REQUIRED', { pointer: '/conditionCode' });
    if (findCondition(await this.fragilityTables(), conditionCode) === undefined) {
      throw new DomainError('CONDITION_UNKNOWN', { pointer: '/conditionCode', params: { conditionCode } });
    }
  }

  private async requireEntitlementCategory(category: string, now: Date): Promise<void> {
    const plan = await this.planInForce(romeDate(now));
    const categories = plan.national.categories.filter((c) => c.basis === 'entitlement').map((c) => c.code);
    if (!categories.includes(category)) {
      throw new DomainError('CATEGORY_NOT_IN_PLAN', {
        pointer: '/category',
        params: { category, categories: categories.join(', ') },
      });
    }
  }

  /**
   * Records an entitlement, audited. The same (person, category, condition, source) again is the
   * same entitlement: its evidence and reason are updated, its start is kept (a second
   * pre-registration does not push booking back by another 24 hours).
   */
  async grant(
    personId: number,
    entitlement: NewEntitlement,
    context: ActingContext,
  ): Promise<EntitlementRow> {
    await this.requireCondition(entitlement.category, entitlement.conditionCode);
    await this.requireEntitlementCategory(entitlement.category, context.now);
    return this.db.transaction().execute(async (trx) => {
      await this.requirePerson(personId, trx);
      const before = await trx
        .selectFrom('entitlements')
        .selectAll()
        .where('person_id', '=', personId)
        .where('category', '=', entitlement.category)
        .where('condition_code', '=', entitlement.conditionCode ?? '')
        .where('source', '=', entitlement.source)
        .executeTakeFirst();
      const row = await trx
        .insertInto('entitlements')
        .values({
          person_id: personId,
          category: entitlement.category,
          condition_code: entitlement.conditionCode ?? '',
          source: entitlement.source,
          evidence_status: entitlement.evidenceStatus,
          valid_from: entitlement.validFrom,
          source_reference: entitlement.sourceReference,
          reason: entitlement.reason,
          created_at: context.now,
          created_by_kind: context.actorKind,
          created_by_id: context.actorId,
          updated_at: context.now,
        })
        .onConflict((oc) =>
          oc.constraint('entitlements_one_per_source').doUpdateSet((eb) => ({
            evidence_status: eb.ref('excluded.evidence_status'),
            reason: eb.ref('excluded.reason'),
            source_reference: eb.ref('excluded.source_reference'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'entitlement',
        entityId: row.id,
        action: before === undefined ? 'grant' : 'regrant',
        before,
        after: row,
      });
      return row;
    });
  }

  /** ELIG-12, ELIG-14: self pre-registration; booking opens 24 hours later. */
  async preRegister(
    personId: number,
    declaration: {
      category: 'extremely_vulnerable' | 'severe_disability';
      conditionCode: string | null;
      declaredBy: 'self' | 'caregiver';
    },
    context: ActingContext,
  ) {
    const entitlement = await this.grant(
      personId,
      {
        category: declaration.category,
        conditionCode: declaration.category === 'extremely_vulnerable' ? declaration.conditionCode : null,
        ...DECISION_ENTITLEMENTS.self_declaration,
        validFrom: bookableAfterPreRegistration(context.now),
        reason:
          declaration.declaredBy === 'caregiver'
            ? 'pre-registered by a caregiver (ELIG-14)'
            : 'self pre-registration (ELIG-12)',
        sourceReference: null,
      },
      context,
    );
    return { entitlement, bookableFrom: entitlement.valid_from };
  }

  /** ELIG-4: the vaccination point confirms or rejects a self-declaration handed in at the hub. */
  async checkEvidence(entitlementId: number, confirmed: boolean, note: string, context: ActingContext) {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('entitlements')
        .selectAll()
        .where('id', '=', entitlementId)
        .forUpdate()
        .executeTakeFirst();
      if (before === undefined) throw new DomainError('ENTITLEMENT_NOT_FOUND', { pointer: '/entitlementId' });
      if (before.evidence_status !== 'self_declared') {
        throw new DomainError('EVIDENCE_ALREADY_CHECKED', {
          params: { evidenceStatus: before.evidence_status },
        });
      }
      const after = await trx
        .updateTable('entitlements')
        .set({ evidence_status: confirmed ? 'verified' : 'rejected', reason: note, updated_at: context.now })
        .where('id', '=', entitlementId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'entitlement',
        entityId: entitlementId,
        action: confirmed ? 'evidence_confirmed' : 'evidence_rejected',
        before,
        after,
      });
      return after;
    });
  }

  async links(fragilePersonId: number): Promise<LinkRow[]> {
    await this.requirePerson(fragilePersonId);
    return activeLinksOfFragilePerson(this.db, fragilePersonId);
  }

  /**
   * ELIG-8, ELIG-13..15: links a cohabitant, caregiver or parent to a fragile person. The fragile
   * person's row is locked, so concurrent requests queue; the database's unique place index is what
   * finally keeps the count at 3 or fewer.
   */
  async addLink(
    fragilePersonId: number,
    link: {
      person: LinkedPersonRef;
      relation: LinkRelation;
      source: LinkSource;
      evidenceStatus: EvidenceStatus;
      listUploadId?: number;
    },
    context: ActingContext,
    db: Kysely<DB> = this.db,
  ): Promise<LinkRow> {
    const immuneRelated = await this.immuneRelated();
    const linkedPersonId =
      'personId' in link.person
        ? link.person.personId
        : await findPersonByCard(db, link.person.taxCode, link.person.healthCardNumber);
    if (linkedPersonId === undefined)
      throw new DomainError('LINKED_PERSON_NOT_FOUND', { pointer: '/person' });
    const plan = await this.planInForce(romeDate(context.now), db);
    try {
      return await db.transaction().execute(async (trx) => {
        if (!(await lockPersonForLinks(trx, fragilePersonId))) throw notFound();
        await this.requirePerson(linkedPersonId, trx);
        const fragile = await loadPersonFacts(trx, fragilePersonId);
        if (fragile === undefined) throw notFound();
        const refusal = linkRefusal(
          { id: fragilePersonId, birthDate: fragile.birthDate, entitlements: fragile.entitlements },
          linkedPersonId,
          link.relation,
          plan,
          immuneRelated,
          context.now,
        );
        if (refusal !== null) {
          throw new DomainError(refusal.code, {
            pointer: '/relation',
            params: { relation: link.relation, allowed: refusal.allowed.join(', ') || '—' },
          });
        }
        const active = await activeLinksOfFragilePerson(trx, fragilePersonId);
        if (active.some((existing) => existing.linked_person_id === linkedPersonId)) {
          throw new DomainError('LINK_ALREADY_EXISTS', { pointer: '/person' });
        }
        const place = await freeLinkPlace(trx, fragilePersonId);
        if (place === undefined) throw new DomainError('LINK_LIMIT_REACHED');
        const row = await trx
          .insertInto('fragility_links')
          .values({
            fragile_person_id: fragilePersonId,
            linked_person_id: linkedPersonId,
            relation: link.relation,
            place,
            source: link.source,
            evidence_status: link.evidenceStatus,
            list_upload_id: link.listUploadId ?? null,
            created_at: context.now,
            created_by_kind: context.actorKind,
            created_by_id: context.actorId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, context, {
          entityType: 'fragility_link',
          entityId: row.id,
          action: 'create',
          after: row,
        });
        return row;
      });
    } catch (error) {
      // Only reachable if something wrote a link without taking the lock: the index still holds.
      if (isUniqueViolation(error)) throw new DomainError('LINK_LIMIT_REACHED');
      throw error;
    }
  }

  /** ELIG-15: removing a link frees its place. */
  async removeLink(
    fragilePersonId: number,
    linkId: number,
    reason: string,
    context: ActingContext,
  ): Promise<LinkRow> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await lockPersonForLinks(trx, fragilePersonId))) throw notFound();
      const before = await trx
        .selectFrom('fragility_links')
        .selectAll()
        .where('id', '=', linkId)
        .where('fragile_person_id', '=', fragilePersonId)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      if (before === undefined) throw new DomainError('LINK_NOT_FOUND', { pointer: '/linkId' });
      const after = await trx
        .updateTable('fragility_links')
        .set({ removed_at: context.now, removed_reason: reason })
        .where('id', '=', linkId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'fragility_link',
        entityId: linkId,
        action: 'remove',
        before,
        after,
      });
      return after;
    });
  }

  /** ELIG-16: a contact-center supervisor changes a person's category, with a reason. */
  async changeCategory(
    personId: number,
    change: {
      category: string;
      conditionCode: string | null;
      evidenceStatus: EvidenceStatus;
      reason: string;
    },
    context: ActingContext,
  ) {
    return this.grant(
      personId,
      {
        category: change.category,
        conditionCode: change.conditionCode,
        source: 'contact_center',
        evidenceStatus: change.evidenceStatus,
        validFrom: context.now,
        reason: change.reason,
        sourceReference: null,
      },
      context,
    );
  }

  /** ELIG-20: a GP or pediatrician reports a patient as fragile: a verified entitlement. */
  async reportFragilePatient(
    personId: number,
    report: {
      category: 'extremely_vulnerable' | 'severe_disability';
      conditionCode: string | null;
      note: string;
    },
    context: ActingContext,
  ) {
    return this.grant(
      personId,
      {
        category: report.category,
        conditionCode: report.category === 'extremely_vulnerable' ? report.conditionCode : null,
        ...DECISION_ENTITLEMENTS.gp_report,
        validFrom: context.now,
        reason: report.note,
        sourceReference: context.actorId,
      },
      context,
    );
  }

  /** ELIG-9: a pharmacist certifies severe obesity (BMI > 35); the pharmacy channel then books. */
  async certifySevereObesity(personId: number, bmi: number, note: string | null, context: ActingContext) {
    if (!(bmi > 35)) throw new DomainError('OBESITY_BMI_NOT_SEVERE', { pointer: '/bmi', params: { bmi } });
    return this.grant(
      personId,
      {
        category: 'extremely_vulnerable',
        conditionCode: 'obesity_severe',
        ...DECISION_ENTITLEMENTS.pharmacy_obesity,
        validFrom: context.now,
        reason: `BMI ${bmi}${note ? `: ${note}` : ''}`,
        sourceReference: context.actorId,
      },
      context,
    );
  }

  /** ELIG-10: health workers pre-register themselves; no list is collected for them. */
  async preRegisterHealthWorker(
    personId: number,
    declaration: { profession: string; employer: string; registerNumber: string | null },
    context: ActingContext,
  ) {
    const register = declaration.registerNumber ? `, register ${declaration.registerNumber}` : '';
    return this.grant(
      personId,
      {
        category: 'health_worker',
        conditionCode: null,
        ...DECISION_ENTITLEMENTS.health_worker,
        validFrom: context.now,
        reason: `${declaration.profession} at ${declaration.employer}${register}`,
        sourceReference: null,
      },
      context,
    );
  }

  private async requireNotServed(trx: Transaction<DB>, personId: number) {
    const facts = await loadPersonFacts(trx, personId);
    if (facts === undefined) throw notFound();
    if (facts.status === 'active' || facts.admitted) throw new DomainError('ADMISSION_NOT_NEEDED');
    return facts;
  }

  /** ELIG-11: a non-resident present for work, family care, health or other reasons applies. */
  async applyAsNonResident(
    personId: number,
    application: { reason: NonResidentReason; details: string; domicileMunicipalityIstat: string },
    context: ActingContext,
  ) {
    return this.db.transaction().execute(async (trx) => {
      await this.requireNotServed(trx, personId);
      try {
        const row = await trx
          .insertInto('non_resident_applications')
          .values({
            person_id: personId,
            reason: application.reason,
            details: application.details,
            domicile_municipality_istat: application.domicileMunicipalityIstat,
            status: 'submitted',
            submitted_at: context.now,
            submitted_by_kind: context.actorKind,
            submitted_by_id: context.actorId,
            channel: context.channel,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, context, {
          entityType: 'non_resident_application',
          entityId: row.id,
          action: 'submit',
          after: row,
        });
        return row;
      } catch (error) {
        if (isUniqueViolation(error)) throw new DomainError('APPLICATION_ALREADY_OPEN');
        throw error;
      }
    });
  }

  async nonResidentApplications(status: 'submitted' | 'approved' | 'rejected' | undefined) {
    let query = this.db
      .selectFrom('non_resident_applications')
      .selectAll()
      .orderBy('submitted_at')
      .orderBy('id');
    if (status !== undefined) query = query.where('status', '=', status);
    return query.limit(500).execute();
  }

  /** ELIG-11: the health authority decides; an approval takes the person in charge. */
  async decideNonResidentApplication(
    applicationId: number,
    approve: boolean,
    reason: string,
    context: ActingContext,
  ) {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('non_resident_applications')
        .selectAll()
        .where('id', '=', applicationId)
        .forUpdate()
        .executeTakeFirst();
      if (before === undefined) throw new DomainError('APPLICATION_NOT_FOUND', { pointer: '/applicationId' });
      if (before.status !== 'submitted') {
        throw new DomainError('APPLICATION_ALREADY_DECIDED', { params: { status: before.status } });
      }
      const after = await trx
        .updateTable('non_resident_applications')
        .set({
          status: approve ? 'approved' : 'rejected',
          decided_at: context.now,
          decided_by_id: context.actorId,
          decision_reason: reason,
        })
        .where('id', '=', applicationId)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (approve) {
        await trx
          .insertInto('regional_admissions')
          .values({
            person_id: before.person_id,
            basis: 'non_resident_application',
            reason,
            admitted_at: context.now,
            admitted_by_id: context.actorId,
          })
          .onConflict((oc) => oc.column('person_id').doNothing())
          .execute();
      }
      await recordAudit(trx, context, {
        entityType: 'non_resident_application',
        entityId: applicationId,
        action: approve ? 'approve' : 'reject',
        before,
        after,
      });
      return after;
    });
  }

  /**
   * ELIG-17: the contact center inserts into the booking lists a person entitled by age whom the
   * system does not recognise (resident elsewhere but present, AIRE, card expired or renewing).
   */
  async insertIntoBookingLists(personId: number, reason: string, context: ActingContext) {
    const plan = await this.planInForce(romeDate(context.now));
    const immuneRelated = await this.immuneRelated();
    return this.db.transaction().execute(async (trx) => {
      const facts = await this.requireNotServed(trx, personId);
      const byAge = qualifications(facts, plan, immuneRelated, context.now).filter(
        (q) => q.basis.kind === 'age',
      );
      if (byAge.length === 0) throw new DomainError('ADMISSION_NOT_ENTITLED_BY_AGE');
      const row = await trx
        .insertInto('regional_admissions')
        .values({
          person_id: personId,
          basis: 'contact_center_insertion',
          reason,
          admitted_at: context.now,
          admitted_by_id: context.actorId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'regional_admission',
        entityId: personId,
        action: 'insert',
        after: row,
      });
      return row;
    });
  }

  /**
   * ELIG-21: people on a fragility list who were not contacted by the deadline. Contact attempts
   * come with active calling; until then a person counts as not contacted when their list
   * entitlement started before the deadline.
   */
  async notContactedByDeadline(
    deadline: string,
    healthAuthorityCode: string | undefined,
    offset: number,
    limit: number,
  ) {
    let query = this.db
      .selectFrom('entitlements as e')
      .innerJoin('persons as p', 'p.id', 'e.person_id')
      .select([
        'p.id as person_id',
        'p.surname',
        'p.given_name',
        'p.health_authority_code',
        'e.category',
        'e.source',
        'e.source_reference',
        'e.valid_from',
      ])
      .where('e.source', 'in', ['regional_list', 'inps_list', 'specialist_list'])
      .where('e.evidence_status', '!=', 'rejected')
      .where('e.valid_from', '<', romeMidnight(deadline))
      .orderBy('e.valid_from')
      .orderBy('e.id');
    if (healthAuthorityCode !== undefined)
      query = query.where('e.source_reference', '=', healthAuthorityCode);
    return query.offset(offset).limit(limit).execute();
  }
}
