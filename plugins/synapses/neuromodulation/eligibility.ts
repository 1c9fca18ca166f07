import { ParameterError } from '../../../core/errors.js';
import { C } from '../../../core/components.js';
import type { SavedState } from '../../../core/contracts/base.js';
import type { ProjectionInfo, SynapseModel, SynapseRuntime } from '../../../core/plugin.js';
import type { ParamSchema, Params } from '../../../core/schema.js';
import { CheckpointError, restoreArray, savedArray, savedNumber } from '../../../core/saved-state.js';
import { VolumeTransmitterRuntime, type TriggerListener } from './volume_transmitter.js';

/**
 * The formulas of a neuromodulated eligibility-trace rule (a third-factor rule): per synapse a weight w and an
 * eligibility c, per volume transmitter a modulator trace n. Pre and post spikes change c through the
 * pair traces (K+ on the synapse's source with tauPre, K- on the target neuron with tauPost, each the
 * value just before the spike); modulator spikes change n; between events w follows c and n in closed form.
 * Every `h` is a span in ms and may be negative: NEST's synapse winds its state back when a pre spike of a
 * slice is delivered after the slice's trigger (see the runtime below).
 */
export interface EligibilityRule {
  /** Presynaptic trace K+ (NEST's tau_plus), ms. */
  readonly tauPre: number;
  /** Postsynaptic trace K- (NEST's tau_minus of the target neuron), ms. */
  readonly tauPost: number;
  /** Eligibility after a post spike reaches the synapse; kPre is K+ then. */
  onPost(c: number, kPre: number): number;
  /** Eligibility after a pre spike; kPost is K- at the spike's time minus the delay. */
  onPre(c: number, kPost: number): number;
  /** c after h ms without spikes. */
  decayEligibility(c: number, h: number): number;
  /** n after h ms without modulator spikes. */
  decayModulator(n: number, h: number): number;
  /** n after a modulator spike of this multiplicity. */
  onModulator(n: number, multiplicity: number): number;
  /** w after h ms with c and n decaying from c0 and n0 (bounds applied). */
  advance(w: number, c0: number, n0: number, h: number): number;
  /**
   * Optional fast path, for rules whose weight change is c0 times a gain of n0 and h and whose eligibility
   * decays by a factor: the three must give exactly the bits of advance and decayEligibility,
   * advance(w, c0, n0, h) === applyGain(w, c0, gain(n0, h)) and decayEligibility(c, h) === c * eligibilityFactor(h).
   * A trigger then computes the gains once per source neuron instead of once per synapse.
   */
  gain?(n0: number, h: number): number;
  applyGain?(w: number, c0: number, gain: number): number;
  eligibilityFactor?(h: number): number;
}

/** What a neuromodulated synapse model declares: its parameters and how to build its rule for one projection. */
export interface EligibilityRuleDefinition {
  readonly name: string;
  readonly doc: string;
  /** Parameters beyond weight, delay and vt, shared by the projection. */
  readonly params: ParamSchema;
  check?(p: Params, where: string): void;
  build(p: Params, targetParams: Params, where: string): EligibilityRule;
}

/** The runtime of a neuromodulated projection, with NEST's individual synapse properties readable. */
export interface NeuromodulatedRuntime extends SynapseRuntime {
  /** Per synapse in CSR order, as NEST's GetStatus gives them: w and c at the synapse's last update, n at its last modulator spike or trigger. */
  synapseState(): { weight: Float64Array; c: Float64Array; n: Float64Array };
}

/**
 * NEST's stdp_dopamine_synapse machinery (send, trigger_update_weight, process_dopa_spikes_), for any
 * EligibilityRule. Times are steps; a spike emitted in step s is at s + 1.
 *
 * NEST delivers the pre spikes of slice k at the start of slice k + 1, after the volume transmitter's trigger
 * at the end of slice k: a synapse then holds state at t_trig >= t_spike, and send() integrates from t_trig
 * back to t_spike before the depression (its window of post spikes is empty then, and the post spikes of
 * (t_spike - d, t_trig - d] are read again at the next update). This runtime does the same, in the same order;
 * pre spikes of a slice cut short by the end of a simulate() call wait for the slice's end, as in NEST, so the
 * result does not depend on how the simulated time is split into calls.
 *
 * State: w and c per synapse; per source neuron K+, the last update time, n and the index into the
 * transmitter's spike list (the same for all synapses of a source, as all see the same pre spikes and
 * triggers); per target neuron its spikes with K- after each (NEST's ArchivingNode).
 */
class EligibilityRuntime implements NeuromodulatedRuntime, TriggerListener {
  readonly w: Float64Array;
  readonly c: Float64Array;
  readonly kPre: Float64Array;
  readonly tLast: Int32Array;
  readonly nMod: Float64Array;
  readonly idx: Int32Array;
  // per target: a ring of `cap` post spikes from `head`, `len` long, and the trace after the newest
  cap = 4;
  head: Int32Array;
  len: Int32Array;
  hStep: Int32Array;
  hK: Float64Array;
  readonly lastPost: Int32Array;
  readonly kMinus: Float64Array;
  /**
   * Pre spikes of a slice that a simulate() call ended before its end: NEST delivers them once the slice is
   * complete, after that slice's trigger, so they wait here (they arrive at step + d, after the slice anyway).
   */
  deferring = false;
  deferredSrc = new Int32Array(16);
  deferredStep = new Int32Array(16);
  deferredCount = 0;
  // a trigger's segments between modulator spikes, shared by the synapses of one source (EligibilityRule.gain)
  private segFactor = new Float64Array(8);
  private segGain = new Float64Array(8);
  private segCount = 0;
  private segDecay = 1;
  /** n and the list index at the end of the segments (what process() leaves in sn and si). */
  private segEndN = 0;
  private segEndI = 0;
  private readonly fast: boolean;
  // the synapse being updated (process() works on these: no allocation per synapse)
  private sw = 0;
  private sc = 0;
  private sn = 0;
  private si = 0;
  private readonly maxDelay: number;

  constructor(
    private readonly info: ProjectionInfo,
    private readonly rule: EligibilityRule,
    private readonly vt: VolumeTransmitterRuntime,
    private readonly where: string,
  ) {
    const t = info.table;
    const nT = info.target.localCount;
    this.w = t.weight ? Float64Array.from(t.weight) : new Float64Array(t.count).fill(t.homWeight);
    this.c = new Float64Array(t.count);
    this.kPre = new Float64Array(t.sourceCount);
    this.tLast = new Int32Array(t.sourceCount);
    this.nMod = new Float64Array(t.sourceCount);
    this.idx = new Int32Array(t.sourceCount);
    this.head = new Int32Array(nT);
    this.len = new Int32Array(nT);
    this.hStep = new Int32Array(nT * this.cap);
    this.hK = new Float64Array(nT * this.cap);
    this.lastPost = new Int32Array(nT).fill(-(2 ** 30));
    this.kMinus = new Float64Array(nT);
    let maxDelay = t.homDelay;
    if (t.delay) for (let k = 0; k < t.count; k++) if (t.delay[k] > maxDelay) maxDelay = t.delay[k];
    this.maxDelay = maxDelay;
    this.fast = rule.gain !== undefined && rule.applyGain !== undefined && rule.eligibilityFactor !== undefined;
  }

  /** NEST's process_dopa_spikes_ over (t0, t1] for the synapse in sw, sc, sn, si. */
  private process(t0: number, t1: number): void {
    const rule = this.rule;
    const dt = this.info.dt;
    const T = this.vt.times;
    const M = this.vt.mult;
    const L = this.vt.count;
    let w = this.sw;
    let n = this.sn;
    let i = this.si;
    const c = this.sc;
    if (L > i + 1 && T[i + 1] <= t1) {
      // Up to the first modulator spike: w and c at t0, n at the last modulator spike.
      w = rule.advance(w, c, rule.decayModulator(n, (t0 - T[i]) * dt), (T[i + 1] - t0) * dt);
      n = rule.onModulator(rule.decayModulator(n, (T[i + 1] - T[i]) * dt), M[i + 1]);
      i++;
      while (L > i + 1 && T[i + 1] <= t1) {
        w = rule.advance(w, rule.decayEligibility(c, (T[i] - t0) * dt), n, (T[i + 1] - T[i]) * dt);
        n = rule.onModulator(rule.decayModulator(n, (T[i + 1] - T[i]) * dt), M[i + 1]);
        i++;
      }
      w = rule.advance(w, rule.decayEligibility(c, (T[i] - t0) * dt), n, (t1 - T[i]) * dt);
    } else {
      w = rule.advance(w, c, rule.decayModulator(n, (t0 - T[i]) * dt), (t1 - t0) * dt);
    }
    this.sw = w;
    this.sn = n;
    this.si = i;
    this.sc = rule.decayEligibility(c, (t1 - t0) * dt);
  }

  /** The post spikes of target j in (tLast - d, tEnd - d], each after integrating up to it, facilitate c. */
  private facilitate(j: number, d: number, tLast: number, tEnd: number, kPre: number): number {
    const base = j * this.cap;
    const mask = this.cap - 1;
    const hd = this.head[j];
    // The window is recent and the history short past it: find its start from the newest entry.
    let e = this.len[j];
    while (e > 0 && this.hStep[base + ((hd + e - 1) & mask)] > tLast - d) e--;
    const n = this.len[j];
    if (e === n || this.hStep[base + ((hd + e) & mask)] > tEnd - d) return tLast;
    const rule = this.rule;
    const scale = this.info.dt / rule.tauPre;
    let t0 = tLast;
    for (; e < n; e++) {
      const tp = this.hStep[base + ((hd + e) & mask)];
      if (tp > tEnd - d) break;
      this.process(t0, tp + d);
      t0 = tp + d;
      this.sc = rule.onPost(this.sc, kPre * Math.exp((tLast - t0) * scale));
    }
    return t0;
  }

  /** NEST's get_K_value(T): K- of the latest post spike strictly before T, decayed to T. */
  private kPost(j: number, T: number): number {
    const base = j * this.cap;
    const mask = this.cap - 1;
    const hd = this.head[j];
    for (let e = this.len[j] - 1; e >= 0; e--) {
      const slot = base + ((hd + e) & mask);
      const tp = this.hStep[slot];
      if (tp < T) return this.hK[slot] * Math.exp(((tp - T) * this.info.dt) / this.rule.tauPost);
    }
    return 0;
  }

  deliver(src: number, step: number): void {
    if (this.deferring) {
      this.defer(src, step);
      return;
    }
    this.send(src, step);
  }

  private defer(src: number, step: number): void {
    if (this.deferredCount === this.deferredSrc.length) {
      const a = new Int32Array(this.deferredCount * 2);
      a.set(this.deferredSrc);
      const b = new Int32Array(this.deferredCount * 2);
      b.set(this.deferredStep);
      this.deferredSrc = a;
      this.deferredStep = b;
    }
    this.deferredSrc[this.deferredCount] = src;
    this.deferredStep[this.deferredCount++] = step;
  }

  sliceEnd(_to: number, complete: boolean): void {
    this.deferring = !complete;
    if (complete && this.deferredCount > 0) {
      for (let i = 0; i < this.deferredCount; i++) this.send(this.deferredSrc[i], this.deferredStep[i]);
      this.deferredCount = 0;
    }
  }

  /** NEST's send for every synapse of the source's row, then the new weights into the target ring at step + d. */
  private send(src: number, step: number): void {
    const t = this.info.table;
    const ring = this.info.targetRing;
    const tS = step + 1;
    const tLast = this.tLast[src];
    const kPre = this.kPre[src];
    const start = t.rowStart[src];
    const end = t.rowStart[src + 1];
    for (let k = start; k < end; k++) {
      const j = t.target[k];
      const d = t.delay ? t.delay[k] : t.homDelay;
      this.sw = this.w[k];
      this.sc = this.c[k];
      this.sn = this.nMod[src];
      this.si = this.idx[src];
      const t0 = this.facilitate(j, d, tLast, tS, kPre);
      this.process(t0, tS);
      this.sc = this.rule.onPre(this.sc, this.kPost(j, tS - d));
      this.w[k] = this.sw;
      this.c[k] = this.sc;
      const off = ((step + d) % ring.slots) * ring.n + j;
      if (this.sw >= 0) ring.ex[off] += this.sw;
      else ring.inh[off] += this.sw;
    }
    if (end > start) {
      this.nMod[src] = this.sn;
      this.idx[src] = this.si;
    }
    this.kPre[src] = kPre * Math.exp(((tLast - tS) * this.info.dt) / this.rule.tauPre) + 1;
    this.tLast[src] = tS;
  }

  trigger(tTrig: number): void {
    const t = this.info.table;
    const dt = this.info.dt;
    const rule = this.rule;
    const { rowStart, target, delay, homDelay } = t;
    const W = this.w;
    const C = this.c;
    const lastPost = this.lastPost;
    const fast = this.fast;
    let segLast = NaN;
    let segN = NaN;
    let segI = -1;
    for (let src = 0; src < t.sourceCount; src++) {
      const tLast = this.tLast[src];
      const kPre = this.kPre[src];
      const start = rowStart[src];
      const end = rowStart[src + 1];
      // Sources that did not fire since the last trigger share tLast, n and the index: their segments too.
      if (fast && end > start && (tLast !== segLast || this.nMod[src] !== segN || this.idx[src] !== segI)) {
        segLast = tLast;
        segN = this.nMod[src];
        segI = this.idx[src];
        this.segments(tLast, tTrig, segN, segI);
      }
      const segFactor = this.segFactor;
      const segGain = this.segGain;
      const segCount = this.segCount;
      const segDecay = this.segDecay;
      for (let k = start; k < end; k++) {
        const d = delay ? delay[k] : homDelay;
        const j = target[k];
        if (fast && lastPost[j] <= tLast - d) {
          // No post spike in the window: process() with the source's shared factors, the same operations.
          let w = W[k];
          const c = C[k];
          for (let g = 0; g < segCount; g++) w = rule.applyGain!(w, c * segFactor[g], segGain[g]);
          W[k] = w;
          C[k] = c * segDecay;
          continue;
        }
        this.sw = W[k];
        this.sc = C[k];
        this.sn = this.nMod[src];
        this.si = this.idx[src];
        const t0 = this.facilitate(j, d, tLast, tTrig, kPre);
        this.process(t0, tTrig);
        W[k] = this.sw;
        C[k] = this.sc;
      }
      if (end > start) this.nMod[src] = rule.decayModulator(fast ? this.segEndN : this.sn, (tTrig - this.vt.times[fast ? this.segEndI : this.si]) * dt);
      this.kPre[src] = kPre * Math.exp(((tLast - tTrig) * dt) / rule.tauPre);
      this.tLast[src] = tTrig;
      this.idx[src] = 0;
    }
  }

  /**
   * process(t0, t1) split into what every synapse of a source shares (the eligibility factor and the gain of
   * each stretch between modulator spikes) and leaves n and the list index, as process() would, in segEndN and segEndI.
   */
  private segments(t0: number, t1: number, n: number, i: number): void {
    const rule = this.rule;
    const dt = this.info.dt;
    const T = this.vt.times;
    const M = this.vt.mult;
    const L = this.vt.count;
    if (this.segFactor.length < L + 1) {
      this.segFactor = new Float64Array(2 * L + 2);
      this.segGain = new Float64Array(2 * L + 2);
    }
    let s = 0;
    if (L > i + 1 && T[i + 1] <= t1) {
      this.segFactor[s] = 1;
      this.segGain[s++] = rule.gain!(rule.decayModulator(n, (t0 - T[i]) * dt), (T[i + 1] - t0) * dt);
      n = rule.onModulator(rule.decayModulator(n, (T[i + 1] - T[i]) * dt), M[i + 1]);
      i++;
      while (L > i + 1 && T[i + 1] <= t1) {
        this.segFactor[s] = rule.eligibilityFactor!((T[i] - t0) * dt);
        this.segGain[s++] = rule.gain!(n, (T[i + 1] - T[i]) * dt);
        n = rule.onModulator(rule.decayModulator(n, (T[i + 1] - T[i]) * dt), M[i + 1]);
        i++;
      }
      this.segFactor[s] = rule.eligibilityFactor!((T[i] - t0) * dt);
      this.segGain[s++] = rule.gain!(n, (t1 - T[i]) * dt);
    } else {
      this.segFactor[s] = 1;
      this.segGain[s++] = rule.gain!(rule.decayModulator(n, (t0 - T[i]) * dt), (t1 - t0) * dt);
    }
    this.segCount = s;
    this.segDecay = rule.eligibilityFactor!((t1 - t0) * dt);
    this.segEndN = n;
    this.segEndI = i;
  }

  onPostSpikes(spikes: Int32Array, count: number, step: number): void {
    const tp = step + 1;
    const dt = this.info.dt;
    for (let i = 0; i < count; i++) {
      const j = spikes[i];
      if (this.len[j] === this.cap) {
        this.prune(step);
        if (this.len[j] === this.cap) this.grow();
      }
      const k = this.kMinus[j] * Math.exp(((this.lastPost[j] - tp) * dt) / this.rule.tauPost) + 1;
      this.kMinus[j] = k;
      this.lastPost[j] = tp;
      const slot = j * this.cap + ((this.head[j] + this.len[j]) & (this.cap - 1));
      this.hStep[slot] = tp;
      this.hK[slot] = k;
      this.len[j]++;
    }
  }

  /**
   * Drop the post spikes no update can read again: every later window starts after min(last update) - d
   * (a rewind goes back at most to a pre spike of the slice now running), every K- query is later still.
   * The latest spike before that bound stays, for K- queries.
   */
  private prune(step: number): void {
    const t = this.info.table;
    let bound = step - 2 * this.maxDelay;
    for (let src = 0; src < t.sourceCount; src++) if (t.rowStart[src + 1] > t.rowStart[src] && this.tLast[src] < bound) bound = this.tLast[src];
    bound -= this.maxDelay + 1;
    const mask = this.cap - 1;
    for (let j = 0; j < this.len.length; j++) {
      const base = j * this.cap;
      while (this.len[j] > 1 && this.hStep[base + ((this.head[j] + 1) & mask)] <= bound) {
        this.head[j] = (this.head[j] + 1) & mask;
        this.len[j]--;
      }
    }
  }

  private grow(): void {
    const cap = this.cap * 2;
    const nT = this.len.length;
    const hStep = new Int32Array(nT * cap);
    const hK = new Float64Array(nT * cap);
    for (let j = 0; j < nT; j++) {
      for (let e = 0; e < this.len[j]; e++) {
        const from = j * this.cap + ((this.head[j] + e) & (this.cap - 1));
        hStep[j * cap + e] = this.hStep[from];
        hK[j * cap + e] = this.hK[from];
      }
      this.head[j] = 0;
    }
    this.cap = cap;
    this.hStep = hStep;
    this.hK = hK;
  }

  /** The table's target index, weight and delay, and w and c in float64. */
  bytesPerSynapse(): number {
    const t = this.info.table;
    return t.target.BYTES_PER_ELEMENT + (t.weight ? 4 : 0) + STATE_BYTES_PER_SYNAPSE + (t.delay ? 2 : 0);
  }

  neuronBytes(): number {
    return this.kPre.length * 24 + this.len.length * (20 + this.cap * 12);
  }

  weights(): Float32Array {
    return Float32Array.from(this.w);
  }

  readonly capabilities = { weightAt: (k: number) => this.w[k] };

  synapseState(): { weight: Float64Array; c: Float64Array; n: Float64Array } {
    const t = this.info.table;
    const n = new Float64Array(t.count);
    for (let src = 0; src < t.sourceCount; src++) n.fill(this.nMod[src], t.rowStart[src], t.rowStart[src + 1]);
    return { weight: this.w.slice(), c: this.c.slice(), n };
  }

  saveState(): SavedState {
    return {
      w: this.w, c: this.c, kPre: this.kPre, tLast: this.tLast, nMod: this.nMod, idx: this.idx,
      cap: this.cap, head: this.head, len: this.len, hStep: this.hStep, hK: this.hK, lastPost: this.lastPost, kMinus: this.kMinus,
      deferring: this.deferring, deferredSrc: this.deferredSrc.slice(0, this.deferredCount), deferredStep: this.deferredStep.slice(0, this.deferredCount),
    };
  }

  loadState(s: SavedState): void {
    const where = this.where;
    const cap = savedNumber(s, 'cap', where);
    if (!Number.isInteger(cap) || cap < 1 || (cap & (cap - 1)) !== 0) throw new CheckpointError(`${where}: saved history capacity ${cap} is not a power of two`);
    this.cap = cap;
    this.hStep = savedArray(s, 'hStep', Int32Array, where, this.len.length * cap).slice();
    this.hK = savedArray(s, 'hK', Float64Array, where, this.len.length * cap).slice();
    for (const k of ['w', 'c', 'kPre', 'tLast', 'nMod', 'idx', 'head', 'len', 'lastPost', 'kMinus'] as const) restoreArray(s, k, this[k], where);
    if (typeof s.deferring !== 'boolean') throw new CheckpointError(`${where}: the saved state has no flag 'deferring'`);
    this.deferring = s.deferring;
    const src = savedArray(s, 'deferredSrc', Int32Array, where);
    const steps = savedArray(s, 'deferredStep', Int32Array, where, src.length);
    this.deferredCount = 0;
    for (let i = 0; i < src.length; i++) this.defer(src[i], steps[i]);
  }
}

/** The node id a projection names in `vt`, as the volume transmitter it names, or a clear error. */
function findTransmitter(info: ProjectionInfo, where: string): VolumeTransmitterRuntime {
  const gid = info.params.vt;
  const world = info.services?.world;
  if (world) {
    for (const e of world.query([C.device])) {
      const dev = world.get(e, C.device);
      if (dev.gid !== gid) continue;
      const rt = world.get(e, C.recorder);
      if (rt instanceof VolumeTransmitterRuntime) return rt;
      break;
    }
  }
  throw new ParameterError(where, 'vt', gid, 'the node id of a volume_transmitter of this network (sim.create(\'volume_transmitter\').gid), as NEST\'s vt');
}

/** w and c, float64 per synapse, beside the table's float32 weight. */
const STATE_BYTES_PER_SYNAPSE = 16;

/**
 * Make a synapse model from an eligibility-trace rule, with NEST's stdp_dopamine_synapse timing: updates at
 * every pre spike and at every trigger of the volume transmitter the projection names in `vt`. A user's rule is
 * registered the same way: `createSimulator({ plugins: [...builtinPlugins, neuromodulatedSynapse(myRule)] })`.
 */
export function neuromodulatedSynapse(def: EligibilityRuleDefinition): SynapseModel {
  return {
    kind: 'synapse',
    name: def.name,
    doc: def.doc,
    params: {
      vt: { unit: '', default: 0, min: 1, integer: true, required: true, doc: 'required: node id of the volume_transmitter that delivers the modulator spikes (NEST: vt)' },
      ...def.params,
    },
    plastic: true,
    perSynapseWeight: true,
    stateBytesPerSynapse: STATE_BYTES_PER_SYNAPSE,
    create(info: ProjectionInfo): SynapseRuntime {
      const where = `${def.name} (projection ${info.id}: population ${info.source.id} -> ${info.target.id})`;
      def.check?.(info.params, where);
      const rule = def.build(info.params, info.targetParams, where);
      const vt = findTransmitter(info, where);
      const rt = new EligibilityRuntime(info, rule, vt, where);
      vt.listen(rt);
      return rt;
    },
  };
}
