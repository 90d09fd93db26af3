import { html, type HtmlValue, type SafeHtml } from './html.ts';
import { t, type PageContext } from './layout.ts';

/** One message next to one field, and in the error summary linking to it (UX-2). */
export interface FieldError {
  /** The form field's name; a message for the whole form has none. */
  field: string | undefined;
  message: string;
}

export interface Option {
  value: string;
  label: string;
  hint?: string | undefined;
}

const errorOf = (errors: readonly FieldError[], name: string): FieldError | undefined =>
  errors.find((error) => error.field === name);

/** The id the summary links to: a group of radios or checkboxes is reached through its first choice. */
export const fieldAnchor = (name: string, kind: 'single' | 'group' = 'single'): string =>
  kind === 'group' ? `${name}-0` : name;

/**
 * The error summary at the top of a form: it takes the focus when the page loads (no script needed),
 * and each message links to its field.
 */
export function errorSummary(
  context: PageContext,
  errors: readonly FieldError[],
  anchors: Record<string, string> = {},
): HtmlValue {
  if (errors.length === 0) return null;
  return html`<div
    class="alert alert-danger error-summary"
    role="alert"
    tabindex="-1"
    autofocus
    aria-labelledby="error-summary-title"
  >
    <h2 class="h4" id="error-summary-title">${t(context, 'errorSummaryTitle')}</h2>
    <ul class="mb-0">
      ${errors.map((error) =>
        error.field === undefined
          ? html`<li>${error.message}</li>`
          : html`<li><a href="#${anchors[error.field] ?? error.field}">${error.message}</a></li>`,
      )}
    </ul>
  </div>`;
}

function describedBy(name: string, hint: string | undefined, error: FieldError | undefined): string | null {
  const ids = [hint === undefined ? null : `${name}-hint`, error === undefined ? null : `${name}-error`];
  const joined = ids.filter((id) => id !== null).join(' ');
  return joined === '' ? null : joined;
}

function hintAndError(
  context: PageContext,
  name: string,
  hint: string | undefined,
  error: FieldError | undefined,
) {
  return html`${hint === undefined ? null : html`<p class="form-text" id="${name}-hint">${hint}</p>`}${
    error === undefined
      ? null
      : html`<p class="field-error" id="${name}-error">
          <strong>${t(context, 'errorWord')}</strong> ${error.message}
        </p>`
  }`;
}

const attribute = (name: string, value: string | null | undefined): HtmlValue =>
  value === null || value === undefined ? null : html` ${name}="${value}"`;

export function textInput(
  context: PageContext,
  errors: readonly FieldError[],
  field: {
    name: string;
    label: string;
    value?: string | undefined;
    hint?: string | undefined;
    type?: 'text' | 'date' | 'time' | 'password' | 'number' | 'email' | 'tel';
    autocomplete?: string;
    inputmode?: 'numeric' | 'text';
    /** Codes are typed as they are printed: no autocorrection, no capitalisation of words. */
    code?: boolean;
    maxlength?: number;
    min?: string;
    size?: 'short' | 'medium';
    /** The page's main field, focused on load (consoles: keyboard first). */
    autofocus?: boolean;
  },
): SafeHtml {
  const error = errorOf(errors, field.name);
  const classes = ['form-control', error ? 'is-invalid' : '', field.size ? `input-${field.size}` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="mb-4 field${error ? ' field-invalid' : ''}">
    <label class="form-label" for="${field.name}">${field.label}</label>
    ${hintAndError(context, field.name, field.hint, error)}
    <input
      class="${classes}"
      id="${field.name}"
      name="${field.name}"
      type="${field.type ?? 'text'}"
      value="${field.value ?? ''}"
      ${attribute('autocomplete', field.autocomplete)}${attribute('inputmode', field.inputmode)}${attribute('maxlength', field.maxlength === undefined ? undefined : String(field.maxlength))}${attribute('min', field.min)}${field.code ? html` spellcheck="false" autocapitalize="characters" autocorrect="off"` : null}${attribute('aria-describedby', describedBy(field.name, field.hint, error))}${error ? html` aria-invalid="true"` : null}${field.autofocus ? html` autofocus` : null}
    />
  </div>`;
}

export function selectInput(
  context: PageContext,
  errors: readonly FieldError[],
  field: {
    name: string;
    label: string;
    options: readonly Option[];
    value?: string | undefined;
    hint?: string | undefined;
    autocomplete?: string;
  },
): SafeHtml {
  const error = errorOf(errors, field.name);
  const chosen = field.options.some((option) => option.value === field.value) ? field.value : undefined;
  return html`<div class="mb-4 field${error ? ' field-invalid' : ''}">
    <label class="form-label" for="${field.name}">${field.label}</label>
    ${hintAndError(context, field.name, field.hint, error)}
    <select
      class="form-select${error ? ' is-invalid' : ''}"
      id="${field.name}"
      name="${field.name}"
      ${attribute('autocomplete', field.autocomplete)}${attribute('aria-describedby', describedBy(field.name, field.hint, error))}${error ? html` aria-invalid="true"` : null}
    >
      ${chosen === undefined ? html`<option value="">${t(context, 'chooseOption')}</option>` : null}
      ${field.options.map(
        (option) =>
          html`<option value="${option.value}" ${option.value === chosen ? html` selected` : null}>
            ${option.label}
          </option>`,
      )}
    </select>
  </div>`;
}

/** Radios or checkboxes in a fieldset whose legend is the question. */
export function choiceGroup(
  context: PageContext,
  errors: readonly FieldError[],
  field: {
    name: string;
    legend: string;
    options: readonly (Option & { body?: HtmlValue })[];
    type?: 'radio' | 'checkbox';
    /** The chosen values. */
    values?: readonly string[];
    hint?: string | undefined;
    legendClass?: string;
  },
): SafeHtml {
  const error = errorOf(errors, field.name);
  const type = field.type ?? 'radio';
  const values = field.values ?? [];
  return html`<fieldset
    class="mb-4 field${error ? ' field-invalid' : ''}"
    ${attribute('aria-describedby', describedBy(field.name, field.hint, error))}
  >
    <legend class="${field.legendClass ?? 'form-legend'}">${field.legend}</legend>
    ${hintAndError(context, field.name, field.hint, error)}
    ${field.options.map((option, index) => {
      const id = `${field.name}-${index}`;
      const hintId = option.hint === undefined ? undefined : `${id}-hint`;
      return html`<div class="form-check choice">
        <input
          class="form-check-input"
          type="${type}"
          id="${id}"
          name="${field.name}"
          value="${option.value}"
          ${values.includes(option.value) ? html` checked` : null}${attribute('aria-describedby', hintId)}
        />
        <label class="form-check-label" for="${id}">${option.label}${option.body ?? null}</label>
        ${option.hint === undefined ? null : html`<p class="form-text choice-hint" id="${hintId ?? ''}">${option.hint}</p>`}
      </div>`;
    })}
  </fieldset>`;
}

/** Values a multi-step form carries from one page to the next without asking again. */
export function hiddenFields(values: Record<string, string | readonly string[] | undefined>): SafeHtml {
  return html`${Object.entries(values).map(([name, value]) =>
    value === undefined
      ? null
      : [value].flat().map((single) => html`<input type="hidden" name="${name}" value="${single}" />`),
  )}`;
}
