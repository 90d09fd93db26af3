import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { distanceKm } from '../booking/rules.ts';
import {
  ASK_TO_CHOOSE,
  placesOfPeople,
  planReassignment,
  type Capacity,
  type Demand,
  type Place,
  type ReassignmentInput,
} from './assignment.ts';
import { solveTransport, type TransportProblem, type TransportSolution } from './transport.ts';

/** A cost matrix, one row per source; null: no arc (too far, or not allowed). */
type Costs = (number | null)[][];

function problemOf(supply: number[], capacity: number[], costs: Costs, tier?: number[]): TransportProblem {
  const source: number[] = [];
  const sink: number[] = [];
  const cost: number[] = [];
  costs.forEach((row, s) =>
    row.forEach((c, k) => {
      if (c === null) return;
      source.push(s);
      sink.push(k);
      cost.push(c);
    }),
  );
  return {
    supply,
    capacity,
    arcSource: Int32Array.from(source),
    arcSink: Int32Array.from(sink),
    arcCost: Float64Array.from(cost),
    ...(tier === undefined ? {} : { tier }),
  };
}

/** The arc flows back as a matrix shaped like `costs` (0 where there is no arc). */
function flowMatrix(problem: TransportProblem, solution: TransportSolution): number[][] {
  const matrix = Array.from({ length: problem.supply.length }, () =>
    new Array<number>(problem.capacity.length).fill(0),
  );
  problem.arcSource.forEach((s, e) => {
    (matrix[s] as number[])[problem.arcSink[e] as number] = solution.arcFlow[e] as number;
  });
  return matrix;
}

const sum = (values: ArrayLike<number>): number => Array.from(values).reduce((a, b) => a + b, 0);

/** Feasibility: nothing over capacity, nobody lost or counted twice, whole people only. */
function expectFeasible(problem: TransportProblem, solution: TransportSolution): void {
  const sent = new Array<number>(problem.supply.length).fill(0);
  const received = new Array<number>(problem.capacity.length).fill(0);
  let cost = 0;
  problem.arcSource.forEach((s, e) => {
    const f = solution.arcFlow[e] as number;
    expect(Number.isInteger(f) && f >= 0).toBe(true);
    sent[s] = (sent[s] as number) + f;
    const k = problem.arcSink[e] as number;
    received[k] = (received[k] as number) + f;
    cost += f * (problem.arcCost[e] as number);
  });
  Array.from(problem.supply).forEach((supply, s) => {
    expect((sent[s] as number) + (solution.unplaced[s] as number)).toBe(supply);
    expect(solution.unplaced[s]).toBeGreaterThanOrEqual(0);
  });
  Array.from(problem.capacity).forEach((capacity, k) => {
    expect(received[k]).toBeLessThanOrEqual(capacity);
    expect((received[k] as number) + (solution.unused[k] as number)).toBe(capacity);
  });
  expect(solution.cost).toBe(cost);
}

/**
 * Optimality by duality: every reduced cost ≥ 0, and 0 on every arc that carries people, the arcs to
 * and from the balance node (unplaced people, unused places) included.
 */
function expectCertificate(problem: TransportProblem, solution: TransportSolution): void {
  const { sourcePrice, sinkPrice, balancePrice, unplacedPenalty } = solution;
  const check = (reduced: number, flow: number) => {
    expect(reduced).toBeGreaterThanOrEqual(0);
    if (flow > 0) expect(reduced).toBe(0);
  };
  problem.arcSource.forEach((s, e) => {
    const k = problem.arcSink[e] as number;
    check(
      (problem.arcCost[e] as number) + (sourcePrice[s] as number) - (sinkPrice[k] as number),
      solution.arcFlow[e] as number,
    );
  });
  sourcePrice.forEach((price, s) =>
    check((unplacedPenalty[s] as number) + price - balancePrice, solution.unplaced[s] as number),
  );
  sinkPrice.forEach((price, k) => check(balancePrice - price, solution.unused[k] as number));
}

/**
 * Every integer placement, tried: the best as (unplaced of tier 0, of tier 1, …, total cost),
 * compared lexicographically. Independent of the solver's penalties.
 */
function bruteForce(supply: number[], capacity: number[], costs: Costs, tier: number[]): number[] {
  const tiers = Math.max(0, ...tier) + 1;
  let best: number[] | undefined;
  const left = [...capacity];
  const better = (a: number[], b: number[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
    return false;
  };
  const place = (s: number, k: number, remaining: number, score: number[]): void => {
    if (s === supply.length) {
      if (best === undefined || better(score, best)) best = score;
      return;
    }
    if (k === capacity.length) {
      const next = [...score];
      next[tier[s] as number] = (next[tier[s] as number] as number) + remaining;
      place(s + 1, 0, supply[s + 1] ?? 0, next);
      return;
    }
    const c = costs[s]?.[k] ?? null;
    const most = c === null ? 0 : Math.min(remaining, left[k] as number);
    for (let f = 0; f <= most; f++) {
      left[k] = (left[k] as number) - f;
      const next = [...score];
      next[tiers] = (next[tiers] as number) + f * (c ?? 0);
      place(s, k + 1, remaining - f, next);
      left[k] = left[k] + f;
    }
  };
  place(0, 0, supply[0] ?? 0, new Array<number>(tiers + 1).fill(0));
  return best ?? [];
}

function scoreOf(problem: TransportProblem, solution: TransportSolution): number[] {
  const tier = Array.from(problem.tier ?? new Array<number>(problem.supply.length).fill(0));
  const score = new Array<number>(Math.max(0, ...tier) + 2).fill(0);
  tier.forEach((t, s) => {
    score[t] = (score[t] as number) + (solution.unplaced[s] as number);
  });
  score[score.length - 1] = solution.cost;
  return score;
}

describe('solveTransport', () => {
  it.each<[string, number[], number[], Costs, number[] | undefined, number[][], number[], number]>([
    // name, supply, capacity, costs, tiers, flows, unplaced, cost
    ['one area, one hub with room', [5], [8], [[3]], undefined, [[5]], [0], 15],
    [
      'the optimum is not greedy: the area with a second choice yields the near hub',
      [1, 1],
      [1, 1],
      [
        [1, 2],
        [2, 100],
      ],
      undefined,
      [
        [0, 1],
        [1, 0],
      ],
      [0, 0],
      4,
    ],
    ['shortage: the farther area is left waiting', [3, 3], [4], [[1], [5]], undefined, [[3], [1]], [0, 2], 8],
    [
      'shortage: as many placed as possible, even if a far hub must be used',
      [2, 2],
      [2, 1],
      [
        [1, 3],
        [2, null],
      ],
      undefined,
      [
        [1, 1],
        [1, 0],
      ],
      [0, 1],
      6,
    ],
    ['a hub with no places takes nobody', [4], [0, 4], [[1, 9]], undefined, [[0, 4]], [0], 36],
    [
      'an area with no hub in reach is asked to choose',
      [2, 3],
      [10],
      [[4], [null]],
      undefined,
      [[2], [0]],
      [0, 3],
      8,
    ],
    [
      'tier 0 is placed before tier 1, even from farther',
      [2, 2],
      [2],
      [[50], [1]],
      [0, 1],
      [[2], [0]],
      [0, 2],
      100,
    ],
    ['within one tier the nearer people are placed', [2, 2], [2], [[50], [1]], [0, 0], [[0], [2]], [2, 0], 2],
    [
      'capacity equal to demand: every place taken at least cost',
      [3, 2],
      [2, 3],
      [
        [1, 4],
        [3, 1],
      ],
      undefined,
      [
        [2, 1],
        [0, 2],
      ],
      [0, 0],
      8,
    ],
    ['nobody to move', [0], [3], [[1]], undefined, [[0]], [0], 0],
    ['no hub at all', [4], [], [[]], undefined, [[]], [4], 0],
  ])('BOOK-12 %s', (_name, supply, capacity, costs, tier, flows, unplaced, cost) => {
    const problem = problemOf(supply, capacity, costs, tier);
    const solution = solveTransport(problem);
    expect(flowMatrix(problem, solution)).toEqual(flows);
    expect(Array.from(solution.unplaced)).toEqual(unplaced);
    expect(solution.cost).toBe(cost);
    expectFeasible(problem, solution);
    expectCertificate(problem, solution);
  });

  const small = fc
    .record({
      sources: fc.integer({ min: 1, max: 3 }),
      sinks: fc.integer({ min: 1, max: 3 }),
    })
    .chain(({ sources, sinks }) =>
      fc.record({
        supply: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: sources, maxLength: sources }),
        capacity: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: sinks, maxLength: sinks }),
        costs: fc.array(
          fc.array(fc.option(fc.integer({ min: 0, max: 12 }), { freq: 5 }), {
            minLength: sinks,
            maxLength: sinks,
          }),
          { minLength: sources, maxLength: sources },
        ),
        tier: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: sources, maxLength: sources }),
      }),
    );

  it('BOOK-12 random small instances: the optimum equals brute force (fewest unplaced per tier, then least cost)', () => {
    fc.assert(
      fc.property(small, ({ supply, capacity, costs, tier }) => {
        const problem = problemOf(supply, capacity, costs, tier);
        const solution = solveTransport(problem);
        expectFeasible(problem, solution);
        expect(scoreOf(problem, solution)).toEqual(bruteForce(supply, capacity, costs, tier));
      }),
      { numRuns: 400 },
    );
  });

  const medium = fc
    .record({
      sources: fc.integer({ min: 1, max: 40 }),
      sinks: fc.integer({ min: 1, max: 9 }),
    })
    .chain(({ sources, sinks }) =>
      fc.record({
        supply: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: sources, maxLength: sources }),
        capacity: fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: sinks, maxLength: sinks }),
        costs: fc.array(
          fc.array(fc.option(fc.integer({ min: 0, max: 300_000 }), { freq: 8 }), {
            minLength: sinks,
            maxLength: sinks,
          }),
          { minLength: sources, maxLength: sources },
        ),
        tier: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: sources, maxLength: sources }),
      }),
    );

  it('BOOK-12 random larger instances: capacity never exceeded, demand conserved, optimality certificate holds', () => {
    fc.assert(
      fc.property(medium, ({ supply, capacity, costs, tier }) => {
        const problem = problemOf(supply, capacity, costs, tier);
        const solution = solveTransport(problem);
        expectFeasible(problem, solution);
        expectCertificate(problem, solution);
      }),
      { numRuns: 150 },
    );
  });

  it('BOOK-12 heavy ties (every cost equal) still end optimal, and the same input gives the same answer', () => {
    const supply = [7, 7, 7, 7, 7, 7];
    const capacity = [10, 10, 10, 5];
    const costs = supply.map(() => capacity.map(() => 1));
    const first = solveTransport(problemOf(supply, capacity, costs));
    const again = solveTransport(problemOf(supply, capacity, costs));
    expect(sum(first.unplaced)).toBe(7);
    expect(first.cost).toBe(35);
    expect(again).toEqual(first);
    expectCertificate(problemOf(supply, capacity, costs), first);
  });

  it.each<[string, TransportProblem, RegExp]>([
    ['a fractional person', problemOf([1.5], [2], [[1]]), /supply\[0\]/],
    ['a negative capacity', problemOf([1], [-2], [[1]]), /capacity\[0\]/],
    ['a fractional cost', problemOf([1], [2], [[0.5]]), /arcCost\[0\]/],
    ['a tier per source missing', problemOf([1, 1], [2], [[1], [1]], [0]), /tier/],
    [
      'an arc to no sink',
      {
        supply: [1],
        capacity: [1],
        arcSource: Int32Array.of(0),
        arcSink: Int32Array.of(1),
        arcCost: Float64Array.of(1),
      },
      /arcSink\[0\]/,
    ],
    [
      'arcs of different lengths',
      {
        supply: [1],
        capacity: [1],
        arcSource: Int32Array.of(0),
        arcSink: Int32Array.of(0),
        arcCost: new Float64Array(0),
      },
      /one entry per arc/,
    ],
  ])('BOOK-12 refuses %s', (_name, problem, message) => {
    expect(() => solveTransport(problem)).toThrow(message);
  });

  it('BOOK-12 refuses costs too large for exact arithmetic instead of answering wrongly', () => {
    expect(() => solveTransport(problemOf([1, 1], [1], [[2 ** 48], [1]]))).toThrow(/exact arithmetic/);
  });
});

// Points on the meridian 10°E, so that distances are easy to reason about: 0.1° of latitude ≈ 11.1 km.
const at = (lat: number, lng = 10): Place => ({ lat, lng });

describe('planReassignment', () => {
  it('BOOK-12 one area, hubs nearest first until the people run out', () => {
    const input: ReassignmentInput = {
      areas: [at(45)],
      hubs: [at(45.3), at(45.1), at(45.2)],
      demands: [{ area: 0, product: 'comirnaty', people: 250 }],
      capacities: [
        { hub: 0, product: 'comirnaty', places: 1000 },
        { hub: 1, product: 'comirnaty', places: 100 },
        { hub: 2, product: 'comirnaty', places: 100 },
      ],
    };
    const plan = planReassignment(input);
    expect(plan.moves.map((m) => [m.capacity, m.people])).toEqual([
      [1, 100],
      [2, 100],
      [0, 50],
    ]);
    expect(plan.moves[0]?.km).toBeCloseTo(distanceKm(at(45), at(45.1)), 9);
    expect(plan.placed).toBe(250);
    expect(plan.unplacedTotal).toBe(0);
    expect(plan.personKm).toBeCloseTo(
      100 * distanceKm(at(45), at(45.1)) +
        100 * distanceKm(at(45), at(45.2)) +
        50 * distanceKm(at(45), at(45.3)),
      6,
    );
  });

  it('BOOK-12 products never mix: places of another product are not offered', () => {
    const plan = planReassignment({
      areas: [at(45)],
      hubs: [at(45.01), at(45.5)],
      demands: [
        { area: 0, product: 'spikevax', people: 30 },
        { area: 0, product: 'comirnaty', people: 10 },
      ],
      capacities: [
        { hub: 0, product: 'comirnaty', places: 100 },
        { hub: 1, product: 'spikevax', places: 20 },
      ],
    });
    expect(plan.moves).toMatchObject([
      { demand: 0, capacity: 1, people: 20 },
      { demand: 1, capacity: 0, people: 10 },
    ]);
    expect(plan.unplaced).toEqual([10, 0]);
  });

  it('BOOK-12 a closed hub-day: the nearest date at the same hub beats a far hub, within the day limit', () => {
    const demands: Demand[] = [{ area: 0, product: 'comirnaty', people: 60, day: '2021-05-10' }];
    const capacities: Capacity[] = [
      { hub: 0, product: 'comirnaty', places: 20, day: '2021-05-12' }, // 2 days later: 20 km
      { hub: 0, product: 'comirnaty', places: 20, day: '2021-05-09' }, // 1 day earlier: 10 km
      { hub: 1, product: 'comirnaty', places: 20, day: '2021-05-10' }, // same day, ≈ 33 km away
      { hub: 0, product: 'comirnaty', places: 50, day: '2021-05-20' }, // 10 days later: beyond the limit
    ];
    const input = { areas: [at(45)], hubs: [at(45.01), at(45.3)], demands, capacities };
    const plan = planReassignment(input, { dayShiftKm: 10, maxDayShift: 7 });
    expect(plan.moves.map((m) => [m.capacity, m.people, m.dayShift])).toEqual([
      [1, 20, -1],
      [0, 20, 2],
      [2, 20, 0],
    ]);
    const lenient = planReassignment(input, { dayShiftKm: 1 });
    expect(lenient.moves.map((m) => [m.capacity, m.people])).toEqual([
      [1, 20],
      [0, 20],
      [3, 20],
    ]);
  });

  it('BOOK-12 hubs beyond maxKm are not proposed: those people are asked to choose', () => {
    const plan = planReassignment(
      {
        areas: [at(45), at(46)],
        hubs: [at(45.1)],
        demands: [
          { area: 0, product: 'p', people: 5 },
          { area: 1, product: 'p', people: 7 },
        ],
        capacities: [{ hub: 0, product: 'p', places: 100 }],
      },
      { maxKm: 50 },
    );
    expect(plan.unplaced).toEqual([0, 7]);
    expect(plan.moves).toMatchObject([{ demand: 0, capacity: 0, people: 5 }]);
  });

  it('BOOK-12 shortage: the fragile tier keeps its places, the rest of the farthest area waits', () => {
    const plan = planReassignment({
      areas: [at(45), at(45.5)],
      hubs: [at(45.05)],
      demands: [
        { area: 0, product: 'p', people: 60, tier: 1 },
        { area: 1, product: 'p', people: 30, tier: 0 },
        { area: 1, product: 'p', people: 40, tier: 1 },
      ],
      capacities: [{ hub: 0, product: 'p', places: 100 }],
    });
    expect(plan.unplaced).toEqual([0, 0, 30]);
    expect(plan.placed).toBe(100);
  });

  it('BOOK-12 ties are deterministic: an area midway between two hubs goes to the one listed first', () => {
    const areas = [at(45, 10)];
    const west = at(45, 9.5);
    const east = at(45, 10.5);
    expect(distanceKm(areas[0] as Place, west)).toBe(distanceKm(areas[0] as Place, east));
    const demands: Demand[] = [{ area: 0, product: 'p', people: 10 }];
    const capacities: Capacity[] = [
      { hub: 0, product: 'p', places: 50 },
      { hub: 1, product: 'p', places: 50 },
    ];
    const westFirst = planReassignment({ areas, hubs: [west, east], demands, capacities });
    const eastFirst = planReassignment({ areas, hubs: [east, west], demands, capacities });
    expect(westFirst.moves).toMatchObject([{ capacity: 0, people: 10 }]);
    expect(eastFirst.moves).toMatchObject([{ capacity: 0, people: 10 }]);
    expect(planReassignment({ areas, hubs: [west, east], demands, capacities })).toEqual(westFirst);
  });

  it.each<[string, Partial<ReassignmentInput>, RegExp]>([
    ['an area out of range', { demands: [{ area: 3, product: 'p', people: 1 }] }, /demands\[0\]\.area/],
    ['a hub out of range', { capacities: [{ hub: -1, product: 'p', places: 1 }] }, /capacities\[0\]\.hub/],
    ['half a person', { demands: [{ area: 0, product: 'p', people: 0.5 }] }, /demands\[0\]\.people/],
    ['a day that is no date', { demands: [{ area: 0, product: 'p', people: 1, day: '2021-02-30' }] }, /day/],
  ])('BOOK-12 refuses %s', (_name, override, message) => {
    const input: ReassignmentInput = {
      areas: [at(45)],
      hubs: [at(45)],
      demands: [],
      capacities: [],
      ...override,
    };
    expect(() => planReassignment(input)).toThrow(message);
  });

  const region = fc
    .record({
      areas: fc.array(
        fc.record({
          lat: fc.double({ min: 44.7, max: 46.6, noNaN: true }),
          lng: fc.double({ min: 8.5, max: 11.4, noNaN: true }),
        }),
        { minLength: 1, maxLength: 12 },
      ),
      hubs: fc.array(
        fc.record({
          lat: fc.double({ min: 44.7, max: 46.6, noNaN: true }),
          lng: fc.double({ min: 8.5, max: 11.4, noNaN: true }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      maxKm: fc.option(fc.integer({ min: 10, max: 150 })),
    })
    .chain(({ areas, hubs, maxKm }) =>
      fc.record({
        areas: fc.constant(areas),
        hubs: fc.constant(hubs),
        maxKm: fc.constant(maxKm),
        demands: fc.array(
          fc.record({
            area: fc.nat(areas.length - 1),
            product: fc.constantFrom('a', 'b'),
            people: fc.nat(5_000),
            tier: fc.nat(1),
          }),
          { maxLength: 20 },
        ),
        capacities: fc.array(
          fc.record({
            hub: fc.nat(hubs.length - 1),
            product: fc.constantFrom('a', 'b'),
            places: fc.nat(8_000),
          }),
          { maxLength: 10 },
        ),
      }),
    );

  it('BOOK-12 random regions: every move respects product, reach and capacity; every person is counted once', () => {
    fc.assert(
      fc.property(region, ({ maxKm, ...input }) => {
        const plan = planReassignment(input, maxKm === null ? {} : { maxKm });
        const taken = new Array<number>(input.capacities.length).fill(0);
        const moved = new Array<number>(input.demands.length).fill(0);
        for (const move of plan.moves) {
          const demand = input.demands[move.demand] as Demand;
          const capacity = input.capacities[move.capacity] as Capacity;
          expect(capacity.product).toBe(demand.product);
          expect(move.people).toBeGreaterThan(0);
          if (maxKm !== null) expect(move.km).toBeLessThanOrEqual(maxKm);
          taken[move.capacity] = (taken[move.capacity] as number) + move.people;
          moved[move.demand] = (moved[move.demand] as number) + move.people;
        }
        input.capacities.forEach((capacity, c) => expect(taken[c]).toBeLessThanOrEqual(capacity.places));
        input.demands.forEach((demand, d) =>
          expect((moved[d] as number) + (plan.unplaced[d] as number)).toBe(demand.people),
        );
        expect(plan.placed + plan.unplacedTotal).toBe(sum(input.demands.map((d) => d.people)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('placesOfPeople', () => {
  const input: ReassignmentInput = {
    areas: [at(45), at(45.35)],
    hubs: [at(45.1), at(45.2)],
    demands: [
      { area: 0, product: 'p', people: 5 },
      { area: 1, product: 'p', people: 3 },
    ],
    capacities: [
      { hub: 0, product: 'p', places: 2 },
      { hub: 1, product: 'p', places: 4 },
    ],
  };

  it('BOOK-12 people in priority order: the first take the nearest places, the last are asked to choose', () => {
    const plan = planReassignment(input);
    // Area 1 (45.35) is nearer hub 1 (45.2) than area 0 is, so it takes 3 of its 4 places; area 0 gets
    // hub 0's two and the last place of hub 1, and its two lowest in priority wait.
    expect(plan.unplaced).toEqual([2, 0]);
    expect(Array.from(placesOfPeople(plan, [0, 5, 8]))).toEqual([
      0,
      0,
      1,
      ASK_TO_CHOOSE,
      ASK_TO_CHOOSE,
      1,
      1,
      1,
    ]);
  });

  it.each([
    ['one entry short', [0, 5]],
    ['a list longer than the plan', [0, 5, 9]],
    ['people moved between demands', [0, 4, 8]],
    ['not starting at 0', [1, 6, 9]],
  ])('BOOK-12 refuses offsets that do not match the plan: %s', (_name, offsets) => {
    expect(() => placesOfPeople(planReassignment(input), offsets)).toThrow(RangeError);
  });

  it('BOOK-12 random plans: each capacity gets exactly its people, each demand nearest first and the waiting last', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(400), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(600), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        (people, places, salt) => {
          const plan = planReassignment({
            areas: people.map((_, i) => at(45 + ((i * 7 + salt) % 13) / 20)),
            hubs: places.map((_, i) => at(45 + ((i * 5 + salt) % 11) / 20, 10.2)),
            demands: people.map((n, area) => ({ area, product: 'p', people: n })),
            capacities: places.map((n, hub) => ({ hub, product: 'p', places: n })),
          });
          const offsets = [0];
          for (const n of people) offsets.push((offsets.at(-1) as number) + n);
          const placeOf = placesOfPeople(plan, offsets);
          const count = new Map<number, number>();
          for (const c of placeOf) count.set(c, (count.get(c) ?? 0) + 1);
          places.forEach((_, c) =>
            expect(count.get(c) ?? 0).toBe(
              sum(plan.moves.filter((m) => m.capacity === c).map((m) => m.people)),
            ),
          );
          expect(count.get(ASK_TO_CHOOSE) ?? 0).toBe(plan.unplacedTotal);
          people.forEach((_, d) => {
            // The plan weighs whole metres: that is the order people are served in.
            const metres = Array.from(placeOf.subarray(offsets[d], offsets[d + 1])).map((c) => {
              const km = plan.moves.find((m) => m.demand === d && m.capacity === c)?.km;
              return km === undefined ? Infinity : Math.round(km * 1000);
            });
            expect(metres).toEqual([...metres].sort((x, y) => x - y));
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
