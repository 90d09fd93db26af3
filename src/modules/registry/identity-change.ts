import type { Role } from '../../platform/auth/roles.ts';
import type { EligibilityService } from '../eligibility/service.ts';
import type { BookingService } from '../booking/service.ts';
import type { VaccinationService } from '../vaccination/service.ts';
import type { PersonRecordsMover } from './service.ts';

/** REG-7: linking identities moves a person's history: authorised operators only (API and consoles). */
export const IDENTITY_ADMINS: readonly Role[] = [
  'contact_center_supervisor',
  'point_admin',
  'asl_admin',
  'region_admin',
];

/** REG-7: each module moves its own records of a person, through its service. */
export const personRecordsMovers = (
  eligibility: EligibilityService,
  booking: BookingService,
  vaccination: VaccinationService,
): PersonRecordsMover[] => [
  (trx, from, to, context) => eligibility.moveRecords(trx, from, to, context.now),
  (trx, from, to) => booking.moveRecords(trx, from, to),
  (trx, from, to, context) => vaccination.moveRecords(trx, from, to, context),
];
