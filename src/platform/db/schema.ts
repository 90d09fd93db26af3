import type { AuditTables } from '../audit/tables.ts';
import type { AuthTables } from '../auth/tables.ts';
import type { ReferenceTables } from '../../modules/reference/tables.ts';
import type { RegistryTables } from '../../modules/registry/tables.ts';
import type { EligibilityTables } from '../../modules/eligibility/tables.ts';
import type { BookingTables } from '../../modules/booking/tables.ts';
import type { VaccinationTables } from '../../modules/vaccination/tables.ts';
import type { AccessibilityTables } from '../../modules/accessibility/tables.ts';

/** The whole database as Kysely sees it: each module declares its own tables next to its SQL. */
export interface DB
  extends
    AuditTables,
    AuthTables,
    ReferenceTables,
    RegistryTables,
    EligibilityTables,
    BookingTables,
    VaccinationTables,
    AccessibilityTables {}
