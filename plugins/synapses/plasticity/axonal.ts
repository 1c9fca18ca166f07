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
import { compiledArrive } from './axonal_wasm.js';

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
 *
 * The facilitation is applied late, with the same bits: a post spike only appends (step, slow trace before
 * it) to its target's short history, and each synapse replays the entries it has not seen (those at or after
 * its source's last arrival) when its source's next spike reaches it, walking the row in table order. The
 * column of a post spike is scattered over the whole table (a cache and TLB miss per synapse, most of the
 * cost of a plastic step); the row is contiguous. A full history, a checkpoint and a read of the weights
 * apply what is pending. The pre trace x1 of a source only changes at its arrivals, so the replay sees the
 * values the post spike saw.
 */
export class AxonalState {
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
  /** Post spikes each target keeps for late facilitation (0: each post spike updates its column at once). */
  readonly H: number;
  /**
   * Per target, H entries of (step, slow post trace just before the spike), oldest first. Where the compiled
   * arrival runs (axonal_wasm.ts), this and the per-target lines below are views of its memory.
   */
  hist: Float64Array;
  readonly hCount: Int32Array;
  /**
   * What an arrival reads of each of its targets, 32 bytes per target (two to a cache line): y1, y3 and the
   * slow trace of the history's newest entry (at the last post spike) as float64 at 4j..4j+2, the last post
   * step and the history's count as int32 at 8j+6 and 8j+7 of tgtI, a view of the same memory. Copies of the
   * arrays above (which the post spikes and checkpoints use): an arrival makes one random access per synapse
   * instead of five, and one pending post spike needs no more. Half the 64-byte line this was: the lines of
   * all targets (640 kB for 20000) stay in cache much better.
   */
  tgt: Float64Array;
  tgtI: Int32Array;
  /** Per target, the slow trace and step of the history's entry before the newest (read when two or more are pending). */
  tgtPrev: Float64Array;
  /**
   * exp(-k dt / tau_post) and exp(-k dt / tau_hom) interleaved, for 1 <= k < decayLen: the two factors of a
   * depression in one cache line instead of two. The same numbers as dPost and dPostHom hold.
   */
  readonly decay2: Float64Array;
  readonly decayLen: number;
  /**
   * exp(-k dt / tau_pre) until it underflows (or 2^17 steps): a facilitation reads the pre trace a whole
   * interspike interval after its jump, often past the 30 time constants of dPre, where exp would be called.
   * Same expression as the fallback: same bits.
   */
  readonly preLong: Float64Array;
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
  /** Sum of the lines an arrival touched first (kept so that the loads are not dropped). */
  touched = 0;

  constructor(rowStart: Uint32Array, target: TargetIndex, nSource: number, nTarget: number, rule: StdpRule, dt: number, history: number) {
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
    this.H = history;
    this.hist = new Float64Array(2 * history * nTarget);
    this.hCount = new Int32Array(nTarget);
    this.tgt = new Float64Array(4 * nTarget);
    this.tgtI = new Int32Array(this.tgt.buffer);
    this.tgtPrev = new Float64Array(2 * nTarget);
    this.syncTargets();
    this.dPre = new DecayTable(dt, rule.tauPre);
    const preRate = this.dPre.rate;
    const longLen = preRate === Infinity ? 1 : Math.min(1 << 17, Math.ceil(746 / preRate) + 1);
    this.preLong = new Float64Array(longLen);
    for (let k = 0; k < longLen; k++) this.preLong[k] = Math.exp(-k * preRate);
    this.dPreSlow = new DecayTable(dt, rule.tauPreSlow);
    this.dPost = new DecayTable(dt, rule.tauPost);
    this.dPostSlow = new DecayTable(dt, rule.tauPostSlow);
    this.dPostHom = new DecayTable(dt, rule.tauPostHom);
    const postTab = this.dPost.table;
    const homTab = this.dPostHom.table;
    // Without the homeostatic trace (rate Infinity) only the post factors are read.
    this.decayLen = this.dPostHom.rate === Infinity ? postTab.length : Math.min(postTab.length, homTab.length);
    this.decay2 = new Float64Array(2 * this.decayLen);
    for (let k = 0; k < this.decayLen; k++) {
      this.decay2[2 * k] = postTab[k];
      this.decay2[2 * k + 1] = this.dPostHom.rate === Infinity ? 0 : homTab[k];
    }
  }

  /** The per-target lines from the arrays, with empty histories. */
  syncTargets(): void {
    this.hCount.fill(0);
    for (let j = 0; j < this.lastPost.length; j++) {
      this.tgt[4 * j] = this.y1[j];
      this.tgt[4 * j + 1] = this.y3[j];
      this.tgtI[8 * j + 6] = this.lastPost[j];
      this.tgtI[8 * j + 7] = 0;
    }
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

/** A presynaptic spike of `src` reaches its synapses at step T: replay the pending facilitation, depress, store, transmit into row T. */
function arrive(
  st: AxonalState, rule: StdpRule, src: number, T: number,
  rowStart: Uint32Array, target: TargetIndex, weight: Float32Array, sign: number, buf: RingRow, off: number, decay: typeof decayFactor,
): void {
  const start = rowStart[src];
  const end = rowStart[src + 1];
  const last = st.lastArr[src];
  const has = last >= 0;
  const preSlowBefore = has ? st.x2[src] * decay(st.dPreSlow.table, st.dPreSlow.rate, T - last) : 0;
  const tgt = st.tgt;
  const tgtI = st.tgtI;
  const tgtPrev = st.tgtPrev;
  const decay2 = st.decay2;
  const decayLen = st.decayLen;
  const postTab = st.dPost.table;
  const postRate = st.dPost.rate;
  const homTab = st.dPostHom.table;
  const homRate = st.dPostHom.rate;
  const useHom = homRate !== Infinity;
  const postLen = postTab.length;
  const hist = st.hist;
  const H = st.H;
  // The pre trace as the pending post spikes saw it: x1 is still the value of the last arrival.
  const x1 = has ? st.x1[src] : 0;
  const preTab = st.preLong;
  const preRate = st.dPre.rate;
  const preLen = preTab.length;
  const hasUnpaired = rule.onPostUnpaired !== undefined;
  // The targets' lines first, in a loop of independent loads (many misses in flight); the update loop's
  // branches would otherwise wait on each miss in turn.
  let touch = 0;
  for (let k = start; k < end; k++) touch += tgt[4 * target[k]];
  st.touched = touch;
  for (let k = start; k < end; k++) {
    const j = target[k];
    const b = 4 * j;
    const lp = tgtI[8 * j + 6];
    const c = tgtI[8 * j + 7];
    let wk = weight[k];
    // Post spikes of j since this source's last arrival (a post spike at that step came after it).
    if (lp >= last && c > 0) {
      const base = 2 * H * j;
      // The newest entry is at lp, the one before at tgtPrev[2j + 1]; older ones only in the history.
      let e = c - 1;
      if (c > 1 && tgtPrev[2 * j + 1] >= last) {
        e = c - 2;
        while (e > 0 && hist[base + 2 * (e - 1)] >= last) e--;
      }
      for (; e < c; e++) {
        const ps = e === c - 1 ? lp : e === c - 2 ? tgtPrev[2 * j + 1] : hist[base + 2 * e];
        const slow = e === c - 1 ? tgt[b + 2] : e === c - 2 ? tgtPrev[2 * j] : hist[base + 2 * e + 1];
        const w0 = sign * wk;
        let w1: number;
        if (!has) w1 = hasUnpaired ? rule.onPostUnpaired!(w0, slow) : rule.onPost(w0, 0, slow);
        else {
          const dp = ps - last;
          w1 = rule.onPost(w0, dp === 0 ? x1 - 1 : x1 * (dp < preLen ? preTab[dp] : Math.exp(-dp * preRate)), slow);
        }
        wk = Math.fround(sign * w1); // stored as float32 after every event, as the column update does
      }
    }
    const dk = T - lp; // >= 1: a post spike at T is applied after this arrival
    let hom: number;
    let post: number;
    if (dk < decayLen) {
      hom = useHom ? tgt[b + 1] * decay2[2 * dk + 1] : 0;
      post = tgt[b] * decay2[2 * dk];
    } else {
      hom = useHom ? tgt[b + 1] * decay(homTab, homRate, dk) : 0;
      post = tgt[b] * (dk < postLen ? postTab[dk] : Math.exp(-dk * postRate));
    }
    const w = rule.onPre(sign * wk, post, preSlowBefore, hom);
    weight[k] = sign * w;
    buf[off + j] += weight[k];
  }
  st.x1[src] = (has ? x1 * decay(st.dPre.table, st.dPre.rate, T - last) : 0) + 1;
  st.x2[src] = preSlowBefore + 1;
  st.lastArr[src] = T;
}

/**
 * Postsynaptic spikes of step s: with a history, record each (applying the older half of the target's
 * history first when it is full); without, facilitate every incoming synapse of each at once. Then advance
 * its traces.
 */
function postSpikes(st: AxonalState, rule: StdpRule, spikes: Int32Array, count: number, s: number, weight: Float32Array, sign: number, decay: typeof decayFactor): void {
  const revStart = st.revStart;
  const revSyn = st.revSyn;
  const revSrc = st.revSrc;
  const column = st.column;
  const lastArr = st.lastArr;
  const x1 = st.x1;
  const preTab = st.preLong;
  const preRate = st.dPre.rate;
  const preLen = preTab.length;
  const hasUnpaired = rule.onPostUnpaired !== undefined;
  const hist = st.hist;
  const hCount = st.hCount;
  const H = st.H;
  const tgt = st.tgt;
  const tgtI = st.tgtI;
  const tgtPrev = st.tgtPrev;
  for (let i = 0; i < count; i++) {
    const j = spikes[i];
    const dk = s - st.lastPost[j];
    const slowBefore = st.y2[j] * decay(st.dPostSlow.table, st.dPostSlow.rate, dk);
    const base = 2 * H * j;
    if (H > 0) {
      if (hCount[j] === H) {
        // A full history: its older half is applied now, to the synapses whose source has not arrived since
        // (the others replayed it at their arrival), and dropped; the newer half stays pending.
        const m = Math.max(1, H >> 1);
        const lim = hist[base + 2 * (m - 1)];
        const lo = revStart[j];
        const hi = revStart[j + 1];
        for (let r = lo; r < hi; r++) {
          const src = revSrc[r];
          const la = lastArr[src];
          if (la > lim) continue;
          const k = revSyn[r];
          let wk = weight[k];
          let e = m;
          while (e > 0 && hist[base + 2 * (e - 1)] >= la) e--;
          for (; e < m; e++) {
            const w = sign * wk;
            const slow = hist[base + 2 * e + 1];
            let w1: number;
            if (la < 0) w1 = hasUnpaired ? rule.onPostUnpaired!(w, slow) : rule.onPost(w, 0, slow);
            else {
              const dp = hist[base + 2 * e] - la;
              w1 = rule.onPost(w, dp === 0 ? x1[src] - 1 : x1[src] * (dp < preLen ? preTab[dp] : Math.exp(-dp * preRate)), slow);
            }
            wk = Math.fround(sign * w1); // stored as float32 after every event
          }
          weight[k] = wk;
        }
        hist.copyWithin(base, base + 2 * m, base + 2 * H);
        hCount[j] = H - m;
      }
      hist[base + 2 * hCount[j]] = s;
      hist[base + 2 * hCount[j] + 1] = slowBefore;
      hCount[j]++;
      tgtPrev[2 * j] = tgt[4 * j + 2];
      tgtPrev[2 * j + 1] = tgtI[8 * j + 6];
      tgt[4 * j + 2] = slowBefore;
    } else {
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
    }
    st.y1[j] = st.y1[j] * decay(st.dPost.table, st.dPost.rate, dk) + 1;
    st.y2[j] = slowBefore + 1;
    st.y3[j] = st.y3[j] * decay(st.dPostHom.table, st.dPostHom.rate, dk) + 1;
    st.lastPost[j] = s;
    tgt[4 * j] = st.y1[j];
    tgt[4 * j + 1] = st.y3[j];
    tgtI[8 * j + 6] = s;
    tgtI[8 * j + 7] = hCount[j];
  }
}

/**
 * Weight k with its target's pending facilitation applied (src: its source), without storing it: what the
 * eager update would hold now.
 */
function settled(st: AxonalState, rule: StdpRule, src: number, j: number, wk: number, sign: number): number {
  const c = st.hCount[j];
  if (c === 0) return wk;
  const last = st.lastArr[src];
  const base = 2 * st.H * j;
  let e = c;
  while (e > 0 && st.hist[base + 2 * (e - 1)] >= last) e--;
  for (; e < c; e++) {
    const ps = st.hist[base + 2 * e];
    const slow = st.hist[base + 2 * e + 1];
    const w0 = sign * wk;
    let w1: number;
    if (last < 0) w1 = rule.onPostUnpaired ? rule.onPostUnpaired(w0, slow) : rule.onPost(w0, 0, slow);
    else {
      const dp = ps - last;
      w1 = rule.onPost(w0, dp === 0 ? st.x1[src] - 1 : st.x1[src] * decayFactor(st.dPre.table, st.dPre.rate, dp), slow);
    }
    wk = Math.fround(sign * w1);
  }
  return wk;
}

/** Every weight with its pending facilitation, into `out` (the table itself to apply it, which empties the histories). */
function settleAll(st: AxonalState, rule: StdpRule, rowStart: Uint32Array, target: TargetIndex, weight: Float32Array, out: Float32Array, sign: number): void {
  const n = rowStart.length - 1;
  const lastPost = st.lastPost;
  const hCount = st.hCount;
  for (let src = 0; src < n; src++) {
    const last = st.lastArr[src];
    for (let k = rowStart[src]; k < rowStart[src + 1]; k++) {
      const j = target[k];
      // Nothing pending without a post spike since the source's last arrival.
      out[k] = lastPost[j] < last || hCount[j] === 0 ? weight[k] : settled(st, rule, src, j, weight[k], sign);
    }
  }
  if (out === weight) st.syncTargets();
}

/** The source of synapse k: the row of the CSR table that holds it. */
function sourceOf(rowStart: Uint32Array, k: number): number {
  let lo = 0;
  let hi = rowStart.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (rowStart[mid] <= k) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Post spikes kept per target for late facilitation (see AxonalState): 16 make a column update once per 16
 * post spikes of a target at most; 0 updates every column at its spike. Tests compare the two.
 */
let postHistory = 16;
export function setAxonalPostHistory(n: number): void {
  postHistory = Math.max(0, Math.floor(n));
}

export const axonalHandler: DelayHandler = (info: ProjectionInfo, rule: StdpRule, where: string): SynapseRuntime => {
  const t = info.table;
  // A delay per synapse: arrivals out of emission order, grouped by delay (split.ts, whose dendritic parts are 0 here).
  if (t.delay) return splitRuntime(info, rule, where);
  const pt = plasticTarget(info, where);
  const { weight, sign, buf, ring } = pt;
  const st = new AxonalState(t.rowStart, t.target, t.sourceCount, info.target.localCount, rule, info.dt, postHistory);
  const d = t.homDelay;
  const arriveRule = compiledArrive(st, rule, t.rowStart, t.target) ?? kernelFor(arrive, rule);
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
    weights: () => {
      const out = new Float32Array(weight.length);
      settleAll(st, rule, t.rowStart, t.target, weight, out, sign);
      return out;
    },
    // One weight without copying the table (weight recorders read it per transmission or sample).
    capabilities: { weightAt: (k: number) => settled(st, rule, sourceOf(t.rowStart, k), t.target[k], weight[k], sign) },
    saveState: () => {
      // A checkpoint holds the settled weights and no history.
      settleAll(st, rule, t.rowStart, t.target, weight, weight, sign);
      return { weight, traces: st.saveState() };
    },
    loadState(s: SavedState) {
      restoreArray(s, 'weight', weight, where);
      st.loadState(savedRecord(s, 'traces', where));
      st.syncTargets();
    },
    /** Per-neuron traces and the arrival queue: memory that does not scale with the synapse count. */
    neuronBytes: () => t.sourceCount * 20 + info.target.localCount * (36 + 4 + 48 + st.hist.BYTES_PER_ELEMENT * 2 * st.H) + (t.target.length > 0 ? 4 : 0) * (info.target.localCount + 1) + st.qSrc.byteLength * 2,
  };
};
