import type { EdgeSink, SynapseTable, TargetIndex } from './plugin.js';

type GrowableArray = Uint32Array | Uint16Array | Float32Array | Float64Array;

/**
 * A typed array that grows by doubling; `reserve` sizes it exactly for rules that know their edge count,
 * which avoids the copy-on-grow peak (old + new array alive at once) at 10^8 entries.
 */
class Grow<A extends GrowableArray> {
  data: A;
  length = 0;
  constructor(private readonly make: (n: number) => A) {
    this.data = make(1024);
  }
  reserve(n: number): void {
    if (n > this.data.length) {
      const d = this.make(n);
      d.set(this.data.subarray(0, this.length));
      this.data = d;
    }
  }
  push(v: number): void {
    if (this.length === this.data.length) this.reserve(this.data.length * 2);
    this.data[this.length++] = v;
  }
}

const u32 = (n: number) => new Uint32Array(n);
const u16 = (n: number) => new Uint16Array(n);
const f32 = (n: number) => new Float32Array(n);
const f64 = (n: number) => new Float64Array(n);

/** Edges per source row (into rowStart[s + 1]); a free function so V8 compiles it for the index array type. */
function countRows(src: Uint16Array | Uint32Array, E: number, rowStart: Uint32Array): void {
  for (let e = 0; e < E; e++) rowStart[src[e] + 1]++;
}

/**
 * The common case of freeze: targets arrived in order as run lengths, no per-edge weights or delays. Each edge
 * goes to the next free slot of its source row; walking targets in order leaves every row sorted.
 */
function scatterRuns(runs: Uint32Array, src: Uint16Array | Uint32Array, fill: Uint32Array, target: TargetIndex): void {
  let e = 0;
  for (let t = 0; t < runs.length; t++) {
    const end = e + runs[t];
    for (; e < end; e++) target[fill[src[e]]++] = t;
  }
}

/**
 * Collects a projection's edges straight into typed arrays. Target-driven rules (fixed_indegree,
 * pairwise_bernoulli, all_to_all) emit edges with non-decreasing targets; then only the source index is
 * stored per edge and the targets as a run length per target neuron, so building 10^8 edges peaks at
 * about 6 bytes per edge (a 16-bit source index while the source population has at most 65536 neurons,
 * plus the final target: 16 bits while the target population has at most 65536 neurons here) instead of 12.
 */
export class EdgeBuffer implements EdgeSink {
  private src: Grow<Uint32Array | Uint16Array>;
  private runs: Uint32Array; // edges per local target, while targets arrive in order
  private tgt: Grow<Uint32Array> | null = null; // materialised once targets arrive out of order
  private lastTarget = 0;
  private weights: Grow<Float32Array> | null = null;
  private delays: Grow<Uint16Array> | null = null;
  private axonal: Grow<Uint16Array> | null = null;
  /**
   * Called for each edge to draw or look up its weight/delay; set by the kernel when they are not
   * homogeneous. `index` is the edge's position in NEST's array layout (arrays given by the user).
   */
  weightOf: ((localTarget: number, index: number) => number) | null = null;
  delayOf: ((localTarget: number, index: number) => number) | null = null;
  /** The axonal part of the delay just given by delayOf (a split delay), stored beside it. */
  axonalOf: (() => number) | null = null;
  /**
   * A scalar weight that must still be stored per synapse (plastic models change it later): the table gets a
   * weight array filled at freeze, without a per-edge buffer or callback while building.
   */
  fillWeight: number | null = null;
  /** Synapse parameters given per connection (NEST's per-synapse values), drawn or looked up per edge like weights. */
  private readonly columns: { name: string; of: (localTarget: number, index: number) => number; values: Grow<Float64Array> }[] = [];

  constructor(
    readonly sourceCount: number,
    readonly targetStart: number,
    readonly targetCount: number,
  ) {
    this.runs = new Uint32Array(targetCount);
    this.src = new Grow<Uint32Array | Uint16Array>(sourceCount <= 65536 ? u16 : u32);
  }

  /**
   * Store the scalar weight w per synapse (fillWeight). The source indices are then kept at 32 bits whatever the
   * source count, so that freeze writes the weights into their spent bytes: a fresh weight array would cost 4 B
   * per synapse more at the build's peak, and its first touch (page faults) was most of a plastic table's freeze.
   */
  keepScalarWeight(w: number): void {
    this.fillWeight = w;
    if (this.src.length === 0 && this.src.data instanceof Uint16Array) this.src = new Grow<Uint32Array | Uint16Array>(u32);
  }

  /** Store a per-edge value of synapse parameter `name`; the table's `params[name]` holds them in CSR order. */
  addColumn(name: string, of: (localTarget: number, index: number) => number): void {
    this.columns.push({ name, of, values: new Grow(f64) });
  }

  reserve(count: number): void {
    this.src.reserve(count);
    for (const c of this.columns) c.values.reserve(count);
    if (this.weightOf) (this.weights ??= new Grow(f32)).reserve(count);
    if (this.delayOf) (this.delays ??= new Grow(u16)).reserve(count);
    if (this.axonalOf) (this.axonal ??= new Grow(u16)).reserve(count);
  }

  get count(): number {
    return this.src.length;
  }

  add(src: number, tgt: number, index = 0): void {
    const local = tgt - this.targetStart;
    if (local < 0 || local >= this.targetCount) return; // another rank's target
    this.src.push(src);
    if (this.tgt) this.tgt.push(local);
    else if (local >= this.lastTarget) {
      this.runs[local]++;
      this.lastTarget = local;
    } else this.materialiseTargets().push(local);
    if (this.weightOf) (this.weights ??= new Grow(f32)).push(this.weightOf(local, index));
    if (this.delayOf) (this.delays ??= new Grow(u16)).push(this.delayOf(local, index));
    if (this.columns.length > 0) for (const c of this.columns) c.values.push(c.of(local, index));
    if (this.axonalOf) (this.axonal ??= new Grow(u16)).push(this.axonalOf());
  }

  addRow(tgt: number, sources: Int32Array, count: number, firstIndex = 0): void {
    const local = tgt - this.targetStart;
    if (local < 0 || local >= this.targetCount) return;
    if (this.tgt || local < this.lastTarget || this.weightOf || this.delayOf || this.columns.length > 0) {
      for (let k = 0; k < count; k++) this.add(sources[k], tgt, firstIndex + k);
      return;
    }
    // In-order target, homogeneous weight and delay: one bulk copy of the sources.
    const src = this.src;
    if (src.length + count > src.data.length) src.reserve(Math.max(src.length + count, src.data.length * 2));
    src.data.set(sources.subarray(0, count), src.length);
    src.length += count;
    this.runs[local] += count;
    this.lastTarget = local;
  }

  private materialiseTargets(): Grow<Uint32Array> {
    const t = new Grow(u32);
    t.reserve(Math.max(1024, this.src.data.length));
    for (let i = 0; i < this.targetCount; i++) for (let r = this.runs[i]; r > 0; r--) t.push(i);
    this.tgt = t;
    return t;
  }

  /**
   * Freeze into CSR by source. Targets within a row come out sorted (edges are visited in target order,
   * sorting first when they arrived out of order), which keeps propagation's scatter moving forward.
   */
  freeze(homWeight: number, homDelay: number): SynapseTable {
    const E = this.src.length;
    const src = this.src.data;
    let order: Uint32Array | null = null; // edge ids in target order, when targets were materialised
    let tgtOf: Uint32Array | null = null;
    if (this.tgt) {
      tgtOf = this.tgt.data;
      const byTarget = new Uint32Array(this.targetCount + 1);
      for (let e = 0; e < E; e++) byTarget[tgtOf[e] + 1]++;
      for (let i = 0; i < this.targetCount; i++) byTarget[i + 1] += byTarget[i];
      order = new Uint32Array(E);
      for (let e = 0; e < E; e++) order[byTarget[tgtOf[e]]++] = e;
    }
    const rowStart = new Uint32Array(this.sourceCount + 1);
    countRows(src, E, rowStart);
    for (let s = 0; s < this.sourceCount; s++) rowStart[s + 1] += rowStart[s];
    const fill = rowStart.slice(0, this.sourceCount);
    const target: TargetIndex = this.targetCount <= 65536 ? new Uint16Array(E) : new Uint32Array(E);
    const w = this.weights ? new Float32Array(E) : null;
    const d = this.delays ? new Uint16Array(E) : null;
    const a = this.axonal ? new Uint16Array(E) : null;
    const wIn = this.weights?.data;
    const dIn = this.delays?.data;
    const cols = this.columns.map((c) => ({ name: c.name, from: c.values.data, to: new Float64Array(E) }));
    // Where each edge goes, for the parameter columns (rare: only models with per-synapse parameters).
    const slotOf = cols.length > 0 ? new Uint32Array(E) : null;
    const aIn = this.axonal?.data;
    if (order && tgtOf) {
      for (let k = 0; k < E; k++) {
        const e = order[k];
        const slot = fill[src[e]]++;
        target[slot] = tgtOf[e];
        if (w) w[slot] = wIn![e];
        if (d) d[slot] = dIn![e];
        if (slotOf) slotOf[e] = slot;
        if (a) a[slot] = aIn![e];
      }
    } else if (!w && !d && !a && !slotOf) {
      scatterRuns(this.runs, src, fill, target);
    } else {
      let e = 0;
      for (let t = 0; t < this.targetCount; t++) {
        for (let r = this.runs[t]; r > 0; r--, e++) {
          const slot = fill[src[e]]++;
          target[slot] = t;
          if (w) w[slot] = wIn![e];
          if (d) d[slot] = dIn![e];
          if (slotOf) slotOf[e] = slot;
          if (a) a[slot] = aIn![e];
        }
      }
    }
    let params: Record<string, Float64Array> | undefined;
    if (slotOf) {
      params = {};
      for (const c of cols) {
        for (let e = 0; e < E; e++) c.to[slotOf[e]] = c.from[e];
        params[c.name] = c.to;
      }
      this.columns.length = 0;
    }
    let sign: SynapseTable['sign'] = homWeight >= 0 ? 'ex' : 'in';
    if (!w && this.fillWeight !== null) {
      // The source indices are spent: where they are 32 bits wide (keepScalarWeight), their bytes
      // become the weights, so a plastic table's build peaks at its own size (hpc-benchmark's E→E at scale 30).
      // A buffer longer than E (grown by doubling) is kept whole: its untouched tail holds no memory pages.
      const reuse = src instanceof Uint32Array && src.byteOffset === 0;
      const filled = (reuse ? new Float32Array(src.buffer, 0, E) : new Float32Array(E)).fill(this.fillWeight);
      this.src = new Grow<Uint32Array | Uint16Array>(u16);
      this.tgt = null;
      this.delays = null;
      this.axonal = null;
      sign = this.fillWeight >= 0 ? 'ex' : 'in';
      return { rowStart, target, weight: filled, homWeight, delay: d, homDelay, ...(a ? { axonalDelay: a } : {}), count: E, sourceCount: this.sourceCount, sign, ...(params ? { params } : {}) };
    }
    if (w) {
      let pos = false;
      let neg = false;
      for (let k = 0; k < E; k++) {
        if (w[k] > 0) pos = true;
        else if (w[k] < 0) neg = true;
      }
      sign = pos && neg ? 'mixed' : neg ? 'in' : 'ex';
    }
    // Drop the build buffers before the caller allocates anything else.
    this.src = new Grow<Uint32Array | Uint16Array>(u16);
    this.tgt = null;
    this.weights = null;
    this.delays = null;
    this.axonal = null;
    return { rowStart, target, weight: w, homWeight, delay: d, homDelay, ...(a ? { axonalDelay: a } : {}), count: E, sourceCount: this.sourceCount, sign, ...(params ? { params } : {}) };
  }
}
