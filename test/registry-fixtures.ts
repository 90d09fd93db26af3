import type { ActingContext } from '../src/platform/audit/audit.ts';
import type { BookingService } from '../src/modules/booking/service.ts';

/** What the immunization registry's tests share. */

/** CONS-1: an adult signs for themselves on the form of 25 March 2021, after the information note. */
export const CONSENT = {
  formVersion: 'MDS-2021-03-25',
  informationNoteRead: true,
  signerCapacity: 'self',
  signerName: 'Mario Rossi',
  situation: { protection: 'none', naturalIncapacity: false, inFacility: false },
  heardReachable: true,
};

/** Opens a hub for booking on `days`, 09:00-10:00, with Comirnaty unless said otherwise. */
export async function openHubDays(
  booking: BookingService,
  point: number,
  days: readonly string[],
  context: ActingContext,
  day: { stations?: number; minutesPerVaccination?: number; doses?: number } = {},
): Promise<void> {
  const stations = day.stations ?? 10;
  await booking.configureHub(point, { stations, accessibility: [], status: 'active' }, context);
  for (const date of days) {
    await booking.setHubDay(
      point,
      date,
      {
        opensAt: '09:00',
        closesAt: '10:00',
        stations,
        minutesPerVaccination: day.minutesPerVaccination ?? 5,
        slotMinutes: 15,
        stock: [{ product: 'COMIRNATY-30', doses: day.doses ?? 50 }],
      },
      context,
    );
  }
}
