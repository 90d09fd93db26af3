export const STAFF_ROLES = [
  'call_center',
  'contact_center_supervisor',
  'gp',
  'pharmacist',
  'vaccinator',
  'point_admin',
  'asl_admin',
  'region_admin',
  'auditor',
] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];
export type Role = StaffRole | 'citizen';
export const ALL_ROLES: readonly Role[] = [...STAFF_ROLES, 'citizen'];

/**
 * Who may call a route, declared next to it: everyone (`public`), anyone signed in
 * (`authenticated`), or a list of roles.
 */
export type Access = 'public' | 'authenticated' | readonly Role[];

export function isAllowed(access: Access, role: Role | undefined): boolean {
  if (access === 'public') return true;
  if (role === undefined) return false;
  if (access === 'authenticated') return true;
  return access.includes(role);
}

/** Citizens sign in through these channels; the channel is recorded on everything they do. */
export const CITIZEN_CHANNELS = ['web', 'atm', 'postman', 'pharmacy'] as const;
export type CitizenChannel = (typeof CITIZEN_CHANNELS)[number];

/** The channel of a staff member's work follows from the role (e.g. call center bookings). */
export function channelOfStaffRole(role: StaffRole): string {
  switch (role) {
    case 'call_center':
    case 'contact_center_supervisor':
      return 'call_center';
    case 'pharmacist':
      return 'pharmacy';
    case 'gp':
      return 'gp';
    case 'vaccinator':
    case 'point_admin':
      return 'vaccination_point';
    case 'asl_admin':
    case 'region_admin':
    case 'auditor':
      return 'admin';
  }
}
