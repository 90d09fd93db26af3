import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Clock } from '../clock.ts';
import { DomainError } from '../http/problem.ts';
import { recordAudit, type ActingContext } from '../audit/audit.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { channelOfStaffRole, STAFF_ROLES, type CitizenChannel, type Role, type StaffRole } from './roles.ts';
import {
  ADDRESS_POLICY,
  IDENTIFIER_POLICY,
  clearFailures,
  lockedUntil,
  recordFailure,
  throttleKey,
} from './throttle.ts';
import './errors.ts';

export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'staff';
      role: StaffRole;
      accountId: number;
      username: string;
      displayName: string;
      vaccinationPointIds: number[];
      healthAuthorityCodes: string[];
      channel: string;
      csrfToken: string;
      expiresAt: Date;
    }
  | {
      kind: 'citizen';
      role: 'citizen';
      personId: number;
      channel: string;
      csrfToken: string;
      expiresAt: Date;
    };

export type SignedInActor = Exclude<Actor, { kind: 'anonymous' }>;

export interface SessionGrant {
  token: string;
  actor: SignedInActor;
}

export interface AuthSettings {
  staffSessionMinutes: number;
  citizenSessionMinutes: number;
}

export function roleOf(actor: Actor): Role | undefined {
  return actor.kind === 'anonymous' ? undefined : actor.role;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Session tokens are 256 random bits; only their hash is stored, so a database dump signs nobody in. */
const newToken = (): string => randomBytes(32).toString('base64url');

export function normalizeTaxCode(value: string): string {
  return value.trim().toUpperCase().replace(/\s+/g, '');
}

export class AuthService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly settings: AuthSettings,
  ) {}

  private async refuseIfLocked(keys: string[], now: Date): Promise<void> {
    const until = await lockedUntil(this.db, keys, now);
    if (until) {
      const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
      throw new DomainError('SIGN_IN_LOCKED', {
        params: { minutes: Math.ceil(seconds / 60) },
        headers: { 'retry-after': String(seconds) },
      });
    }
  }

  private async countFailure(identifierKey: string, addressKey: string, now: Date): Promise<void> {
    await recordFailure(this.db, identifierKey, IDENTIFIER_POLICY, now);
    await recordFailure(this.db, addressKey, ADDRESS_POLICY, now);
  }

  /**
   * REG-3: a citizen proves who they are with tax code + health-card number. An unknown tax code
   * and a wrong card get the same answer, and both count towards the lockout of that tax code and
   * of the client address.
   */
  async signInCitizen(
    input: { taxCode: string; healthCardNumber: string; channel: CitizenChannel },
    clientAddress: string,
    correlationId: string,
  ): Promise<SessionGrant> {
    const now = this.clock.now();
    const taxCode = normalizeTaxCode(input.taxCode);
    const identifierKey = throttleKey('citizen', taxCode);
    const addressKey = throttleKey('address', clientAddress);
    await this.refuseIfLocked([identifierKey, addressKey], now);

    const person = await this.db
      .selectFrom('persons')
      .select(['id', 'health_card_number', 'status'])
      .where('tax_code', '=', taxCode)
      .executeTakeFirst();
    const card = input.healthCardNumber.replace(/\s+/g, '');
    const matches =
      person !== undefined &&
      person.status === 'active' &&
      person.health_card_number !== null &&
      person.health_card_number.length === card.length &&
      timingSafeEqual(Buffer.from(person.health_card_number), Buffer.from(card));
    if (!matches || !person) {
      await this.countFailure(identifierKey, addressKey, now);
      throw new DomainError('CITIZEN_SIGN_IN_FAILED');
    }
    await clearFailures(this.db, identifierKey);
    return this.openSession(
      { personId: person.id, role: 'citizen', channel: input.channel },
      this.settings.citizenSessionMinutes,
      correlationId,
    );
  }

  async signInStaff(
    input: { username: string; password: string },
    clientAddress: string,
    correlationId: string,
  ): Promise<SessionGrant> {
    const now = this.clock.now();
    const username = input.username.trim().toLowerCase();
    const identifierKey = throttleKey('staff', username);
    const addressKey = throttleKey('address', clientAddress);
    await this.refuseIfLocked([identifierKey, addressKey], now);

    const account = await this.db
      .selectFrom('staff_accounts')
      .select(['id', 'password_hash', 'role', 'active'])
      .where('username', '=', username)
      .executeTakeFirst();
    const passwordOk = await verifyPassword(
      account?.active ? account.password_hash : undefined,
      input.password,
    );
    if (!account || !passwordOk) {
      await this.countFailure(identifierKey, addressKey, now);
      throw new DomainError('STAFF_SIGN_IN_FAILED');
    }
    await clearFailures(this.db, identifierKey);
    return this.openSession(
      { staffAccountId: account.id, role: account.role, channel: channelOfStaffRole(account.role) },
      this.settings.staffSessionMinutes,
      correlationId,
    );
  }

  private async openSession(
    subject: { personId?: number; staffAccountId?: number; role: Role; channel: string },
    minutes: number,
    correlationId: string,
  ): Promise<SessionGrant> {
    const now = this.clock.now();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + minutes * 60_000);
    const context: ActingContext = {
      actorKind: subject.personId !== undefined ? 'citizen' : 'staff',
      actorId: String(subject.personId ?? subject.staffAccountId),
      actorRole: subject.role,
      channel: subject.channel,
      correlationId,
      now,
    };
    await this.db.transaction().execute(async (trx) => {
      // Sign-ins sweep what has expired, so neither table grows without bound and no job is needed.
      const dayAgo = new Date(now.getTime() - 24 * 60 * 60_000);
      await trx.deleteFrom('sessions').where('expires_at', '<', dayAgo).execute();
      await trx
        .deleteFrom('sign_in_throttle')
        .where('window_started_at', '<', dayAgo)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .execute();
      await trx
        .insertInto('sessions')
        .values({
          token_hash: hashToken(token),
          person_id: subject.personId ?? null,
          staff_account_id: subject.staffAccountId ?? null,
          role: subject.role,
          channel: subject.channel,
          csrf_token: newToken(),
          created_at: now,
          expires_at: expiresAt,
        })
        .execute();
      await recordAudit(trx, context, {
        entityType: 'session',
        entityId: hashToken(token).slice(0, 16),
        action: 'sign_in',
        after: { role: subject.role, channel: subject.channel, expiresAt: expiresAt.toISOString() },
      });
    });
    const actor = await this.actorForToken(token);
    if (actor.kind === 'anonymous') throw new Error('session just opened is not readable');
    return { token, actor };
  }

  /** The actor a token stands for; anonymous when it is unknown, revoked or expired. */
  async actorForToken(token: string): Promise<Actor> {
    const now = this.clock.now();
    const session = await this.db
      .selectFrom('sessions')
      .leftJoin('staff_accounts', 'staff_accounts.id', 'sessions.staff_account_id')
      .select([
        'sessions.person_id',
        'sessions.staff_account_id',
        'sessions.role',
        'sessions.channel',
        'sessions.csrf_token',
        'sessions.expires_at',
        'staff_accounts.username',
        'staff_accounts.display_name',
        'staff_accounts.active',
        // Scopes come in the same round trip: this query runs on every signed-in request.
        sql<string[] | null>`(SELECT array_agg(vaccination_point_id::text) FROM staff_point_scopes
          WHERE staff_point_scopes.staff_account_id = sessions.staff_account_id)`.as('point_ids'),
        sql<string[] | null>`(SELECT array_agg(health_authority_code) FROM staff_authority_scopes
          WHERE staff_authority_scopes.staff_account_id = sessions.staff_account_id)`.as('authority_codes'),
      ])
      .where('sessions.token_hash', '=', hashToken(token))
      .where('sessions.revoked_at', 'is', null)
      .where('sessions.expires_at', '>', now)
      .executeTakeFirst();
    if (!session) return { kind: 'anonymous' };
    const expiresAt = new Date(session.expires_at);
    if (session.person_id !== null) {
      return {
        kind: 'citizen',
        role: 'citizen',
        personId: session.person_id,
        channel: session.channel,
        csrfToken: session.csrf_token,
        expiresAt,
      };
    }
    if (session.staff_account_id === null || !session.active) return { kind: 'anonymous' };
    const accountId = session.staff_account_id;
    return {
      kind: 'staff',
      role: session.role as StaffRole,
      accountId,
      username: session.username ?? '',
      displayName: session.display_name ?? '',
      vaccinationPointIds: (session.point_ids ?? []).map(Number),
      healthAuthorityCodes: session.authority_codes ?? [],
      channel: session.channel,
      csrfToken: session.csrf_token,
      expiresAt,
    };
  }

  async signOut(token: string, context: ActingContext): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const revoked = await trx
        .updateTable('sessions')
        .set({ revoked_at: context.now })
        .where('token_hash', '=', hashToken(token))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (revoked.numUpdatedRows > 0n) {
        await recordAudit(trx, context, {
          entityType: 'session',
          entityId: hashToken(token).slice(0, 16),
          action: 'sign_out',
        });
      }
    });
  }

  /** Creates a staff account with its scopes (operators' bootstrap and the demo). */
  async createStaffAccount(
    input: {
      username: string;
      displayName: string;
      role: StaffRole;
      password: string;
      vaccinationPointIds?: number[];
      healthAuthorityCodes?: string[];
    },
    context: ActingContext,
  ): Promise<number> {
    const username = input.username.trim().toLowerCase();
    const invalid = (reason: string): DomainError =>
      new DomainError('STAFF_ACCOUNT_INVALID', { params: { reason } });
    if (!STAFF_ROLES.includes(input.role)) throw invalid(`unknown role ${input.role}`);
    if (!/^[a-z0-9._-]{3,64}$/.test(username)) throw invalid('username: 3-64 of a-z 0-9 . _ -');
    if (input.password.length < 12) throw invalid('password: at least 12 characters');
    const points = input.vaccinationPointIds ?? [];
    const authorities = input.healthAuthorityCodes ?? [];
    if ((input.role === 'vaccinator' || input.role === 'point_admin') && points.length === 0) {
      throw invalid(`a ${input.role} must be scoped to at least one vaccination point`);
    }
    if (input.role === 'asl_admin' && authorities.length !== 1) {
      throw invalid('an asl_admin must be scoped to exactly one health authority');
    }
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('staff_accounts')
        .values({
          username,
          display_name: input.displayName,
          role: input.role,
          password_hash: passwordHash,
          created_at: context.now,
          updated_at: context.now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (points.length > 0) {
        await trx
          .insertInto('staff_point_scopes')
          .values(points.map((pointId) => ({ staff_account_id: id, vaccination_point_id: pointId })))
          .execute();
      }
      if (authorities.length > 0) {
        await trx
          .insertInto('staff_authority_scopes')
          .values(authorities.map((code) => ({ staff_account_id: id, health_authority_code: code })))
          .execute();
      }
      await recordAudit(trx, context, {
        entityType: 'staff_account',
        entityId: id,
        action: 'create',
        after: { username, role: input.role, vaccinationPointIds: points, healthAuthorityCodes: authorities },
      });
      return id;
    });
  }
}
