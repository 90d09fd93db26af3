/*
 * BOOK-12 at regional scale: the capacitated transportation problem, solved exactly by the primal network
 * simplex (ADR 0013). Pure code: arrays in, arrays out, no I/O.
 *
 * Sources are groups of people to place (an area's people of one product, day and priority tier), sinks
 * are groups of places (a hub's doses of that product on a day), arcs are the allowed pairs with a
 * whole-number cost per person. One extra node, the balance node, takes the people left unplaced
 * (source → balance, at a penalty) and gives the places left unused (balance → sink, free), so every
 * problem is feasible and balanced, and every arc is uncapacitated: capacities live in the supplies.
 */

export interface TransportProblem {
  /** People to place per source: whole numbers ≥ 0. */
  supply: ArrayLike<number>;
  /** Places per sink: whole numbers ≥ 0. */
  capacity: ArrayLike<number>;
  /** Arc e lets people of source `arcSource[e]` take places of sink `arcSink[e]`… */
  arcSource: Int32Array;
  arcSink: Int32Array;
  /** …at `arcCost[e]` per person: a whole number ≥ 0 (metres, say). */
  arcCost: Float64Array;
  /**
   * Priority tier per source, 0 first (default all 0): no person of a tier is left unplaced while a
   * person of a later tier holds a place they could have had.
   */
  tier?: ArrayLike<number>;
}

export interface TransportSolution {
  /** People sent along each arc. */
  arcFlow: Float64Array;
  /** People of each source left without a place. */
  unplaced: Float64Array;
  /** Places of each sink nobody took. */
  unused: Float64Array;
  /** Σ flow × cost over the arcs (the penalties of unplaced people excluded). */
  cost: number;
  /**
   * The optimality certificate: node prices such that every arc's reduced cost
   * `cost + sourcePrice − sinkPrice` is ≥ 0, and 0 on an arc that carries people; likewise for the
   * arcs to and from the balance node (`unplacedPenalty[s] + sourcePrice[s] − balancePrice` and
   * `balancePrice − sinkPrice[k]`). Tests check it; callers may ignore it.
   */
  sourcePrice: Float64Array;
  sinkPrice: Float64Array;
  balancePrice: number;
  /** What leaving one person of each source unplaced costs in the objective. */
  unplacedPenalty: Float64Array;
  /** Simplex pivots made (work done, for the benchmark). */
  pivots: number;
}

/**
 * Exact integer arithmetic in doubles needs every potential (a sum of at most N arc costs) and every
 * reduced cost (three of them) to stay below 2^53.
 */
const EXACT_LIMIT = 2 ** 53 / 4;

function wholeNumbers(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`${name}[${i}] must be a whole number ≥ 0, not ${value}`);
    }
  }
}

function validate(problem: TransportProblem): void {
  const { supply, capacity, arcSource, arcSink, arcCost, tier } = problem;
  if (arcSink.length !== arcSource.length || arcCost.length !== arcSource.length) {
    throw new RangeError('arcSource, arcSink and arcCost must have one entry per arc');
  }
  wholeNumbers('supply', supply);
  wholeNumbers('capacity', capacity);
  wholeNumbers('arcCost', arcCost);
  if (tier !== undefined) {
    if (tier.length !== supply.length) throw new RangeError('tier must have one entry per source');
    wholeNumbers('tier', tier);
  }
  for (let e = 0; e < arcSource.length; e++) {
    const s = arcSource[e] as number;
    const k = arcSink[e] as number;
    if (s < 0 || s >= supply.length) throw new RangeError(`arcSource[${e}] = ${s} is not a source`);
    if (k < 0 || k >= capacity.length) throw new RangeError(`arcSink[${e}] = ${k} is not a sink`);
  }
}

/**
 * Minimum-cost placement, lexicographically: first the fewest people left unplaced, tier by tier (tier 0
 * first), then the least total cost. Exact for whole-number data; deterministic (same input, same output).
 */
export function solveTransport(problem: TransportProblem): TransportSolution {
  validate(problem);
  const { supply, capacity, arcSource, arcSink, arcCost } = problem;
  const sources = supply.length;
  const sinks = capacity.length;
  const tierOf = (s: number): number => (problem.tier === undefined ? 0 : (problem.tier[s] as number));

  // Sources with nobody and sinks with no place take no part: left in, a sink with no place would
  // be a degenerate tree arc pointing away from the root and break the anti-cycling rule below.
  const nodeOfSource = new Int32Array(sources).fill(-1);
  const nodeOfSink = new Int32Array(sinks).fill(-1);
  let nodes = 0;
  for (let s = 0; s < sources; s++) if ((supply[s] as number) > 0) nodeOfSource[s] = nodes++;
  const activeSources = nodes;
  for (let k = 0; k < sinks; k++) if ((capacity[k] as number) > 0) nodeOfSink[k] = nodes++;
  const activeSinks = nodes - activeSources;
  const root = nodes++;

  let realArcs = 0;
  let maxCost = 0;
  let maxTier = 0;
  for (let e = 0; e < arcSource.length; e++) {
    if (nodeOfSource[arcSource[e] as number] === -1 || nodeOfSink[arcSink[e] as number] === -1) continue;
    realArcs++;
    maxCost = Math.max(maxCost, arcCost[e] as number);
  }
  for (let s = 0; s < sources; s++) maxTier = Math.max(maxTier, tierOf(s));

  // A cycle has at most `nodes` real arcs, so it costs less than `step`: one person more placed (or of
  // an earlier tier) is always worth more than any rearrangement of distances.
  const step = (nodes + 1) * (maxCost + 1);
  const unplacedPenalty = new Float64Array(sources);
  for (let s = 0; s < sources; s++) unplacedPenalty[s] = step * (maxTier + 1 - tierOf(s));
  if (nodes * step * (maxTier + 1) > EXACT_LIMIT) {
    throw new RangeError(
      `${nodes} nodes with costs up to ${maxCost} and ${maxTier + 1} tiers exceed exact arithmetic`,
    );
  }

  const arcs = realArcs + activeSources + activeSinks;
  const tail = new Int32Array(arcs);
  const head = new Int32Array(arcs);
  const cost = new Float64Array(arcs);
  const flow = new Float64Array(arcs);
  const originalArc = new Int32Array(realArcs);
  let e = 0;
  for (let original = 0; original < arcSource.length; original++) {
    const u = nodeOfSource[arcSource[original] as number] as number;
    const v = nodeOfSink[arcSink[original] as number] as number;
    if (u === -1 || v === -1) continue;
    tail[e] = u;
    head[e] = v;
    cost[e] = arcCost[original] as number;
    originalArc[e] = original;
    e++;
  }

  // The spanning tree, rooted at the balance node, as parent pointers with doubly linked child lists
  // (to walk a subtree when its potentials move) and depths (to find where two paths to the root meet).
  const parent = new Int32Array(nodes).fill(-1);
  const pred = new Int32Array(nodes).fill(-1);
  const up = new Uint8Array(nodes); // 1: the tree arc to the parent leaves the node
  const depth = new Int32Array(nodes);
  const potential = new Float64Array(nodes);
  const firstChild = new Int32Array(nodes).fill(-1);
  const nextSibling = new Int32Array(nodes).fill(-1);
  const previousSibling = new Int32Array(nodes).fill(-1);
  const detach = (x: number): void => {
    const before = previousSibling[x] as number;
    const after = nextSibling[x] as number;
    if (before >= 0) nextSibling[before] = after;
    else firstChild[parent[x] as number] = after;
    if (after >= 0) previousSibling[after] = before;
  };
  const attach = (x: number, to: number): void => {
    const first = firstChild[to] as number;
    nextSibling[x] = first;
    previousSibling[x] = -1;
    if (first >= 0) previousSibling[first] = x;
    firstChild[to] = x;
  };

  // Initial basis: everybody unplaced, every place unused. A tree arc with no flow points to the root,
  // which makes the tree "strongly feasible"; the leaving-arc rule keeps it so, and that rules out cycling.
  for (let s = 0; s < sources; s++) {
    const u = nodeOfSource[s] as number;
    if (u === -1) continue;
    tail[e] = u;
    head[e] = root;
    cost[e] = unplacedPenalty[s] as number;
    flow[e] = supply[s] as number;
    parent[u] = root;
    pred[u] = e;
    up[u] = 1;
    depth[u] = 1;
    potential[u] = -(unplacedPenalty[s] as number);
    attach(u, root);
    e++;
  }
  for (let k = 0; k < sinks; k++) {
    const v = nodeOfSink[k] as number;
    if (v === -1) continue;
    tail[e] = root;
    head[e] = v;
    flow[e] = capacity[k] as number;
    parent[v] = root;
    pred[v] = e;
    depth[v] = 1;
    attach(v, root);
    e++;
  }

  const stack = new Int32Array(nodes);
  const pivot = (entering: number): void => {
    const a = tail[entering] as number;
    const b = head[entering] as number;
    const reduced = (cost[entering] as number) + (potential[a] as number) - (potential[b] as number);

    let x = a;
    let y = b;
    while (x !== y) {
      const dx = depth[x] as number;
      const dy = depth[y] as number;
      if (dx >= dy) x = parent[x] as number;
      if (dy >= dx) y = parent[y] as number;
    }
    const join = x;

    // Flow goes a → b, up from b to the join, down from the join to a. The leaving arc is the last
    // blocking one met going round the cycle from the join (strict < on a's side, ≤ on b's side).
    let delta = Infinity;
    let leavingNode = -1;
    let onTailSide = false;
    for (let w = a; w !== join; w = parent[w] as number) {
      if (up[w] === 1 && (flow[pred[w] as number] as number) < delta) {
        delta = flow[pred[w] as number] as number;
        leavingNode = w;
        onTailSide = true;
      }
    }
    for (let w = b; w !== join; w = parent[w] as number) {
      if (up[w] === 0 && (flow[pred[w] as number] as number) <= delta) {
        delta = flow[pred[w] as number] as number;
        leavingNode = w;
        onTailSide = false;
      }
    }
    // Every cycle holds an arc out of a sink or into a source, and only tree arcs go that way.
    if (leavingNode === -1) throw new Error('unbounded pivot: the network is malformed');

    if (delta > 0) {
      flow[entering] = (flow[entering] as number) + delta;
      for (let w = a; w !== join; w = parent[w] as number) {
        const arc = pred[w] as number;
        flow[arc] = (flow[arc] as number) + (up[w] === 1 ? -delta : delta);
      }
      for (let w = b; w !== join; w = parent[w] as number) {
        const arc = pred[w] as number;
        flow[arc] = (flow[arc] as number) + (up[w] === 1 ? delta : -delta);
      }
    }

    // The subtree cut off by the leaving arc hangs again from the entering arc: reverse the parent
    // pointers on the path from the entering arc's end inside it up to the leaving arc.
    const inside = onTailSide ? a : b;
    let node = inside;
    let newParent = onTailSide ? b : a;
    let newPred = entering;
    let newUp = onTailSide ? 1 : 0;
    for (;;) {
      const oldParent = parent[node] as number;
      const oldPred = pred[node] as number;
      const oldUp = up[node] as number;
      detach(node);
      parent[node] = newParent;
      pred[node] = newPred;
      up[node] = newUp;
      attach(node, newParent);
      if (node === leavingNode) break;
      newParent = node;
      newPred = oldPred;
      newUp = 1 - oldUp;
      node = oldParent;
    }

    // The entering arc's reduced cost becomes 0 by moving the whole subtree's potentials by one amount.
    const shift = onTailSide ? -reduced : reduced;
    let top = 0;
    stack[top++] = inside;
    while (top > 0) {
      const w = stack[--top] as number;
      potential[w] = (potential[w] as number) + shift;
      depth[w] = (depth[parent[w] as number] as number) + 1;
      for (let c = firstChild[w] as number; c !== -1; c = nextSibling[c] as number) stack[top++] = c;
    }
  };

  // Block search pricing (as in LEMON): scan about √arcs arcs, take the most negative reduced cost seen,
  // or scan on; a full round with none negative proves optimality.
  const block = Math.max(10, Math.ceil(Math.sqrt(arcs)));
  let next = 0;
  let pivots = 0;
  for (;;) {
    let best = -1;
    let bestReduced = 0;
    let inBlock = 0;
    let arc = next;
    for (let scanned = 0; scanned < arcs; scanned++) {
      const reduced =
        (cost[arc] as number) +
        (potential[tail[arc] as number] as number) -
        (potential[head[arc] as number] as number);
      if (reduced < bestReduced) {
        bestReduced = reduced;
        best = arc;
      }
      if (++arc === arcs) arc = 0;
      if (++inBlock === block) {
        if (best !== -1) break;
        inBlock = 0;
      }
    }
    if (best === -1) break;
    next = arc;
    pivot(best);
    pivots++;
  }

  const arcFlow = new Float64Array(arcSource.length);
  let totalCost = 0;
  for (let i = 0; i < realArcs; i++) {
    const f = flow[i] as number;
    if (f === 0) continue;
    arcFlow[originalArc[i] as number] = f;
    totalCost += f * (cost[i] as number);
  }
  const unplaced = new Float64Array(sources);
  const unused = new Float64Array(sinks);
  e = realArcs;
  for (let s = 0; s < sources; s++) if (nodeOfSource[s] !== -1) unplaced[s] = flow[e++] as number;
  for (let k = 0; k < sinks; k++) if (nodeOfSink[k] !== -1) unused[k] = flow[e++] as number;

  // Prices for the nodes left out, chosen so the certificate holds for their arcs too: a source with
  // nobody takes the least price no arc of it undercuts, a sink with no place the greatest.
  const balancePrice = potential[root] as number;
  const sourcePrice = new Float64Array(sources);
  const sinkPrice = new Float64Array(sinks);
  for (let k = 0; k < sinks; k++) {
    const v = nodeOfSink[k] as number;
    sinkPrice[k] = v === -1 ? balancePrice : (potential[v] as number);
  }
  for (let s = 0; s < sources; s++) {
    const u = nodeOfSource[s] as number;
    sourcePrice[s] = u === -1 ? balancePrice - (unplacedPenalty[s] as number) : (potential[u] as number);
  }
  for (let i = 0; i < arcSource.length; i++) {
    const s = arcSource[i] as number;
    const k = arcSink[i] as number;
    const c = arcCost[i] as number;
    if (nodeOfSink[k] === -1) {
      sinkPrice[k] = Math.min(sinkPrice[k] as number, c + (sourcePrice[s] as number));
    }
  }
  for (let i = 0; i < arcSource.length; i++) {
    const s = arcSource[i] as number;
    const k = arcSink[i] as number;
    if (nodeOfSource[s] === -1) {
      sourcePrice[s] = Math.max(sourcePrice[s] as number, (sinkPrice[k] as number) - (arcCost[i] as number));
    }
  }

  return {
    arcFlow,
    unplaced,
    unused,
    cost: totalCost,
    sourcePrice,
    sinkPrice,
    balancePrice,
    unplacedPenalty,
    pivots,
  };
}
