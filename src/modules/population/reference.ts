/**
 * The reference data the population generator needs, as a small interface: the generator stays pure
 * and tests can build it from any source, while the runtime reads the project's committed
 * `reference/` files (see loadPopulationReference in reference-files.ts).
 */

export interface PopulationMunicipality {
  /** ISTAT code, 6 digits. */
  istat: string;
  name: string;
  /** Belfiore (cadastral) code of the current municipality. */
  belfiore: string;
  /** Province abbreviation (MI, BG, …): links abolished municipalities to a region. */
  provinceAbbr: string;
  /** ISTAT region code, '01'..'20'. */
  regionCode: string;
  caps: readonly string[];
  population: number;
}

/** One Belfiore code with its validity: a municipality (current or abolished) or a foreign country (Z-code). */
export interface BelfiorePlace {
  code: string;
  name: string;
  /** Province abbreviation for municipalities, ISO country code (or null) for countries. */
  provinceOrCountry: string | null;
  /** 'YYYY-MM-DD' or null when valid since ever. */
  validFrom: string | null;
  /** 'YYYY-MM-DD' (first day it is no longer valid) or null when still valid. */
  validTo: string | null;
  foreign: boolean;
}

export interface PopulationReference {
  /** The current municipalities of Italy (all regions: births and residences elsewhere). */
  municipalities: readonly PopulationMunicipality[];
  /** Belfiore history: current and abolished municipalities, current and former countries. */
  belfiore: readonly BelfiorePlace[];
}
