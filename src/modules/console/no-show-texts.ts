import type { Localized } from '../../platform/i18n.ts';

/** The words of the no-show figure of the capacity dashboard (no-show-figure.ts, UX-5). */
export const NO_SHOW_TEXTS = {
  noShowsTitle: { it: 'Mancate presentazioni per centro', en: 'No-shows per hub' },
  noShowsSummary: {
    it: '{count} prenotazioni non onorate nel periodo, {rebooked} poi riprenotate; il maggior numero a {busiest}.',
    en: '{count} bookings not attended in the period, {rebooked} of them booked again; most at {busiest}.',
  },
  noShowsNone: { it: 'Nessuna mancata presentazione nel periodo.', en: 'No no-shows in the period.' },
  noShowsSeries: { it: 'Mancate presentazioni', en: 'No-shows' },
  noShowsRebookedSeries: { it: 'Riprenotate', en: 'Booked again' },
  noShowsByDayTitle: { it: 'Mancate presentazioni per centro e giorno', en: 'No-shows per hub and day' },
} satisfies Record<string, Localized>;
