import { distanceKm } from '../booking/rules.ts';
import { solveTransport } from './transport.ts';

/*
 * BOOK-12 at regional scale: when a health authority closes hub-days or cuts stations or stock, the
 * people it affects are moved to the nearest equivalent places (same product, nearest hub and date), or
 * asked to choose. Pure functions: the caller reads the bookings and capacities, and writes the moves.
 *
 * People are counted per demand (an area's people of one product, optionally one booked day and one
 * priority tier), places per capacity (a hub's places of one product, optionally on one day). The plan
 * is an exact minimum-cost transportation (transport.ts, ADR 0013); `placesOfPeople` then turns its
 * counts into one place per person in linear time.
 */

export interface Place {
  lat: number;
  lng: number;
}

export interface Demand {
  /** Index into `areas`: where these people live (its centroid stands for all of them). */
  area: number;
  /** BOOK-10: people are only moved to places of the product they were booked for. */
  product: string;
  /** People to place, a whole number. */
  people: number;
  /** The day they were booked for, 'YYYY-MM-DD', when places are counted per day. */
  day?: string;
  /** Priority tier, 0 first (ELIG-2: fragile people before the rest). Default 0. */
  tier?: number;
}

export interface Capacity {
  /** Index into `hubs`. */
  hub: number;
  product: string;
  /** Places free for the people being moved, a whole number. */
  places: number;
  day?: string;
}

export interface ReassignmentInput {
  /** Area centroids. */
  areas: readonly Place[];
  hubs: readonly Place[];
  demands: readonly Demand[];
  capacities: readonly Capacity[];
}

export interface ReassignmentRules {
  /** Hubs farther than this are not proposed: whoever has none nearer is asked to choose. Default: none. */
  maxKm?: number;
  /** What moving an appointment by one day (earlier or later) weighs, in km of travel. Default 10. */
  dayShiftKm?: number;
  /** Days farther than this are not proposed. Default: none. */
  maxDayShift?: number;
  /**
   * Whether demand d may take places of capacity c at all, beyond distance and day shift: a person's own
   * window of days (BOOK-10: a second dose within its interval) or a hub open to some people only (BOOK-4).
   * Default: every pair.
   */
  allow?: (demand: number, capacity: number) => boolean;
}

export const DEFAULT_DAY_SHIFT_KM = 10;

export interface Move {
  /** Index into `demands`. */
  demand: number;
  /** Index into `capacities`. */
  capacity: number;
  people: number;
  /** Area centroid → hub, great-circle (BOOK-7's distance). */
  km: number;
  /** Capacity's day minus the booked day; 0 when either has no day. */
  dayShift: number;
}

export interface ReassignmentPlan {
  /** Grouped by demand in input order; within a demand nearest first (cost, then capacity index). */
  moves: Move[];
  /** Per demand: the people with no place, who are asked to choose. */
  unplaced: number[];
  placed: number;
  unplacedTotal: number;
  /** Σ people × (metres + day shifts weighed as metres): what the plan minimises. */
  cost: number;
  /** Σ people × km travelled to the new hub. */
  personKm: number;
  /** Simplex pivots over all products (work done, for the benchmark). */
  pivots: number;
}

const DAY_MS = 86_400_000;

function dayNumber(day: string | undefined, what: string): number {
  if (day === undefined) return Number.NaN;
  const time = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== day) {
    throw new RangeError(`${what}.day must be a calendar date 'YYYY-MM-DD', not '${day}'`);
  }
  return time / DAY_MS;
}

function checkIndex(value: number, length: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= length) {
    throw new RangeError(`${what} = ${value} is out of range (0 … ${length - 1})`);
  }
}

function checkCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a whole number ≥ 0, not ${value}`);
  }
}

/**
 * BOOK-12: where the affected people go. Placed first: as many people as the places allow, tier by tier;
 * then the least total of distance plus day shifts. Who is left without a place (asked to choose) is
 * therefore whoever the optimum leaves: the people farthest from the places still free; within one
 * demand, the lowest in priority (`placesOfPeople`). Products never mix. Deterministic: equal-cost
 * alternatives are settled by input order (an area between two equally near hubs goes to the one listed
 * first).
 */
export function planReassignment(input: ReassignmentInput, rules: ReassignmentRules = {}): ReassignmentPlan {
  const { areas, hubs, demands, capacities } = input;
  const maxKm = rules.maxKm ?? Infinity;
  const maxDayShift = rules.maxDayShift ?? Infinity;
  const allow = rules.allow;
  const dayShiftMetres = Math.round((rules.dayShiftKm ?? DEFAULT_DAY_SHIFT_KM) * 1000);
  if (!(maxKm >= 0) || !(maxDayShift >= 0) || !(dayShiftMetres >= 0)) {
    throw new RangeError('maxKm, maxDayShift and dayShiftKm must be ≥ 0');
  }

  const demandDay = new Float64Array(demands.length);
  const capacityDay = new Float64Array(capacities.length);
  const byProduct = new Map<string, { demands: number[]; capacities: number[] }>();
  const groupOf = (product: string) => {
    let group = byProduct.get(product);
    if (group === undefined) {
      group = { demands: [], capacities: [] };
      byProduct.set(product, group);
    }
    return group;
  };
  demands.forEach((demand, d) => {
    checkIndex(demand.area, areas.length, `demands[${d}].area`);
    checkCount(demand.people, `demands[${d}].people`);
    if (demand.tier !== undefined) checkCount(demand.tier, `demands[${d}].tier`);
    demandDay[d] = dayNumber(demand.day, `demands[${d}]`);
    groupOf(demand.product).demands.push(d);
  });
  capacities.forEach((capacity, c) => {
    checkIndex(capacity.hub, hubs.length, `capacities[${c}].hub`);
    checkCount(capacity.places, `capacities[${c}].places`);
    capacityDay[c] = dayNumber(capacity.day, `capacities[${c}]`);
    groupOf(capacity.product).capacities.push(c);
  });

  // Many demands share an area and many capacities a hub: each distance is worked out once.
  const km = new Float64Array(areas.length * hubs.length).fill(Number.NaN);
  const kmBetween = (area: number, hub: number): number => {
    const at = area * hubs.length + hub;
    let value = km[at] as number;
    if (Number.isNaN(value)) {
      value = distanceKm(areas[area] as Place, hubs[hub] as Place);
      km[at] = value;
    }
    return value;
  };
  const shiftOf = (d: number, c: number): number => {
    const shift = (capacityDay[c] as number) - (demandDay[d] as number);
    return Number.isNaN(shift) ? 0 : shift;
  };

  const moves: (Move & { cost: number })[] = [];
  const unplaced = new Array<number>(demands.length).fill(0);
  let pivots = 0;
  for (const group of byProduct.values()) {
    const allowed = (d: number, c: number): boolean =>
      kmBetween((demands[d] as Demand).area, (capacities[c] as Capacity).hub) <= maxKm &&
      Math.abs(shiftOf(d, c)) <= maxDayShift &&
      (allow === undefined || allow(d, c));
    let arcs = 0;
    for (const d of group.demands) for (const c of group.capacities) if (allowed(d, c)) arcs++;
    const arcSource = new Int32Array(arcs);
    const arcSink = new Int32Array(arcs);
    const arcCost = new Float64Array(arcs);
    let e = 0;
    group.demands.forEach((d, source) => {
      const area = (demands[d] as Demand).area;
      group.capacities.forEach((c, sink) => {
        if (!allowed(d, c)) return;
        arcSource[e] = source;
        arcSink[e] = sink;
        arcCost[e] =
          Math.round(kmBetween(area, (capacities[c] as Capacity).hub) * 1000) +
          Math.abs(shiftOf(d, c)) * dayShiftMetres;
        e++;
      });
    });
    const solution = solveTransport({
      supply: group.demands.map((d) => (demands[d] as Demand).people),
      capacity: group.capacities.map((c) => (capacities[c] as Capacity).places),
      tier: group.demands.map((d) => (demands[d] as Demand).tier ?? 0),
      arcSource,
      arcSink,
      arcCost,
    });
    pivots += solution.pivots;
    for (let arc = 0; arc < arcs; arc++) {
      const people = solution.arcFlow[arc] as number;
      if (people === 0) continue;
      const d = group.demands[arcSource[arc] as number] as number;
      const c = group.capacities[arcSink[arc] as number] as number;
      moves.push({
        demand: d,
        capacity: c,
        people,
        km: kmBetween((demands[d] as Demand).area, (capacities[c] as Capacity).hub),
        dayShift: shiftOf(d, c),
        cost: arcCost[arc] as number,
      });
    }
    group.demands.forEach((d, source) => {
      unplaced[d] = solution.unplaced[source] as number;
    });
  }

  moves.sort((x, y) => x.demand - y.demand || x.cost - y.cost || x.capacity - y.capacity);
  let placed = 0;
  let cost = 0;
  let personKm = 0;
  for (const move of moves) {
    placed += move.people;
    cost += move.people * move.cost;
    personKm += move.people * move.km;
  }
  return {
    moves: moves.map(({ demand, capacity, people, km: distance, dayShift }) => ({
      demand,
      capacity,
      people,
      km: distance,
      dayShift,
    })),
    unplaced,
    placed,
    unplacedTotal: unplaced.reduce((sum, n) => sum + n, 0),
    cost,
    personKm,
    pivots,
  };
}

/** In `placesOfPeople`'s answer: this person got no place and is asked to choose (BOOK-12). */
export const ASK_TO_CHOOSE = -1;

/**
 * BOOK-12: one place per person, from the plan's counts, in time linear in the people. `offsets` cuts
 * one list of people, demand after demand: demand d's people are positions `offsets[d]` up to
 * `offsets[d + 1]`, highest priority first. Within a demand the first people take the nearest places
 * and the last ones are left to choose. The answer gives, per position, the index of the capacity the
 * person moves to, or ASK_TO_CHOOSE.
 */
export function placesOfPeople(plan: ReassignmentPlan, offsets: ArrayLike<number>): Int32Array {
  const demands = plan.unplaced.length;
  if (offsets.length !== demands + 1 || offsets[0] !== 0) {
    throw new RangeError(`offsets must start at 0 and have one entry per demand plus one (${demands + 1})`);
  }
  const people = offsets[demands] as number;
  checkCount(people, 'offsets[last]');
  const placeOf = new Int32Array(people);
  const cursor = new Float64Array(demands);
  for (let d = 0; d < demands; d++) cursor[d] = offsets[d] as number;
  for (const move of plan.moves) {
    const from = cursor[move.demand] as number;
    placeOf.fill(move.capacity, from, from + move.people);
    cursor[move.demand] = from + move.people;
  }
  for (let d = 0; d < demands; d++) {
    const from = cursor[d] as number;
    const to = from + (plan.unplaced[d] as number);
    if (to !== offsets[d + 1]) {
      throw new RangeError(
        `demand ${d} has ${(offsets[d + 1] as number) - (offsets[d] as number)} people in the list but ` +
          `${to - (offsets[d] as number)} in the plan`,
      );
    }
    placeOf.fill(ASK_TO_CHOOSE, from, to);
  }
  return placeOf;
}
