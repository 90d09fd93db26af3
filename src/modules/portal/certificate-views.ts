import { html, type HtmlValue, type SafeHtml } from './html.ts';
import { formatDate, layout, t, type PageContext } from './layout.ts';
import { errorSummary, textInput, type FieldError } from './forms.ts';
import type { TextKey } from './texts.ts';

/*
 * The certificate pages (DCC-1, DCC-3, DCC-4): download with the code, the signed-in citizen's certificates,
 * and checking a pass. Forms work without JavaScript; the QR codes are images with a text alternative.
 */

/** A calendar date ("2021-12-01") in words, in Rome's calendar. */
const day = (date: string, context: PageContext): string =>
  formatDate(new Date(`${date}T12:00:00Z`), context.language);

// ------------------------------------------------------------------------------------------------
// Download with the code (DCC-4)

export interface DownloadValues {
  taxCode?: string | undefined;
  healthCardDigits?: string | undefined;
}

export function downloadPage(
  context: PageContext,
  view: {
    values: DownloadValues;
    errors: readonly FieldError[];
    policy: { attempts: number; minutes: number };
  },
): SafeHtml {
  return layout(context, {
    title: t(context, 'downloadTitle'),
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}
      <h1>${t(context, 'downloadTitle')}</h1>
      <p class="lead">${t(context, 'downloadIntro')}</p>
      <form method="post" action="/portal/certificates/download" novalidate>
        ${textInput(context, view.errors, {
          name: 'taxCode',
          label: t(context, 'taxCode'),
          hint: t(context, 'taxCodeHint'),
          value: view.values.taxCode,
          autocomplete: 'off',
          code: true,
          maxlength: 16,
          size: 'medium',
        })}
        ${textInput(context, view.errors, {
          name: 'healthCardDigits',
          label: t(context, 'cardDigits'),
          hint: t(context, 'cardDigitsHint'),
          value: view.values.healthCardDigits,
          autocomplete: 'off',
          inputmode: 'numeric',
          code: true,
          maxlength: 8,
          size: 'short',
        })}
        ${textInput(context, view.errors, {
          name: 'authCode',
          label: t(context, 'authCode'),
          hint: t(context, 'authCodeHint'),
          // The code is never written back into the page.
          value: '',
          autocomplete: 'off',
          code: true,
          maxlength: 14,
          size: 'medium',
        })}
        <button type="submit" class="btn btn-primary">${t(context, 'downloadButton')}</button>
      </form>
      <p class="mt-4">${t(context, 'downloadNoCode')}</p>
      <p><a href="/portal/sign-in">${t(context, 'toSignIn')}</a></p>
      <p class="mt-4 small-print">${t(context, 'downloadPrivacy', view.policy)}</p>`,
  });
}

// ------------------------------------------------------------------------------------------------
// The signed-in citizen's certificates (DCC-1)

export interface CertificateItem {
  uvci: string;
  doseNumber: number;
  totalDoses: number;
  vaccinatedOn: string;
  issuedAt: string;
  revoked: boolean;
  qrSvg: string;
}

export interface CodeItem {
  vaccinatedOn: string;
  codeEnd: string;
  sentAt: Date;
  expiresAt: Date;
  usable: boolean;
}

function certificateCard(context: PageContext, item: CertificateItem): SafeHtml {
  const date = day(item.vaccinatedOn, context);
  const qr = `data:image/svg+xml;base64,${Buffer.from(item.qrSvg).toString('base64')}`;
  return html`<li class="certificate-item mb-5">
    <h2 class="h4">
      ${t(context, 'certificateHeading', { date, dose: item.doseNumber, doses: item.totalDoses })}
    </h2>
    ${
      item.revoked
        ? html`<p class="alert alert-warning">${t(context, 'certificateRevoked')}</p>`
        : html`<img
            class="certificate-qr"
            src="${qr}"
            width="240"
            height="240"
            alt="${t(context, 'certificateQrAlt', { date })}"
          />`
    }
    <p class="mb-1">
      ${t(context, 'certificateIssued', { date: formatDate(new Date(item.issuedAt), context.language) })}
    </p>
    <p class="small-print">${t(context, 'certificateUvci', { uvci: item.uvci })}</p>
    ${
      item.revoked
        ? null
        : html`<a
            class="btn btn-primary"
            href="/portal/certificates/pdf?uvci=${encodeURIComponent(item.uvci)}"
            aria-label="${t(context, 'downloadPdfLabel', { date })}"
            >${t(context, 'downloadPdf')}</a
          >`
    }
  </li>`;
}

export function myCertificatesPage(
  context: PageContext,
  view: { certificates: readonly CertificateItem[]; codes: readonly CodeItem[] },
): SafeHtml {
  const codes: HtmlValue =
    view.codes.length === 0
      ? null
      : html`<h2 class="h3 mt-5">${t(context, 'codesTitle')}</h2>
          <ul>
            ${view.codes.map((code) => {
              const values = {
                date: day(code.vaccinatedOn, context),
                end: code.codeEnd,
                sent: formatDate(code.sentAt, context.language),
                until: formatDate(code.expiresAt, context.language),
              };
              return html`<li>${t(context, code.usable ? 'codeItem' : 'codeItemLapsed', values)}</li>`;
            })}
          </ul>`;
  return layout(context, {
    title: t(context, 'myCertificatesTitle'),
    body: html`<h1>${t(context, 'myCertificatesTitle')}</h1>
      <p class="lead">${t(context, 'myCertificatesIntro')}</p>
      ${
        view.certificates.length === 0
          ? html`<p>${t(context, 'noCertificates')}</p>`
          : html`<ul class="list-unstyled">
              ${view.certificates.map((item) => certificateCard(context, item))}
            </ul>`
      }
      ${codes}
      <p class="mt-4"><a href="/portal/start">${t(context, 'toStart')}</a></p>`,
  });
}

// ------------------------------------------------------------------------------------------------
// Checking a pass (DCC-3)

export interface VerdictView {
  status: 'valid' | 'not_yet_valid' | 'expired' | 'invalid';
  holder: { name: string; birthDate: string } | null;
  reason: string | null;
  rules: string | null;
}

const VERDICT_STYLE: Record<VerdictView['status'], string> = {
  valid: 'success',
  not_yet_valid: 'warning',
  expired: 'danger',
  invalid: 'danger',
};

function verdictBlock(context: PageContext, verdict: VerdictView): SafeHtml {
  return html`<section
      class="alert alert-${VERDICT_STYLE[verdict.status]}"
      role="status"
      aria-labelledby="verdict"
    >
      <h2 class="h3" id="verdict">${t(context, `verdict_${verdict.status}` as TextKey)}</h2>
      ${
        verdict.holder === null
          ? null
          : html`<p>
              ${t(context, 'verdictHolder', { name: verdict.holder.name, birthDate: verdict.holder.birthDate })}
            </p>`
      }
      ${verdict.reason === null ? null : html`<p>${t(context, 'verdictReason', { reason: verdict.reason })}</p>`}
      ${verdict.rules === null ? null : html`<p class="small-print mb-0">${t(context, 'verdictRules', { rules: verdict.rules })}</p>`}
    </section>
    ${verdict.holder === null ? null : html`<p>${t(context, 'verdictNotice')}</p>`}`;
}

export function verifyPage(
  context: PageContext,
  view: { hc1?: string | undefined; errors: readonly FieldError[]; verdict?: VerdictView | undefined },
): SafeHtml {
  const pasteError = view.errors.find((error) => error.field === 'hc1');
  const imageError = view.errors.find((error) => error.field === 'image');
  const fieldError = (name: string, error: FieldError | undefined) =>
    error === undefined
      ? null
      : html`<p class="field-error" id="${name}-error">
          <strong>${t(context, 'errorWord')}</strong> ${error.message}
        </p>`;
  const describedBy = (name: string, error: FieldError | undefined) =>
    error === undefined ? `${name}-hint` : `${name}-hint ${name}-error`;
  return layout(context, {
    title: view.verdict === undefined ? t(context, 'verifyTitle') : t(context, 'verdictTitle'),
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}
      <h1>${view.verdict === undefined ? t(context, 'verifyTitle') : t(context, 'verdictTitle')}</h1>
      ${view.verdict === undefined ? html`<p class="lead">${t(context, 'verifyIntro')}</p>` : verdictBlock(context, view.verdict)}
      <h2 class="h3 mt-4">
        ${view.verdict === undefined ? t(context, 'verifyPasteTitle') : t(context, 'verifyAnother')}
      </h2>
      <form method="post" action="/portal/verify" novalidate>
        <div class="mb-4 field${pasteError ? ' field-invalid' : ''}">
          <label class="form-label" for="hc1">${t(context, 'hc1')}</label>
          <p class="form-text" id="hc1-hint">${t(context, 'hc1Hint')}</p>
          ${fieldError('hc1', pasteError)}
          <textarea
            class="form-control${pasteError ? ' is-invalid' : ''}"
            id="hc1"
            name="hc1"
            rows="5"
            maxlength="8000"
            spellcheck="false"
            autocomplete="off"
            aria-describedby="${describedBy('hc1', pasteError)}"
            ${pasteError ? html` aria-invalid="true"` : null}
          >
${view.hc1 ?? ''}</textarea>
        </div>
        <button type="submit" class="btn btn-primary">${t(context, 'verifyButton')}</button>
      </form>
      <h2 class="h3 mt-5">${t(context, 'verifyUploadTitle')}</h2>
      <form method="post" action="/portal/verify/image" enctype="multipart/form-data" novalidate>
        <div class="mb-4 field${imageError ? ' field-invalid' : ''}">
          <label class="form-label" for="image">${t(context, 'qrImage')}</label>
          <p class="form-text" id="image-hint">${t(context, 'qrImageHint')}</p>
          ${fieldError('image', imageError)}
          <input
            class="form-control${imageError ? ' is-invalid' : ''}"
            type="file"
            id="image"
            name="image"
            accept="image/png"
            aria-describedby="${describedBy('image', imageError)}"
            ${imageError ? html` aria-invalid="true"` : null}
          />
        </div>
        <button type="submit" class="btn btn-outline-primary">${t(context, 'verifyUploadButton')}</button>
      </form>`,
  });
}
