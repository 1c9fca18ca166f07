import type { RingRow } from '../../../core/ringbuffer.js';
import type { TargetIndex } from '../../../core/contracts/synapse.js';
import type { SavedState } from '../../../core/contracts/base.js';
import { restoreArray, savedArray, savedNumber, savedRecord } from '../../../core/saved-state.js';
import type { ProjectionInfo, SynapseRuntime } from '../../../core/plugin.js';
import type { StdpRule } from './rule.js';
import { DecayTable, decayFactor } from './decay.js';
import { plasticTarget, type DelayHandler } from './handler.js';
import { kernelFor } from './specialise.js';
import { splitRuntime } from './split.js';

/**
 * Auryn's delay semantics (the whole delay is axonal): a presynaptic spike emitted at t reaches the
 * synapse at t + d, a postsynaptic spike at t_j reaches it at once. Every update is applied when its
 * spike reaches the synapse, as Auryn's propagate_forward / propagate_backward do: at t + d the
 * depression (onPre) and then the transmission of the new weight; at t_j the facilitation (onPost) of
 * every incoming synapse of the spiking neuron, found through a reverse index (4 B synapse id + 2 or 4 B
 * source per synapse, counted in bytesPerSynapse). Same-step events see each other's traces as not yet
 * there (the pre arrival first, as in Auryn).
 *
 * The kernel calls onPostSpikes every step after the target population's update; arrivals due at the
 * next step are applied there, so their weights are in the ring row before that step reads it.
 */
class AxonalState {
  readonly lastArr: Int32Array;
  readonly x1: Float64Array;
  readonly x2: Float64Array;
  readonly lastPost: Int32Array;
  readonly y1: Float64Array;
  readonly y2: Float64Array;
  readonly y3: Float64Array;
  readonly revStart: Uint32Array;
  readonly revSyn: Uint32Array;
  /** Source of each reverse entry: 2 bytes while sources fit (up to 65536 of them), else 4. */
  readonly revSrc: Uint16Array | Uint32Array;
  /** One target's incoming weights, gathered before a post spike updates them (room for the longest column). */
  readonly column: Float32Array;
  readonly dPre: DecayTable;
  readonly dPreSlow: DecayTable;
  readonly dPost: DecayTable;
  readonly dPostSlow: DecayTable;
  readonly dPostHom: DecayTable;
  // arrivals not yet due: source and arrival step, FIFO (arrival steps never decrease: one delay)
  qSrc = new Int32Array(1024);
  qStep = new Int32Array(1024);
  qHead = 0;
  qTail = 0;
  lastHook = -1;

  constructor(rowStart: Uint32Array, target: TargetIndex, nSource: number, nTarget: number, rule: StdpRule, dt: number) {
    this.lastArr = new Int32Array(nSource).fill(-1);
    this.x1 = new Float64Array(nSource);
    this.x2 = new Float64Array(nSource);
    this.lastPost = new Int32Array(nTarget).fill(-1);
    this.y1 = new Float64Array(nTarget);
    this.y2 = new Float64Array(nTarget);
    // Stored one step before t = 0 so that it reads postHomInitial at t = 0.
    this.y3 = new Float64Array(nTarget).fill(rule.tauPostHom > 0 ? rule.postHomInitial * Math.exp(dt / rule.tauPostHom) : 0);
    const count = target.length;
    this.revStart = new Uint32Array(nTarget + 1);
    for (let k = 0; k < count; k++) this.revStart[target[k] + 1]++;
    for (let j = 0; j < nTarget; j++) this.revStart[j + 1] += this.revStart[j];
    let longest = 0;
    for (let j = 0; j < nTarget; j++) longest = Math.max(longest, this.revStart[j + 1] - this.revStart[j]);
    this.column = new Float32Array(longest);
    const fill = this.revStart.slice(0, nTarget);
    this.revSyn = new Uint32Array(count);
    this.revSrc = nSource <= 0x10000 ? new Uint16Array(count) : new Uint32Array(count);
    for (let s = 0; s < nSource; s++) {
      for (let k = rowStart[s]; k < rowStart[s + 1]; k++) {
        const r = fill[target[k]]++;
        this.revSyn[r] = k;
        this.revSrc[r] = s;
      }
    }
    this.dPre = new DecayTable(dt, rule.tauPre);
    this.dPreSlow = new DecayTable(dt, rule.tauPreSlow);
    this.dPost = new DecayTable(dt, rule.tauPost);
    this.dPostSlow = new DecayTable(dt, rule.tauPostSlow);
    this.dPostHom = new DecayTable(dt, rule.tauPostHom);
  }

  /** Traces, last spike times and the arrivals not yet due (a checkpoint); the reverse index follows from the table. */
  saveState(): SavedState {
    return {
      lastArr: this.lastArr, x1: this.x1, x2: this.x2, lastPost: this.lastPost, y1: this.y1, y2: this.y2, y3: this.y3,
      queueSrc: this.qSrc.subarray(this.qHead, this.qTail), queueStep: this.qStep.subarray(this.qHead, this.qTail), lastHook: this.lastHook,
    };
  }

  loadState(s: SavedState): void {
    const where = 'axonal plasticity';
    for (const k of ['lastArr', 'x1', 'x2', 'lastPost', 'y1', 'y2', 'y3'] as const) restoreArray(s, k, this[k], where);
    const src = savedArray(s, 'queueSrc', Int32Array, where);
    const step = savedArray(s, 'queueStep', Int32Array, where, src.length);
    let cap = 1024;
    while (cap < src.length) cap *= 2;
    this.qSrc = new Int32Array(cap);
    this.qStep = new Int32Array(cap);
    this.qSrc.set(src);
    this.qStep.set(step);
    this.qHead = 0;
    this.qTail = src.length;
    this.lastHook = savedNumber(s, 'lastHook', where);
  }

  enqueue(src: number, step: number): void {
    if (this.qTail === this.qSrc.length) {
      const live = this.qTail - this.qHead;
      if (this.qHead > 0 && live < this.qSrc.length / 2) {
        this.qSrc.copyWithin(0, this.qHead, this.qTail);
        this.qStep.copyWithin(0, this.qHead, this.qTail);
      } else {
        const s = new Int32Array(this.qSrc.length * 2);
        s.set(this.qSrc.subarray(this.qHead, this.qTail));
        const t = new Int32Array(this.qSrc.length * 2);
        t.set(this.qStep.subarray(this.qHead, this.qTail));
        this.qSrc = s;
        this.qStep = t;
      }
      this.qHead = 0;
      this.qTail = live;
    }
    this.qSrc[this.qTail] = src;
    this.qStep[this.qTail] = step;
    this.qTail++;
  }
}

/** A presynaptic spike of `src` reaches its synapses at step T: depress, store, transmit into row T. */
function arrive(
  st: AxonalState, rule: StdpRule, src: number, T: number,
  rowStart: Uint32Array, target: TargetIndex, weight: Float32Array, sign: number, buf: RingRow, off: number, decay: typeof decayFactor,
): void {
  const start = rowStart[src];
  const end = rowStart[src + 1];
  const last = st.lastArr[src];
  const has = last >= 0;
  const preSlowBefore = has ? st.x2[src] * decay(st.dPreSlow.table, st.dPreSlow.rate, T - last) : 0;
  const lastPost = st.lastPost;
  const y1 = st.y1;
  const y3 = st.y3;
  const postTab = st.dPost.table;
  const postRate = st.dPost.rate;
  const homTab = st.dPostHom.table;
  const homRate = st.dPostHom.rate;
  const useHom = homRate !== Infinity;
  const postLen = postTab.length;
  for (let k = start; k < end; k++) {
    const j = target[k];
    const dk = T - lastPost[j]; // >= 1: a post spike at T is applied after this arrival
    const hom = useHom ? y3[j] * decay(homTab, homRate, dk) : 0;
    const post = y1[j] * (dk < postLen ? postTab[dk] : Math.exp(-dk * postRate));
    const w = rule.onPre(sign * weight[k], post, preSlowBefore, hom);
    weight[k] = sign * w;
    buf[off + j] += weight[k];
  }
  st.x1[src] = (has ? st.x1[src] * decay(st.dPre.table, st.dPre.rate, T - last) : 0) + 1;
  st.x2[src] = preSlowBefore + 1;
  st.lastArr[src] = T;
}

/** Postsynaptic spikes of step s: facilitate every incoming synapse of each, then advance its traces. */
function postSpikes(st: AxonalState, rule: StdpRule, spikes: Int32Array, count: number, s: number, weight: Float32Array, sign: number, decay: typeof decayFactor): void {
  const revStart = st.revStart;
  const revSyn = st.revSyn;
  const revSrc = st.revSrc;
  const column = st.column;
  const lastArr = st.lastArr;
  const x1 = st.x1;
  const preTab = st.dPre.table;
  const preRate = st.dPre.rate;
  const preLen = preTab.length;
  const hasUnpaired = rule.onPostUnpaired !== undefined;
  for (let i = 0; i < count; i++) {
    const j = spikes[i];
    const dk = s - st.lastPost[j];
    const slowBefore = st.y2[j] * decay(st.dPostSlow.table, st.dPostSlow.rate, dk);
    const lo = revStart[j];
    const hi = revStart[j + 1];
    // The column's weights are scattered over the table: gathered first in a loop of independent loads, so
    // that the CPU keeps many cache misses in flight, then updated in order, then stored back.
    for (let r = lo; r < hi; r++) column[r - lo] = weight[revSyn[r]];
    for (let r = lo; r < hi; r++) {
      const src = revSrc[r];
      const la = lastArr[src];
      const w = sign * column[r - lo];
      if (la < 0) {
        // No arrival yet: the trace is 0 and the update only clamps w to its bounds, as Auryn's does.
        column[r - lo] = sign * (hasUnpaired ? rule.onPostUnpaired!(w, slowBefore) : rule.onPost(w, 0, slowBefore));
        continue;
      }
      const dp = s - la;
      const pre = dp === 0 ? x1[src] - 1 : x1[src] * (dp < preLen ? preTab[dp] : Math.exp(-dp * preRate));
      column[r - lo] = sign * rule.onPost(w, pre, slowBefore);
    }
    for (let r = lo; r < hi; r++) weight[revSyn[r]] = column[r - lo];
    st.y1[j] = st.y1[j] * decay(st.dPost.table, st.dPost.rate, dk) + 1;
    st.y2[j] = slowBefore + 1;
    st.y3[j] = st.y3[j] * decay(st.dPostHom.table, st.dPostHom.rate, dk) + 1;
    st.lastPost[j] = s;
  }
}

export const axonalHandler: DelayHandler = (info: ProjectionInfo, rule: StdpRule, where: string): SynapseRuntime => {
  const t = info.table;
  // A delay per synapse: arrivals out of emission order, grouped by delay (split.ts, whose dendritic parts are 0 here).
  if (t.delay) return splitRuntime(info, rule, where);
  const pt = plasticTarget(info, where);
  const { weight, sign, buf, ring } = pt;
  const st = new AxonalState(t.rowStart, t.target, t.sourceCount, info.target.localCount, rule, info.dt);
  const d = t.homDelay;
  const arriveRule = kernelFor(arrive, rule);
  const postSpikesRule = kernelFor(postSpikes, rule);
  const slots = ring.slots;
  const n = ring.n;
  return {
    deliver(src: number, step: number): void {
      const T = step + d;
      if (T <= st.lastHook + 1) arriveRule(st, rule, src, T, t.rowStart, t.target, weight, sign, buf, (T % slots) * n, decayFactor);
      else st.enqueue(src, T);
    },
    onPostSpikes(spikes: Int32Array, count: number, step: number): void {
      if (count > 0) postSpikesRule(st, rule, spikes, count, step, weight, sign, decayFactor);
      st.lastHook = step;
      const due = step + 1;
      const off = (due % slots) * n;
      while (st.qHead < st.qTail && st.qStep[st.qHead] <= due) {
        arriveRule(st, rule, st.qSrc[st.qHead], st.qStep[st.qHead], t.rowStart, t.target, weight, sign, buf, off, decayFactor);
        st.qHead++;
      }
      if (st.qHead === st.qTail) st.qHead = st.qTail = 0;
    },
    bytesPerSynapse: () => t.target.BYTES_PER_ELEMENT + weight.BYTES_PER_ELEMENT + st.revSyn.BYTES_PER_ELEMENT + st.revSrc.BYTES_PER_ELEMENT,
    weights: () => weight.slice(),
    // One weight without copying the table (weight recorders read it per transmission or sample).
    capabilities: { weightAt: (k: number) => weight[k] },
    saveState: () => ({ weight, traces: st.saveState() }),
    loadState(s: SavedState) {
      restoreArray(s, 'weight', weight, where);
      st.loadState(savedRecord(s, 'traces', where));
    },
    /** Per-neuron traces and the arrival queue: memory that does not scale with the synapse count. */
    neuronBytes: () => t.sourceCount * 20 + info.target.localCount * 36 + (t.target.length > 0 ? 4 : 0) * (info.target.localCount + 1) + st.qSrc.byteLength * 2,
  };
};
