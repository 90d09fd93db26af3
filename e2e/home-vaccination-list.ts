import { sql, type Kysely } from 'kysely';
import type { DB } from '../src/platform/db/schema.ts';
import type { ActingContext } from '../src/platform/audit/audit.ts';
import type { AccessibilityService } from '../src/modules/accessibility/service.ts';

/**
 * BOOK-14 for the authority consoles' specs: `people`, bedridden and with their GP's agreement, on the home list of
 * `authority`, whose administrator sees them because their records are moved to that authority first.
 */
export async function putOnHomeList(
  db: Kysely<DB>,
  accessibility: AccessibilityService,
  authority: string,
  people: readonly number[],
  context: ActingContext,
): Promise<void> {
  await sql`UPDATE persons SET health_authority_code = ${authority}
    WHERE id = ANY (${people}::bigint[])`.execute(db);
  for (const person of people)
    await accessibility.requestHomeVaccination(
      {
        personId: person,
        selfSufficient: false,
        canTravelWithTransport: false,
        reason: 'bedridden',
        gpName: 'Dott. Rossi',
        gpAgreed: true,
      },
      null,
      context,
    );
}
