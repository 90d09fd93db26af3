import type { ProductEntry } from '../reference/products.ts';

/*
 * EXP-1: administrations as HL7 FHIR R4 resources (Immunization, Patient, Location). Pure mapping:
 * the facts come in as arguments, the resources go out as plain JSON values; no I/O. Code systems and
 * identifier systems follow the HL7 Italia examples (../shared/data/fhir/hl7-it-examples): AIC codes
 * under https://www.aifa.gov.it/aic, the codice fiscale under http://hl7.it/sid/codiceFiscale, ISTAT
 * municipalities under the HL7 Italia terminology. The official JSON schema validates the output in
 * the tests (fhir.test.ts, exports.int.test.ts).
 */

export const SYSTEMS = {
  aic: 'https://www.aifa.gov.it/aic',
  snomed: 'http://snomed.info/sct',
  atc: 'http://www.whocc.no/atc',
  codiceFiscale: 'http://hl7.it/sid/codiceFiscale',
  istatMunicipality: 'http://terminology.hl7.it/CodeSystem/istat-unitaAmministrativeTerritoriali',
  actSite: 'http://terminology.hl7.org/CodeSystem/v3-ActSite',
  route: 'http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration',
  performerFunction: 'http://terminology.hl7.org/CodeSystem/v2-0443',
  ucum: 'http://unitsofmeasure.org',
} as const;

const CODED_STRING_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/iso21090-SC-coding';

/** FHIR R4 Immunization.status (required binding, value set immunization-status). */
export const IMMUNIZATION_STATUSES = ['completed', 'entered-in-error', 'not-done'] as const;
export type ImmunizationStatus = (typeof IMMUNIZATION_STATUSES)[number];

export function isImmunizationStatus(value: unknown): value is ImmunizationStatus {
  return typeof value === 'string' && (IMMUNIZATION_STATUSES as readonly string[]).includes(value);
}

/**
 * What the official JSON schema cannot say: it types Immunization.status as any `code`, so a status
 * outside the required value set passes it. Schema validation plus this check is the whole check of a
 * resource (the tests run both on everything the export writes).
 */
export function valueSetProblems(resource: unknown): string[] {
  if (typeof resource !== 'object' || resource === null) return ['not a resource'];
  const { resourceType, status } = resource as { resourceType?: unknown; status?: unknown };
  if (resourceType === 'Immunization' && !isImmunizationStatus(status)) {
    return [`Immunization.status "${String(status)}" is not one of ${IMMUNIZATION_STATUSES.join(', ')}`];
  }
  return [];
}

export interface Coding {
  system: string;
  code: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Reference {
  reference?: string;
  identifier?: { system?: string; value: string };
  display?: string;
}

export interface FhirImmunization {
  resourceType: 'Immunization';
  id: string;
  meta: { versionId: string };
  status: ImmunizationStatus;
  vaccineCode: CodeableConcept;
  patient: Reference;
  occurrenceDateTime: string;
  recorded: string;
  primarySource: true;
  location: Reference;
  manufacturer: Reference;
  lotNumber: string;
  expirationDate: string;
  site: CodeableConcept;
  route: CodeableConcept;
  doseQuantity: { value: number; unit: string; system: string; code: string };
  performer: { function: CodeableConcept; actor: Reference }[];
  protocolApplied: {
    series: string;
    targetDisease: CodeableConcept[];
    doseNumberPositiveInt: number;
    seriesDosesPositiveInt: number;
  }[];
}

/** What an administration contributes to its Immunization resource (one registry row, joined). */
export interface AdministrationFacts {
  id: number;
  personId: number;
  administeredAt: Date;
  recordedAt: Date;
  /** The AIC recorded with the dose (the pack used), if any. */
  aic: string | null;
  lot: string;
  lotExpiry: string;
  volumeMl: number;
  route: 'intramuscular' | 'subcutaneous' | 'intradermal' | 'oral' | 'intranasal';
  site: 'left_deltoid' | 'right_deltoid' | 'left_thigh' | 'right_thigh' | 'other';
  doseNumber: number;
  doseKind: 'primary' | 'additional' | 'booster';
  /** NAT-1: grows with every change of the row. */
  version: number;
  /** NAT-1: a record deleted as made in error is a mark, not a missing row. */
  deleted: boolean;
  /** VAX-18: a documented infection before this dose 1 makes it complete the cycle alone. */
  priorInfection: boolean;
  pointCode: string;
  pointName: string;
  healthAuthorityCode: string;
  healthAuthorityName: string;
}

/** SNOMED CT (and other) codes known for a DCC vaccine-prophylaxis code, from the EU value set. */
export type ProphylaxisTerms = ReadonlyMap<string, { system: string | null; display: string }>;

const SITES: Record<AdministrationFacts['site'], CodeableConcept> = {
  left_deltoid: {
    coding: [{ system: SYSTEMS.actSite, code: 'LA', display: 'left arm' }],
    text: 'deltoide sinistro',
  },
  right_deltoid: {
    coding: [{ system: SYSTEMS.actSite, code: 'RA', display: 'right arm' }],
    text: 'deltoide destro',
  },
  left_thigh: {
    coding: [{ system: SYSTEMS.actSite, code: 'LT', display: 'left thigh' }],
    text: 'coscia sinistra',
  },
  right_thigh: {
    coding: [{ system: SYSTEMS.actSite, code: 'RT', display: 'right thigh' }],
    text: 'coscia destra',
  },
  other: { text: 'altra sede' },
};

const ROUTES: Record<AdministrationFacts['route'], CodeableConcept> = {
  intramuscular: {
    coding: [{ system: SYSTEMS.route, code: 'IM', display: 'Injection, intramuscular' }],
    text: 'intramuscolare',
  },
  subcutaneous: {
    coding: [{ system: SYSTEMS.route, code: 'SQ', display: 'Injection, subcutaneous' }],
    text: 'sottocutanea',
  },
  intradermal: {
    coding: [{ system: SYSTEMS.route, code: 'IDINJ', display: 'Injection, intradermal' }],
    text: 'intradermica',
  },
  oral: { coding: [{ system: SYSTEMS.route, code: 'PO', display: 'Swallow, oral' }], text: 'orale' },
  intranasal: {
    coding: [{ system: SYSTEMS.route, code: 'NASINHLC', display: 'Inhalation, nasal' }],
    text: 'intranasale',
  },
};

const SERIES: Record<AdministrationFacts['doseKind'], string> = {
  primary: 'Ciclo primario',
  additional: 'Dose addizionale',
  booster: 'Dose di richiamo (booster)',
};

/**
 * Status of a registry row: a record deleted as made in error stays in the export as
 * `entered-in-error` (FHIR's own meaning for it), so that a receiver holding the earlier export learns
 * of the deletion; a live record is `completed`.
 */
export function immunizationStatus(deleted: boolean): ImmunizationStatus {
  return deleted ? 'entered-in-error' : 'completed';
}

/**
 * DCC-2's total doses: the primary cycle's doses (one after a prior infection, VAX-18); for a booster
 * or an additional dose, its own number, as Italy encoded it (3/3, 4/4).
 */
export function seriesDoses(
  facts: Pick<AdministrationFacts, 'doseKind' | 'doseNumber' | 'priorInfection'>,
  primaryCycleDoses: number,
): number {
  if (facts.doseKind !== 'primary') return facts.doseNumber;
  const cycle = facts.priorInfection && facts.doseNumber === 1 ? 1 : primaryCycleDoses;
  return Math.max(cycle, facts.doseNumber);
}

/** vaccineCode: the AIC (when known), the SNOMED CT product code (when the DCC one is SNOMED), the ATC. */
export function vaccineCode(
  product: ProductEntry,
  aic: string | null,
  terms: ProphylaxisTerms,
): CodeableConcept {
  const coding: Coding[] = [];
  const aicCode = aic ?? product.aic;
  if (aicCode !== null) coding.push({ system: SYSTEMS.aic, code: aicCode, display: product.name });
  const prophylaxis = product.dccProphylaxisCode === null ? undefined : terms.get(product.dccProphylaxisCode);
  if (product.dccProphylaxisCode !== null && prophylaxis?.system === SYSTEMS.snomed) {
    coding.push({ system: SYSTEMS.snomed, code: product.dccProphylaxisCode, display: prophylaxis.display });
  }
  coding.push({ system: SYSTEMS.atc, code: product.atc });
  return { coding, text: product.name };
}

export function immunizationResource(
  facts: AdministrationFacts,
  product: ProductEntry,
  terms: ProphylaxisTerms,
): FhirImmunization {
  return {
    resourceType: 'Immunization',
    id: String(facts.id),
    meta: { versionId: String(facts.version) },
    status: immunizationStatus(facts.deleted),
    vaccineCode: vaccineCode(product, facts.aic, terms),
    patient: { reference: `Patient/${facts.personId}` },
    occurrenceDateTime: romeDateTime(facts.administeredAt),
    recorded: romeDateTime(facts.recordedAt),
    primarySource: true,
    location: { reference: `Location/${facts.pointCode}`, display: facts.pointName },
    manufacturer: { display: product.manufacturerName },
    lotNumber: facts.lot,
    expirationDate: facts.lotExpiry,
    site: SITES[facts.site],
    route: ROUTES[facts.route],
    doseQuantity: { value: facts.volumeMl, unit: 'mL', system: SYSTEMS.ucum, code: 'mL' },
    performer: [
      {
        function: {
          coding: [{ system: SYSTEMS.performerFunction, code: 'AP', display: 'Administering Provider' }],
        },
        actor: { identifier: { value: facts.healthAuthorityCode }, display: facts.healthAuthorityName },
      },
    ],
    protocolApplied: [
      {
        series: SERIES[facts.doseKind],
        targetDisease: [
          {
            coding: [
              {
                system: SYSTEMS.snomed,
                code: product.targetDisease.snomed,
                display: product.targetDisease.display,
              },
            ],
          },
        ],
        doseNumberPositiveInt: facts.doseNumber,
        seriesDosesPositiveInt: seriesDoses(facts, product.primaryCycleDoses),
      },
    ],
  };
}

export interface PersonFacts {
  id: number;
  taxCode: string | null;
  /** REG-1: CF, CF_TEMP, ORD7, TS_FOREIGN, STP, ENI. */
  identifierType: string;
  otherIdentifier: string | null;
  surname: string;
  givenName: string;
  sex: 'M' | 'F';
  birthDate: string;
  status: string;
  /** REG-7: the current identity of an obsolete one. */
  supersededBy: number | null;
}

export interface FhirPatient {
  resourceType: 'Patient';
  id: string;
  identifier: { system?: string; type?: CodeableConcept; value: string }[];
  active: boolean;
  name: { use: 'official'; family: string; given: string[] }[];
  gender: 'male' | 'female';
  birthDate: string;
  deceasedBoolean?: true;
  link?: { other: Reference; type: 'replaced-by' }[];
}

export function patientResource(person: PersonFacts): FhirPatient {
  const identifier: FhirPatient['identifier'] = [];
  if (person.taxCode !== null) identifier.push({ system: SYSTEMS.codiceFiscale, value: person.taxCode });
  if (person.otherIdentifier !== null) {
    // No published identifier system for these Italian codes (STP, ENI, …): the type names it.
    identifier.push({ type: { text: person.identifierType }, value: person.otherIdentifier });
  }
  return {
    resourceType: 'Patient',
    id: String(person.id),
    identifier,
    active: person.status !== 'obsolete',
    name: [{ use: 'official', family: person.surname, given: person.givenName.split(/\s+/).filter(Boolean) }],
    gender: person.sex === 'M' ? 'male' : 'female',
    birthDate: person.birthDate,
    ...(person.status === 'deceased' ? { deceasedBoolean: true as const } : {}),
    ...(person.supersededBy !== null
      ? { link: [{ other: { reference: `Patient/${person.supersededBy}` }, type: 'replaced-by' as const }] }
      : {}),
  };
}

export interface PointFacts {
  code: string;
  name: string;
  address: string;
  kind: 'hub' | 'hospital' | 'clinic' | 'pharmacy';
  municipalityIstat: string;
  municipalityName: string;
  provinceAbbreviation: string;
  lat: number;
  lng: number;
  healthAuthorityCode: string;
  healthAuthorityName: string;
}

export interface FhirLocation {
  resourceType: 'Location';
  id: string;
  identifier: { value: string }[];
  status: 'active';
  name: string;
  mode: 'instance';
  type: CodeableConcept[];
  address: {
    use: 'work';
    line: string[];
    city: string;
    _city: { extension: { url: string; valueCoding: Coding }[] };
    district: string;
    country: 'IT';
  };
  position: { longitude: number; latitude: number };
  managingOrganization: Reference;
}

const POINT_KINDS: Record<PointFacts['kind'], string> = {
  hub: 'centro vaccinale (hub)',
  hospital: 'presidio ospedaliero',
  clinic: 'ambulatorio',
  pharmacy: 'farmacia',
};

export function locationResource(point: PointFacts): FhirLocation {
  return {
    resourceType: 'Location',
    id: point.code,
    identifier: [{ value: point.code }],
    status: 'active',
    name: point.name,
    mode: 'instance',
    type: [{ text: POINT_KINDS[point.kind] }],
    address: {
      use: 'work',
      line: [point.address],
      city: point.municipalityName,
      _city: {
        extension: [
          {
            url: CODED_STRING_EXTENSION,
            valueCoding: {
              system: SYSTEMS.istatMunicipality,
              code: point.municipalityIstat,
              display: point.municipalityName,
            },
          },
        ],
      },
      district: point.provinceAbbreviation,
      country: 'IT',
    },
    position: { longitude: point.lng, latitude: point.lat },
    managingOrganization: {
      identifier: { value: point.healthAuthorityCode },
      display: point.healthAuthorityName,
    },
  };
}

const romeOffset = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', timeZoneName: 'longOffset' });
/** Rome's UTC offset in minutes by UTC hour: it changes only on the hour (01:00 UTC), and Intl is slow. */
const offsetByHour = new Map<number, number>();

function romeOffsetMinutes(epochMs: number): number {
  const hour = Math.floor(epochMs / 3_600_000);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    const name = romeOffset.formatToParts(epochMs).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    offset = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
    if (offsetByHour.size > 100_000) offsetByHour.clear();
    offsetByHour.set(hour, offset);
  }
  return offset;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** A FHIR dateTime in Rome's wall-clock time with its offset, e.g. 2021-12-01T10:30:00+01:00. */
export function romeDateTime(instant: Date): string {
  const epochMs = instant.getTime();
  const offset = romeOffsetMinutes(epochMs);
  const wall = new Date(epochMs + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}` +
    `T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
