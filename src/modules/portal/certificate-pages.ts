import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import multipart from '@fastify/multipart';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { DomainError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import { IDENTIFIER_POLICY } from '../../platform/auth/throttle.ts';
import { createNationalClient } from '../../national/client.ts';
import { RegistryService } from '../registry/service.ts';
import { PassService } from '../certificates/service.ts';
import { CertificateDownloads } from '../certificates/downloads.ts';
import { CertificateDownloadBody } from '../certificates/schemas.ts';
import { sendCertificateFile } from '../certificates/routes.ts';
import { readQrPng } from '../certificates/qr.ts';
import type { PassVerdict } from '../certificates/verify.ts';
import {
  checkFields,
  citizenOf,
  CITIZEN,
  FormText,
  HTML_PAGE,
  refusalOf,
  type PageKit,
  type Refusal,
} from './kit.ts';
import { t, type PageContext } from './layout.ts';
import type { TextKey } from './texts.ts';
import { downloadPage, myCertificatesPage, verifyPage, type VerdictView } from './certificate-views.ts';

/** The largest picture of a QR code the verify page takes: a phone's PNG of a code is far smaller. */
const IMAGE_LIMIT_BYTES = 2 * 1024 * 1024;
const POLICY = { attempts: IDENTIFIER_POLICY.maxFailures, minutes: IDENTIFIER_POLICY.lockMinutes };
const HC1_FIELD = Type.Optional(Type.String({ maxLength: 8000 }));

interface Deps {
  kit: PageKit;
  db: Kysely<DB>;
  clock: Clock;
  config: Config;
}

/** The verdict's first reason in plain words: what decided it (DCC-3). */
function reasonOf(context: PageContext, verdict: PassVerdict): string | null {
  if (verdict.status === 'valid') return null;
  const [first] = verdict.reasons;
  if (first === undefined) return null;
  const plain = (key: TextKey, params?: Record<string, string>) => t(context, key, params);
  if (first.code.startsWith('DECODE_')) return plain('reason_decode');
  if (['KID_MISSING', 'KID_UNKNOWN', 'SIGNATURE_INVALID', 'KEY_USAGE'].includes(first.code))
    return plain('reason_signer');
  if (first.code === 'PAYLOAD_SCHEMA') return plain('reason_schema');
  if (first.code === 'REVOKED') return plain('reason_revoked');
  if (first.code === 'CWT_EXPIRED') return plain('reason_cwt_expired');
  if (first.code === 'CWT_NOT_YET_ISSUED') return plain('reason_not_yet_issued');
  if (first.code.startsWith('IT_')) return plain('reason_rules', { detail: first.detail });
  return first.detail;
}

function verdictView(context: PageContext, verdict: PassVerdict): VerdictView {
  const names = verdict.holder?.names;
  return {
    status: verdict.status,
    holder:
      verdict.holder === null || names === undefined
        ? null
        : {
            name: [names.fn ?? names.fnt, names.gn ?? names.gnt].filter(Boolean).join(' '),
            birthDate: verdict.holder.dob,
          },
    reason: reasonOf(context, verdict),
    rules: verdict.rules,
  };
}

/**
 * The certificate pages of the citizen portal: download with the code (DCC-4, public: the code is the
 * proof), the signed-in citizen's certificates with their QR codes (DCC-1), and checking a pass by its text
 * or a PNG picture of its QR code (DCC-3, public). They call the certificates module's services.
 */
export function registerCertificatePages(portal: App, deps: Deps): void {
  const { kit, db, clock, config } = deps;
  const { pageContext, sendPage, formFailed, sendProblemPage } = kit;
  const national = createNationalClient({
    baseUrl: config.NATIONAL_URL,
    token: config.NATIONAL_API_TOKEN,
    timeoutMs: config.NATIONAL_TIMEOUT_MS,
  });
  const passes = new PassService(national, clock);
  const downloads = new CertificateDownloads(db, passes, clock);
  const registry = new RegistryService(db, clock, national, config.REGION_CODE);

  const identifierOf = async (request: FastifyRequest): Promise<string> => {
    const person = await registry.getPerson(citizenOf(request).personId);
    if (person.identifier.value === null) throw new DomainError('CERTIFICATE_PERSON_WITHOUT_IDENTIFIER');
    return person.identifier.value;
  };

  portal.get(
    '/certificates',
    {
      schema: {
        operationId: 'portalMyCertificates',
        tags: ['portal'],
        summary:
          'Citizen portal: my EU Digital COVID Certificates with their QR codes, and the codes sent (DCC-1, DCC-4)',
        response: HTML_PAGE,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const certificates = await passes.certificatesOf(await identifierOf(request));
      const codes = await downloads.codesOf(citizenOf(request).personId);
      return sendPage(
        reply,
        200,
        myCertificatesPage(await pageContext(request), {
          certificates,
          codes,
        }),
      );
    },
  );

  portal.get(
    '/certificates/pdf',
    {
      schema: {
        operationId: 'portalMyCertificatePdf',
        tags: ['portal'],
        summary: 'Citizen portal: one of my certificates as a PDF with its QR code (DCC-1)',
        querystring: Type.Object(
          { uvci: Type.String({ minLength: 1, maxLength: 100 }) },
          { additionalProperties: false },
        ),
      },
      config: { access: CITIZEN },
    },
    async (request, reply) =>
      sendCertificateFile(
        reply,
        await downloads.downloadOwn(
          await identifierOf(request),
          request.query.uvci,
          actingContextOf(request, clock.now()),
        ),
      ),
  );

  portal.get(
    '/certificates/download',
    {
      schema: {
        operationId: 'portalCertificateDownloadPage',
        tags: ['portal'],
        summary:
          'Citizen portal: the form to download a certificate with the code received, no sign-in (DCC-4)',
        response: HTML_PAGE,
      },
      config: { access: 'public' },
    },
    async (request, reply) =>
      sendPage(
        reply,
        200,
        downloadPage(await pageContext(request), { values: {}, errors: [], policy: POLICY }),
      ),
  );

  portal.post(
    '/certificates/download',
    {
      schema: {
        operationId: 'portalCertificateDownload',
        tags: ['portal'],
        summary:
          'Citizen portal: tax code + last 8 digits of the health card + code → the certificate as a PDF (DCC-4); wrong data get one answer, throttled and audited',
        body: Type.Object(
          { taxCode: FormText, healthCardDigits: FormText, authCode: FormText },
          { additionalProperties: false },
        ),
      },
      config: { access: 'public' },
    },
    async (request, reply) => {
      const values = {
        taxCode: request.body.taxCode?.replace(/\s+/g, '').toUpperCase(),
        healthCardDigits: request.body.healthCardDigits?.replace(/\s+/g, ''),
        authCode: request.body.authCode?.trim(),
      };
      const here = '/portal/certificates/download';
      const failed = (refusals: Refusal[]) =>
        formFailed(
          request,
          reply,
          refusals,
          'body',
          (context, errors) => downloadPage(context, { values, errors, policy: POLICY }),
          here,
        );
      const fields = CertificateDownloadBody.properties;
      const refusals = checkFields(request, values, [
        { name: 'taxCode', label: 'taxCode', schema: fields.taxCode },
        { name: 'healthCardDigits', label: 'cardDigits', schema: fields.healthCardDigits },
        { name: 'authCode', label: 'authCode', schema: fields.authCode },
      ]);
      if (refusals.length > 0) return failed(refusals);
      try {
        const file = await downloads.download(
          {
            taxCode: values.taxCode ?? '',
            healthCardDigits: values.healthCardDigits ?? '',
            authCode: values.authCode ?? '',
          },
          request.ip,
          actingContextOf(request, clock.now()),
        );
        return sendCertificateFile(reply, file);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        // SEC-3: one answer for any mismatch, linked from the summary to the first field.
        if (error.code === 'CERTIFICATE_DOWNLOAD_REFUSED') return failed([refusalOf(error, [], 'taxCode')]);
        if (error.code === 'CERTIFICATE_DOWNLOAD_LOCKED') return failed([refusalOf(error, [])]);
        return sendProblemPage(request, reply, error, {
          links: [
            { href: here, label: 'toDownload' },
            { href: '/portal/certificates', label: 'toMyCertificates' },
          ],
        });
      }
    },
  );

  portal.get(
    '/verify',
    {
      schema: {
        operationId: 'portalVerifyPassPage',
        tags: ['portal'],
        summary:
          'Citizen portal: check a pass by pasting its HC1: text or uploading a PNG of its QR code (DCC-3)',
        response: HTML_PAGE,
      },
      config: { access: 'public' },
    },
    async (request, reply) => sendPage(reply, 200, verifyPage(await pageContext(request), { errors: [] })),
  );

  const showVerdict = async (request: FastifyRequest, reply: FastifyReply, hc1: string) => {
    const verdict = await passes.verify(hc1, undefined);
    const context = await pageContext(request, '/portal/verify');
    return sendPage(
      reply,
      200,
      verifyPage(context, { hc1, errors: [], verdict: verdictView(context, verdict) }),
    );
  };
  const imageFailed = (request: FastifyRequest, reply: FastifyReply, code: string) =>
    formFailed(
      request,
      reply,
      [{ code, field: 'image', params: {} }],
      'body',
      (context, errors) => verifyPage(context, { errors }),
      '/portal/verify',
    );

  portal.post(
    '/verify',
    {
      schema: {
        operationId: 'portalVerifyPass',
        tags: ['portal'],
        summary:
          'Citizen portal: the verdict on a pasted HC1: text by the Italian rules: valid, not yet valid, expired or invalid, and why (DCC-3)',
        body: Type.Object({ hc1: HC1_FIELD }, { additionalProperties: false }),
      },
      config: { access: 'public' },
    },
    async (request, reply) => {
      const hc1 = request.body.hc1?.trim() ?? '';
      if (hc1 === '') {
        return formFailed(
          request,
          reply,
          [{ code: 'FIELD_REQUIRED', field: 'hc1', params: { field: t(await pageContext(request), 'hc1') } }],
          'body',
          (context, errors) => verifyPage(context, { errors }),
          '/portal/verify',
        );
      }
      return showVerdict(request, reply, hc1);
    },
  );

  // Multipart bodies are parsed for this one route only, with small limits: one PNG of at most 2 MB.
  void portal.register(async (upload) => {
    await upload.register(multipart, {
      limits: { fileSize: IMAGE_LIMIT_BYTES, files: 1, fields: 2, parts: 3, fieldSize: 1024 },
    });
    upload.post(
      '/verify/image',
      {
        schema: {
          operationId: 'portalVerifyPassImage',
          tags: ['portal'],
          summary:
            'Citizen portal: the verdict on a pass from a PNG picture of its QR code (multipart/form-data, field `image`, at most 2 MB) (DCC-3)',
          consumes: ['multipart/form-data'],
        },
        config: { access: 'public' },
      },
      async (request, reply) => {
        if (!request.isMultipart()) return imageFailed(request, reply, 'PASS_IMAGE_MISSING');
        let image: Buffer | undefined;
        try {
          const file = await request.file();
          image = file === undefined || file.fieldname !== 'image' ? undefined : await file.toBuffer();
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (code === 'FST_REQ_FILE_TOO_LARGE') return imageFailed(request, reply, 'PASS_IMAGE_TOO_LARGE');
          if (typeof code === 'string' && code.startsWith('FST_'))
            return imageFailed(request, reply, 'PASS_IMAGE_MISSING');
          throw error;
        }
        if (image === undefined || image.length === 0)
          return imageFailed(request, reply, 'PASS_IMAGE_MISSING');
        const hc1 = readQrPng(image);
        if (hc1 === null) return imageFailed(request, reply, 'PASS_IMAGE_UNREADABLE');
        return showVerdict(request, reply, hc1);
      },
    );
  });
}
