import type { StaffRole } from '../../platform/auth/roles.ts';
import type { TextKey } from '../portal/texts.ts';
import { AUTHORITY_SECTIONS } from './authority-sections.ts';

/** One part of the consoles: where it starts, what it is called and does, and who may open it. */
export interface ConsoleSection {
  href: `/console/${string}`;
  label: TextKey;
  description: TextKey;
  roles: readonly StaffRole[];
}

/**
 * The consoles' sections, in the order the home page and the navigation list them. A section's pages
 * declare the same roles in their routes' `config.access`; this list only decides what is offered.
 */
export const CONSOLE_SECTIONS: readonly ConsoleSection[] = [
  {
    href: '/console/vaccination-point',
    label: 'vpSection',
    description: 'vpSectionDescription',
    roles: ['vaccinator', 'point_admin'],
  },
  {
    href: '/console/call-center',
    label: 'ccSection',
    description: 'ccSectionDescription',
    roles: ['call_center', 'contact_center_supervisor'],
  },
  ...AUTHORITY_SECTIONS,
  {
    href: '/console/capacity',
    label: 'sectionCapacity',
    description: 'sectionCapacityText',
    roles: ['asl_admin', 'region_admin'],
  },
  {
    href: '/console/home-vaccinations',
    label: 'sectionHomeVaccination',
    description: 'sectionHomeVaccinationText',
    roles: ['asl_admin', 'region_admin'],
  },
  {
    href: '/console/sessions',
    label: 'sectionSessions',
    description: 'sectionSessionsText',
    roles: ['asl_admin', 'region_admin'],
  },
];

export const sectionsFor = (role: StaffRole): ConsoleSection[] =>
  CONSOLE_SECTIONS.filter((section) => section.roles.includes(role));
