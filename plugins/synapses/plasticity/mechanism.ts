import { ParameterError } from '../../../core/errors.js';
import type { ParamSchema, Params } from '../../../core/schema.js';
import type { PairingScheme, StdpRule, StdpRuleDefinition } from './rule.js';
import type { TimingDependence, TimingRule, TraceSpec } from './timing/types.js';
import type { WeightDependence, WeightRule } from './weight/dependences.js';
import { methodCopy } from './specialise.js';
import { checkNonNegativeWeight } from './synapse.js';
import { checkGeneralTraces } from './general.js';
import { spikePair } from './timing/pair.js';
import { nearestPair, type NearestScheme } from './timing/nearest.js';
import { triplet, tripletHomeostatic } from './timing/triplet.js';
import { additive, gutig, powerLaw } from './weight/dependences.js';
import { STDP_PER_SYNAPSE, stdpSynapsePerSynapseRule, stdpSynapseRule } from '../stdp_synapse.js';
import { stdpPlSynapseHomRule } from '../stdp_pl_synapse_hom.js';
import { stdpTripletSynapseRule } from '../stdp_triplet_synapse.js';
import { tripletAurynRule } from '../triplet_auryn.js';

/**
 * STDP = timing dependence × weight dependence (PyNN's STDPMechanism). The timing half declares its
 * traces as data and gives, at each spike, an amplitude A and a trace value K; the weight half turns
 * (w, A, K) into the new weight. `stdpMechanism` joins them into a StdpRuleDefinition, so the result runs
 * through `plasticSynapse()` and both delay handlers unchanged.
 *
 * The handlers keep five exponential traces: x (pre, read at post spikes), x2 (pre, read at pre spikes),
 * y (post, read at pre spikes), y2 (post, read at post spikes) and z (a second post trace read at pre
 * spikes). A declared trace is mapped onto the slot its side and reading spike select; one that fits none
 * (an increment other than 1, a third trace of a kind) is refused with a ParameterError naming it.
 * Nearest-neighbour and consumed traces become the rule's `pairing`, which only the dendritic handler runs
 * (plasticSynapse refuses the others, naming the trace).
 *
 * A timing rule with the general methods (ltpTerms / ltpAmpAt / ..., timing/types.ts) whose traces do not
 * fit the slots runs instead on the general trace path (general.ts): any number of all-to-all traces with
 * any increment, kept in arrays by trace id; the dendritic handler runs it. Traces that fit keep the slots.
 */
export interface MechanismOptions {
  timing: TimingDependence;
  weight: WeightDependence;
  /** Model name; `stdp_<timing>_<weight>` when omitted. */
  name?: string;
  doc?: string;
  /**
   * Own parameter schema (e.g. NEST's names), with `translate` giving the halves' parameters from it.
   * Without them the schema is the union of the halves' (a name in both is an error).
   */
  params?: ParamSchema;
  translate?: (p: Params) => Params;
  check?: StdpRuleDefinition['check'];
  checkWeight?: StdpRuleDefinition['checkWeight'];
  /** Handler state per synapse beyond the table, in bytes (StdpRuleDefinition.stateBytesPerSynapse). */
  stateBytesPerSynapse?: StdpRuleDefinition['stateBytesPerSynapse'];
  /**
   * 'auto' (the default): the handlers' slots when the traces fit them and the timing rule has the slot
   * methods, else the general trace path. 'general': always the general path (to compare both on one rule).
   */
  tracePath?: 'auto' | 'general';
}

/** The handler slots, in the order the doc above gives them, with the StdpRule field each fills. */
const SLOTS = [
  { side: 'pre', readAt: 'post', field: 'tauPre', label: 'x (pre trace read at post spikes)' },
  { side: 'pre', readAt: 'pre', field: 'tauPreSlow', label: 'x2 (pre trace read at pre spikes)' },
  { side: 'post', readAt: 'pre', field: 'tauPost', label: 'y (post trace read at pre spikes)' },
  { side: 'post', readAt: 'post', field: 'tauPostSlow', label: 'y2 (post trace read at post spikes)' },
  { side: 'post', readAt: 'pre', field: 'tauPostHom', label: 'z (second post trace read at pre spikes)' },
] as const;

type SlotField = (typeof SLOTS)[number]['field'];

type Slots = Record<SlotField, number> & { postHomInitial: number; pairing: PairingScheme | undefined };

const NEAREST_FLAG = {
  tauPre: 'nearestPre', tauPreSlow: 'nearestPreSlow', tauPost: 'nearestPost', tauPostSlow: 'nearestPostSlow', tauPostHom: 'nearestPostHom',
} as const satisfies Record<SlotField, keyof PairingScheme>;

/**
 * Time constants per slot, z's initial value and the pairing scheme (undefined when every trace is
 * all-to-all and x starts at 0), or a ParameterError naming the trace that does not fit.
 */
export function mapTraces(traces: readonly TraceSpec[], where: string): Slots {
  const out: Slots = { tauPre: 0, tauPreSlow: 0, tauPost: 0, tauPostSlow: 0, tauPostHom: 0, postHomInitial: 0, pairing: undefined };
  const pairing = { nearestPre: false, nearestPreSlow: false, nearestPost: false, nearestPostSlow: false, nearestPostHom: false, preConsumed: false, postConsumed: false, preInitial: 0, reason: '' };
  const taken = new Set<SlotField>();
  for (const t of traces) {
    const what = `trace '${t.name}'`;
    const kind = t.pairing ?? 'all-to-all';
    if (kind !== 'all-to-all' && kind !== 'nearest') throw new ParameterError(where, `${what} pairing`, kind, "'all-to-all' or 'nearest'");
    if ((t.increment ?? 1) !== 1) {
      throw new ParameterError(where, what, `increment ${t.increment}`, 'an increment of 1 per spike (scale the amplitude instead)');
    }
    if (!(t.tau > 0) || !Number.isFinite(t.tau)) throw new ParameterError(where, `${what} time constant`, t.tau, 'a finite time constant > 0 ms');
    const slot = SLOTS.find((s) => s.side === t.side && s.readAt === t.readAt && !taken.has(s.field));
    if (slot === undefined) {
      const used = SLOTS.filter((s) => s.side === t.side && s.readAt === t.readAt).map((s) => s.label).join(' and ');
      throw new ParameterError(where, what, `a ${t.side} trace read at ${t.readAt} spikes`, `at most the handlers' ${used}, already taken`);
    }
    const initial = t.initial ?? 0;
    if (initial !== 0 && slot.field !== 'tauPostHom' && slot.field !== 'tauPre') {
      throw new ParameterError(where, what, `initial value ${initial}`, '0: only x (the pre trace read at post spikes, a pre spike at t = 0) and z (the second post trace read at pre spikes) start elsewhere');
    }
    if (slot.field === 'tauPre' && !(initial >= 0 && Number.isFinite(initial))) throw new ParameterError(where, `${what} initial value`, initial, 'a finite value >= 0');
    if (kind === 'nearest' && slot.field === 'tauPostSlow') {
      throw new ParameterError(where, `${what} pairing`, kind, "'all-to-all': y2 is read just before its own spike, which the history keeps for all-to-all traces only");
    }
    if (t.consumed && slot.field !== 'tauPre' && slot.field !== 'tauPost') {
      throw new ParameterError(where, `${what} consumed`, true, 'false: only x (pre, read at post spikes) and y (post, read at pre spikes) pair once per spike');
    }
    taken.add(slot.field);
    out[slot.field] = t.tau;
    if (slot.field === 'tauPostHom') out.postHomInitial = initial;
    if (slot.field === 'tauPre') pairing.preInitial = initial;
    if (kind === 'nearest') pairing[NEAREST_FLAG[slot.field]] = true;
    if (t.consumed) pairing[slot.field === 'tauPre' ? 'preConsumed' : 'postConsumed'] = true;
    if (!pairing.reason && (kind === 'nearest' || t.consumed || (slot.field === 'tauPre' && initial !== 0))) {
      pairing.reason = `trace '${t.name}' (${[kind === 'nearest' ? 'nearest-neighbour pairing' : '', t.consumed ? 'consumed' : '', slot.field === 'tauPre' && initial !== 0 ? `initial ${initial}` : ''].filter(Boolean).join(', ')})`;
    }
  }
  if (pairing.reason) out.pairing = pairing;
  return out;
}

/**
 * The rule of a composition. Its methods are copied per mechanism (methodCopy) so that each timing ×
 * weight pair has its own type feedback: the kernels, specialised per onPost, then see one rule shape and
 * V8 inlines both halves, as it does a hand-written rule.
 */
class ComposedRule implements StdpRule {
  readonly tauPre: number;
  readonly tauPreSlow: number;
  readonly tauPost: number;
  readonly tauPostSlow: number;
  readonly tauPostHom: number;
  readonly postHomInitial: number;
  readonly pairing: PairingScheme | undefined;
  constructor(readonly td: TimingRule, readonly wd: WeightRule, slots: Slots) {
    this.tauPre = slots.tauPre;
    this.tauPreSlow = slots.tauPreSlow;
    this.tauPost = slots.tauPost;
    this.tauPostSlow = slots.tauPostSlow;
    this.tauPostHom = slots.tauPostHom;
    this.postHomInitial = slots.postHomInitial;
    this.pairing = slots.pairing;
  }
  onPost(w: number, pre: number, postSlowBefore: number): number {
    const td = this.td;
    return this.wd.potentiate(w, td.ltpAmp!(pre, postSlowBefore), td.ltpTrace!(pre, postSlowBefore));
  }
  onPre(w: number, post: number, preSlowBefore: number, postHom: number): number {
    const td = this.td;
    return this.wd.depress(w, td.ltdAmp!(post, preSlowBefore, postHom), td.ltdTrace!(post, preSlowBefore, postHom));
  }
}

/** The methods a composition may swap in: the unpaired shortcut, and a pre spike that potentiates first. */
const variants = {
  onPostUnpaired(this: ComposedRule, w: number): number {
    return this.wd.unpaired!(w);
  },
  onPreSymmetric(this: ComposedRule, w: number, post: number, preSlowBefore: number, postHom: number): number {
    const td = this.td;
    const wd = this.wd;
    const v = wd.potentiate(w, td.preLtpAmp!(post), td.preLtpTrace!(post));
    return wd.depress(v, td.ltdAmp!(post, preSlowBefore, postHom), td.ltdTrace!(post, preSlowBefore, postHom));
  },
};

/**
 * The rule of a composition on the general trace path: every trace's value by id goes to the timing rule,
 * whose (A, K) terms the weight dependence applies in order. Copied per mechanism as ComposedRule is.
 */
class GeneralComposedRule implements StdpRule {
  readonly tauPre = 0;
  readonly tauPreSlow = 0;
  readonly tauPost = 0;
  readonly tauPostSlow = 0;
  readonly tauPostHom = 0;
  readonly postHomInitial = 0;
  readonly pairing: PairingScheme | undefined = undefined;
  readonly generalTraces: readonly TraceSpec[];
  readonly ltpTerms: number;
  readonly ltdTerms: number;
  constructor(readonly td: TimingRule, readonly wd: WeightRule, readonly generalReason: string) {
    this.generalTraces = td.traces;
    this.ltpTerms = td.ltpTerms ?? 0;
    this.ltdTerms = td.ltdTerms ?? 0;
  }
  potentiateAt(w: number, traces: Float64Array): number {
    const td = this.td;
    const wd = this.wd;
    const n = this.ltpTerms;
    for (let i = 0; i < n; i++) w = wd.potentiate(w, td.ltpAmpAt!(traces, i), td.ltpTraceAt!(traces, i));
    return w;
  }
  depressAt(w: number, traces: Float64Array): number {
    const td = this.td;
    const wd = this.wd;
    const n = this.ltdTerms;
    for (let i = 0; i < n; i++) w = wd.depress(w, td.ltdAmpAt!(traces, i), td.ltdTraceAt!(traces, i));
    return w;
  }
  /** The handlers' slot entry points: a general-path rule never runs there (the handler refuses it first). */
  onPost(): number {
    throw new Error('a rule on the general trace path updates through potentiateAt');
  }
  onPre(): number {
    throw new Error('a rule on the general trace path updates through depressAt');
  }
}

/** Whether a timing rule gives the general path's methods, and a ParameterError if it cannot run there. */
function checkGeneralRule(td: TimingRule, why: string, where: string): void {
  const missing = (['ltpAmpAt', 'ltpTraceAt', 'ltdAmpAt', 'ltdTraceAt'] as const).filter((m) => typeof td[m] !== 'function');
  if (missing.length > 0) {
    throw new ParameterError(where, 'timing rule', `without ${missing.join(', ')}`, `the general methods (ltpTerms, ltpAmpAt, ltpTraceAt, ltdTerms, ltdAmpAt, ltdTraceAt) for ${why}`);
  }
  for (const m of ['ltpTerms', 'ltdTerms'] as const) {
    const n = td[m];
    if (!Number.isInteger(n) || n! < 0) throw new ParameterError(where, `timing rule ${m}`, n, 'an integer >= 0 (how many (A, K) terms a spike applies)');
  }
  checkGeneralTraces(td.traces, where);
}

function unionParams(a: ParamSchema, b: ParamSchema, name: string): ParamSchema {
  for (const k of Object.keys(b)) {
    if (k in a) throw new ParameterError(name, k, 'in both halves', 'distinct parameter names in the timing and the weight dependence (give params and translate)');
  }
  return { ...a, ...b };
}

export function stdpMechanism(opts: MechanismOptions): StdpRuleDefinition {
  const { timing, weight } = opts;
  const name = opts.name ?? `stdp_${timing.name}_${weight.name}`;
  if ((opts.params === undefined) !== (opts.translate === undefined)) {
    throw new ParameterError(name, 'params', opts.params === undefined ? 'translate without params' : 'params without translate', 'both params and translate, or neither');
  }
  const params = opts.params ?? unionParams(timing.params, weight.params, name);
  const translate = opts.translate ?? ((p: Params) => p);
  // One rule class per mechanism, its hot methods copied from ComposedRule's source (see ComposedRule).
  const key = {};
  class Rule extends ComposedRule {}
  const proto = Rule.prototype as unknown as Record<string, unknown>;
  let prototypeDone = false;
  const finish = (td: TimingRule, wd: WeightRule) => {
    // At the first build, not at definition: which variants apply follows from the halves' classes, and
    // setKernelSpecialisation(false) before a network is prepared still applies to module-level mechanisms.
    proto.onPost = methodCopy(ComposedRule.prototype.onPost, key);
    proto.onPre = td.preLtpAmp ? methodCopy(variants.onPreSymmetric, key) : methodCopy(ComposedRule.prototype.onPre, key);
    if (wd.unpaired && timing.ltpNeedsPre) proto.onPostUnpaired = methodCopy(variants.onPostUnpaired, key);
    prototypeDone = true;
  };
  // The general path's class, prepared at its first build likewise.
  class General extends GeneralComposedRule {}
  const generalProto = General.prototype as unknown as Record<string, unknown>;
  let generalDone = false;
  const finishGeneral = () => {
    for (const m of ['potentiateAt', 'depressAt', 'onPost', 'onPre'] as const) generalProto[m] = methodCopy(GeneralComposedRule.prototype[m], key);
    generalDone = true;
  };
  const tracePath = opts.tracePath ?? 'auto';
  if (tracePath !== 'auto' && tracePath !== 'general') throw new ParameterError(name, 'tracePath', tracePath, "'auto' or 'general'");
  let shape: [unknown, unknown] | undefined;
  let generalShape: unknown[] | undefined;
  return {
    name,
    doc: opts.doc ?? `STDP mechanism: ${timing.name} timing dependence x ${weight.name} weight dependence`,
    params,
    check: opts.check,
    checkWeight: opts.checkWeight,
    ...(opts.stateBytesPerSynapse ? { stateBytesPerSynapse: opts.stateBytesPerSynapse } : {}),
    build(p: Params, targetParams: Params, where: string): StdpRule {
      const q = translate(p);
      const td = timing.build(q, targetParams, where);
      const wd = weight.build(q, td.relative, where);
      let slots: Slots | undefined;
      let why = "tracePath 'general'";
      if (tracePath === 'auto') {
        const slotMethods = typeof td.ltpAmp === 'function' && typeof td.ltpTrace === 'function' && typeof td.ltdAmp === 'function' && typeof td.ltdTrace === 'function';
        const general = typeof td.ltpAmpAt === 'function';
        try {
          slots = mapTraces(td.traces, where);
          if (!slotMethods) {
            slots = undefined;
            why = 'a timing rule without the slot methods (ltpAmp, ltpTrace, ltdAmp, ltdTrace)';
          }
        } catch (e) {
          // Traces that fit no slot: the general path if the timing rule has its methods, else the slots' refusal.
          if (!general || !(e instanceof ParameterError)) throw e;
          why = `${e.parameter} (${String(e.value)}), which fits no slot`;
        }
      }
      if (slots === undefined) {
        checkGeneralRule(td, why, where);
        const halves = [Object.getPrototypeOf(td), Object.getPrototypeOf(wd)];
        if (!generalDone) {
          finishGeneral();
          generalShape = halves;
        } else if (generalShape![0] !== halves[0] || generalShape![1] !== halves[1]) {
          throw new ParameterError(where, 'rule', name, 'halves that build rules of one class per mechanism');
        }
        return new General(td, wd, why);
      }
      if (!prototypeDone) {
        finish(td, wd);
        shape = [Object.getPrototypeOf(td), Object.getPrototypeOf(wd)];
      } else if (shape![0] !== Object.getPrototypeOf(td) || shape![1] !== Object.getPrototypeOf(wd)) {
        throw new ParameterError(where, 'rule', name, 'halves that build rules of one class per mechanism');
      }
      return new Rule(td, wd, slots);
    },
  };
}

/**
 * NEST's plastic synapses as compositions, with NEST's parameter names and checks. Each computes the
 * same bits as the hand-written rule of the same name (test/plugins/synapses/plasticity/mechanism.test.ts).
 */
export const nestCompositions = {
  /** stdp_synapse = spike pair (A_plus = lambda, A_minus = alpha·lambda, tau_minus on the neuron) × Gütig. */
  stdp_synapse: stdpMechanism({
    name: 'stdp_synapse',
    doc: stdpSynapseRule.doc,
    timing: spikePair({ tauMinus: 'neuron' }),
    weight: gutig(),
    params: stdpSynapseRule.params,
    translate: (p) => ({ tau_plus: p.tau_plus, A_plus: p.lambda, A_minus: p.alpha * p.lambda, mu_plus: p.mu_plus, mu_minus: p.mu_minus, w_min: 0, w_max: p.Wmax }),
    checkWeight: checkNonNegativeWeight,
  }),
  /** stdp_pl_synapse_hom = spike pair (A_plus = lambda, A_minus = lambda·alpha) × power law (no upper bound). */
  stdp_pl_synapse_hom: stdpMechanism({
    name: 'stdp_pl_synapse_hom',
    doc: stdpPlSynapseHomRule.doc,
    timing: spikePair({ tauMinus: 'neuron' }),
    weight: powerLaw(),
    params: stdpPlSynapseHomRule.params,
    translate: (p) => ({ tau_plus: p.tau_plus, A_plus: p.lambda, A_minus: p.lambda * p.alpha, mu: p.mu, w_min: 0, w_max: Infinity }),
    checkWeight: checkNonNegativeWeight,
  }),
  /** stdp_triplet_synapse = triplet (all-to-all, tau_minus and tau_minus_triplet on the neuron) × additive in weight units. */
  stdp_triplet_synapse: stdpMechanism({
    name: 'stdp_triplet_synapse',
    doc: stdpTripletSynapseRule.doc,
    timing: triplet({ postTaus: 'neuron' }),
    weight: additive(),
    params: stdpTripletSynapseRule.params,
    translate: (p) => ({ ...p, w_min: 0, w_max: p.Wmax }),
    checkWeight: checkNonNegativeWeight,
  }),
  /** triplet_auryn = triplet with homeostatic depression × additive in weight units. */
  triplet_auryn: stdpMechanism({
    name: 'triplet_auryn',
    doc: tripletAurynRule.doc,
    timing: tripletHomeostatic(),
    weight: additive(),
    params: tripletAurynRule.params,
    translate: (p) => ({ ...p, w_min: 0, w_max: p.Wmax }),
    checkWeight: checkNonNegativeWeight,
  }),
} as const satisfies Record<string, StdpRuleDefinition>;

function nestNearest(name: string, scheme: NearestScheme, pairing: string): StdpRuleDefinition {
  const centred = scheme === 'presynaptic-centred';
  const def = stdpMechanism({
    name,
    doc: `Pair-based STDP with Guetig weight dependence, ${pairing} (NEST ${name})`,
    timing: nearestPair({ scheme, tauMinus: 'neuron' }),
    weight: gutig(),
    params: stdpSynapseRule.params,
    translate: (p) => ({ tau_plus: p.tau_plus, A_plus: p.lambda, A_minus: p.alpha * p.lambda, mu_plus: p.mu_plus, mu_minus: p.mu_minus, w_min: 0, w_max: p.Wmax }),
    checkWeight: checkNonNegativeWeight,
    // The presynaptic-centred Kplus adds up but pairs once: the dendritic handler keeps it per synapse (float64),
    // with or without per-synapse values. The other schemes' Kplus is 1 at the latest pre spike, so it stays per
    // source; a tau_plus per synapse adds its decay rate (dendritic.ts, kSyn and rateOf).
    stateBytesPerSynapse: (perSynapse) => (centred ? 8 : 0) + (perSynapse.includes('tau_plus') ? 8 : 0),
  });
  return {
    ...def,
    // NEST's stdp_nn_*_synapse keep these in each connection, as stdp_synapse does (not _hom models).
    perSynapseParams: STDP_PER_SYNAPSE,
    // The composition's pairing and traces (its build checks the shared values) with stdp_synapse's per-synapse
    // formulas: for w_min = 0, A_plus = lambda, A_minus = alpha lambda, Gütig's bits are stdp_synapse's.
    buildPerSynapse: (p, per, target, where) => stdpSynapsePerSynapseRule(p, per, target, where, def.build(p, target, where).pairing),
  };
}

/**
 * NEST's nearest-neighbour stdp_synapse variants: stdp_synapse's parameters, defaults and weight formulas,
 * with NEST's pairing (models/stdp_nn_*_synapse.h). tau_minus is the target neuron's. The dendritic handler
 * runs them; the axonal one refuses them. Like stdp_synapse they take its six parameters per synapse (NEST
 * keeps them per connection).
 */
export const nestNearestSynapses = {
  stdp_nn_symm_synapse: nestNearest('stdp_nn_symm_synapse', 'symmetric', 'symmetric nearest-neighbour pairing'),
  stdp_nn_pre_centered_synapse: nestNearest('stdp_nn_pre_centered_synapse', 'presynaptic-centred', 'presynaptic-centred nearest-neighbour pairing'),
  stdp_nn_restr_synapse: nestNearest('stdp_nn_restr_synapse', 'restricted', 'restricted symmetric nearest-neighbour pairing'),
} as const satisfies Record<string, StdpRuleDefinition>;
