import { AuthService } from '../../src/platform/auth/service.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { systemContext } from '../../src/platform/audit/audit.ts';
import type { BookingFixture } from './booking-fixture.ts';

/** What the registry benchmarks share: a vaccinator of the first hub and the body of a Comirnaty dose. */

export const VACCINATOR = 'bench.vaccinator';
export const VACCINATOR_PASSWORD = 'bench-password-123';

/** Creates the vaccinator of the first hub, the point the records name; its id. */
export async function createVaccinator(from: BookingFixture): Promise<number> {
  const database = await from.open();
  try {
    const hub = await database.db
      .selectFrom('vaccination_points')
      .select('id')
      .where('kind', '=', 'hub')
      .orderBy('code')
      .executeTakeFirstOrThrow();
    await new AuthService(database.db, systemClock, {
      staffSessionMinutes: 60,
      citizenSessionMinutes: 30,
    }).createStaffAccount(
      {
        username: VACCINATOR,
        displayName: 'bench',
        role: 'vaccinator',
        password: VACCINATOR_PASSWORD,
        vaccinationPointIds: [Number(hub.id)],
      },
      systemContext('bench', systemClock.now()),
    );
    return Number(hub.id);
  } finally {
    await database.close();
  }
}

const CONSENT = {
  formVersion: 'MDS-2021-03-25',
  informationNoteRead: true,
  signerCapacity: 'self',
  signerName: 'Bench Person',
  situation: { protection: 'none', naturalIncapacity: false, inFacility: false },
  heardReachable: true,
};

/** A Comirnaty dose at `point`: the first of a cycle carries its consent, a later one CONS-4's answer. */
export function administrationBody(
  point: number,
  personId: number,
  administeredAt: Date,
  first: boolean,
): Record<string, unknown> {
  return {
    personId,
    productCode: 'COMIRNATY-30',
    administeredAt: administeredAt.toISOString(),
    lot: 'FK1234',
    lotExpiry: new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10),
    volumeMl: 0.3,
    riskCategory: 'Altro',
    healthCondition: 'Nessuna condizione sanitaria a rischio',
    route: 'intramuscular',
    site: 'left_deltoid',
    vaccinationPointId: point,
    certificateContacts: { mobile: '+393331234567', email: null, confirmed: true },
    ...(first ? { consent: CONSENT } : { healthChanged: false }),
  };
}
