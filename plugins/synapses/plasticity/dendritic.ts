import { ParameterError } from '../../../core/errors.js';
import type { ProjectionInfo, SynapseRuntime, TargetIndex } from '../../../core/plugin.js';
import type { RingRow } from '../../../core/ringbuffer.js';
import type { SavedState } from '../../../core/contracts/base.js';
import { CheckpointError, restoreArray, savedArray, savedNumber, savedRecord } from '../../../core/saved-state.js';
import type { StdpRule } from './rule.js';
import { DecayTable, decayFactor } from './decay.js';
import { plasticTarget, type DelayHandler } from './handler.js';
import { kernelFor } from './specialise.js';
import { generalRuntime } from './general.js';

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
 * base entry; sources silent for long get their pending facilitations applied early (flushStaleSources),
 * so a history holds about the last 100 ms of spikes instead of growing as NEST's does.
 */
export class DendriticState {
  // presynaptic, per source neuron
  readonly lastPre: Int32Array;
  readonly kPre: Float64Array;
  readonly kPreSlow: Float64Array;
  /** Post spikes up to this step are already applied to the source's synapses (see flushStaleSources). */
  readonly applied: Int32Array;
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
  // the newest entry (or the base entry): dense copies, so that most K queries never touch the ring
  readonly lastStep: Int32Array;
  readonly last1: Float64Array;
  readonly last3: Float64Array;
  horizon = -1;
  horizonAt = -(2 ** 30);
  // Per-target answers to the queries of one delivery step (homogeneous delay: every synapse of that
  // step asks about the same time t - d), valid while qStamp[j] === qGen. qGen moves on at every new
  // delivery step and every history change, so a stale answer is never read.
  readonly qStamp: Int32Array;
  /** Index from head of the latest entry at or before t - d (-1: none, only the base entry). */
  readonly qUpper: Int32Array;
  /** Step of that entry (the base entry's when none): an entry after a source's window start exists iff this is later. */
  readonly qUpperStep: Int32Array;
  readonly qPost: Float64Array;
  readonly qHom: Float64Array;
  qGen = 0;
  qStep = -(2 ** 30);
  /** Spikes delivered in the current step and in the previous one: the cache pays only when targets are asked again. */
  qCount = 0;
  qUse = false;
  readonly dPre: DecayTable;
  readonly dPreSlow: DecayTable;
  readonly dPost: DecayTable;
  readonly dPostSlow: DecayTable;
  readonly dPostHom: DecayTable;
  // Nearest-neighbour pairing (rule.pairing): which traces reset to 1, whether x starts with a spike at t = 0
  // (at step -1: stamped 0 ms), and whether flushStaleSources may run (not when a trace pairs once).
  readonly nearestPre: boolean;
  readonly nearestPreSlow: boolean;
  readonly nearestPost: boolean;
  readonly nearestPostHom: boolean;
  readonly preFromZero: boolean;
  readonly flushes: boolean;

  constructor(
    readonly nSource: number,
    readonly nTarget: number,
    readonly maxDelay: number,
    rule: StdpRule,
    dt: number,
  ) {
    const pairing = rule.pairing;
    this.nearestPre = pairing?.nearestPre ?? false;
    this.nearestPreSlow = pairing?.nearestPreSlow ?? false;
    this.nearestPost = pairing?.nearestPost ?? false;
    this.nearestPostHom = pairing?.nearestPostHom ?? false;
    this.preFromZero = (pairing?.preInitial ?? 0) > 0;
    // A flush applies pending facilitations early with the x the kernel would read then (per source, or per
    // synapse under per-synapse parameters): not for traces that pair once, whose pairing waits for the next spike.
    this.flushes = !(pairing?.preConsumed || pairing?.postConsumed);
    this.lastPre = new Int32Array(nSource).fill(-1);
    this.kPre = new Float64Array(nSource).fill(pairing?.preInitial ?? 0);
    this.kPreSlow = new Float64Array(nSource);
    this.applied = new Int32Array(nSource).fill(-(2 ** 30));
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
    this.lastStep = new Int32Array(nTarget).fill(-1);
    this.last1 = new Float64Array(nTarget);
    this.last3 = this.b3.slice();
    this.qStamp = new Int32Array(nTarget).fill(-1);
    this.qUpper = new Int32Array(nTarget);
    this.qUpperStep = new Int32Array(nTarget);
    this.qPost = new Float64Array(nTarget);
    this.qHom = new Float64Array(nTarget);
    this.dPre = new DecayTable(dt, rule.tauPre);
    this.dPreSlow = new DecayTable(dt, rule.tauPreSlow);
    this.dPost = new DecayTable(dt, rule.tauPost);
    this.dPostSlow = new DecayTable(dt, rule.tauPostSlow);
    this.dPostHom = new DecayTable(dt, rule.tauPostHom);
  }

  /**
   * Everything that changes while simulating (a checkpoint): traces, histories (at their current capacity),
   * the horizon and the per-step query cache, so a restored projection answers every query as this one
   * would. The decay tables follow from the parameters.
   */
  saveState(): SavedState {
    const s: Record<string, SavedState[string]> = {};
    for (const k of DENDRITIC_ARRAYS) s[k] = this[k];
    for (const k of DENDRITIC_NUMBERS) s[k] = this[k];
    s.qUse = this.qUse;
    return s;
  }

  loadState(s: SavedState): void {
    const where = 'dendritic plasticity';
    const cap = savedNumber(s, 'cap', where);
    if (!Number.isInteger(cap) || cap < 1 || (cap & (cap - 1)) !== 0) throw new CheckpointError(`${where}: saved history capacity ${cap} is not a power of two`);
    if (cap !== this.cap) {
      // The saved histories had grown: take arrays of their size.
      const n = this.nTarget * cap;
      this.hStep = savedArray(s, 'hStep', Int32Array, where, n).slice();
      this.h1 = savedArray(s, 'h1', Float64Array, where, n).slice();
      this.h2 = savedArray(s, 'h2', Float64Array, where, n).slice();
      this.h3 = savedArray(s, 'h3', Float64Array, where, n).slice();
    }
    for (const k of DENDRITIC_ARRAYS) restoreArray(s, k, this[k], where);
    for (const k of DENDRITIC_NUMBERS) this[k] = savedNumber(s, k, where);
    if (typeof s.qUse !== 'boolean') throw new CheckpointError(`${where}: the saved state has no flag 'qUse'`);
    this.qUse = s.qUse;
  }

  /** Per-neuron bytes (traces and histories), which do not scale with the synapse count. */
  get neuronBytes(): number {
    return this.nSource * 24 + this.nTarget * (8 + 28 + 28 + this.cap * 28);
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
   * Entries at or before the horizon are out of every facilitation window still to come (a source's
   * window starts after its last spike minus the delay, or after what was flushed to it) and before every
   * K query (t - d of a spike not yet propagated). Recomputed at most every 100 steps: an older horizon
   * is smaller, so still safe.
   */
  updateHorizon(step: number): void {
    if (step - this.horizonAt < 100) return;
    let minBound = 2 ** 30;
    const last = this.lastPre;
    const applied = this.applied;
    const dMax = this.maxDelay;
    for (let s = 0; s < last.length; s++) {
      const v = last[s];
      if (v < 0 && !this.preFromZero) continue;
      const b = Math.max(v - dMax, applied[s]);
      if (b < minBound) minBound = b;
    }
    this.horizon = Math.min(minBound, step - 2 * dMax - 1);
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

/** The arrays and numbers of a DendriticState that change while simulating (what a checkpoint saves). */
const DENDRITIC_ARRAYS = [
  'lastPre', 'kPre', 'kPreSlow', 'applied', 'head', 'len', 'hStep', 'h1', 'h2', 'h3', 'bStep', 'b1', 'b2', 'b3',
  'lastStep', 'last1', 'last3', 'qStamp', 'qUpper', 'qUpperStep', 'qPost', 'qHom',
] as const satisfies readonly (keyof DendriticState)[];
const DENDRITIC_NUMBERS = ['cap', 'mask', 'horizon', 'horizonAt', 'qGen', 'qStep', 'qCount'] as const satisfies readonly (keyof DendriticState)[];

/** Append the postsynaptic spikes of `step` to their neurons' histories. */
function recordPostSpikes(st: DendriticState, syn: SynapseArrays, rule: StdpRule, spikes: Int32Array, count: number, step: number): void {
  for (let i = 0; i < count; i++) {
    const j = spikes[i];
    if (st.len[j] === st.cap) {
      st.updateHorizon(step);
      st.prune(j);
      if (st.len[j] === st.cap) {
        // The cached horizon may be old: try a fresh one; past a few dozen entries per neuron, apply the
        // pending facilitations of long-silent sources now rather than keep their history.
        st.horizonAt = -(2 ** 30);
        if (st.cap >= FLUSH_FROM_CAP && st.flushes) {
          if (syn.perSynapse) flushStaleSourcesPerSynapse(st, syn, rule, step);
          else flushStaleSources(st, syn, rule, step);
        }
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
    st.h1[slot] = st.nearestPost ? 1 : p1 * decayFactor(st.dPost.table, st.dPost.rate, k) + 1;
    st.h2[slot] = p2 * decayFactor(st.dPostSlow.table, st.dPostSlow.rate, k) + 1;
    st.h3[slot] = st.nearestPostHom ? 1 : p3 * decayFactor(st.dPostHom.table, st.dPostHom.rate, k) + 1;
    st.len[j] = n + 1;
    st.lastStep[j] = step;
    st.last1[j] = st.h1[slot];
    st.last3[j] = st.h3[slot];
  }
}

/** The projection's synapse arrays, as the kernels take them. */
interface SynapseArrays {
  rowStart: Uint32Array;
  target: TargetIndex;
  weight: Float32Array;
  delay: Uint16Array | null;
  homDelay: number;
  sign: number;
  /** The rule has per-synapse parameters (onPostAt): its flush reads x per synapse where the kernel keeps it so. */
  perSynapse: boolean;
  kSyn: Float64Array | null;
  rateOf: Float64Array | null;
}

/** Histories may grow to this many entries per neuron before silent sources are flushed. */
const FLUSH_FROM_CAP = 32;
/** A source silent for this many steps counts as stale (100 ms at dt = 0.1 ms). */
const STALE_STEPS = 1000;

/**
 * NEST keeps a neuron's spikes until every incoming synapse has read them, so one silent source makes
 * the histories grow without bound. Here the facilitations a stale source's synapses would apply at its
 * next spike, for post spikes up to the safe point H, are applied now: the same updates in the same order
 * (they depend only on the source's last spike time and the post spike times), with the weight rounded
 * to float32 once more. Afterwards the source's window starts at H.
 */
function flushStaleSources(st: DendriticState, syn: SynapseArrays, rule: StdpRule, step: number): void {
  const H = step - 2 * st.maxDelay - 1;
  const { rowStart, target, weight, delay, homDelay, sign } = syn;
  const preTab = st.dPre.table;
  const preRate = st.dPre.rate;
  const cap = st.cap;
  const mask = st.mask;
  for (let src = 0; src < st.nSource; src++) {
    const tPrev = st.lastPre[src];
    if ((tPrev < 0 && !st.preFromZero) || tPrev > step - STALE_STEPS || st.applied[src] >= H) continue;
    const kPrev = st.kPre[src];
    const applied = st.applied[src];
    for (let k = rowStart[src]; k < rowStart[src + 1]; k++) {
      const j = target[k];
      const d = delay === null ? homDelay : delay[k];
      const lo = Math.max(tPrev - d, applied);
      const base = j * cap;
      const hd = st.head[j];
      const n = st.len[j];
      let w = sign * weight[k];
      let changed = false;
      for (let e = 0; e < n; e++) {
        const slot = base + ((hd + e) & mask);
        const tj = st.hStep[slot];
        if (tj > H) break;
        if (tj <= lo) continue;
        w = rule.onPost(w, kPrev * decayFactor(preTab, preRate, tj + d - tPrev), st.h2[slot] - 1);
        changed = true;
      }
      if (changed) weight[k] = sign * w;
    }
    st.applied[src] = H;
  }
}

/**
 * flushStaleSources for a rule with per-synapse parameters: the same updates through onPostAt, with the x each
 * kernel reads (the synapse's own in `kSyn`, else the source's) decayed with the synapse's own tau_plus where
 * given. A run whose values are equal everywhere thus flushes as the shared run does, with the same bits, and a
 * silent source no longer keeps the histories growing. Apart from flushStaleSources so that its loop stays as it is.
 */
function flushStaleSourcesPerSynapse(st: DendriticState, syn: SynapseArrays, rule: StdpRule, step: number): void {
  const H = step - 2 * st.maxDelay - 1;
  const { rowStart, target, weight, delay, homDelay, sign, kSyn, rateOf } = syn;
  const preTab = st.dPre.table;
  const preRate = st.dPre.rate;
  const cap = st.cap;
  const mask = st.mask;
  for (let src = 0; src < st.nSource; src++) {
    const tPrev = st.lastPre[src];
    if ((tPrev < 0 && !st.preFromZero) || tPrev > step - STALE_STEPS || st.applied[src] >= H) continue;
    const kPrev = st.kPre[src];
    const applied = st.applied[src];
    for (let k = rowStart[src]; k < rowStart[src + 1]; k++) {
      const j = target[k];
      const d = delay === null ? homDelay : delay[k];
      const lo = Math.max(tPrev - d, applied);
      const base = j * cap;
      const hd = st.head[j];
      const n = st.len[j];
      const x = kSyn === null ? kPrev : kSyn[k];
      let w = sign * weight[k];
      let changed = false;
      for (let e = 0; e < n; e++) {
        const slot = base + ((hd + e) & mask);
        const tj = st.hStep[slot];
        if (tj > H) break;
        if (tj <= lo) continue;
        const dp = tj + d - tPrev;
        w = rule.onPostAt!(k, w, x * (rateOf === null ? decayFactor(preTab, preRate, dp) : Math.exp(-dp * rateOf[k])), st.h2[slot] - 1);
        changed = true;
      }
      if (changed) weight[k] = sign * w;
    }
    st.applied[src] = H;
  }
}

/**
 * One presynaptic spike of source `src` emitted at step `t`: walk its row once, and for each synapse
 * apply the pending facilitations, the depression, store the weight and scatter it into the ring row
 * of step t + d.
 */
function preSpike(
  st: DendriticState, rule: StdpRule, src: number, t: number,
  rowStart: Uint32Array, target: TargetIndex, weight: Float32Array, delay: Uint16Array | null, homDelay: number,
  sign: number, buf: RingRow, slots: number, nRing: number, decay: typeof decayFactor,
): void {
  const start = rowStart[src];
  const end = rowStart[src + 1];
  const tPrev = st.lastPre[src];
  const hasPrev = tPrev >= 0;
  const kPrev = st.kPre[src];
  const applied = st.applied[src];
  const preTab = st.dPre.table;
  const preRate = st.dPre.rate;
  const postTab = st.dPost.table;
  const postRate = st.dPost.rate;
  const preLen = preTab.length;
  const postLen = postTab.length;
  const homTab = st.dPostHom.table;
  const homRate = st.dPostHom.rate;
  const useHom = homRate !== Infinity;
  const preSlowBefore = hasPrev ? st.kPreSlow[src] * decay(st.dPreSlow.table, st.dPreSlow.rate, t - tPrev) : 0;
  const hasUnpaired = rule.onPostUnpaired !== undefined;
  const cap = st.cap;
  const mask = st.mask;
  const head = st.head;
  const len = st.len;
  const hStep = st.hStep;
  const h1 = st.h1;
  const h2 = st.h2;
  const h3 = st.h3;
  const lastStep = st.lastStep;
  const last1 = st.last1;
  const last3 = st.last3;
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
    const newest = lastStep[j];
    let post: number;
    let hom = 0;
    if (newest < T) {
      // Common case: the neuron has not fired since t - d; its newest entry gives K, no ring access.
      const dk = T - newest;
      post = last1[j] * (dk < postLen ? postTab[dk] : Math.exp(-dk * postRate));
      if (useHom) hom = last3[j] * decay(homTab, homRate, dk);
    } else {
      while (upper >= 0 && hStep[base + ((hd + upper) & mask)] > T) upper--;
      // NEST's get_K_value(t - d): the latest postsynaptic spike strictly before t - d.
      let iK = upper;
      if (iK >= 0 && hStep[base + ((hd + iK) & mask)] === T) iK--;
      if (iK >= 0) {
        const slot = base + ((hd + iK) & mask);
        const dk = T - hStep[slot];
        post = h1[slot] * (dk < postLen ? postTab[dk] : Math.exp(-dk * postRate));
        if (useHom) hom = h3[slot] * decay(homTab, homRate, dk);
      } else {
        const dk = T - st.bStep[j];
        post = st.b1[j] * decay(postTab, postRate, dk);
        if (useHom) hom = st.b3[j] * decay(homTab, homRate, dk);
      }
    }
    // Facilitation by the post spikes of (t_last - d, t - d], oldest first, before the depression.
    if (hasPrev && newest > tPrev - d) {
      const lo = Math.max(tPrev - d, applied);
      let first = upper;
      while (first >= 0 && hStep[base + ((hd + first) & mask)] > lo) first--;
      for (let e = first + 1; e <= upper; e++) {
        const slot = base + ((hd + e) & mask);
        const dp = hStep[slot] + d - tPrev;
        w = rule.onPost(w, kPrev * (dp < preLen ? preTab[dp] : Math.exp(-dp * preRate)), h2[slot] - 1);
      }
    } else if (!hasPrev && (upper >= 0 || st.bStep[j] >= 0)) {
      // NEST's first send still runs facilitate(w, 0) for the earlier post spikes (Kplus is 0): it only
      // clamps w to the rule's bounds, so once is as good as once per post spike.
      w = hasUnpaired ? rule.onPostUnpaired!(w, 0) : rule.onPost(w, 0, 0);
    }
    w = rule.onPre(w, post, preSlowBefore, hom);
    weight[k] = sign * w;
    if (delay !== null) off = ((t + d) % slots) * nRing;
    buf[off + j] += weight[k];
  }
  st.kPre[src] = (hasPrev ? kPrev * decay(preTab, preRate, t - tPrev) : 0) + 1;
  st.kPreSlow[src] = preSlowBefore + 1;
  st.lastPre[src] = t;
}

/**
 * K- (and the rate trace) just before T = t - d for target j, and where T falls in its history: what
 * preSpike computes per synapse, computed here once per target and delivery step.
 */
function queryPost(st: DendriticState, j: number, T: number): void {
  const cap = st.cap;
  const mask = st.mask;
  const base = j * cap;
  const hd = st.head[j];
  const hStep = st.hStep;
  const postTab = st.dPost.table;
  const postRate = st.dPost.rate;
  const postLen = postTab.length;
  const homTab = st.dPostHom.table;
  const homRate = st.dPostHom.rate;
  const useHom = homRate !== Infinity;
  let upper = st.len[j] - 1;
  const newest = st.lastStep[j];
  let post: number;
  let hom = 0;
  let upperStep: number;
  if (newest < T) {
    const dk = T - newest;
    post = st.last1[j] * (dk < postLen ? postTab[dk] : Math.exp(-dk * postRate));
    if (useHom) hom = st.last3[j] * decayFactor(homTab, homRate, dk);
    upperStep = newest;
  } else {
    while (upper >= 0 && hStep[base + ((hd + upper) & mask)] > T) upper--;
    upperStep = upper >= 0 ? hStep[base + ((hd + upper) & mask)] : st.bStep[j];
    // NEST's get_K_value(t - d): the latest postsynaptic spike strictly before t - d.
    let iK = upper;
    if (iK >= 0 && hStep[base + ((hd + iK) & mask)] === T) iK--;
    if (iK >= 0) {
      const slot = base + ((hd + iK) & mask);
      const dk = T - hStep[slot];
      post = st.h1[slot] * (dk < postLen ? postTab[dk] : Math.exp(-dk * postRate));
      if (useHom) hom = st.h3[slot] * decayFactor(homTab, homRate, dk);
    } else {
      const dk = T - st.bStep[j];
      post = st.b1[j] * decayFactor(postTab, postRate, dk);
      if (useHom) hom = st.b3[j] * decayFactor(homTab, homRate, dk);
    }
  }
  st.qStamp[j] = st.qGen;
  st.qUpper[j] = upper;
  st.qUpperStep[j] = upperStep;
  st.qPost[j] = post;
  st.qHom[j] = hom;
}

/**
 * preSpike for a homogeneous delay d, over the synapses of one row from k up to the first target at or past
 * jEnd (rows are sorted by target); returns where it stopped. The same updates in the same order, but the
 * per-target part (K- at t - d, the history position of t - d) comes from the per-step query cache, so the
 * sources firing in one step share it, and a synapse only touches the history when its window holds a post
 * spike. The source's own values (its window start lo, x before this spike) are computed once by the caller.
 */
function preSpikeHomSpan(
  st: DendriticState, rule: StdpRule, k: number, end: number, jEnd: number, target: TargetIndex,
  weight: Float32Array, sign: number, buf: RingRow, off: number, query: typeof queryPost,
  T: number, lo: number, dpOffset: number, hasPrev: boolean, kPrev: number, preSlowBefore: number,
): number {
  const preTab = st.dPre.table;
  const preRate = st.dPre.rate;
  const preLen = preTab.length;
  const hasUnpaired = rule.onPostUnpaired !== undefined;
  const cap = st.cap;
  const mask = st.mask;
  const head = st.head;
  const hStep = st.hStep;
  const h2 = st.h2;
  const gen = st.qGen;
  const qStamp = st.qStamp;
  const qUpper = st.qUpper;
  const qUpperStep = st.qUpperStep;
  const qPost = st.qPost;
  const qHom = st.qHom;
  // The rate trace is 0 when switched off: skip one array stream per synapse for the rules without it.
  const useHom = st.dPostHom.rate !== Infinity;
  for (; k < end; k++) {
    const j = target[k];
    if (j >= jEnd) break;
    if (qStamp[j] !== gen) query(st, j, T);
    let w = sign * weight[k];
    if (qUpperStep[j] > lo) {
      if (hasPrev) {
        // Facilitation by the post spikes of (lo, t - d], oldest first, before the depression.
        const base = j * cap;
        const hd = head[j];
        const upper = qUpper[j];
        let first = upper;
        while (first >= 0 && hStep[base + ((hd + first) & mask)] > lo) first--;
        for (let e = first + 1; e <= upper; e++) {
          const slot = base + ((hd + e) & mask);
          const dp = hStep[slot] + dpOffset;
          w = rule.onPost(w, kPrev * (dp < preLen ? preTab[dp] : Math.exp(-dp * preRate)), h2[slot] - 1);
        }
      } else {
        // NEST's first send still runs facilitate(w, 0) for the earlier post spikes (Kplus is 0): it only
        // clamps w to the rule's bounds, so once is as good as once per post spike.
        w = hasUnpaired ? rule.onPostUnpaired!(w, 0) : rule.onPost(w, 0, 0);
      }
    }
    const nw = Math.fround(sign * rule.onPre(w, qPost[j], preSlowBefore, useHom ? qHom[j] : 0));
    weight[k] = nw;
    buf[off + j] += nw;
  }
  return k;
}

/** preSpikeHomSpan specialised for one rule (kernelFor). */
type HomSpan = typeof preSpikeHomSpan;

/**
 * Targets per tile when a step's spikes are delivered tile by tile (hpc-benchmark's per-target state, about
 * 400 B, times 2048 fits a core's L2), and the smallest population (all ranks) that is.
 */
let tileTargets = 2048;
let tiledFrom = 16384;

/**
 * Tile sizes for batched delivery (tests use small ones): a step's sources go through targets [0, tile), then
 * [tile, 2 tile), ..., for target populations of at least `from` neurons. Applies to runtimes built afterwards.
 */
export function setDendriticTiling(tile: number, from: number): void {
  tileTargets = tile;
  tiledFrom = from;
}

/** A source's values before its spike at t and the window of post spikes it pairs with: what every span of its row reads. */
class SourceWindows {
  cur = new Uint32Array(64);
  end = new Uint32Array(64);
  lo = new Int32Array(64);
  dpOffset = new Int32Array(64);
  kPrev = new Float64Array(64);
  preSlow = new Float64Array(64);

  ensure(n: number): void {
    if (n <= this.cur.length) return;
    const m = 1 << Math.ceil(Math.log2(n));
    this.cur = new Uint32Array(m);
    this.end = new Uint32Array(m);
    this.lo = new Int32Array(m);
    this.dpOffset = new Int32Array(m);
    this.kPrev = new Float64Array(m);
    this.preSlow = new Float64Array(m);
  }

  /** Source `src`'s values for a spike at t into slot q. */
  open(st: DendriticState, q: number, src: number, t: number, d: number, rowStart: Uint32Array): void {
    const tPrev = st.lastPre[src];
    const hasPrev = tPrev >= 0;
    this.cur[q] = rowStart[src];
    this.end[q] = rowStart[src + 1];
    this.preSlow[q] = hasPrev ? st.kPreSlow[src] * decayFactor(st.dPreSlow.table, st.dPreSlow.rate, t - tPrev) : 0;
    // Facilitation window (lo, T]. Without a previous spike lo = -1: any post spike up to T counts (the
    // base entry's step stays -1 while the neuron has never fired).
    this.lo[q] = hasPrev ? Math.max(tPrev - d, st.applied[src]) : -1;
    // dp = t_j + d - t_last, one offset per source.
    this.dpOffset[q] = d - tPrev;
    this.kPrev[q] = st.kPre[src];
  }
}

/** After the whole row: the source's traces take its spike at t. */
function closeSource(st: DendriticState, src: number, t: number, kPrev: number, preSlowBefore: number): void {
  const tPrev = st.lastPre[src];
  const hasPrev = tPrev >= 0;
  st.kPre[src] = (hasPrev ? kPrev * decayFactor(st.dPre.table, st.dPre.rate, t - tPrev) : 0) + 1;
  st.kPreSlow[src] = preSlowBefore + 1;
  st.lastPre[src] = t;
}

/**
 * The spikes srcs[from..to) of one step t through their rows, tile by tile of targets: each tile's per-target
 * state (query cache, histories, ring row) is read by every source of the step while it is still in cache.
 * Each synapse sees the same values as row by row, and each target's ring gets its sources' additions in the
 * same order, so the result is the same bit for bit.
 */
function preSpikesHomTiled(
  st: DendriticState, rule: StdpRule, span: HomSpan, win: SourceWindows, srcs: Int32Array, from: number, to: number,
  t: number, rowStart: Uint32Array, target: TargetIndex, weight: Float32Array, d: number, sign: number, buf: RingRow, off: number, tile: number,
): void {
  const n = to - from;
  win.ensure(n);
  for (let q = 0; q < n; q++) win.open(st, q, srcs[from + q], t, d, rowStart);
  const T = t - d;
  const nTarget = st.nTarget;
  for (let jEnd = Math.min(tile, nTarget); ; jEnd = Math.min(jEnd + tile, nTarget)) {
    for (let q = 0; q < n; q++) {
      const hasPrev = st.lastPre[srcs[from + q]] >= 0;
      win.cur[q] = span(st, rule, win.cur[q], win.end[q], jEnd, target, weight, sign, buf, off, queryPost, T, win.lo[q], win.dpOffset[q], hasPrev, win.kPrev[q], win.preSlow[q]);
    }
    if (jEnd >= nTarget) break;
  }
  for (let q = 0; q < n; q++) closeSource(st, srcs[from + q], t, win.kPrev[q], win.preSlow[q]);
}

/**
 * preSpike for a rule with a pairing scheme (NEST's stdp_nn_*_synapse::send), every delay layout. Per
 * synapse, as NEST: the post spikes of the window (t_last - d, t - d] facilitate with x, all of them or,
 * when x is consumed, the first only (x per synapse when it adds up: `kSyn`, reset after that pairing);
 * then the pre spike depresses with y just before t - d, when y is consumed only if the window held a
 * post spike. A nearest trace's history entries are 1, so y is the latest spike's decay alone.
 */
function preSpikeNearest(
  st: DendriticState, rule: StdpRule, src: number, t: number,
  rowStart: Uint32Array, target: TargetIndex, weight: Float32Array, delay: Uint16Array | null, homDelay: number,
  sign: number, buf: RingRow, slots: number, nRing: number, decay: typeof decayFactor,
  kSyn: Float64Array | null, preConsumed: boolean, postConsumed: boolean,
): void {
  const start = rowStart[src];
  const end = rowStart[src + 1];
  const tPrev = st.lastPre[src];
  // A never-fired source of a rule whose x starts with a spike at t = 0 pairs with that spike (step -1).
  const hasPrev = tPrev >= 0 || st.preFromZero;
  const kPrev = st.kPre[src];
  const applied = st.applied[src];
  const preTab = st.dPre.table;
  const preRate = st.dPre.rate;
  const postTab = st.dPost.table;
  const postRate = st.dPost.rate;
  const homTab = st.dPostHom.table;
  const homRate = st.dPostHom.rate;
  const useHom = homRate !== Infinity;
  const preDecay = hasPrev ? decay(preTab, preRate, t - tPrev) : 0;
  const preSlowBefore = hasPrev ? st.kPreSlow[src] * decay(st.dPreSlow.table, st.dPreSlow.rate, t - tPrev) : 0;
  const hasUnpaired = rule.onPostUnpaired !== undefined;
  const cap = st.cap;
  const mask = st.mask;
  const head = st.head;
  const len = st.len;
  const hStep = st.hStep;
  const h1 = st.h1;
  const h2 = st.h2;
  const h3 = st.h3;
  const bStep = st.bStep;
  let off = ((t + homDelay) % slots) * nRing;
  for (let k = start; k < end; k++) {
    const j = target[k];
    const d = delay === null ? homDelay : delay[k];
    const T = t - d;
    const base = j * cap;
    const hd = head[j];
    let w = sign * weight[k];
    let upper = len[j] - 1;
    while (upper >= 0 && hStep[base + ((hd + upper) & mask)] > T) upper--;
    // NEST's get_K_values(t - d): the latest postsynaptic spike strictly before t - d.
    let iK = upper;
    if (iK >= 0 && hStep[base + ((hd + iK) & mask)] === T) iK--;
    let post: number;
    let hom = 0;
    if (iK >= 0) {
      const slot = base + ((hd + iK) & mask);
      const dk = T - hStep[slot];
      post = h1[slot] * decay(postTab, postRate, dk);
      if (useHom) hom = h3[slot] * decay(homTab, homRate, dk);
    } else {
      const dk = T - bStep[j];
      post = st.b1[j] * decay(postTab, postRate, dk);
      if (useHom) hom = st.b3[j] * decay(homTab, homRate, dk);
    }
    const lo = hasPrev ? Math.max(tPrev - d, applied) : -1;
    let first = upper;
    while (first >= 0 && hStep[base + ((hd + first) & mask)] > lo) first--;
    // Entries folded into the base entry are in the window only for a source that never fired.
    const inWindow = first < upper || (!hasPrev && bStep[j] >= 0);
    if (inWindow) {
      if (hasPrev) {
        const x = kSyn === null ? kPrev : kSyn[k];
        const last = preConsumed ? first + 1 : upper;
        for (let e = first + 1; e <= last; e++) {
          const slot = base + ((hd + e) & mask);
          w = rule.onPost(w, x * decay(preTab, preRate, hStep[slot] + d - tPrev), h2[slot] - 1);
        }
      } else {
        w = hasUnpaired ? rule.onPostUnpaired!(w, 0) : rule.onPost(w, 0, 0);
      }
    }
    if (!postConsumed || inWindow) w = rule.onPre(w, post, preSlowBefore, hom);
    weight[k] = sign * w;
    if (kSyn !== null) kSyn[k] = (preConsumed && inWindow ? 0 : kSyn[k]) * preDecay + 1;
    if (delay !== null) off = ((t + d) % slots) * nRing;
    buf[off + j] += weight[k];
  }
  st.kPre[src] = st.nearestPre ? 1 : (hasPrev ? kPrev * preDecay : 0) + 1;
  st.kPreSlow[src] = st.nearestPreSlow ? 1 : preSlowBefore + 1;
  st.lastPre[src] = t;
}

/**
 * preSpike for a rule with per-synapse parameters (NEST's stdp_synapse, whose parameters live in each
 * connection), every delay layout: x per synapse (`kSyn`, NEST's Kplus) decaying with the synapse's own
 * tau_plus (rate dt / tau), y from the target's history; updates in NEST's order, through onPostAt / onPreAt.
 */
function preSpikePerSynapse(
  st: DendriticState, rule: StdpRule, src: number, t: number,
  rowStart: Uint32Array, target: TargetIndex, weight: Float32Array, delay: Uint16Array | null, homDelay: number,
  sign: number, buf: RingRow, slots: number, nRing: number, decay: typeof decayFactor,
  kSyn: Float64Array, rateOf: Float64Array | null,
): void {
  const start = rowStart[src];
  const end = rowStart[src + 1];
  const tPrev = st.lastPre[src];
  const hasPrev = tPrev >= 0;
  const applied = st.applied[src];
  const sharedRate = st.dPre.rate;
  const postTab = st.dPost.table;
  const postRate = st.dPost.rate;
  const cap = st.cap;
  const mask = st.mask;
  const head = st.head;
  const len = st.len;
  const hStep = st.hStep;
  const h1 = st.h1;
  const bStep = st.bStep;
  let off = ((t + homDelay) % slots) * nRing;
  for (let k = start; k < end; k++) {
    const j = target[k];
    const d = delay === null ? homDelay : delay[k];
    const T = t - d;
    const base = j * cap;
    const hd = head[j];
    const rate = rateOf === null ? sharedRate : rateOf[k];
    let w = sign * weight[k];
    let upper = len[j] - 1;
    while (upper >= 0 && hStep[base + ((hd + upper) & mask)] > T) upper--;
    // NEST's get_K_value(t - d): the latest postsynaptic spike strictly before t - d.
    let iK = upper;
    if (iK >= 0 && hStep[base + ((hd + iK) & mask)] === T) iK--;
    const post = iK >= 0
      ? h1[base + ((hd + iK) & mask)] * decay(postTab, postRate, T - hStep[base + ((hd + iK) & mask)])
      : st.b1[j] * decay(postTab, postRate, T - bStep[j]);
    if (hasPrev) {
      const lo = Math.max(tPrev - d, applied);
      let first = upper;
      while (first >= 0 && hStep[base + ((hd + first) & mask)] > lo) first--;
      const x = kSyn[k];
      for (let e = first + 1; e <= upper; e++) {
        // The slow traces are off for the rules of this kernel (x2, y2 are 0).
        w = rule.onPostAt!(k, w, x * Math.exp(-(hStep[base + ((hd + e) & mask)] + d - tPrev) * rate), 0);
      }
    } else if (upper >= 0 || bStep[j] >= 0) {
      // NEST's first send runs facilitate(w, 0) (Kplus is 0): a clamp, once as good as once per post spike.
      w = rule.onPostAt!(k, w, 0, 0);
    }
    w = rule.onPreAt!(k, w, post, 0);
    weight[k] = sign * w;
    kSyn[k] = hasPrev ? kSyn[k] * Math.exp(-(t - tPrev) * rate) + 1 : 1;
    if (delay !== null) off = ((t + d) % slots) * nRing;
    buf[off + j] += weight[k];
  }
  st.lastPre[src] = t;
}

/**
 * preSpikeNearest for a rule with per-synapse parameters (NEST's stdp_nn_*_synapse keep them in each
 * connection), every delay layout: the same pairing and order, through onPostAt / onPreAt. x decays with the
 * synapse's own tau_plus when `rateOf` is given (rate dt / tau), else with the shared one; a nearest x is the
 * source's (1 at its latest spike), one that adds up lives in `kSyn`. Kept apart from preSpikeNearest so that
 * the shared-parameter kernel stays as it is.
 */
function preSpikeNearestPerSynapse(
  st: DendriticState, rule: StdpRule, src: number, t: number,
  rowStart: Uint32Array, target: TargetIndex, weight: Float32Array, delay: Uint16Array | null, homDelay: number,
  sign: number, buf: RingRow, slots: number, nRing: number, decay: typeof decayFactor,
  kSyn: Float64Array | null, rateOf: Float64Array | null, preConsumed: boolean, postConsumed: boolean,
): void {
  const start = rowStart[src];
  const end = rowStart[src + 1];
  const tPrev = st.lastPre[src];
  // A never-fired source of a rule whose x starts with a spike at t = 0 pairs with that spike (step -1).
  const hasPrev = tPrev >= 0 || st.preFromZero;
  const kPrev = st.kPre[src];
  const applied = st.applied[src];
  const preTab = st.dPre.table;
  const preRate = st.dPre.rate;
  const preLen = preTab.length;
  const postTab = st.dPost.table;
  const postRate = st.dPost.rate;
  // With a shared tau_plus every synapse of the row decays x by the same factor since the last pre spike.
  const preDecay = hasPrev ? decay(preTab, preRate, t - tPrev) : 0;
  const cap = st.cap;
  const mask = st.mask;
  const head = st.head;
  const len = st.len;
  const hStep = st.hStep;
  const h1 = st.h1;
  const bStep = st.bStep;
  let off = ((t + homDelay) % slots) * nRing;
  for (let k = start; k < end; k++) {
    const j = target[k];
    const d = delay === null ? homDelay : delay[k];
    const T = t - d;
    const base = j * cap;
    const hd = head[j];
    let w = sign * weight[k];
    let upper = len[j] - 1;
    while (upper >= 0 && hStep[base + ((hd + upper) & mask)] > T) upper--;
    // NEST's get_K_values(t - d): the latest postsynaptic spike strictly before t - d.
    let iK = upper;
    if (iK >= 0 && hStep[base + ((hd + iK) & mask)] === T) iK--;
    const post = iK >= 0
      ? h1[base + ((hd + iK) & mask)] * decay(postTab, postRate, T - hStep[base + ((hd + iK) & mask)])
      : st.b1[j] * decay(postTab, postRate, T - bStep[j]);
    const lo = hasPrev ? Math.max(tPrev - d, applied) : -1;
    let first = upper;
    while (first >= 0 && hStep[base + ((hd + first) & mask)] > lo) first--;
    // Entries folded into the base entry are in the window only for a source that never fired.
    const inWindow = first < upper || (!hasPrev && bStep[j] >= 0);
    if (inWindow) {
      if (hasPrev) {
        const x = kSyn === null ? kPrev : kSyn[k];
        const last = preConsumed ? first + 1 : upper;
        for (let e = first + 1; e <= last; e++) {
          // exp(-dp rate) is what the decay table holds, so a tau_plus equal everywhere gives the shared bits.
          const dp = hStep[base + ((hd + e) & mask)] + d - tPrev;
          w = rule.onPostAt!(k, w, x * (rateOf === null ? (dp < preLen ? preTab[dp] : Math.exp(-dp * preRate)) : Math.exp(-dp * rateOf[k])), 0);
        }
      } else {
        // NEST's first send runs facilitate(w, 0) (Kplus is 0): a clamp, once as good as once per post spike.
        w = rule.onPostAt!(k, w, 0, 0);
      }
    }
    if (!postConsumed || inWindow) w = rule.onPreAt!(k, w, post, 0);
    weight[k] = sign * w;
    if (kSyn !== null) {
      const kDecay = rateOf === null || !hasPrev ? preDecay : Math.exp(-(t - tPrev) * rateOf[k]);
      kSyn[k] = (preConsumed && inWindow ? 0 : kSyn[k]) * kDecay + 1;
    }
    if (delay !== null) off = ((t + d) % slots) * nRing;
    buf[off + j] += weight[k];
  }
  st.kPre[src] = st.nearestPre ? 1 : (hasPrev ? kPrev * preDecay : 0) + 1;
  st.lastPre[src] = t;
}

/**
 * preSpikePerSynapse for a rule with slow traces (NEST's stdp_triplet_synapse, whose parameters and Kplus,
 * Kplus_triplet live in each connection), every delay layout: the post spikes of (t_last - d, t - d]
 * facilitate with x and y2 just before each, then the pre spike depresses with y just before t - d and x2
 * just before t, through onPostAt / onPreAt. x lives per synapse only with its own tau_plus (`kSyn`,
 * `rateOf`), x2 only with its own tau_plus_triplet (`kSynSlow`, `slowRateOf`); otherwise they are the
 * source's, as in preSpike, whose updates and order this keeps.
 */
function preSpikeSlowPerSynapse(
  st: DendriticState, rule: StdpRule, src: number, t: number,
  rowStart: Uint32Array, target: TargetIndex, weight: Float32Array, delay: Uint16Array | null, homDelay: number,
  sign: number, buf: RingRow, slots: number, nRing: number, decay: typeof decayFactor,
  kSyn: Float64Array | null, rateOf: Float64Array | null, kSynSlow: Float64Array | null, slowRateOf: Float64Array | null,
): void {
  const start = rowStart[src];
  const end = rowStart[src + 1];
  const tPrev = st.lastPre[src];
  const hasPrev = tPrev >= 0;
  const kPrev = st.kPre[src];
  const applied = st.applied[src];
  const preTab = st.dPre.table;
  const preRate = st.dPre.rate;
  const preLen = preTab.length;
  const postTab = st.dPost.table;
  const postRate = st.dPost.rate;
  // The source's x2 just before t, for the synapses that share tau_plus_triplet.
  const preSlowBefore = hasPrev ? st.kPreSlow[src] * decay(st.dPreSlow.table, st.dPreSlow.rate, t - tPrev) : 0;
  const cap = st.cap;
  const mask = st.mask;
  const head = st.head;
  const len = st.len;
  const hStep = st.hStep;
  const h1 = st.h1;
  const h2 = st.h2;
  const bStep = st.bStep;
  let off = ((t + homDelay) % slots) * nRing;
  for (let k = start; k < end; k++) {
    const j = target[k];
    const d = delay === null ? homDelay : delay[k];
    const T = t - d;
    const base = j * cap;
    const hd = head[j];
    let w = sign * weight[k];
    let upper = len[j] - 1;
    while (upper >= 0 && hStep[base + ((hd + upper) & mask)] > T) upper--;
    // NEST's get_K_value(t - d): the latest postsynaptic spike strictly before t - d.
    let iK = upper;
    if (iK >= 0 && hStep[base + ((hd + iK) & mask)] === T) iK--;
    const post = iK >= 0
      ? h1[base + ((hd + iK) & mask)] * decay(postTab, postRate, T - hStep[base + ((hd + iK) & mask)])
      : st.b1[j] * decay(postTab, postRate, T - bStep[j]);
    if (hasPrev) {
      const lo = Math.max(tPrev - d, applied);
      let first = upper;
      while (first >= 0 && hStep[base + ((hd + first) & mask)] > lo) first--;
      const x = kSyn === null ? kPrev : kSyn[k];
      for (let e = first + 1; e <= upper; e++) {
        const slot = base + ((hd + e) & mask);
        // exp(-dp rate) is what the decay table holds, so a tau_plus equal everywhere gives the shared bits.
        const dp = hStep[slot] + d - tPrev;
        w = rule.onPostAt!(k, w, x * (rateOf === null ? (dp < preLen ? preTab[dp] : Math.exp(-dp * preRate)) : Math.exp(-dp * rateOf[k])), h2[slot] - 1);
      }
    } else if (upper >= 0 || bStep[j] >= 0) {
      // NEST's first send runs facilitate(w, 0, ky) (Kplus is 0): a clamp, once as good as once per post spike.
      w = rule.onPostAt!(k, w, 0, 0);
    }
    const slowBefore = kSynSlow === null ? preSlowBefore : hasPrev ? kSynSlow[k] * Math.exp(-(t - tPrev) * slowRateOf![k]) : 0;
    w = rule.onPreAt!(k, w, post, slowBefore);
    weight[k] = sign * w;
    if (kSyn !== null) kSyn[k] = hasPrev ? kSyn[k] * Math.exp(-(t - tPrev) * rateOf![k]) + 1 : 1;
    if (kSynSlow !== null) kSynSlow[k] = slowBefore + 1;
    if (delay !== null) off = ((t + d) % slots) * nRing;
    buf[off + j] += weight[k];
  }
  st.kPre[src] = (hasPrev ? kPrev * decay(preTab, preRate, t - tPrev) : 0) + 1;
  st.kPreSlow[src] = preSlowBefore + 1;
  st.lastPre[src] = t;
}

const dendriticRuntime = (info: ProjectionInfo, rule: StdpRule, where: string): SynapseRuntime => {
  // Traces that fit no slot live in arrays by trace id, with kernels of their own (general.ts).
  if (rule.generalTraces) return generalRuntime(info, rule, where);
  const t = info.table;
  const pt = plasticTarget(info, where);
  const st = new DendriticState(t.sourceCount, info.target.localCount, pt.maxDelay, rule, info.dt);
  const { weight, sign, buf, ring } = pt;
  const meanRow = t.sourceCount > 0 ? t.count / t.sourceCount : 0;
  const preSpikeRule = kernelFor(preSpike, rule);
  const homSpan = kernelFor(preSpikeHomSpan, rule);
  const windows = new SourceWindows();
  const one = new Int32Array(1);
  const pairing = rule.pairing;
  const perSynapse = rule.onPostAt !== undefined && rule.onPreAt !== undefined;
  // The per-synapse kernels pass x and y, and x2 and y2 when the rule has them (all to all only); z never.
  const slow = rule.tauPreSlow > 0 || rule.tauPostSlow > 0;
  const perNames = Object.keys(t.params ?? {});
  const perWhat = perNames[0] ?? 'onPostAt / onPreAt';
  const perValue = perNames.length > 0 ? `given per synapse (${perNames.join(', ')})` : 'per-synapse methods';
  if (perSynapse && rule.tauPostHom > 0) throw new ParameterError(where, perWhat, perValue, 'one value per projection for a rule with the postsynaptic rate trace z: no per-synapse kernel passes it');
  if (perSynapse && pairing && slow) throw new ParameterError(where, perWhat, perValue, `one value per projection for a rule with ${pairing.reason} and slow traces: the nearest-neighbour per-synapse kernel passes x and y only`);
  // x lives per synapse when it adds up but pairs once (NEST's stdp_nn_pre_centered_synapse Kplus), or, all to
  // all, decays with per-synapse parameters: always for a pair rule, whose kernel keeps it so, and for a rule
  // with slow traces only with its own tau_plus. A nearest x is 1 at the source's latest spike: it stays per
  // source, whatever the synapse's tau_plus (applied when it is read). x2 is per synapse with its own tau.
  const kSyn = (perSynapse && !pairing && (!slow || rule.tauPreOf)) || (pairing && pairing.preConsumed && !pairing.nearestPre) ? new Float64Array(t.count) : null;
  const kSynSlow = perSynapse && slow && rule.tauPreSlowOf ? new Float64Array(t.count) : null;
  const preSpikeNearestRule = pairing && !perSynapse ? kernelFor(preSpikeNearest, rule) : null;
  const preSpikeNearestPerSynapseRule = pairing && perSynapse ? kernelFor(preSpikeNearestPerSynapse, rule) : null;
  const preSpikePerSynapseRule = perSynapse && !pairing && !slow ? kernelFor(preSpikePerSynapse, rule) : null;
  const preSpikeSlowPerSynapseRule = perSynapse && slow ? kernelFor(preSpikeSlowPerSynapse, rule) : null;
  const rates = (tau: Float64Array | null | undefined): Float64Array | null => {
    if (!tau) return null;
    const r = new Float64Array(t.count);
    for (let k = 0; k < t.count; k++) r[k] = info.dt / tau[k];
    return r;
  };
  const rateOf = rates(rule.tauPreOf);
  const slowRateOf = kSynSlow ? rates(rule.tauPreSlowOf) : null;
  const syn: SynapseArrays = { rowStart: t.rowStart, target: t.target, weight, delay: t.delay, homDelay: t.homDelay, sign, perSynapse, kSyn, rateOf };
  // The first `count` spikes of a delivery step (homogeneous delay): a new query generation per step.
  const beginStep = (step: number, count: number): void => {
    if (step !== st.qStep) {
      // A cached query costs a few stores; worth it when the previous step's spikes asked each
      // target three times or more (hpc-benchmark: ~10x; sparse CUBA: 0.05x, where the direct kernel
      // wins; about 2x is break-even).
      st.qUse = st.qCount * meanRow >= 3 * st.nTarget;
      st.qCount = 0;
      st.qStep = step;
      st.qGen++;
    }
    st.qCount += count;
  };
  // A population too large for its per-target state to stay in cache takes a slice's spikes at once and
  // delivers each step's tile by tile of targets (the rule kernels without per-synapse or pairing state).
  // Decided on the whole population, not this rank's part: every rank then propagates the same way, as
  // batches move additions of other projections into a shared ring channel (and so their rounding).
  const tiled = t.delay === null && !perSynapse && !pairing && info.target.size >= tiledFrom;
  const tile = tileTargets;
  const batch = (srcs: Int32Array, steps: Int32Array, count: number): void => {
    for (let i = 0; i < count; ) {
      const step = steps[i];
      let e = i + 1;
      while (e < count && steps[e] === step) e++;
      beginStep(step, e - i);
      if (st.qUse) preSpikesHomTiled(st, rule, homSpan, windows, srcs, i, e, step, t.rowStart, t.target, weight, t.homDelay, sign, buf, ((step + t.homDelay) % ring.slots) * ring.n, tile);
      else for (let q = i; q < e; q++) preSpikeRule(st, rule, srcs[q], step, t.rowStart, t.target, weight, null, t.homDelay, sign, buf, ring.slots, ring.n, decayFactor);
      i = e;
    }
  };
  return {
    deliver: preSpikePerSynapseRule !== null
      ? (src: number, step: number): void => {
          preSpikePerSynapseRule(st, rule, src, step, t.rowStart, t.target, weight, t.delay, t.homDelay, sign, buf, ring.slots, ring.n, decayFactor, kSyn!, rateOf);
        }
      : preSpikeSlowPerSynapseRule !== null
      ? (src: number, step: number): void => {
          preSpikeSlowPerSynapseRule(st, rule, src, step, t.rowStart, t.target, weight, t.delay, t.homDelay, sign, buf, ring.slots, ring.n, decayFactor, kSyn, rateOf, kSynSlow, slowRateOf);
        }
      : preSpikeNearestPerSynapseRule !== null
      ? (src: number, step: number): void => {
          preSpikeNearestPerSynapseRule(st, rule, src, step, t.rowStart, t.target, weight, t.delay, t.homDelay, sign, buf, ring.slots, ring.n, decayFactor, kSyn, rateOf, pairing!.preConsumed, pairing!.postConsumed);
        }
      : preSpikeNearestRule !== null
      ? (src: number, step: number): void => {
          preSpikeNearestRule(st, rule, src, step, t.rowStart, t.target, weight, t.delay, t.homDelay, sign, buf, ring.slots, ring.n, decayFactor, kSyn, pairing!.preConsumed, pairing!.postConsumed);
        }
      : (src: number, step: number): void => {
          if (t.delay === null) {
            beginStep(step, 1);
            one[0] = src;
            if (st.qUse) preSpikesHomTiled(st, rule, homSpan, windows, one, 0, 1, step, t.rowStart, t.target, weight, t.homDelay, sign, buf, ((step + t.homDelay) % ring.slots) * ring.n, st.nTarget);
            else preSpikeRule(st, rule, src, step, t.rowStart, t.target, weight, null, t.homDelay, sign, buf, ring.slots, ring.n, decayFactor);
          } else {
            preSpikeRule(st, rule, src, step, t.rowStart, t.target, weight, t.delay, t.homDelay, sign, buf, ring.slots, ring.n, decayFactor);
          }
        },
    onPostSpikes(spikes: Int32Array, count: number, step: number): void {
      if (count > 0) {
        recordPostSpikes(st, syn, rule, spikes, count, step);
        // The histories changed: every cached query is stale.
        st.qGen++;
        st.qStep = -(2 ** 30);
      }
    },
    bytesPerSynapse: () =>
      t.target.BYTES_PER_ELEMENT + weight.BYTES_PER_ELEMENT + (t.delay ? t.delay.BYTES_PER_ELEMENT : 0) + (kSyn ? 8 : 0) + (rateOf ? 8 : 0) + (kSynSlow ? 8 : 0) + (slowRateOf ? 8 : 0) + 8 * Object.keys(t.params ?? {}).length,
    weights: () => weight.slice(),
    // One weight without copying the table (weight recorders read it per transmission or sample).
    capabilities: { weightAt: (k: number) => weight[k], ...(tiled ? { batch } : {}) },
    neuronBytes: () => st.neuronBytes,
    // The weights and the traces; targets and delays are rebuilt from the spec.
    saveState: () => ({ weight, traces: st.saveState(), ...(kSyn ? { kSyn } : {}), ...(kSynSlow ? { kSynSlow } : {}) }),
    loadState(s: SavedState) {
      restoreArray(s, 'weight', weight, where);
      if (kSyn) restoreArray(s, 'kSyn', kSyn, where);
      if (kSynSlow) restoreArray(s, 'kSynSlow', kSynSlow, where);
      st.loadState(savedRecord(s, 'traces', where));
    },
  };
};

export const dendriticHandler: DelayHandler = Object.assign(dendriticRuntime, { runsPairing: true, runsPerSynapse: true, runsGeneralTraces: true });
