import { mkdtemp, rm } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../reference/files.ts';
import { vaccinationHcert, type Hcert, type VaccinationEntry } from './hcert.ts';
import { readQrPng } from './qr.ts';
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

/** The PDF's content streams, inflated (pdfkit compresses them with zlib). */
function pdfContentStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const streams: string[] = [];
  for (const match of text.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    try {
      streams.push(inflateSync(Buffer.from(match[1] ?? '', 'latin1')).toString('latin1'));
    } catch {
      streams.push(match[1] ?? '');
    }
  }
  return streams;
}

/** The text a PDF of pdfkit's standard fonts shows: its hex strings (`[<…> 20 <…>] TJ`), in order. */
export function pdfText(pdf: Buffer): string {
  return pdfContentStreams(pdf)
    .flatMap((stream) => [...stream.matchAll(/\[([^\]]*)\]\s*TJ/g)])
    .map((array) =>
      [...(array[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)]
        .map((hex) => Buffer.from(hex[1] ?? '', 'hex').toString('latin1'))
        .join(''),
    )
    .join('\n');
}

/**
 * The text of the QR code drawn in a PDF as filled squares (`x y w h re`): the squares are put back on a
 * grid, painted into a PNG with a quiet zone and read by the same reader as `dcc verify pass.png`.
 */
export function pdfQrText(pdf: Buffer): string | null {
  const squares = pdfContentStreams(pdf).flatMap((stream) =>
    [...stream.matchAll(/(-?[\d.]+) (-?[\d.]+) ([\d.]+) ([\d.]+) re/g)].map((m) => ({
      x: Number(m[1]),
      y: Number(m[2]),
      side: Number(m[3]),
    })),
  );
  const [first] = squares;
  if (first === undefined) return null;
  const side = first.side;
  const minX = Math.min(...squares.map((s) => s.x));
  const minY = Math.min(...squares.map((s) => s.y));
  const size = Math.round((Math.max(...squares.map((s) => s.x)) - minX) / side) + 1;
  const scale = 4;
  const quiet = 4;
  const pixels = (size + 2 * quiet) * scale;
  const png = new PNG({ width: pixels, height: pixels });
  png.data.fill(255);
  for (const square of squares) {
    const column = Math.round((square.x - minX) / side) + quiet;
    const row = Math.round((square.y - minY) / side) + quiet;
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < scale; dx++) {
        const offset = ((row * scale + dy) * pixels + column * scale + dx) * 4;
        png.data[offset] = png.data[offset + 1] = png.data[offset + 2] = 0;
      }
    }
  }
  return readQrPng(PNG.sync.write(png));
}
