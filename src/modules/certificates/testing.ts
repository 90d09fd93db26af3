import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../reference/files.ts';
import { vaccinationHcert, type Hcert, type VaccinationEntry } from './hcert.ts';
import {
  generateSigningCertificates,
  type SigningCertificatesOptions,
  type SigningMaterial,
} from './signing-certificates.ts';

/** What this module's tests share: the shared EU material, a signing folder, a payload. */

/** `../shared/data/eu-dcc` beside the repository: the official schema, value sets, test vectors, settings. */
export const SHARED_EU_DCC = path.join(PROJECT_ROOT, '..', 'shared', 'data', 'eu-dcc');

/** A signing hierarchy in a fresh temporary folder; `remove()` deletes the folder. */
export async function temporarySigning(
  options: Omit<SigningCertificatesOptions, 'dir'> = {},
): Promise<SigningMaterial & { remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vaxhub-dcc-test-'));
  const material = await generateSigningCertificates({
    now: new Date('2021-01-01T00:00:00Z'),
    ...options,
    dir,
  });
  return { ...material, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A second dose of Comirnaty given in Italy on 2022-03-01 to Mario Rossi, unless told otherwise. */
export function samplePayload(vaccination: Partial<VaccinationEntry> = {}): Hcert {
  return vaccinationHcert({
    holder: { names: { fn: 'Rossi', fnt: 'ROSSI', gn: 'Mario', gnt: 'MARIO' }, dob: '1960-01-01' },
    vaccination: {
      vp: '1119349007',
      mp: 'EU/1/20/1528',
      ma: 'ORG-100030215',
      dn: 2,
      sd: 2,
      dt: '2022-03-01',
      co: 'IT',
      is: 'Ministero della Salute',
      ci: '01IT0BFC9866FDD4472C9D7F8E6C1BC2E6A1#4',
      ...vaccination,
    },
  });
}
