import { readFileSync } from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { PROJECT_ROOT } from '../reference/files.ts';
import { decodeHc1 } from './codec.ts';
import { cborToJson, decodeCoseSign1, readCwt } from './cose.ts';
import { checkHcert, type Hcert, type VaccinationEntry } from './hcert.ts';

/*
 * DCC-4: the certificate as the citizen downloads it, a one-page PDF (pdfkit) in Italian and English, as the
 * national platform's own PDF was: the QR code drawn as vector squares from the very `HC1:` text (so it
 * prints sharp at any size and scans as the certificate), then what the certificate says, read from its
 * signed payload: holder, date of birth, disease, vaccine, manufacturer, dose n/m, date, country, issuer,
 * UVCI.
 */

const MM = 72 / 25.4;
/** The QR code's side on paper: the EU guidelines ask for at least 35 mm for a reliable scan. */
export const QR_SIDE_MM = 60;

/** What a vaccination certificate says, read from its `HC1:` text (not verified: it came from its issuer). */
export interface CertificateContent {
  holder: { surname: string; givenName: string; birthDate: string };
  vaccination: VaccinationEntry;
}

export class CertificateContentError extends Error {}

export function readVaccinationCertificate(hc1: string): CertificateContent {
  let payload: unknown;
  try {
    payload = cborToJson(readCwt(decodeCoseSign1(decodeHc1(hc1)).payload).hcert);
  } catch (error) {
    throw new CertificateContentError(`the certificate cannot be read: ${(error as Error).message}`);
  }
  const check = checkHcert(payload);
  if (!check.valid)
    throw new CertificateContentError(`the certificate is malformed: ${check.problems.join('; ')}`);
  const hcert: Hcert = check.hcert;
  const vaccination = hcert.v?.[0];
  if (vaccination === undefined) throw new CertificateContentError('not a vaccination certificate');
  return {
    holder: {
      surname: hcert.nam.fn ?? hcert.nam.fnt ?? '',
      givenName: hcert.nam.gn ?? hcert.nam.gnt ?? '',
      birthDate: hcert.dob,
    },
    vaccination,
  };
}

const VALUE_SETS = path.join(PROJECT_ROOT, 'reference', 'eu-dcc', 'valuesets');
const displays = new Map<string, Map<string, string>>();

/** The EU value set's name for a code ("EU/1/20/1528" → "Comirnaty"); the code itself when unknown. */
function display(file: string, code: string): string {
  let set = displays.get(file);
  if (set === undefined) {
    const content = JSON.parse(readFileSync(path.join(VALUE_SETS, file), 'utf8')) as {
      valueSetValues: Record<string, { display: string }>;
    };
    set = new Map(Object.entries(content.valueSetValues).map(([key, value]) => [key, value.display]));
    displays.set(file, set);
  }
  return set.get(code) ?? code;
}

/** The QR code's modules (true: dark), as `qrcode` builds them for the same segments as qr.ts. */
export function qrModules(hc1: string): { size: number; dark: (row: number, column: number) => boolean } {
  const qr = QRCode.create([{ data: hc1, mode: 'alphanumeric' }], { errorCorrectionLevel: 'Q' });
  const { size, data } = qr.modules;
  return { size, dark: (row, column) => data[row * size + column] === 1 };
}

/** "2021-12-01" → "01/12/2021", as Italian certificates print dates. */
const printedDate = (date: string): string => {
  const [year, month, day] = date.split('-');
  return day !== undefined && month !== undefined ? `${day}/${month}/${year}` : date;
};

/** The certificate as a PDF file's bytes. */
export async function certificatePdf(hc1: string, content: CertificateContent): Promise<Buffer> {
  const v = content.vaccination;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 18 * MM, bottom: 18 * MM, left: 20 * MM, right: 20 * MM },
    info: {
      Title: 'Certificato COVID digitale UE / EU Digital COVID Certificate',
      Author: v.is,
      Subject: v.ci,
      Creator: 'Vaxhub',
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  doc
    .font('Helvetica-Bold')
    .fontSize(18)
    .text('Certificato COVID digitale dell’UE', left, 18 * MM, { width });
  doc.font('Helvetica').fontSize(13).fillColor('#404040').text('EU Digital COVID Certificate', { width });
  doc
    .fillColor('black')
    .moveDown(0.3)
    .fontSize(11)
    .text('Certificato di vaccinazione / Vaccination certificate');

  // The QR code, centred: one filled square per dark module, with the quiet zone of four modules.
  const { size, dark } = qrModules(hc1);
  const side = QR_SIDE_MM * MM;
  const module = side / (size + 8);
  const qrLeft = left + (width - side) / 2;
  const qrTop = doc.y + 6 * MM;
  doc.save().fillColor('black');
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      if (dark(row, column))
        doc.rect(qrLeft + (column + 4) * module, qrTop + (row + 4) * module, module, module);
    }
  }
  doc.fill().restore();
  doc.y = qrTop + side + 6 * MM;

  const rows: [string, string][] = [
    ['Cognome e nome / Surname and forename', `${content.holder.surname} ${content.holder.givenName}`.trim()],
    ['Data di nascita / Date of birth', printedDate(content.holder.birthDate)],
    ['Malattia o agente bersaglio / Disease or agent targeted', display('disease-agent-targeted.json', v.tg)],
    ['Tipo di vaccino / Vaccine or prophylaxis', display('vaccine-prophylaxis.json', v.vp)],
    ['Vaccino / Vaccine medicinal product', display('vaccine-medicinal-product.json', v.mp)],
    ['Produttore / Manufacturer', display('vaccine-mah-manf.json', v.ma)],
    ['Numero della dose / Number in a series of doses', `${v.dn}/${v.sd}`],
    ['Data della vaccinazione / Date of vaccination', printedDate(v.dt)],
    ['Stato di vaccinazione / Member State of vaccination', v.co],
    ['Rilasciato da / Certificate issuer', v.is],
    ['Identificativo univoco del certificato / Unique certificate identifier', v.ci],
  ];
  for (const [label, value] of rows) {
    doc.font('Helvetica').fontSize(9).fillColor('#404040').text(label, left, doc.y, { width });
    doc.font('Helvetica-Bold').fontSize(12).fillColor('black').text(value, { width });
    doc.moveDown(0.35);
  }
  doc
    .moveDown(0.6)
    .font('Helvetica')
    .fontSize(8.5)
    .fillColor('#404040')
    .text(
      'La validità del certificato si verifica con l’app nazionale di verifica (VerificaC19). ' +
        'The certificate’s validity is checked with the national verification app.',
      { width },
    );
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
