import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';

/**
 * The QR code of a certificate (DCC-1). Error correction level Q, as the EU guidelines recommend for
 * certificates printed and scanned from phone screens; the text is one alphanumeric segment (the
 * base45 alphabet and `HC1:` are all QR alphanumeric characters), the densest mode that holds it.
 */

const segments = (hc1: string) => [{ data: hc1, mode: 'alphanumeric' as const }];

export async function qrPng(hc1: string, options: { scale?: number } = {}): Promise<Buffer> {
  return QRCode.toBuffer(segments(hc1), {
    type: 'png',
    errorCorrectionLevel: 'Q',
    margin: 4,
    scale: options.scale ?? 4,
  });
}

export async function qrSvg(hc1: string): Promise<string> {
  return QRCode.toString(segments(hc1), { type: 'svg', errorCorrectionLevel: 'Q', margin: 4 });
}

/** The text of the QR code in a PNG picture, or null when no code can be read in it. */
export function readQrPng(png: Uint8Array): string | null {
  let image: PNG;
  try {
    image = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  } catch {
    return null;
  }
  const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  // jsQR is CommonJS whose typings declare a default export: the function is both the module and its `default`.
  // Dark-on-light first: printed and displayed certificates are, and one pass is half the work of two.
  const code =
    jsQR.default(pixels, image.width, image.height, { inversionAttempts: 'dontInvert' }) ??
    jsQR.default(pixels, image.width, image.height, { inversionAttempts: 'onlyInvert' });
  if (code === null) return null;
  // The bytes, not jsQR's `data`: a byte-mode segment is not necessarily Latin-1 text.
  return Buffer.from(code.binaryData).toString('utf8');
}
