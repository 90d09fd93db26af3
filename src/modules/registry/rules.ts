import type { IdentifierType, Ord7Category, PersonStatus } from './tables.ts';
import type { ApiPersonStatus } from './schemas.ts';

/** A refusal found by a pure rule: the service turns it into a DomainError. */
export interface RuleRefusal {
  code: string;
  pointer: string;
  params?: Record<string, string | number>;
}

const TO_STORED: Record<ApiPersonStatus, PersonStatus> = {
  ACTIVE_REGION: 'active',
  OUT_OF_REGION: 'out_of_region',
  AIRE: 'aire',
  FOREIGN: 'foreign',
  DECEASED: 'deceased',
  OBSOLETE: 'obsolete',
};

export function storedStatus(status: ApiPersonStatus): PersonStatus {
  return TO_STORED[status];
}

export function apiStatus(status: PersonStatus): ApiPersonStatus {
  const found = (Object.keys(TO_STORED) as ApiPersonStatus[]).find((key) => TO_STORED[key] === status);
  if (!found) throw new Error(`unknown stored status ${status}`);
  return found;
}

/**
 * REG-1, REG-8, REG-9: which identifier types a person of each status is registered with.
 * People of the regional service and those domiciled here have a CF (or the temporary code); AIRE
 * people their CF or the ORD7 code; foreigners ORD7 (Ordinance 7 categories b-d), TS_FOREIGN, STP
 * or ENI. A deceased or superseded identity is never inserted, only reached by a change.
 */
export const IDENTIFIER_TYPES_BY_STATUS: Record<ApiPersonStatus, readonly IdentifierType[]> = {
  ACTIVE_REGION: ['CF', 'CF_TEMP'],
  OUT_OF_REGION: ['CF', 'CF_TEMP'],
  AIRE: ['CF', 'ORD7'],
  FOREIGN: ['ORD7', 'TS_FOREIGN', 'STP', 'ENI'],
  DECEASED: [],
  OBSOLETE: [],
};

export interface NewPersonFacts {
  status: ApiPersonStatus;
  identifierType: IdentifierType;
  identifierValue: string | undefined;
  identifierPending: boolean;
  ord7Category: Ord7Category | undefined;
  birthDate: string;
  mobile: string | null | undefined;
  email: string | null | undefined;
}

/** REG-6, REG-8, REG-9: the rules a hand-inserted person must satisfy; `today` is Europe/Rome. */
export function newPersonRefusals(facts: NewPersonFacts, today: string): RuleRefusal[] {
  const refusals: RuleRefusal[] = [];
  const allowed = IDENTIFIER_TYPES_BY_STATUS[facts.status];
  if (allowed.length === 0) {
    return [
      { code: 'PERSON_STATUS_NOT_CREATABLE', pointer: '/body/status', params: { status: facts.status } },
    ];
  }
  if (!allowed.includes(facts.identifierType)) {
    refusals.push({
      code: 'PERSON_IDENTIFIER_NOT_ALLOWED',
      pointer: '/body/identifier/type',
      params: { status: facts.status, allowed: allowed.join(', ') },
    });
  }
  const mayBePending = facts.identifierType === 'TS_FOREIGN';
  if (facts.identifierPending && !mayBePending) {
    refusals.push({
      code: 'PERSON_IDENTIFIER_NOT_ALLOWED',
      pointer: '/body/identifier/pending',
      params: { status: facts.status, allowed: 'TS_FOREIGN' },
    });
  }
  if (!facts.identifierPending && !facts.identifierValue) {
    refusals.push({
      code: 'FIELD_REQUIRED',
      pointer: '/body/identifier/value',
      params: { field: 'identifier.value' },
    });
  }
  if (facts.identifierType === 'ORD7' && facts.status === 'FOREIGN' && !facts.ord7Category) {
    refusals.push({ code: 'PERSON_ORD7_CATEGORY_REQUIRED', pointer: '/body/ord7Category' });
  }
  const ordinance7 = facts.status === 'AIRE' || facts.identifierType === 'ORD7';
  if (ordinance7 && !facts.mobile && !facts.email) {
    refusals.push({ code: 'PERSON_CONTACT_REQUIRED', pointer: '/body/mobile' });
  }
  if (facts.birthDate > today || facts.birthDate < '1900-01-01') {
    refusals.push({ code: 'PERSON_BIRTH_DATE_INVALID', pointer: '/body/birthDate' });
  }
  return refusals;
}

/** REG-8: an AIRE person registered under Ordinance 7 is category (a) by definition. */
export function ord7CategoryOf(
  status: ApiPersonStatus,
  given: Ord7Category | undefined,
  type: IdentifierType,
): Ord7Category | null {
  if (type !== 'ORD7') return null;
  return status === 'AIRE' ? 'aire' : (given ?? null);
}
