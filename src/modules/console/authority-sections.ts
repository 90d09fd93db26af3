import type { ConsoleSection } from './sections.ts';

const AUTHORITY_ADMINS = ['asl_admin', 'region_admin'] as const;

/** The authority console's sections (issue 9, point 4 and UX-5), spread into CONSOLE_SECTIONS. */
export const AUTHORITY_SECTIONS: readonly ConsoleSection[] = [
  { href: '/console/hubs', label: 'sectionHubs', description: 'sectionHubsText', roles: AUTHORITY_ADMINS },
  { href: '/console/lists', label: 'sectionLists', description: 'sectionListsText', roles: AUTHORITY_ADMINS },
  {
    href: '/console/dashboards',
    label: 'sectionDashboards',
    description: 'sectionDashboardsText',
    roles: AUTHORITY_ADMINS,
  },
  { href: '/console/plan', label: 'sectionPlan', description: 'sectionPlanText', roles: AUTHORITY_ADMINS },
  {
    href: '/console/late-records',
    label: 'sectionLate',
    description: 'sectionLateText',
    roles: AUTHORITY_ADMINS,
  },
  {
    href: '/console/national-flow',
    label: 'sectionFlow',
    description: 'sectionFlowText',
    roles: AUTHORITY_ADMINS,
  },
  {
    href: '/console/outreach',
    label: 'sectionOutreach',
    description: 'sectionOutreachText',
    roles: AUTHORITY_ADMINS,
  },
  {
    href: '/console/waiting-list',
    label: 'sectionWaiting',
    description: 'sectionWaitingText',
    roles: AUTHORITY_ADMINS,
  },
  {
    href: '/console/anomaly-reports',
    label: 'sectionAnomalies',
    description: 'sectionAnomaliesText',
    roles: AUTHORITY_ADMINS,
  },
  {
    href: '/console/foreigners',
    label: 'sectionForeigners',
    description: 'sectionForeignersText',
    roles: AUTHORITY_ADMINS,
  },
  {
    href: '/console/messages',
    label: 'sectionMessages',
    description: 'sectionMessagesText',
    roles: AUTHORITY_ADMINS,
  },
];
