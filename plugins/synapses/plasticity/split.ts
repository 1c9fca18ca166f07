import type { RingRow } from '../../../core/ringbuffer.js';
import type { SavedState } from '../../../core/contracts/base.js';
import { restoreArray, savedArray, savedNumber, savedRecord } from '../../../core/saved-state.js';
import type { ProjectionInfo, SynapseRuntime, SynapseTable } from '../../../core/plugin.js';
import type { StdpRule } from './rule.js';
import { DecayTable, decayFactor } from './decay.js';
import { plasticTarget } from './handler.js';
import { kernelFor } from './specialise.js';

/**
 * Each update at its own spike's arrival at the synapse, with a delay of its own per synapse, split as NEST's
 * AxonalDendriticDelay: a presynaptic spike emitted at e reaches synapse k at e + a_k (a_k axonal), a
 * postsynaptic spike emitted at t reaches it at t + b_k (b_k dendritic, the back-propagation), and the
 * weight reached at the synapse is transmitted at e + a_k + b_k. With b = 0 everywhere this is the axonal
 * (Auryn) handler with per-synapse delays, and it computes the same bits as axonal.ts's single-delay path.
 *
 * A synapse's events are applied in the order they reach it, all shifted by its own b_k so that each is
 * known when applied: the arrival of e at hook e + d_k - 1 (just before its transmission row is read), the
 * arrival of t at hook t + 2 b_k. Equal arrival times apply the presynaptic one first, as Auryn (and neither
 * sees the other's trace). Traces stay per neuron, in emission time; an event reads the other side's trace
 * at its arrival time moved back by that side's delay, from a short history of each neuron's recent spikes
 * (what the other side may still have in flight). Nothing is allocated per spike unless a history or a
 * pending list outgrows its capacity (then it doubles).
 */
export class SplitState {
  // forward: each row's synapse ids grouped by total delay (null: one delay, the row itself)
  readonly fwdSyn: Uint32Array | null;
  readonly fwdGroupStart: Uint32Array;
  readonly fwdGroupDelay: Uint16Array;
  readonly fwdGroupEnd: Uint32Array;
  // reverse: each target's incoming synapses grouped by dendritic delay
  readonly revSyn: Uint32Array;
  readonly revSrc: Uint16Array | Uint32Array;
  /** Total delay of each reverse entry (null: one delay), read in column order rather than scattered. */
  readonly revDelay: Uint16Array | null;
  readonly revGroupStart: Uint32Array;
  readonly revGroupDd: Uint16Array;
  readonly revGroupEnd: Uint32Array;
  readonly maxDelay: number;
  readonly maxDendritic: number;
  // presynaptic history per source: step, fast trace after the spike, slow trace after it
  preCap = 4;
  preStep: Int32Array;
  preX1: Float64Array;
  preX2: Float64Array;
  readonly preHead: Int32Array;
  readonly preLen: Int32Array;
  // the newest entry again, flat per source: what most events read (-1: no spike yet)
  readonly preLast: Int32Array;
  readonly preLastX1: Float64Array;
  // postsynaptic history per target: step and the three traces after the spike
  postCap = 4;
  postStep: Int32Array;
  postY1: Float64Array;
  postY2: Float64Array;
  postY3: Float64Array;
  readonly postHead: Int32Array;
  readonly postLen: Int32Array;
  readonly postLast: Int32Array;
  readonly postLastY1: Float64Array;
  readonly postLastY3: Float64Array;
  /** The rate trace one step before t = 0 (Auryn starts it at kappa * tau_hom). */
  readonly y3Initial: number;
  // presynaptic spikes whose groups have not all arrived: source, emission step, slow trace before, next group
  pSrc = new Int32Array(256);
  pStep = new Int32Array(256);
  pSlow = new Float64Array(256);
  pGroup = new Uint32Array(256);
  pCount = 0;
  // postsynaptic spikes whose delayed groups have not all arrived: target, step, slow trace before, next group
  qJ = new Int32Array(256);
  qStep = new Int32Array(256);
  qSlow = new Float64Array(256);
  qGroup = new Uint32Array(256);
  qCount = 0;
  lastHook = -1;
  readonly dPre: DecayTable;
  readonly dPreSlow: DecayTable;
  readonly dPost: DecayTable;
  readonly dPostSlow: DecayTable;
  readonly dPostHom: DecayTable;

  constructor(readonly t: SynapseTable, readonly nTarget: number, rule: StdpRule, dt: number) {
    const count = t.count;
    const nSource = t.sourceCount;
    const delayOf = (k: number) => (t.delay ? t.delay[k] : t.homDelay);
    const axonalOf = (k: number) => (t.axonalDelay ? t.axonalDelay[k] : t.homAxonalDelay ?? (t.delay ? t.delay[k] : t.homDelay));
    const ddOf = (k: number) => delayOf(k) - axonalOf(k);
    let maxDelay = 0;
    let maxDd = 0;
    for (let k = 0; k < count; k++) {
      maxDelay = Math.max(maxDelay, delayOf(k));
      maxDd = Math.max(maxDd, ddOf(k));
    }
    this.maxDelay = count > 0 ? maxDelay : t.homDelay;
    this.maxDendritic = maxDd;
    const srcOf = new Uint32Array(count);
    for (let s = 0; s < nSource; s++) for (let k = t.rowStart[s]; k < t.rowStart[s + 1]; k++) srcOf[k] = s;
    // Forward groups: a stable counting sort of each row by total delay.
    if (t.delay) {
      this.fwdSyn = new Uint32Array(count);
      const byDelay = stableOrder(count, (k) => t.delay![k], maxDelay + 1);
      const fill = t.rowStart.slice(0, nSource);
      for (let i = 0; i < count; i++) {
        const k = byDelay[i];
        this.fwdSyn[fill[srcOf[k]]++] = k;
      }
    } else this.fwdSyn = null;
    const fwd = groups(nSource, t.rowStart, (i) => delayOf(this.fwdSyn ? this.fwdSyn[i] : i));
    this.fwdGroupStart = fwd.start;
    this.fwdGroupDelay = fwd.key;
    this.fwdGroupEnd = fwd.end;
    // Reverse index, each column in CSR order, then stably grouped by dendritic delay.
    const revStart = new Uint32Array(nTarget + 1);
    for (let k = 0; k < count; k++) revStart[t.target[k] + 1]++;
    for (let j = 0; j < nTarget; j++) revStart[j + 1] += revStart[j];
    const byDd = stableOrder(count, ddOf, maxDd + 1);
    const fill = revStart.slice(0, nTarget);
    this.revSyn = new Uint32Array(count);
    this.revSrc = nSource <= 0x10000 ? new Uint16Array(count) : new Uint32Array(count);
    this.revDelay = t.delay ? new Uint16Array(count) : null;
    for (let i = 0; i < count; i++) {
      const k = byDd[i];
      const r = fill[t.target[k]]++;
      this.revSyn[r] = k;
      this.revSrc[r] = srcOf[k];
      if (this.revDelay) this.revDelay[r] = t.delay![k];
    }
    const rev = groups(nTarget, revStart, (r) => ddOf(this.revSyn[r]));
    this.revGroupStart = rev.start;
    this.revGroupDd = rev.key;
    this.revGroupEnd = rev.end;
    this.preStep = new Int32Array(nSource * this.preCap);
    this.preX1 = new Float64Array(nSource * this.preCap);
    this.preX2 = new Float64Array(nSource * this.preCap);
    this.preHead = new Int32Array(nSource);
    this.preLen = new Int32Array(nSource);
    this.preLast = new Int32Array(nSource).fill(-1);
    this.preLastX1 = new Float64Array(nSource);
    this.postStep = new Int32Array(nTarget * this.postCap);
    this.postY1 = new Float64Array(nTarget * this.postCap);
    this.postY2 = new Float64Array(nTarget * this.postCap);
    this.postY3 = new Float64Array(nTarget * this.postCap);
    this.postHead = new Int32Array(nTarget);
    this.postLen = new Int32Array(nTarget);
    this.y3Initial = rule.tauPostHom > 0 ? rule.postHomInitial * Math.exp(dt / rule.tauPostHom) : 0;
    this.postLast = new Int32Array(nTarget).fill(-1);
    this.postLastY1 = new Float64Array(nTarget);
    this.postLastY3 = new Float64Array(nTarget).fill(this.y3Initial);
    this.dPre = new DecayTable(dt, rule.tauPre);
    this.dPreSlow = new DecayTable(dt, rule.tauPreSlow);
    this.dPost = new DecayTable(dt, rule.tauPost);
    this.dPostSlow = new DecayTable(dt, rule.tauPostSlow);
    this.dPostHom = new DecayTable(dt, rule.tauPostHom);
  }

  /** Room for one more presynaptic spike of `src` at hook `now`: the oldest entry goes once a newer one answers every query still to come. */
  makePreRoom(src: number, now: number): void {
    if (this.preLen[src] < this.preCap) return;
    const cap = this.preCap;
    const secondOldest = (this.preHead[src] - this.preLen[src] + 2 + cap) & (cap - 1);
    // Queries from hook now + 1 on ask for the latest spike at or before now + 1 - maxDelay.
    if (this.preStep[src * cap + secondOldest] <= now + 1 - this.maxDelay) {
      this.preLen[src]--;
      return;
    }
    const grow = (a: Int32Array | Float64Array) => regrow(a, this.preHead, this.preLen, cap);
    this.preStep = grow(this.preStep) as Int32Array;
    this.preX1 = grow(this.preX1) as Float64Array;
    this.preX2 = grow(this.preX2) as Float64Array;
    for (let s = 0; s < this.preHead.length; s++) this.preHead[s] = this.preLen[s] - 1;
    this.preCap = cap * 2;
  }

  /** Room for one more postsynaptic spike of `j` at hook `now` (queries ask for spikes before now + 1 - 2 maxDendritic). */
  makePostRoom(j: number, now: number): void {
    if (this.postLen[j] < this.postCap) return;
    const cap = this.postCap;
    const secondOldest = (this.postHead[j] - this.postLen[j] + 2 + cap) & (cap - 1);
    if (this.postStep[j * cap + secondOldest] < now + 1 - 2 * this.maxDendritic) {
      this.postLen[j]--;
      return;
    }
    const grow = (a: Int32Array | Float64Array) => regrow(a, this.postHead, this.postLen, cap);
    this.postStep = grow(this.postStep) as Int32Array;
    this.postY1 = grow(this.postY1) as Float64Array;
    this.postY2 = grow(this.postY2) as Float64Array;
    this.postY3 = grow(this.postY3) as Float64Array;
    for (let j2 = 0; j2 < this.postHead.length; j2++) this.postHead[j2] = this.postLen[j2] - 1;
    this.postCap = cap * 2;
  }

  addPending(src: number, step: number, slow: number, group: number): void {
    if (this.pCount === this.pSrc.length) {
      const n = this.pSrc.length * 2;
      this.pSrc = grown(this.pSrc, n);
      this.pStep = grown(this.pStep, n);
      this.pSlow = grown(this.pSlow, n);
      this.pGroup = grown(this.pGroup, n);
    }
    const i = this.pCount++;
    this.pSrc[i] = src;
    this.pStep[i] = step;
    this.pSlow[i] = slow;
    this.pGroup[i] = group;
  }

  addPendingPost(j: number, step: number, slow: number, group: number): void {
    if (this.qCount === this.qJ.length) {
      const n = this.qJ.length * 2;
      this.qJ = grown(this.qJ, n);
      this.qStep = grown(this.qStep, n);
      this.qSlow = grown(this.qSlow, n);
      this.qGroup = grown(this.qGroup, n);
    }
    const i = this.qCount++;
    this.qJ[i] = j;
    this.qStep[i] = step;
    this.qSlow[i] = slow;
    this.qGroup[i] = group;
  }

  saveState(): SavedState {
    return {
      preCap: this.preCap, preStep: this.preStep, preX1: this.preX1, preX2: this.preX2, preHead: this.preHead, preLen: this.preLen,
      postCap: this.postCap, postStep: this.postStep, postY1: this.postY1, postY2: this.postY2, postY3: this.postY3, postHead: this.postHead, postLen: this.postLen,
      preLast: this.preLast, preLastX1: this.preLastX1, postLast: this.postLast, postLastY1: this.postLastY1, postLastY3: this.postLastY3,
      pSrc: this.pSrc.subarray(0, this.pCount), pStep: this.pStep.subarray(0, this.pCount), pSlow: this.pSlow.subarray(0, this.pCount), pGroup: this.pGroup.subarray(0, this.pCount),
      qJ: this.qJ.subarray(0, this.qCount), qStep: this.qStep.subarray(0, this.qCount), qSlow: this.qSlow.subarray(0, this.qCount), qGroup: this.qGroup.subarray(0, this.qCount),
      lastHook: this.lastHook,
    };
  }

  loadState(s: SavedState): void {
    const where = 'per-synapse delay plasticity';
    const preCap = savedNumber(s, 'preCap', where);
    const postCap = savedNumber(s, 'postCap', where);
    const nS = this.preHead.length;
    const nT = this.postHead.length;
    this.preStep = savedArray(s, 'preStep', Int32Array, where, nS * preCap).slice();
    this.preX1 = savedArray(s, 'preX1', Float64Array, where, nS * preCap).slice();
    this.preX2 = savedArray(s, 'preX2', Float64Array, where, nS * preCap).slice();
    this.preCap = preCap;
    this.postStep = savedArray(s, 'postStep', Int32Array, where, nT * postCap).slice();
    this.postY1 = savedArray(s, 'postY1', Float64Array, where, nT * postCap).slice();
    this.postY2 = savedArray(s, 'postY2', Float64Array, where, nT * postCap).slice();
    this.postY3 = savedArray(s, 'postY3', Float64Array, where, nT * postCap).slice();
    this.postCap = postCap;
    for (const k of ['preHead', 'preLen', 'postHead', 'postLen', 'preLast', 'preLastX1', 'postLast', 'postLastY1', 'postLastY3'] as const) restoreArray(s, k, this[k], where);
    const pSrc = savedArray(s, 'pSrc', Int32Array, where);
    const n = pSrc.length;
    let cap = 256;
    while (cap < n) cap *= 2;
    this.pSrc = grown(pSrc, cap);
    this.pStep = grown(savedArray(s, 'pStep', Int32Array, where, n), cap);
    this.pSlow = grown(savedArray(s, 'pSlow', Float64Array, where, n), cap);
    this.pGroup = grown(savedArray(s, 'pGroup', Uint32Array, where, n), cap);
    this.pCount = n;
    const qJ = savedArray(s, 'qJ', Int32Array, where);
    const m = qJ.length;
    cap = 256;
    while (cap < m) cap *= 2;
    this.qJ = grown(qJ, cap);
    this.qStep = grown(savedArray(s, 'qStep', Int32Array, where, m), cap);
    this.qSlow = grown(savedArray(s, 'qSlow', Float64Array, where, m), cap);
    this.qGroup = grown(savedArray(s, 'qGroup', Uint32Array, where, m), cap);
    this.qCount = m;
    this.lastHook = savedNumber(s, 'lastHook', where);
  }
}

function grown<A extends Int32Array | Uint32Array | Float64Array>(a: A, n: number): A {
  const b = new (a.constructor as new (n: number) => A)(n);
  b.set(a.subarray(0, Math.min(a.length, n)) as never);
  return b;
}

/** Each neuron's ring of `cap` entries copied into one of 2 cap, oldest first from slot 0. */
function regrow(a: Int32Array | Float64Array, head: Int32Array, len: Int32Array, cap: number): Int32Array | Float64Array {
  const b = new (a.constructor as new (n: number) => Int32Array | Float64Array)(a.length * 2);
  for (let i = 0; i < head.length; i++) {
    for (let q = 0; q < len[i]; q++) b[i * 2 * cap + q] = a[i * cap + ((head[i] - len[i] + 1 + q + cap) & (cap - 1))];
  }
  return b;
}

/** Indices 0..n-1 ordered by key (stable), keys in [0, range). */
function stableOrder(n: number, key: (i: number) => number, range: number): Uint32Array {
  const start = new Uint32Array(range + 1);
  for (let i = 0; i < n; i++) start[key(i) + 1]++;
  for (let v = 0; v < range; v++) start[v + 1] += start[v];
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[start[key(i)]++] = i;
  return out;
}

/** Runs of equal keys within each segment [segStart[s], segStart[s + 1]). */
function groups(nSeg: number, segStart: Uint32Array, key: (i: number) => number) {
  let total = 0;
  for (let s = 0; s < nSeg; s++) for (let i = segStart[s]; i < segStart[s + 1]; i++) if (i === segStart[s] || key(i) !== key(i - 1)) total++;
  const start = new Uint32Array(nSeg + 1);
  const keys = new Uint16Array(total);
  const end = new Uint32Array(total);
  let g = 0;
  for (let s = 0; s < nSeg; s++) {
    start[s] = g;
    for (let i = segStart[s]; i < segStart[s + 1]; i++) {
      if (i === segStart[s] || key(i) !== key(i - 1)) keys[g++] = key(i);
      end[g - 1] = i + 1;
    }
  }
  start[nSeg] = g;
  return { start, key: keys, end };
}

/** The presynaptic spike (emitted at e, slow trace `slow` before it) reaches the synapses of group g: depress, store, transmit. */
function preGroup(
  st: SplitState, rule: StdpRule, src: number, e: number, slow: number, g: number,
  weight: Float32Array, sign: number, buf: RingRow, slots: number, n: number, decay: typeof decayFactor,
): void {
  const t = st.t;
  const d = st.fwdGroupDelay[g];
  // Groups tile the rows in order: a group starts where the one before it ended.
  const lo = g === 0 ? 0 : st.fwdGroupEnd[g - 1];
  const hi = st.fwdGroupEnd[g];
  const off = ((e + d) % slots) * n;
  const fwd = st.fwdSyn;
  const ax = t.axonalDelay;
  const homAx = t.homAxonalDelay ?? d;
  const cap = st.postCap;
  const postStep = st.postStep;
  const useHom = st.dPostHom.rate !== Infinity;
  for (let i = lo; i < hi; i++) {
    const k = fwd ? fwd[i] : i;
    const j = t.target[k];
    const a = ax ? ax[k] : homAx;
    // Arrival at e + a, seen by the neuron's trace b = d - a earlier: post spikes strictly before e + a - b.
    const X = e + 2 * a - d;
    let at = st.postLast[j];
    let y1 = st.postLastY1[j];
    let y3 = st.postLastY3[j];
    if (at >= X) {
      // The newest spike has not reached the synapse yet: the latest that has, from the history.
      let len = st.postLen[j] - 1;
      let slot = (st.postHead[j] - 1 + cap) & (cap - 1);
      while (len > 0 && postStep[j * cap + slot] >= X) {
        len--;
        slot = (slot - 1 + cap) & (cap - 1);
      }
      if (len > 0) {
        const p = j * cap + slot;
        y1 = st.postY1[p];
        y3 = st.postY3[p];
        at = postStep[p];
      } else {
        y1 = 0;
        y3 = st.y3Initial;
        at = -1;
      }
    }
    const dk = X - at;
    const hom = useHom ? y3 * decay(st.dPostHom.table, st.dPostHom.rate, dk) : 0;
    const post = y1 * decay(st.dPost.table, st.dPost.rate, dk);
    const w = rule.onPre(sign * weight[k], post, slow, hom);
    weight[k] = sign * w;
    buf[off + j] += weight[k];
  }
}

/** The postsynaptic spike of j (step s, slow trace `slow` before it) reaches the synapses of its group g: facilitate. */
function postGroup(st: SplitState, rule: StdpRule, j: number, s: number, slow: number, g: number, weight: Float32Array, sign: number, decay: typeof decayFactor): void {
  const t = st.t;
  const b = st.revGroupDd[g];
  const lo = g === 0 ? 0 : st.revGroupEnd[g - 1];
  const hi = st.revGroupEnd[g];
  const cap = st.preCap;
  const preStep = st.preStep;
  const revDelay = st.revDelay;
  const homDelay = t.homDelay;
  const hasUnpaired = rule.onPostUnpaired !== undefined;
  for (let r = lo; r < hi; r++) {
    const k = st.revSyn[r];
    const src = st.revSrc[r];
    const d = revDelay ? revDelay[r] : homDelay;
    // Arrival at s + b; presynaptic spikes that reached the synapse by then were emitted at or before s + b - a.
    const X = s + 2 * b - d;
    let at = st.preLast[src];
    let x1 = st.preLastX1[src];
    if (at > X) {
      let len = st.preLen[src] - 1;
      let slot = (st.preHead[src] - 1 + cap) & (cap - 1);
      while (len > 0 && preStep[src * cap + slot] > X) {
        len--;
        slot = (slot - 1 + cap) & (cap - 1);
      }
      at = len > 0 ? preStep[src * cap + slot] : -1;
      x1 = len > 0 ? st.preX1[src * cap + slot] : 0;
    }
    const w = sign * weight[k];
    if (at < 0) {
      weight[k] = sign * (hasUnpaired ? rule.onPostUnpaired!(w, slow) : rule.onPost(w, 0, slow));
      continue;
    }
    const dp = X - at;
    const pre = dp === 0 ? x1 - 1 : x1 * decay(st.dPre.table, st.dPre.rate, dp);
    weight[k] = sign * rule.onPost(w, pre, slow);
  }
}

/**
 * The runtime of a projection with per-synapse or split delays. `where` names the projection in errors.
 */
export function splitRuntime(info: ProjectionInfo, rule: StdpRule, where: string): SynapseRuntime {
  const t = info.table;
  const pt = plasticTarget(info, where);
  const { weight, sign, buf, ring } = pt;
  const nTarget = info.target.localCount;
  const st = new SplitState(t, nTarget, rule, info.dt);
  // One compiled copy of each kernel per rule, so that its calls of the rule stay monomorphic (specialise.ts).
  const preGroupRule = kernelFor(preGroup, rule);
  const postGroupRule = kernelFor(postGroup, rule);
  const slots = ring.slots;
  const n = ring.n;

  /** Groups of pending presynaptic spikes due at hook h (or before: a spike delivered after its hook). */
  const runPre = (h: number): void => {
    let keep = 0;
    for (let i = 0; i < st.pCount; i++) {
      const src = st.pSrc[i];
      const e = st.pStep[i];
      let g = st.pGroup[i];
      const last = st.fwdGroupStart[src + 1];
      while (g < last && e + st.fwdGroupDelay[g] - 1 <= h) {
        preGroupRule(st, rule, src, e, st.pSlow[i], g, weight, sign, buf, slots, n, decayFactor);
        g++;
      }
      if (g < last) {
        st.pSrc[keep] = src;
        st.pStep[keep] = e;
        st.pSlow[keep] = st.pSlow[i];
        st.pGroup[keep] = g;
        keep++;
      }
    }
    st.pCount = keep;
  };

  return {
    deliver(src: number, e: number): void {
      st.makePreRoom(src, st.lastHook);
      const cap = st.preCap;
      const len = st.preLen[src];
      let slow = 0;
      let x1 = 1;
      if (len > 0) {
        const p = src * cap + st.preHead[src];
        const since = e - st.preStep[p];
        slow = st.preX2[p] * decayFactor(st.dPreSlow.table, st.dPreSlow.rate, since);
        x1 = st.preX1[p] * decayFactor(st.dPre.table, st.dPre.rate, since) + 1;
      }
      const head = (st.preHead[src] + 1) & (cap - 1);
      st.preHead[src] = head;
      st.preLen[src] = len + 1;
      const p = src * cap + head;
      st.preStep[p] = e;
      st.preX1[p] = x1;
      st.preX2[p] = slow + 1;
      st.preLast[src] = e;
      st.preLastX1[src] = x1;
      let g = st.fwdGroupStart[src];
      const last = st.fwdGroupStart[src + 1];
      // A group due at the hook already run (a delay of the slice's length) arrives now, before its row is read.
      while (g < last && e + st.fwdGroupDelay[g] - 1 <= st.lastHook) {
        preGroupRule(st, rule, src, e, slow, g, weight, sign, buf, slots, n, decayFactor);
        g++;
      }
      if (g < last) st.addPending(src, e, slow, g);
    },
    onPostSpikes(spikes: Int32Array, count: number, h: number): void {
      for (let i = 0; i < count; i++) {
        const j = spikes[i];
        st.makePostRoom(j, h);
        const cap = st.postCap;
        const len = st.postLen[j];
        let y1 = 0;
        let y2 = 0;
        let y3 = st.y3Initial;
        let at = -1;
        if (len > 0) {
          const p = j * cap + st.postHead[j];
          y1 = st.postY1[p];
          y2 = st.postY2[p];
          y3 = st.postY3[p];
          at = st.postStep[p];
        }
        const dk = h - at;
        const slow = y2 * decayFactor(st.dPostSlow.table, st.dPostSlow.rate, dk);
        const head = (st.postHead[j] + 1) & (cap - 1);
        st.postHead[j] = head;
        st.postLen[j] = len + 1;
        const p = j * cap + head;
        st.postStep[p] = h;
        st.postY1[p] = y1 * decayFactor(st.dPost.table, st.dPost.rate, dk) + 1;
        st.postY2[p] = slow + 1;
        st.postY3[p] = y3 * decayFactor(st.dPostHom.table, st.dPostHom.rate, dk) + 1;
        st.postLast[j] = h;
        st.postLastY1[j] = st.postY1[p];
        st.postLastY3[j] = st.postY3[p];
        let g = st.revGroupStart[j];
        const last = st.revGroupStart[j + 1];
        if (g < last && st.revGroupDd[g] === 0) postGroupRule(st, rule, j, h, slow, g++, weight, sign, decayFactor);
        if (g < last) st.addPendingPost(j, h, slow, g);
      }
      // Delayed back-propagations due now: the group of dendritic delay b of a spike at s arrives at hook s + 2b.
      let keep = 0;
      for (let i = 0; i < st.qCount; i++) {
        const j = st.qJ[i];
        const s = st.qStep[i];
        let g = st.qGroup[i];
        const last = st.revGroupStart[j + 1];
        while (g < last && s + 2 * st.revGroupDd[g] <= h) {
          postGroupRule(st, rule, j, s, st.qSlow[i], g, weight, sign, decayFactor);
          g++;
        }
        if (g < last) {
          st.qJ[keep] = j;
          st.qStep[keep] = s;
          st.qSlow[keep] = st.qSlow[i];
          st.qGroup[keep] = g;
          keep++;
        }
      }
      st.qCount = keep;
      st.lastHook = h;
      runPre(h);
    },
    bytesPerSynapse: () => t.target.BYTES_PER_ELEMENT + weight.BYTES_PER_ELEMENT + st.revSyn.BYTES_PER_ELEMENT + st.revSrc.BYTES_PER_ELEMENT
      + (t.delay ? 4 : 0) + (t.axonalDelay ? 2 : 0) + (st.fwdSyn ? 4 : 0),
    weights: () => weight.slice(),
    capabilities: { weightAt: (k: number) => weight[k] },
    saveState: () => ({ weight, traces: st.saveState() }),
    loadState(s: SavedState) {
      restoreArray(s, 'weight', weight, where);
      st.loadState(savedRecord(s, 'traces', where));
    },
    /** Histories, pending spikes and the delay groups: memory that does not scale with the synapse count. */
    neuronBytes: () => st.preStep.byteLength * 5 + st.postStep.byteLength * 7 + t.sourceCount * 20 + info.target.localCount * 28
      + st.fwdGroupEnd.byteLength * 1.5 + st.revGroupEnd.byteLength * 1.5 + st.fwdGroupStart.byteLength + st.revGroupStart.byteLength
      + st.pSrc.byteLength * 5 + st.qJ.byteLength * 5,
  };
}
