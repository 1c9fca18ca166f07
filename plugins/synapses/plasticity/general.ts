import { ParameterError } from '../../../core/errors.js';
import type { ProjectionInfo, SynapseRuntime, TargetIndex } from '../../../core/plugin.js';
import type { RingRow } from '../../../core/ringbuffer.js';
import type { SavedState } from '../../../core/contracts/base.js';
import { CheckpointError, restoreArray, savedArray, savedNumber, savedRecord } from '../../../core/saved-state.js';
import type { StdpRule } from './rule.js';
import type { TraceSpec } from './timing/types.js';
import { plasticTarget } from './handler.js';
import { kernelFor } from './specialise.js';
import { DecayTable } from './decay.js';

/**
 * The dendritic handler's general trace path: any number of all-to-all exponential traces, each with its
 * own time constant and increment, kept in arrays indexed by trace id (the position in the rule's
 * generalTraces). NEST's delay semantics as in dendritic.ts: a presynaptic spike at t with delay d first
 * applies, in order, the postsynaptic spikes of (t_last − d, t − d] (potentiateAt, one call per post spike),
 * then its depression with the post traces just before t − d (depressAt), then transmits the new weight.
 *
 * Pre traces live per source neuron, `pre[src·nPre + p]`, their value right after the source's last spike;
 * post traces per target neuron in a history of its spikes holding each post trace's value right after
 * each spike, `hist[slot·nPost + q]` (NEST's ArchivingNode, one column per trace). Every value handed to
 * the rule is the trace just before the spike that reads it: a pre trace decayed from the source's last
 * spike, a post trace read at a post spike as its entry minus the increment, one read at a pre spike as
 * the latest entry strictly before t − d, decayed. The history is pruned, grown and flushed as the slot
 * path's (dendritic.ts): for traces that fit the slots both paths compute the same bits.
 */
export class GeneralState {
  readonly nPre: number;
  readonly nPost: number;
  /** Trace id of each pre trace p and each post trace q, and their dt / tau and increments. */
  readonly preIds: Int32Array;
  readonly postIds: Int32Array;
  readonly preRate: Float64Array;
  readonly postRate: Float64Array;
  readonly preInc: Float64Array;
  readonly postInc: Float64Array;
  /** exp(−k·rate) for the first step counts, per pre and post trace (DecayTable: the bits of the exp it replaces). */
  readonly preTab: Float64Array[];
  readonly postTab: Float64Array[];
  /** Every trace's value just before the spike being applied, by trace id: what the rule reads. */
  readonly values: Float64Array;
  /** Pre traces just before the current presynaptic spike (one per pre trace, shared by its row). */
  readonly preBefore: Float64Array;
  readonly lastPre: Int32Array;
  /** Post spikes up to this step are already applied to the source's synapses (flushStaleSources). */
  readonly applied: Int32Array;
  readonly pre: Float64Array;
  cap = 8;
  mask = 7;
  readonly head: Int32Array;
  readonly len: Int32Array;
  hStep: Int32Array;
  hist: Float64Array;
  /** The latest entry dropped from the history (step −1 and zero traces before any spike). */
  readonly bStep: Int32Array;
  readonly base: Float64Array;
  horizon = -1;
  horizonAt = -(2 ** 30);

  constructor(readonly nSource: number, readonly nTarget: number, readonly maxDelay: number, traces: readonly TraceSpec[], dt: number) {
    const pre = traces.map((t, id) => ({ t, id })).filter((e) => e.t.side === 'pre');
    const post = traces.map((t, id) => ({ t, id })).filter((e) => e.t.side === 'post');
    this.nPre = pre.length;
    this.nPost = post.length;
    this.preIds = Int32Array.from(pre, (e) => e.id);
    this.postIds = Int32Array.from(post, (e) => e.id);
    this.preRate = Float64Array.from(pre, (e) => dt / e.t.tau);
    this.postRate = Float64Array.from(post, (e) => dt / e.t.tau);
    this.preInc = Float64Array.from(pre, (e) => e.t.increment ?? 1);
    this.postInc = Float64Array.from(post, (e) => e.t.increment ?? 1);
    this.preTab = pre.map((e) => new DecayTable(dt, e.t.tau).table);
    this.postTab = post.map((e) => new DecayTable(dt, e.t.tau).table);
    this.values = new Float64Array(traces.length);
    this.preBefore = new Float64Array(this.nPre);
    this.lastPre = new Int32Array(nSource).fill(-1);
    this.applied = new Int32Array(nSource).fill(-(2 ** 30));
    this.pre = new Float64Array(nSource * this.nPre);
    this.head = new Int32Array(nTarget);
    this.len = new Int32Array(nTarget);
    this.hStep = new Int32Array(nTarget * this.cap);
    this.hist = new Float64Array(nTarget * this.cap * this.nPost);
    this.bStep = new Int32Array(nTarget).fill(-1);
    this.base = new Float64Array(nTarget * this.nPost);
  }

  /** Per-neuron bytes (traces and histories). */
  get neuronBytes(): number {
    return this.nSource * (8 + 8 * this.nPre) + this.nTarget * (12 + 8 * this.nPost + this.cap * (4 + 8 * this.nPost));
  }

  saveState(): SavedState {
    const s: Record<string, SavedState[string]> = {};
    for (const k of GENERAL_ARRAYS) s[k] = this[k];
    for (const k of GENERAL_NUMBERS) s[k] = this[k];
    return s;
  }

  loadState(s: SavedState): void {
    const where = 'dendritic plasticity (general trace path)';
    const cap = savedNumber(s, 'cap', where);
    if (!Number.isInteger(cap) || cap < 1 || (cap & (cap - 1)) !== 0) throw new CheckpointError(`${where}: saved history capacity ${cap} is not a power of two`);
    if (cap !== this.cap) {
      this.hStep = savedArray(s, 'hStep', Int32Array, where, this.nTarget * cap).slice();
      this.hist = savedArray(s, 'hist', Float64Array, where, this.nTarget * cap * this.nPost).slice();
    }
    for (const k of GENERAL_ARRAYS) restoreArray(s, k, this[k], where);
    for (const k of GENERAL_NUMBERS) this[k] = savedNumber(s, k, where);
  }

  /** Double every ring, keeping each neuron's entries in order from slot 0. */
  grow(): void {
    const cap = this.cap * 2;
    const nq = this.nPost;
    const hStep = new Int32Array(this.nTarget * cap);
    const hist = new Float64Array(this.nTarget * cap * nq);
    for (let j = 0; j < this.nTarget; j++) {
      for (let i = 0; i < this.len[j]; i++) {
        const from = j * this.cap + ((this.head[j] + i) & this.mask);
        const to = j * cap + i;
        hStep[to] = this.hStep[from];
        for (let q = 0; q < nq; q++) hist[to * nq + q] = this.hist[from * nq + q];
      }
      this.head[j] = 0;
    }
    this.cap = cap;
    this.mask = cap - 1;
    this.hStep = hStep;
    this.hist = hist;
  }

  /** As DendriticState.updateHorizon: entries at or before it are out of every window and query still to come. */
  updateHorizon(step: number): void {
    if (step - this.horizonAt < 100) return;
    let minBound = 2 ** 30;
    for (let s = 0; s < this.nSource; s++) {
      const v = this.lastPre[s];
      if (v < 0) continue;
      const b = Math.max(v - this.maxDelay, this.applied[s]);
      if (b < minBound) minBound = b;
    }
    this.horizon = Math.min(minBound, step - 2 * this.maxDelay - 1);
    this.horizonAt = step;
  }

  /** Fold entries at or before the horizon into the base entry. */
  prune(j: number): void {
    const nq = this.nPost;
    while (this.len[j] > 0) {
      const slot = j * this.cap + (this.head[j] & this.mask);
      if (this.hStep[slot] > this.horizon) break;
      this.bStep[j] = this.hStep[slot];
      for (let q = 0; q < nq; q++) this.base[j * nq + q] = this.hist[slot * nq + q];
      this.head[j] = (this.head[j] + 1) & this.mask;
      this.len[j]--;
    }
  }
}

const GENERAL_ARRAYS = ['lastPre', 'applied', 'pre', 'head', 'len', 'hStep', 'hist', 'bStep', 'base'] as const satisfies readonly (keyof GeneralState)[];
const GENERAL_NUMBERS = ['cap', 'mask', 'horizon', 'horizonAt'] as const satisfies readonly (keyof GeneralState)[];

/** As in dendritic.ts: histories grow to this many entries before silent sources are flushed. */
const FLUSH_FROM_CAP = 32;
const STALE_STEPS = 1000;

/**
 * The general path's checks of a rule's traces: all-to-all exponential ones with a time constant > 0,
 * a finite increment and no initial value; nearest-neighbour and consumed traces run on the slots only.
 */
export function checkGeneralTraces(traces: readonly TraceSpec[], where: string): void {
  for (const t of traces) {
    const what = `trace '${t.name}'`;
    if (t.side !== 'pre' && t.side !== 'post') throw new ParameterError(where, `${what} side`, t.side, "'pre' or 'post'");
    if (t.readAt !== 'pre' && t.readAt !== 'post') throw new ParameterError(where, `${what} readAt`, t.readAt, "'pre' or 'post'");
    if (!(t.tau > 0) || !Number.isFinite(t.tau)) throw new ParameterError(where, `${what} time constant`, t.tau, 'a finite time constant > 0 ms');
    const inc = t.increment ?? 1;
    if (!Number.isFinite(inc)) throw new ParameterError(where, `${what} increment`, inc, 'a finite number');
    if ((t.pairing ?? 'all-to-all') !== 'all-to-all') {
      throw new ParameterError(where, `${what} pairing`, t.pairing, "'all-to-all' on the general trace path (nearest-neighbour pairing runs on the five slots only: x, y and the z rate trace)");
    }
    if (t.consumed) throw new ParameterError(where, `${what} consumed`, true, 'false on the general trace path (consumed traces run on the slots x and y only)');
    if ((t.initial ?? 0) !== 0) throw new ParameterError(where, `${what} initial value`, t.initial, '0 on the general trace path (an initial value runs on the slots x and z only)');
  }
}

/** The projection's synapse arrays. */
interface SynapseArrays {
  rowStart: Uint32Array;
  target: TargetIndex;
  weight: Float32Array;
  delay: Uint16Array | null;
  homDelay: number;
  sign: number;
}

/**
 * One presynaptic spike of `src` at step `t` on the general path: for each synapse of its row, the
 * facilitations of the window, the depression, the store and the scatter into the ring row of t + d.
 * Self-contained (kernelFor copies it per rule).
 */
function generalPreSpike(
  st: GeneralState, rule: StdpRule, src: number, t: number,
  rowStart: Uint32Array, target: TargetIndex, weight: Float32Array, delay: Uint16Array | null, homDelay: number,
  sign: number, buf: RingRow, slots: number, nRing: number,
): void {
  const start = rowStart[src];
  const end = rowStart[src + 1];
  const tPrev = st.lastPre[src];
  const hasPrev = tPrev >= 0;
  const applied = st.applied[src];
  const nPre = st.nPre;
  const nPost = st.nPost;
  const preIds = st.preIds;
  const postIds = st.postIds;
  const preRate = st.preRate;
  const postRate = st.postRate;
  const postInc = st.postInc;
  const preTab = st.preTab;
  const postTab = st.postTab;
  const v = st.values;
  const pre = st.pre;
  const pb = src * nPre;
  const preBefore = st.preBefore;
  for (let p = 0; p < nPre; p++) {
    const dk = t - tPrev;
    const tab = preTab[p];
    preBefore[p] = hasPrev ? pre[pb + p] * (dk < tab.length ? tab[dk] : Math.exp(-dk * preRate[p])) : 0;
  }
  const cap = st.cap;
  const mask = st.mask;
  const head = st.head;
  const len = st.len;
  const hStep = st.hStep;
  const hist = st.hist;
  const bStep = st.bStep;
  const baseVals = st.base;
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
    if (hasPrev) {
      // Facilitation by the post spikes of (t_last − d, t − d], oldest first.
      const lo = Math.max(tPrev - d, applied);
      let first = upper;
      while (first >= 0 && hStep[base + ((hd + first) & mask)] > lo) first--;
      for (let e = first + 1; e <= upper; e++) {
        const slot = base + ((hd + e) & mask);
        const dp = hStep[slot] + d - tPrev;
        for (let p = 0; p < nPre; p++) {
          const tab = preTab[p];
          v[preIds[p]] = pre[pb + p] * (dp < tab.length ? tab[dp] : Math.exp(-dp * preRate[p]));
        }
        for (let q = 0; q < nPost; q++) v[postIds[q]] = hist[slot * nPost + q] - postInc[q];
        w = rule.potentiateAt!(w, v);
      }
    } else if (upper >= 0 || bStep[j] >= 0) {
      // NEST's first send runs the facilitation with every trace 0: a clamp, once as good as once per post spike.
      v.fill(0);
      w = rule.potentiateAt!(w, v);
    }
    // Depression: pre traces just before t, post traces just before t − d (the latest spike strictly before).
    for (let p = 0; p < nPre; p++) v[preIds[p]] = preBefore[p];
    let iK = upper;
    if (iK >= 0 && hStep[base + ((hd + iK) & mask)] === T) iK--;
    if (iK >= 0) {
      const slot = base + ((hd + iK) & mask);
      const dk = T - hStep[slot];
      for (let q = 0; q < nPost; q++) {
        const tab = postTab[q];
        v[postIds[q]] = hist[slot * nPost + q] * (dk < tab.length ? tab[dk] : Math.exp(-dk * postRate[q]));
      }
    } else {
      const dk = T - bStep[j];
      for (let q = 0; q < nPost; q++) v[postIds[q]] = baseVals[j * nPost + q] * (dk <= 0 ? 1 : Math.exp(-dk * postRate[q]));
    }
    w = rule.depressAt!(w, v);
    weight[k] = sign * w;
    if (delay !== null) off = ((t + d) % slots) * nRing;
    buf[off + j] += weight[k];
  }
  const preInc = st.preInc;
  for (let p = 0; p < nPre; p++) pre[pb + p] = preBefore[p] + preInc[p];
  st.lastPre[src] = t;
}

/** The facilitations a stale source's synapses would apply at its next spike, applied now (as dendritic.ts). */
function flushStaleSources(st: GeneralState, syn: SynapseArrays, rule: StdpRule, step: number): void {
  const H = step - 2 * st.maxDelay - 1;
  const { rowStart, target, weight, delay, homDelay, sign } = syn;
  const { nPre, nPost, preIds, postIds, preRate, postInc, values: v, pre, cap, mask, hStep, hist } = st;
  for (let src = 0; src < st.nSource; src++) {
    const tPrev = st.lastPre[src];
    if (tPrev < 0 || tPrev > step - STALE_STEPS || st.applied[src] >= H) continue;
    const applied = st.applied[src];
    const pb = src * nPre;
    for (let k = rowStart[src]; k < rowStart[src + 1]; k++) {
      const j = target[k];
      const d = delay === null ? homDelay : delay[k];
      const lo = Math.max(tPrev - d, applied);
      const base = j * cap;
      const hd = st.head[j];
      let w = sign * weight[k];
      let changed = false;
      for (let e = 0; e < st.len[j]; e++) {
        const slot = base + ((hd + e) & mask);
        const tj = hStep[slot];
        if (tj > H) break;
        if (tj <= lo) continue;
        const dp = tj + d - tPrev;
        for (let p = 0; p < nPre; p++) v[preIds[p]] = pre[pb + p] * Math.exp(-dp * preRate[p]);
        for (let q = 0; q < nPost; q++) v[postIds[q]] = hist[slot * nPost + q] - postInc[q];
        w = rule.potentiateAt!(w, v);
        changed = true;
      }
      if (changed) weight[k] = sign * w;
    }
    st.applied[src] = H;
  }
}

/** Append the postsynaptic spikes of `step` to their neurons' histories, each post trace's value right after. */
function recordPostSpikes(st: GeneralState, syn: SynapseArrays, rule: StdpRule, spikes: Int32Array, count: number, step: number): void {
  const nq = st.nPost;
  for (let i = 0; i < count; i++) {
    const j = spikes[i];
    if (st.len[j] === st.cap) {
      st.updateHorizon(step);
      st.prune(j);
      if (st.len[j] === st.cap) {
        st.horizonAt = -(2 ** 30);
        if (st.cap >= FLUSH_FROM_CAP) flushStaleSources(st, syn, rule, step);
        st.updateHorizon(step);
        st.prune(j);
        if (st.len[j] === st.cap) st.grow();
      }
    }
    const base = j * st.cap;
    const n = st.len[j];
    const hist = st.hist;
    const slot = base + ((st.head[j] + n) & st.mask);
    let prevStep: number;
    let from: Float64Array;
    let fromAt: number;
    if (n > 0) {
      const prev = base + ((st.head[j] + n - 1) & st.mask);
      prevStep = st.hStep[prev];
      from = hist;
      fromAt = prev * nq;
    } else {
      prevStep = st.bStep[j];
      from = st.base;
      fromAt = j * nq;
    }
    const k = step - prevStep;
    for (let q = 0; q < nq; q++) hist[slot * nq + q] = from[fromAt + q] * Math.exp(-k * st.postRate[q]) + st.postInc[q];
    st.hStep[slot] = step;
    st.len[j] = n + 1;
  }
}

/** The dendritic handler's runtime for a rule on the general trace path (rule.generalTraces). */
export function generalRuntime(info: ProjectionInfo, rule: StdpRule, where: string): SynapseRuntime {
  const t = info.table;
  if (info.table.params && Object.keys(info.table.params).length > 0) {
    throw new ParameterError(where, Object.keys(info.table.params)[0], 'values per synapse', 'one number per projection on the general trace path');
  }
  checkGeneralTraces(rule.generalTraces!, where);
  const pt = plasticTarget(info, where);
  const st = new GeneralState(t.sourceCount, info.target.localCount, pt.maxDelay, rule.generalTraces!, info.dt);
  const { weight, sign, buf, ring } = pt;
  const syn: SynapseArrays = { rowStart: t.rowStart, target: t.target, weight, delay: t.delay, homDelay: t.homDelay, sign };
  const kernel = kernelFor(generalPreSpike, rule);
  return {
    deliver(src: number, step: number): void {
      kernel(st, rule, src, step, t.rowStart, t.target, weight, t.delay, t.homDelay, sign, buf, ring.slots, ring.n);
    },
    onPostSpikes(spikes: Int32Array, count: number, step: number): void {
      if (count > 0) recordPostSpikes(st, syn, rule, spikes, count, step);
    },
    bytesPerSynapse: () => t.target.BYTES_PER_ELEMENT + weight.BYTES_PER_ELEMENT + (t.delay ? t.delay.BYTES_PER_ELEMENT : 0),
    weights: () => weight.slice(),
    capabilities: { weightAt: (k: number) => weight[k] },
    neuronBytes: () => st.neuronBytes,
    saveState: () => ({ weight, traces: st.saveState() }),
    loadState(s: SavedState) {
      restoreArray(s, 'weight', weight, where);
      st.loadState(savedRecord(s, 'traces', where));
    },
  };
}
