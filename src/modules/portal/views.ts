import type { Static } from 'typebox';
import type { EligibilityView } from '../eligibility/schemas.ts';
import type { Confirmation } from '../booking/service.ts';
import type { Province } from '../reference/service.ts';
import type { AccessibilityFeature } from '../booking/tables.ts';
import { ACCESSIBILITY_FEATURES } from '../booking/tables.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';
import { csrfField, formatDate, formatDateTime, formatKm, layout, t, type PageContext } from './layout.ts';
import {
  choiceGroup,
  errorSummary,
  fieldAnchor,
  hiddenFields,
  selectInput,
  textInput,
  type FieldError,
} from './forms.ts';
import type { TextKey } from './texts.ts';
import { waitingListInvite, waitingListLink } from './waiting-list-invite.ts';
import { accessibilityLink } from './accessibility-link.ts';

const BOOKING_STEPS = 3;

const stepLine = (context: PageContext, step: number): SafeHtml =>
  html`<p class="step-line">${t(context, 'stepOf', { step, steps: BOOKING_STEPS })}</p>`;

/** A link that looks like a button: navigation stays a link, so it works without script and reads right. */
const buttonLink = (href: string, label: string, kind: 'primary' | 'outline-primary' = 'primary'): SafeHtml =>
  html`<a class="btn btn-${kind} mb-3 me-2" href="${href}">${label}</a>`;

// ------------------------------------------------------------------------------------------------
// Sign-in

export function signInPage(
  context: PageContext,
  view: {
    values: { taxCode?: string | undefined; healthCardNumber?: string | undefined };
    errors: readonly FieldError[];
    notice?: 'expired' | 'signedOut' | undefined;
    policy: { attempts: number; minutes: number };
  },
): SafeHtml {
  const notice =
    view.notice === undefined
      ? null
      : html`<div class="alert alert-${view.notice === 'expired' ? 'warning' : 'success'}" role="status">
          ${t(context, view.notice === 'expired' ? 'signInExpired' : 'signedOut')}
        </div>`;
  return layout(context, {
    title: t(context, 'signInTitle'),
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}${notice}
      <h1>${t(context, 'signInTitle')}</h1>
      <p class="lead">${t(context, 'signInIntro')}</p>
      <form method="post" action="/portal/sign-in" novalidate>
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
          name: 'healthCardNumber',
          label: t(context, 'healthCardNumber'),
          hint: t(context, 'healthCardNumberHint'),
          value: view.values.healthCardNumber,
          autocomplete: 'off',
          inputmode: 'numeric',
          code: true,
          maxlength: 30,
        })}
        <button type="submit" class="btn btn-primary">${t(context, 'signInButton')}</button>
      </form>
      <p class="mt-4 small-print">${t(context, 'signInPrivacy', view.policy)}</p>
      <p class="mt-4">
        <a href="/portal/certificates/download">${t(context, 'downloadLinkFromSignIn')}</a>
      </p>`,
  });
}

// ------------------------------------------------------------------------------------------------
// Start: can I book, and my bookings (ELIG-5, BOOK-8)

export interface BookingSummary {
  code: string;
  doseNumber: number;
  startsAt: Date;
  place: string;
}

export function startPage(
  context: PageContext,
  view: {
    name: string;
    eligibility: Static<typeof EligibilityView>;
    bookings: readonly BookingSummary[];
    find: { code?: string | undefined; errors: readonly FieldError[] };
  },
): SafeHtml {
  const { eligibility, bookings } = view;
  const language = context.language;
  const hasFirstDose = bookings.some((booking) => booking.doseNumber === 1);
  const categories = eligibility.qualifications.map((q) => q.categoryLabel[language]).join('; ');
  const verdict = eligibility.bookable
    ? html`<div class="alert alert-success" role="status">
          <h2 class="h4">${t(context, 'canBookTitle')}</h2>
          <p>${eligibility.message[language]}</p>
          ${categories === '' ? null : html`<p class="mb-0">${t(context, 'yourCategory', { categories })}</p>`}
        </div>
        ${hasFirstDose ? html`<p>${t(context, 'alreadyBooked')}</p>` : buttonLink('/portal/book', t(context, 'bookButton'))}`
    : html`<div class="alert alert-warning" role="status">
        <h2 class="h4">${t(context, 'cannotBookTitle')}</h2>
        <p class="mb-0">${eligibility.message[language]}</p>
      </div>`;
  return layout(context, {
    title: t(context, 'startTitle'),
    hasErrors: view.find.errors.length > 0,
    body: html`${errorSummary(context, view.find.errors)}
      <h1>${t(context, 'startTitle')}</h1>
      <p class="lead">${t(context, 'greeting', { name: view.name })}</p>
      ${verdict} ${accessibilityLink(context)} ${waitingListLink(context)}
      <p><a href="/portal/caregivers">${t(context, 'caregiversLink')}</a></p>
      <h2 class="h3 mt-5">${t(context, 'yourBookings')}</h2>
      ${
        bookings.length === 0
          ? html`<p>${t(context, 'noBookings')}</p>`
          : html`<ul class="booking-list">
              ${bookings.map(
                (booking) =>
                  html`<li>
                    <a href="/portal/bookings/${booking.code}"
                      >${t(context, 'openBooking', { code: booking.code })}</a
                    ><br />${t(context, 'bookingItem', {
                      dose: t(context, 'doseNumber', { n: booking.doseNumber }),
                      when: formatDateTime(booking.startsAt, language),
                      place: booking.place,
                    })}
                  </li>`,
              )}
            </ul>`
      }
      <p class="mt-4"><a href="/portal/certificates">${t(context, 'myCertificatesLink')}</a></p>
      <h2 class="h3 mt-5">${t(context, 'findTitle')}</h2>
      <form method="get" action="/portal/bookings" novalidate>
        ${textInput(context, view.find.errors, {
          name: 'code',
          label: t(context, 'bookingCode'),
          hint: t(context, 'bookingCodeHint'),
          value: view.find.code,
          autocomplete: 'off',
          code: true,
          maxlength: 8,
          size: 'short',
        })}
        <button type="submit" class="btn btn-outline-primary">${t(context, 'findButton')}</button>
      </form>`,
  });
}

// ------------------------------------------------------------------------------------------------
// Booking, step 1: domicile (BOOK-6) and the wanted date and time (BOOK-7)

/** What the search steps carry from page to page, as the form fields name them. */
export interface SearchValues {
  province?: string | undefined;
  municipalityIstat?: string | undefined;
  cap?: string | undefined;
  date?: string | undefined;
  time?: string | undefined;
  accessibility: readonly string[];
  reschedule?: string | undefined;
}

/** The search as query parameters: links back to a step keep what was already chosen. */
export function searchQuery(values: SearchValues, only?: readonly (keyof SearchValues)[]): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values) as [
    keyof SearchValues,
    string | string[] | undefined,
  ][]) {
    if (only !== undefined && !only.includes(name)) continue;
    for (const single of [value ?? []].flat()) query.append(name, single);
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * Where a booking flow's pages live and how they are framed: the citizen's own booking (the default), a
 * fragile person's group with their caregivers, or an operator booking on a caller's behalf (console).
 */
export interface BookingFlow {
  /** The first step's address; `/hubs` and `/confirm` follow it. */
  base: string;
  /** Where a booking's own pages are: `${bookings}/${code}`, `/cancel`, `/reschedule`. */
  bookings: string;
  /** Values every step carries besides the search (a group's people). */
  carry: Record<string, string | readonly string[]>;
  /** The way out of the flow, and its words. */
  home: string;
  homeLabel: TextKey;
  /** The page frame: the portal's, or a console page's with its navigation. */
  frame: (context: PageContext, page: { title: string; body: HtmlValue; hasErrors?: boolean }) => SafeHtml;
}

export const CITIZEN_FLOW: BookingFlow = {
  base: '/portal/book',
  bookings: '/portal/bookings',
  carry: {},
  home: '/portal/start',
  homeLabel: 'toStart',
  frame: layout,
};

/** The search and the flow's own values as query parameters. */
export function flowQuery(
  flow: BookingFlow,
  values: SearchValues,
  only?: readonly (keyof SearchValues)[],
): string {
  const own = searchQuery(values, only);
  const extra = new URLSearchParams();
  for (const [name, value] of Object.entries(flow.carry))
    for (const single of [value].flat()) extra.append(name, single);
  const tail = extra.toString();
  return tail === '' ? own : `${own === '' ? '?' : `${own}&`}${tail}`;
}

const carried = (
  values: SearchValues,
  names: readonly (keyof SearchValues)[],
  flow: BookingFlow = CITIZEN_FLOW,
) =>
  html`${hiddenFields(Object.fromEntries(names.map((name) => [name, values[name]])))}${hiddenFields(flow.carry)}`;

function searchTitle(context: PageContext, reschedule: string | undefined): string {
  return reschedule === undefined
    ? t(context, 'bookTitle')
    : t(context, 'rescheduleTitle', { code: reschedule });
}

export type DomicileStage = 'province' | 'municipality' | 'details';

export function domicilePage(
  context: PageContext,
  view: {
    stage: DomicileStage;
    values: SearchValues;
    provinces: readonly Province[];
    municipalities: readonly { istat: string; name: string }[];
    caps: readonly string[];
    chosen: { province?: Province | undefined; municipality?: { istat: string; name: string } | undefined };
    today: string;
    errors: readonly FieldError[];
    flow?: BookingFlow;
  },
): SafeHtml {
  const { values, errors, stage, chosen } = view;
  const flow = view.flow ?? CITIZEN_FLOW;
  const title = searchTitle(context, values.reschedule);
  const summaryRow = (label: string, value: string, href: string) =>
    html`<div class="summary-row">
      <dt>${label}</dt>
      <dd>
        ${value} <a href="${href}">${t(context, 'change')}<span class="visually-hidden"> ${label}</span></a>
      </dd>
    </div>`;
  const summary =
    stage === 'province'
      ? null
      : html`<dl class="summary-list">
          ${
            chosen.province === undefined
              ? null
              : summaryRow(
                  t(context, 'province'),
                  chosen.province.name,
                  `${flow.base}${flowQuery(flow, { ...values, province: undefined, municipalityIstat: undefined, cap: undefined }, ['reschedule'])}`,
                )
          }
          ${
            stage === 'details' && chosen.municipality !== undefined
              ? summaryRow(
                  t(context, 'municipality'),
                  chosen.municipality.name,
                  `${flow.base}${flowQuery(flow, values, ['province', 'reschedule'])}`,
                )
              : null
          }
        </dl>`;

  let form: SafeHtml;
  if (stage === 'province') {
    form = html`<form method="get" action="${flow.base}" novalidate>
      ${carried(values, ['reschedule'], flow)}
      ${selectInput(context, errors, {
        name: 'province',
        label: t(context, 'province'),
        options: view.provinces.map((province) => ({ value: province.code, label: province.name })),
        value: values.province,
      })}
      <button type="submit" class="btn btn-primary">${t(context, 'continue')}</button>
    </form>`;
  } else if (stage === 'municipality') {
    form = html`<form method="get" action="${flow.base}" novalidate>
      ${carried(values, ['province', 'reschedule'], flow)}
      ${selectInput(context, errors, {
        name: 'municipalityIstat',
        label: t(context, 'municipality'),
        hint: t(context, 'municipalityHint'),
        options: view.municipalities.map((m) => ({ value: m.istat, label: m.name })),
        value: values.municipalityIstat,
      })}
      <button type="submit" class="btn btn-primary">${t(context, 'continue')}</button>
    </form>`;
  } else {
    form = html`<form method="get" action="${flow.base}/hubs" novalidate>
      ${carried(values, ['province', 'municipalityIstat', 'reschedule'], flow)}
      ${
        view.caps.length > 0
          ? selectInput(context, errors, {
              name: 'cap',
              label: t(context, 'cap'),
              hint: t(context, 'capHint'),
              options: view.caps.map((cap) => ({ value: cap, label: cap })),
              value: values.cap ?? (view.caps.length === 1 ? view.caps[0] : undefined),
              autocomplete: 'postal-code',
            })
          : textInput(context, errors, {
              name: 'cap',
              label: t(context, 'cap'),
              hint: t(context, 'capHint'),
              value: values.cap,
              inputmode: 'numeric',
              autocomplete: 'postal-code',
              maxlength: 5,
              size: 'short',
            })
      }
      <h2 class="h4 mt-4">${t(context, 'whenTitle')}</h2>
      ${textInput(context, errors, {
        name: 'date',
        type: 'date',
        label: t(context, 'date'),
        hint: t(context, 'dateHint'),
        value: values.date,
        min: view.today,
        size: 'medium',
      })}
      ${textInput(context, errors, {
        name: 'time',
        type: 'time',
        label: t(context, 'time'),
        hint: t(context, 'timeHint'),
        value: values.time,
        size: 'short',
      })}
      ${choiceGroup(context, errors, {
        name: 'accessibility',
        type: 'checkbox',
        legend: t(context, 'needs'),
        legendClass: 'h4 form-legend',
        options: ACCESSIBILITY_FEATURES.map((feature) => ({
          value: feature,
          label: t(context, `need_${feature}`),
        })),
        values: values.accessibility,
      })}
      <button type="submit" class="btn btn-primary">${t(context, 'searchButton')}</button>
    </form>`;
  }
  return flow.frame(context, {
    title,
    hasErrors: errors.length > 0,
    body: html`${errorSummary(context, errors, { accessibility: fieldAnchor('accessibility', 'group') })}
      ${stepLine(context, 1)}
      <h1>${title}</h1>
      <p>${t(context, 'domicileIntro')}</p>
      ${summary} ${form}
      <p class="mt-4"><a href="${flow.home}">${t(context, flow.homeLabel)}</a></p>`,
  });
}

// ------------------------------------------------------------------------------------------------
// Booking, step 2: the nearest hubs with their free times (BOOK-7)

export interface HubOption {
  hub: { id: number; name: string; address: string; municipality: string; accessibility: string[] };
  distanceKm: number;
  slot: { id: number; startsAt: Date; free: number } | null;
}

const featureLabel = (context: PageContext, feature: string): string =>
  (ACCESSIBILITY_FEATURES as readonly string[]).includes(feature)
    ? t(context, `need_${feature as AccessibilityFeature}` satisfies TextKey)
    : feature;

function hubDetails(context: PageContext, option: HubOption, wanted: Date): SafeHtml {
  const { hub, slot } = option;
  const features = hub.accessibility.map((feature) => featureLabel(context, feature)).join(', ');
  return html`<span class="hub-name">${hub.name}</span>
    <span class="hub-line"
      >${hub.address}, ${hub.municipality} –
      ${t(context, 'distance', { km: formatKm(option.distanceKm, context.language) })}</span
    >
    ${
      slot === null
        ? null
        : html`<span class="hub-line"
            ><strong
              >${t(context, slot.startsAt.getTime() === wanted.getTime() ? 'freeAtWanted' : 'freeNearest')}:</strong
            >
            ${formatDateTime(slot.startsAt, context.language)}
            (${t(context, 'freePlaces', { free: slot.free })})</span
          >`
    }
    ${features === '' ? null : html`<span class="hub-line">${t(context, 'accessibility', { features })}</span>`}`;
}

export function hubsPage(
  context: PageContext,
  view: {
    values: SearchValues;
    municipalityName: string;
    wanted: Date;
    hubs: readonly HubOption[];
    chosenSlot?: string | undefined;
    errors: readonly FieldError[];
    flow?: BookingFlow;
  },
): SafeHtml {
  const { values, errors } = view;
  const flow = view.flow ?? CITIZEN_FLOW;
  const bookable = view.hubs.filter((option) => option.slot !== null);
  const full = view.hubs.filter((option) => option.slot === null);
  const title = t(context, 'hubsTitle');
  const back = `${flow.base}${flowQuery(flow, values)}`;
  return flow.frame(context, {
    title,
    hasErrors: errors.length > 0,
    body: html`${errorSummary(context, errors, { slotId: fieldAnchor('slotId', 'group') })}
      ${stepLine(context, 2)}
      <h1>${title}</h1>
      <p>
        ${t(context, 'hubsIntro', {
          place: `${view.municipalityName} ${values.cap ?? ''}`.trim(),
          when: formatDateTime(view.wanted, context.language),
        })}
      </p>
      ${
        bookable.length === 0
          ? html`<div class="alert alert-warning" role="status">
                <p class="mb-0">${t(context, 'noHubs')}</p>
              </div>
              ${values.reschedule === undefined && flow.base === CITIZEN_FLOW.base ? waitingListInvite(context, values) : null}`
          : html`<form method="get" action="${flow.base}/confirm" novalidate>
              ${carried(values, ['province', 'municipalityIstat', 'cap', 'date', 'time', 'accessibility', 'reschedule'], flow)}
              ${choiceGroup(context, errors, {
                name: 'slotId',
                legend: t(context, 'hubChoice'),
                legendClass: 'visually-hidden',
                options: bookable.map((option) => ({
                  value: String(option.slot?.id ?? ''),
                  label: '',
                  body: hubDetails(context, option, view.wanted),
                })),
                values: view.chosenSlot === undefined ? [] : [view.chosenSlot],
              })}
              <button type="submit" class="btn btn-primary">${t(context, 'continue')}</button>
            </form>`
      }
      ${
        full.length === 0
          ? null
          : html`<h2 class="h4 mt-5">${t(context, 'hubFull')}</h2>
              <ul class="hub-full-list">
                ${full.map((option) => html`<li>${hubDetails(context, option, view.wanted)}</li>`)}
              </ul>`
      }
      <p class="mt-4"><a href="${back}">${t(context, 'changeSearch')}</a></p>`,
  });
}

// ------------------------------------------------------------------------------------------------
// Booking, step 3: check and confirm (BOOK-7, BOOK-10)

export function confirmPage(
  context: PageContext,
  view: {
    values: SearchValues;
    option: HubOption & { slot: NonNullable<HubOption['slot']> };
    products: readonly string[];
    idempotencyKey: string;
    flow?: BookingFlow;
    /** Who is booked, when it is not the signed-in citizen alone (a group, a caller). */
    people?: readonly string[];
  },
): SafeHtml {
  const { values, option } = view;
  const flow = view.flow ?? CITIZEN_FLOW;
  const reschedule = values.reschedule;
  const title = t(context, reschedule === undefined ? 'confirmTitle' : 'confirmRescheduleTitle');
  const action =
    reschedule === undefined ? `${flow.base}/confirm` : `${flow.bookings}/${reschedule}/reschedule`;
  const back = `${flow.base}/hubs${flowQuery(flow, values)}`;
  return flow.frame(context, {
    title,
    body: html`${stepLine(context, 3)}
      <h1>${title}</h1>
      <dl class="summary-list">
        ${
          view.people === undefined
            ? null
            : html`<div class="summary-row">
                <dt>${t(context, 'who')}</dt>
                <dd>${view.people.map((name, index) => html`${index > 0 ? html`<br />` : null}${name}`)}</dd>
              </div>`
        }
        <div class="summary-row">
          <dt>${t(context, 'when')}</dt>
          <dd>${formatDateTime(option.slot.startsAt, context.language)}</dd>
        </div>
        <div class="summary-row">
          <dt>${t(context, 'where')}</dt>
          <dd>
            ${option.hub.name}<br />${option.hub.address}, ${option.hub.municipality}<br />${t(context, 'distance', { km: formatKm(option.distanceKm, context.language) })}
          </dd>
        </div>
        ${
          reschedule === undefined
            ? html`<div class="summary-row">
                <dt>${t(context, 'vaccine')}</dt>
                <dd>${t(context, 'vaccineChosen', { products: view.products.join(', ') })}</dd>
              </div>`
            : null
        }
      </dl>
      ${reschedule === undefined ? html`<p>${t(context, 'secondDoseNote')}</p>` : null}
      <form method="post" action="${action}">
        ${csrfField(context)}
        ${hiddenFields({ slotId: String(option.slot.id), idempotencyKey: reschedule === undefined ? view.idempotencyKey : undefined })}
        ${carried(values, ['province', 'municipalityIstat', 'cap', 'date', 'time', 'accessibility'], flow)}
        <button type="submit" class="btn btn-primary">
          ${t(context, reschedule === undefined ? 'confirmButton' : 'confirmRescheduleButton')}
        </button>
      </form>
      <p class="mt-4"><a href="${back}">${t(context, 'back')}</a></p>`,
  });
}

// ------------------------------------------------------------------------------------------------
// The booking: confirmation, printable (BOOK-8, BOOK-10)

export function bookingPage(
  context: PageContext,
  view: {
    confirmation: Confirmation;
    person: { name: string; taxCode: string | null };
    done?: 'booked' | 'moved' | 'cancelled' | undefined;
    flow?: BookingFlow;
  },
): SafeHtml {
  const { confirmation, person } = view;
  const flow = view.flow ?? CITIZEN_FLOW;
  const booking = confirmation.booking;
  const language = context.language;
  const cancelled = booking.status === 'cancelled';
  const title = t(context, 'bookingTitle', { code: booking.code });
  const doneText: Record<NonNullable<typeof view.done>, TextKey> = {
    booked: 'booked',
    moved: 'moved',
    cancelled: 'cancelledNow',
  };
  const second = confirmation.secondDose;
  return flow.frame(context, {
    title,
    body: html`${
        view.done === undefined
          ? null
          : html`<div class="alert alert-success" role="status">${t(context, doneText[view.done])}</div>`
      }
      ${cancelled && view.done !== 'cancelled' ? html`<div class="alert alert-warning" role="status">${t(context, 'statusCancelled')}</div>` : null}
      <h1>${title}</h1>
      <p class="booking-code-box">
        ${t(context, 'bookingCode')}: <span class="booking-code">${booking.code}</span>
      </p>
      <dl class="summary-list">
        <div class="summary-row">
          <dt>${t(context, 'who')}</dt>
          <dd>${t(context, 'whoValue', { name: person.name, taxCode: person.taxCode ?? '–' })}</dd>
        </div>
        <div class="summary-row">
          <dt>${t(context, 'when')}</dt>
          <dd>${formatDateTime(booking.starts_at, language)}</dd>
        </div>
        <div class="summary-row">
          <dt>${t(context, 'where')}</dt>
          <dd>
            ${confirmation.place.name}<br />${confirmation.place.address}, ${confirmation.place.municipality}
          </dd>
        </div>
        <div class="summary-row">
          <dt>${t(context, 'vaccine')}</dt>
          <dd>${confirmation.product.name}</dd>
        </div>
        <div class="summary-row">
          <dt>${t(context, 'dose')}</dt>
          <dd>${t(context, 'doseValue', { n: booking.dose_number })}</dd>
        </div>
        ${
          second === undefined
            ? null
            : html`<div class="summary-row">
                <dt>${t(context, 'secondDose')}</dt>
                <dd>
                  ${t(context, 'secondDoseValue', { when: formatDateTime(second.starts_at, language), code: second.code })}
                  <a class="no-print" href="${flow.bookings}/${second.code}"
                    >${t(context, 'openBooking', { code: second.code })}</a
                  >
                </dd>
              </div>`
        }
      </dl>
      ${
        cancelled
          ? null
          : html`<h2 class="h3 mt-4">${t(context, 'bring')}</h2>
              <ul>
                ${confirmation.bring.map((item) => html`<li>${item.label[language]}</li>`)}
              </ul>
              <p>${t(context, 'arrive')}</p>
              <p class="no-print print-hint">${t(context, 'printHint')}</p>
              <button type="button" class="btn btn-outline-primary no-print mb-3" data-print hidden>
                ${t(context, 'print')}
              </button>
              <h2 class="h3 mt-4 no-print">${t(context, 'actions')}</h2>
              <div class="no-print">
                ${buttonLink(`${flow.base}?reschedule=${booking.code}`, t(context, 'reschedule'), 'outline-primary')}
                ${buttonLink(`${flow.bookings}/${booking.code}/cancel`, t(context, 'cancel'), 'outline-primary')}
              </div>`
      }
      <p class="mt-4 no-print"><a href="${flow.home}">${t(context, flow.homeLabel)}</a></p>`,
  });
}

// ------------------------------------------------------------------------------------------------
// Cancelling (BOOK-8, BOOK-10)

export const CANCEL_REASONS = ['cannot_attend', 'vaccinated_elsewhere', 'not_wanted', 'other'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

export function cancelPage(
  context: PageContext,
  view: {
    confirmation: Confirmation;
    values: {
      reason?: string | undefined;
      otherReason?: string | undefined;
      secondDose?: string | undefined;
    };
    errors: readonly FieldError[];
    flow?: BookingFlow;
  },
): SafeHtml {
  const { confirmation, values, errors } = view;
  const flow = view.flow ?? CITIZEN_FLOW;
  const code = confirmation.booking.code;
  const second = confirmation.secondDose;
  const title = t(context, 'cancelTitle', { code });
  return flow.frame(context, {
    title,
    hasErrors: errors.length > 0,
    body: html`${errorSummary(context, errors, {
        reason: fieldAnchor('reason', 'group'),
        secondDose: fieldAnchor('secondDose', 'group'),
      })}
      <h1>${title}</h1>
      <p>${formatDateTime(confirmation.booking.starts_at, context.language)} – ${confirmation.place.name}</p>
      <p>${t(context, 'cancelIntro')}</p>
      <form method="post" action="${flow.bookings}/${code}/cancel" novalidate>
        ${csrfField(context)}
        ${choiceGroup(context, errors, {
          name: 'reason',
          legend: t(context, 'reason'),
          legendClass: 'h4 form-legend',
          options: CANCEL_REASONS.map((reason) => ({ value: reason, label: t(context, `reason_${reason}`) })),
          values: values.reason === undefined ? [] : [values.reason],
        })}
        ${textInput(context, errors, {
          name: 'otherReason',
          label: t(context, 'otherReason'),
          hint: t(context, 'otherReasonHint'),
          value: values.otherReason,
          maxlength: 500,
        })}
        ${
          second === undefined
            ? null
            : choiceGroup(context, errors, {
                name: 'secondDose',
                legend: t(context, 'secondDoseChoice', {
                  when: formatDate(second.starts_at, context.language),
                  code: second.code,
                }),
                legendClass: 'h4 form-legend',
                options: (['cancel', 'keep'] as const).map((choice) => ({
                  value: choice,
                  label: t(context, `secondDose_${choice}`),
                })),
                values: values.secondDose === undefined ? [] : [values.secondDose],
              })
        }
        <button type="submit" class="btn btn-danger mb-3 me-2">${t(context, 'cancelButton')}</button>
        <a class="btn btn-outline-primary mb-3" href="${flow.bookings}/${code}"
          >${t(context, 'keepButton')}</a
        >
      </form>`,
  });
}

// ------------------------------------------------------------------------------------------------
// Refusals that are not about one field: the catalogue's title and what to do, with a way on.

export function problemPage(
  context: PageContext,
  view: {
    title: string;
    detail: string;
    correlationId: string;
    links: readonly { href: string; label: string }[];
    heading?: string;
  },
): SafeHtml {
  return layout(context, {
    title: view.heading ?? view.title,
    hasErrors: true,
    body: html`<h1>${view.heading ?? view.title}</h1>
      <div class="alert alert-danger">
        ${view.heading === undefined ? null : html`<h2 class="h4">${view.title}</h2>`}
        <p>${view.detail}</p>
      </div>
      <p class="small-print">${t(context, 'correlation', { id: view.correlationId })}</p>
      ${view.links.map((link, index) => buttonLink(link.href, link.label, index === 0 ? 'primary' : 'outline-primary'))}`,
  });
}
