import type { BelfioreCode } from '../reference/service.ts';
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
export type BelfiorePlace = BelfioreCode;

export interface PopulationReference {
  /** The current municipalities of Italy (all regions: births and residences elsewhere). */
  municipalities: readonly PopulationMunicipality[];
  /** Belfiore history: current and abolished municipalities, current and former countries. */
  belfiore: readonly BelfiorePlace[];
}
