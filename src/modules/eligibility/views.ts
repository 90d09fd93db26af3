import { format, type Localized } from '../../platform/i18n.ts';
import type { EntitlementRow, LinkRow } from './repo.ts';
import type { Explanation, NextStep } from './rules.ts';
import type { Static } from 'typebox';
import type { EligibilityView, EntitlementViewT, LinkView, NonResidentApplicationView } from './schemas.ts';
import type { NonResidentApplicationsTable } from './tables.ts';
import type { Selectable } from 'kysely';

/** ELIG-5, UX-1: the next step in plain Italian and English. */
const NEXT_STEPS: Record<NextStep, Localized> = {
  BOOK: {
    it: 'Può prenotare ora la vaccinazione ({offer}). Il vaccino è scelto in base all’età e al piano: {products}.',
    en: 'You can book your vaccination now ({offer}). The vaccine is chosen from your age and the plan: {products}.',
  },
  WAIT_UNTIL: {
    it: 'Potrà prenotare dal {bookableFrom} ({offer}). Non deve fare altro: torni da quel momento.',
    en: 'You can book from {bookableFrom} ({offer}). Nothing else to do: come back from then.',
  },
  NOT_BOOKABLE_STATUS: {
    it: 'Questa scheda anagrafica non è attiva (deceduto o sostituita da un’altra): non si può prenotare con essa.',
    en: 'This registry record is not active (deceased, or replaced by another): it cannot be used to book.',
  },
  APPLY_AS_NON_RESIDENT: {
    it: 'Non risulta assistito in questa regione. Se è domiciliato o presente qui per lavoro, assistenza a un familiare, salute o altri motivi, presenti la domanda di vaccinazione come non residente, o chiami il contact center.',
    en: 'You are not registered with this region’s health service. If you live or stay here for work, family care, health or other reasons, apply for vaccination as a non-resident, or call the contact center.',
  },
  TOO_YOUNG: {
    it: 'Alla sua età ({age} anni) nessun vaccino è ancora indicato (dai {minimumAge} anni). Se è una persona estremamente vulnerabile, possono vaccinarsi i genitori, i tutori o gli affidatari.',
    en: 'At your age ({age}) no vaccine is indicated yet (from {minimumAge}). If you are extremely vulnerable, your parents, guardians or foster parents may be vaccinated.',
  },
  EVIDENCE_REJECTED: {
    it: 'La sua autodichiarazione non è stata confermata al centro vaccinale. Chieda al suo medico di famiglia di segnalarla all’azienda sanitaria, o chiami il contact center.',
    en: 'Your self-declaration was not confirmed at the vaccination center. Ask your GP to report you to the health authority, or call the contact center.',
  },
  USE_ANOTHER_CHANNEL: {
    it: 'Da questo canale non si può ancora prenotare per la sua categoria: lo può fare sul portale web, al numero verde o agli sportelli indicati dalla regione.',
    en: 'Your category cannot book through this channel yet: book on the web portal, through the toll-free number or at the desks the region lists.',
  },
  PRE_REGISTER_OR_ASK_GP: {
    it: 'Non risulta ancora in una categoria che può prenotare. Se ha una delle patologie della Tabella 1 o una disabilità grave (L.104 art. 3 c. 3), faccia la preadesione con autodichiarazione: potrà prenotare dal giorno dopo. In alternativa chieda al suo medico di famiglia di segnalarla.',
    en: 'You are not yet in a category that can book. If you have one of the Table 1 conditions or a severe disability (L.104 art. 3 c. 3), pre-register with a self-declaration: you can book from the next day. Or ask your GP to report you.',
  },
  WAIT_FOR_CALENDAR: {
    it: 'Per la sua categoria e fascia d’età la prenotazione non è ancora aperta e la data non è ancora stata decisa. La regione la annuncerà nel calendario.',
    en: 'Booking is not open yet for your category and age band, and its date is not decided yet. The region will announce it in its calendar.',
  },
};

const romeDateTime = (instant: Date, language: 'it' | 'en'): string =>
  new Intl.DateTimeFormat(language === 'it' ? 'it-IT' : 'en-GB', {
    timeZone: 'Europe/Rome',
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(instant);

export function toEntitlementView(row: EntitlementRow): EntitlementViewT {
  return {
    id: row.id,
    personId: row.person_id,
    category: row.category,
    conditionCode: row.condition_code === '' ? null : row.condition_code,
    source: row.source,
    evidenceStatus: row.evidence_status,
    validFrom: row.valid_from.toISOString(),
    sourceReference: row.source_reference,
    reason: row.reason,
    createdAt: row.created_at.toISOString(),
  };
}

export function toLinkView(row: LinkRow): Static<typeof LinkView> {
  return {
    id: row.id,
    fragilePersonId: row.fragile_person_id,
    linkedPersonId: row.linked_person_id,
    relation: row.relation,
    place: row.place,
    source: row.source,
    evidenceStatus: row.evidence_status,
    createdAt: row.created_at.toISOString(),
    removedAt: row.removed_at?.toISOString() ?? null,
  };
}

export function toApplicationView(
  row: Selectable<NonResidentApplicationsTable>,
): Static<typeof NonResidentApplicationView> {
  return {
    id: row.id,
    personId: row.person_id,
    reason: row.reason,
    details: row.details,
    domicileMunicipalityIstat: row.domicile_municipality_istat,
    status: row.status,
    submittedAt: row.submitted_at.toISOString(),
    channel: row.channel,
    decidedAt: row.decided_at?.toISOString() ?? null,
    decisionReason: row.decision_reason,
  };
}

export function toEligibilityView(
  personId: number,
  explanation: Explanation & { entitlements: EntitlementRow[] },
): Static<typeof EligibilityView> {
  const match = explanation.match;
  const message = (language: 'it' | 'en'): string =>
    format(NEXT_STEPS[explanation.nextStep][language], {
      offer: match ? match.offer.label[language] : '',
      products: match ? match.products.join(', ') : '',
      bookableFrom: match ? romeDateTime(match.bookableFrom, language) : '',
      age: explanation.age,
      minimumAge: explanation.minimumVaccinationAge ?? 0,
    });
  return {
    personId,
    bookable: explanation.bookable,
    nextStep: explanation.nextStep,
    message: { it: message('it'), en: message('en') },
    bookableFrom: match ? match.bookableFrom.toISOString() : null,
    age: explanation.age,
    qualifications: explanation.qualifications.map((q) => ({
      category: q.category.code,
      categoryLabel: q.category.label,
      priority: q.category.priority,
      basis: q.basis.kind,
      entitlementId: q.basis.kind === 'age' ? null : q.basis.entitlement.id,
      fragilePersonId: q.basis.kind === 'link' ? q.basis.link.fragilePersonId : null,
      relation: q.basis.kind === 'link' ? q.basis.link.relation : null,
      from: q.from.toISOString(),
    })),
    offer: match
      ? {
          id: match.offer.id,
          label: match.offer.label,
          category: match.offer.category,
          bookingOpensOn: match.offer.bookingOpensOn,
          vaccinationsStartOn: match.offer.vaccinationsStartOn,
          channels: match.offer.channels,
        }
      : null,
    products: match ? match.products : [],
    planVersions: explanation.planVersions,
    entitlements: explanation.entitlements.map(toEntitlementView),
  };
}
