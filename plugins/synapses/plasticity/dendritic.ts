import type { ProjectionInfo, SynapseRuntime } from '../../../core/plugin.js';
import type { StdpRule } from './rule.js';
import { DecayTable, decayFactor } from './decay.js';
import { plasticTarget, type DelayHandler } from './handler.js';

/**
 * NEST's delay semantics (the whole delay is dendritic): a presynaptic spike emitted at t reaches the
 * synapse at t, a postsynaptic spike at t_j reaches it at t_j + d. Updates are lazy, as in NEST's
 * stdp_*_synapse::send: when a presynaptic spike is propagated, the synapse first applies the
 * postsynaptic spikes of (t_last - d, t - d] in order (onPost), then the depression of this spike
 * with the postsynaptic trace at t - d (onPre), then transmits the new weight.
 *
 * State: the weight per synapse (plus the delay when it is not homogeneous), presynaptic traces per
 * source neuron, and per target neuron a short history of its spikes with the trace values right after
 * each (NEST's ArchivingNode). History entries that no source can still ask for fold into a per-neuron
 * base entry, so the history only grows while some source stays silent (as NEST's does).
 */
export class DendriticState {
  // presynaptic, per source neuron
  readonly lastPre: Int32Array;
  readonly kPre: Float64Array;
  readonly kPreSlow: Float64Array;
  // postsynaptic history, per target neuron: a ring of `cap` entries from `head`, `len` long
  cap = 8;
  mask = 7;
  head: Int32Array;
  len: Int32Array;
  hStep: Int32Array;
  h1: Float64Array;
  h2: Float64Array;
  h3: Float64Array;
  // the latest entry dropped from the history (step -1 and the initial traces before any spike)
  readonly bStep: Int32Array;
  readonly b1: Float64Array;
  readonly b2: Float64Array;
  readonly b3: Float64Array;
  horizon = -1;
  horizonAt = -(2 ** 30);
  readonly dPre: DecayTable;
  readonly dPreSlow: DecayTable;
  readonly dPost: DecayTable;
  readonly dPostSlow: DecayTable;
  readonly dPostHom: DecayTable;

  constructor(
    readonly nSource: number,
    readonly nTarget: number,
    readonly maxDelay: number,
    rule: StdpRule,
    dt: number,
  ) {
    this.lastPre = new Int32Array(nSource).fill(-1);
    this.kPre = new Float64Array(nSource);
    this.kPreSlow = new Float64Array(nSource);
    this.head = new Int32Array(nTarget);
    this.len = new Int32Array(nTarget);
    this.hStep = new Int32Array(nTarget * this.cap);
    this.h1 = new Float64Array(nTarget * this.cap);
    this.h2 = new Float64Array(nTarget * this.cap);
    this.h3 = new Float64Array(nTarget * this.cap);
    this.bStep = new Int32Array(nTarget).fill(-1);
    this.b1 = new Float64Array(nTarget);
    this.b2 = new Float64Array(nTarget);
    // Stored one step before t = 0 so that it reads postHomInitial at t = 0.
    this.b3 = new Float64Array(nTarget).fill(rule.tauPostHom > 0 ? rule.postHomInitial * Math.exp(dt / rule.tauPostHom) : 0);
    this.dPre = new DecayTable(dt, rule.tauPre);
    this.dPreSlow = new DecayTable(dt, rule.tauPreSlow);
    this.dPost = new DecayTable(dt, rule.tauPost);
    this.dPostSlow = new DecayTable(dt, rule.tauPostSlow);
    this.dPostHom = new DecayTable(dt, rule.tauPostHom);
  }

  /** Per-neuron bytes (traces and histories), which do not scale with the synapse count. */
  get neuronBytes(): number {
    return this.nSource * 20 + this.nTarget * (8 + 28 + this.cap * 28);
  }

  /** Double every ring, keeping each neuron's entries in order from slot 0. */
  grow(): void {
    const cap = this.cap * 2;
    const n = this.nTarget;
    const hStep = new Int32Array(n * cap);
    const h1 = new Float64Array(n * cap);
    const h2 = new Float64Array(n * cap);
    const h3 = new Float64Array(n * cap);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < this.len[j]; i++) {
        const from = j * this.cap + ((this.head[j] + i) & this.mask);
        const to = j * cap + i;
        hStep[to] = this.hStep[from];
        h1[to] = this.h1[from];
        h2[to] = this.h2[from];
        h3[to] = this.h3[from];
      }
      this.head[j] = 0;
    }
    this.cap = cap;
    this.mask = cap - 1;
    this.hStep = hStep;
    this.h1 = h1;
    this.h2 = h2;
    this.h3 = h3;
  }

  /**
   * Entries at or before the horizon are out of every facilitation window still to come (those start
   * after the source's last spike minus its delay) and before every K query (t - d of a spike not yet
   * propagated). Recomputed at most every 100 steps: an older horizon is smaller, so still safe.
   */
  updateHorizon(step: number): void {
    if (step - this.horizonAt < 100) return;
    let minLast = 2 ** 30;
    const last = this.lastPre;
    for (let s = 0; s < last.length; s++) {
      const v = last[s];
      if (v >= 0 && v < minLast) minLast = v;
    }
    this.horizon = Math.min(minLast - this.maxDelay, step - 2 * this.maxDelay - 1);
    this.horizonAt = step;
  }

  /** Fold entries at or before the horizon into the base entry. */
  prune(j: number): void {
    const base = j * this.cap;
    while (this.len[j] > 0) {
      const slot = base + (this.head[j] & this.mask);
      if (this.hStep[slot] > this.horizon) break;
      this.bStep[j] = this.hStep[slot];
      this.b1[j] = this.h1[slot];
      this.b2[j] = this.h2[slot];
      this.b3[j] = this.h3[slot];
      this.head[j] = (this.head[j] + 1) & this.mask;
      this.len[j]--;
    }
  }
}

/** Append the postsynaptic spikes of `step` to their neurons' histories. */
function recordPostSpikes(st: DendriticState, spikes: Int32Array, count: number, step: number): void {
  for (let i = 0; i < count; i++) {
    const j = spikes[i];
    if (st.len[j] === st.cap) {
      st.updateHorizon(step);
      st.prune(j);
      if (st.len[j] === st.cap) {
        // The cached horizon may be old: try a fresh one before doubling every ring.
        st.horizonAt = -(2 ** 30);
        st.updateHorizon(step);
        st.prune(j);
        if (st.len[j] === st.cap) st.grow();
      }
    }
    const cap = st.cap;
    const mask = st.mask;
    const base = j * cap;
    const n = st.len[j];
    let prevStep: number, p1: number, p2: number, p3: number;
    if (n > 0) {
      const slot = base + ((st.head[j] + n - 1) & mask);
      prevStep = st.hStep[slot];
      p1 = st.h1[slot];
      p2 = st.h2[slot];
      p3 = st.h3[slot];
    } else {
      prevStep = st.bStep[j];
      p1 = st.b1[j];
      p2 = st.b2[j];
      p3 = st.b3[j];
    }
    const k = step - prevStep;
    const slot = base + ((st.head[j] + n) & mask);
    st.hStep[slot] = step;
    st.h1[slot] = p1 * decayFactor(st.dPost.table, st.dPost.rate, k) + 1;
    st.h2[slot] = p2 * decayFactor(st.dPostSlow.table, st.dPostSlow.rate, k) + 1;
    st.h3[slot] = p3 * decayFactor(st.dPostHom.table, st.dPostHom.rate, k) + 1;
    st.len[j] = n + 1;
  }
}

/**
 * One presynaptic spike of source `src` emitted at step `t`: walk its row once, and for each synapse
 * apply the pending facilitations, the depression, store the weight and scatter it into the ring row
 * of step t + d.
 */
function preSpike(
  st: DendriticState, rule: StdpRule, src: number, t: number,
  rowStart: Uint32Array, target: Uint32Array, weight: Float32Array, delay: Uint16Array | null, homDelay: number,
  sign: number, buf: Float64Array, slots: number, nRing: number,
): void {
  const start = rowStart[src];
  const end = rowStart[src + 1];
  const tPrev = st.lastPre[src];
  const hasPrev = tPrev >= 0;
  const kPrev = st.kPre[src];
  const preTab = st.dPre.table;
  const preRate = st.dPre.rate;
  const postTab = st.dPost.table;
  const postRate = st.dPost.rate;
  const homTab = st.dPostHom.table;
  const homRate = st.dPostHom.rate;
  const useHom = homRate !== Infinity;
  const preSlowBefore = hasPrev ? st.kPreSlow[src] * decayFactor(st.dPreSlow.table, st.dPreSlow.rate, t - tPrev) : 0;
  const cap = st.cap;
  const mask = st.mask;
  const head = st.head;
  const len = st.len;
  const hStep = st.hStep;
  const h1 = st.h1;
  const h2 = st.h2;
  const h3 = st.h3;
  let off = ((t + homDelay) % slots) * nRing;
  for (let k = start; k < end; k++) {
    const j = target[k];
    const d = delay === null ? homDelay : delay[k];
    const T = t - d;
    const base = j * cap;
    const hd = head[j];
    let w = sign * weight[k];
    // Latest history entry at or before t - d: the history is short past that point, scan from the end.
    let upper = len[j] - 1;
    while (upper >= 0 && hStep[base + ((hd + upper) & mask)] > T) upper--;
    if (hasPrev) {
      const lo = tPrev - d;
      let first = upper;
      while (first >= 0 && hStep[base + ((hd + first) & mask)] > lo) first--;
      for (let e = first + 1; e <= upper; e++) {
        const slot = base + ((hd + e) & mask);
        w = rule.onPost(w, kPrev * decayFactor(preTab, preRate, hStep[slot] + d - tPrev), h2[slot] - 1);
      }
    }
    // NEST's get_K_value(t - d): the latest postsynaptic spike strictly before t - d.
    let iK = upper;
    if (iK >= 0 && hStep[base + ((hd + iK) & mask)] === T) iK--;
    let post: number;
    let hom = 0;
    if (iK >= 0) {
      const slot = base + ((hd + iK) & mask);
      const dk = T - hStep[slot];
      post = h1[slot] * decayFactor(postTab, postRate, dk);
      if (useHom) hom = h3[slot] * decayFactor(homTab, homRate, dk);
    } else {
      const dk = T - st.bStep[j];
      post = st.b1[j] * decayFactor(postTab, postRate, dk);
      if (useHom) hom = st.b3[j] * decayFactor(homTab, homRate, dk);
    }
    w = rule.onPre(w, post, preSlowBefore, hom);
    weight[k] = sign * w;
    if (delay !== null) off = ((t + d) % slots) * nRing;
    buf[off + j] += weight[k];
  }
  st.kPre[src] = (hasPrev ? kPrev * decayFactor(preTab, preRate, t - tPrev) : 0) + 1;
  st.kPreSlow[src] = preSlowBefore + 1;
  st.lastPre[src] = t;
}

export const dendriticHandler: DelayHandler = (info: ProjectionInfo, rule: StdpRule, where: string): SynapseRuntime => {
  const t = info.table;
  const pt = plasticTarget(info, where);
  const st = new DendriticState(t.sourceCount, info.targetGroup.n, pt.maxDelay, rule, info.dt);
  const { weight, sign, buf, ring } = pt;
  return {
    deliver(src: number, step: number): void {
      preSpike(st, rule, src, step, t.rowStart, t.target, weight, t.delay, t.homDelay, sign, buf, ring.slots, ring.n);
    },
    onPostSpikes(spikes: Int32Array, count: number, step: number): void {
      if (count > 0) recordPostSpikes(st, spikes, count, step);
    },
    bytesPerSynapse: () => t.target.BYTES_PER_ELEMENT + weight.BYTES_PER_ELEMENT + (t.delay ? t.delay.BYTES_PER_ELEMENT : 0),
    weights: () => weight.slice(),
  };
};
