import type { ParamSchema, Params } from '../../../../core/schema.js';

/**
 * One trace of a timing dependence, declared as data: the mechanism maps it onto the delay handlers'
 * trace slots (or refuses it, naming it, when no handler can run it).
 */
export interface TraceSpec {
  /** Name for messages and docs (x, y, x2, y2, z). */
  readonly name: string;
  /** Whose spikes it counts: the presynaptic or the postsynaptic neuron. */
  readonly side: 'pre' | 'post';
  /** Time constant, ms. */
  readonly tau: number;
  /** At which spike the rule reads it: the other side's (pairing) or its own (triplet, rate), just before that spike. */
  readonly readAt: 'pre' | 'post';
  /** What a spike adds; 1 when omitted. The slots take 1 only; the general path any finite number. */
  readonly increment?: number;
  /** 'all-to-all' (every earlier spike counts; the default) or 'nearest' (a spike resets the trace to the increment). */
  readonly pairing?: 'all-to-all' | 'nearest';
  /**
   * The first spike of the other side that reads the trace takes it to 0 at that synapse, so each spike
   * pairs at most once (NEST's stdp_nn_restr_synapse; stdp_nn_pre_centered_synapse's Kplus). Only for
   * x and y; the dendritic handler alone runs it. False when omitted.
   */
  readonly consumed?: boolean;
  /**
   * Value at t = 0; 0 when omitted. On the pre trace read at post spikes it counts as a presynaptic spike
   * at t = 0 (NEST's nearest-neighbour synapses start with t_lastspike = 0).
   */
  readonly initial?: number;
}

/**
 * The timing half of an STDP mechanism for one projection (PyNN's STDPTimingDependence): its traces and,
 * at each spike, the amplitude A and the trace value K of the update it asks for. The weight dependence
 * combines them (additive: w + A·K, Gütig: x + A·(1 − x)^μ·K, ...).
 *
 * Two ways to give A and K. The slot methods (ltpAmp ... ltdTrace) take the declared traces' values in
 * slot order. At a postsynaptic spike: (pre trace read at post, post trace read at post, just before this
 * spike). At a presynaptic spike: (first post trace read at pre, pre trace read at pre just before this
 * spike, second post trace read at pre). 0 for a slot the rule does not declare. They run on the handlers'
 * fast kernels, for traces that fit the five slots (mapTraces).
 *
 * The general methods (ltpTerms ... ltdTraceAt) take every declared trace's value, indexed by its position
 * in `traces`, in one Float64Array, and give a list of (A, K) terms that the weight dependence applies in
 * order. They run on the dendritic handler's general path (general.ts), for any number of all-to-all
 * traces with any increment: what a rule needs when its traces do not fit the slots. A rule gives the slot
 * methods, the general ones, or both (the slots are used when the traces fit them).
 */
export interface TimingRule {
  readonly traces: readonly TraceSpec[];
  /** Amplitudes are fractions of the weight range w_max − w_min (PyNN's A_plus, A_minus) rather than weight units. */
  readonly relative: boolean;
  /** Potentiation at a postsynaptic spike. */
  ltpAmp?(pre: number, postOwn: number): number;
  ltpTrace?(pre: number, postOwn: number): number;
  /** Depression at a presynaptic spike. */
  ltdAmp?(post: number, preOwn: number, post2: number): number;
  ltdTrace?(post: number, preOwn: number, post2: number): number;
  /** Optional potentiation at a presynaptic spike, applied before its depression (Vogels–Sprekeler's symmetric window). */
  preLtpAmp?(post: number): number;
  preLtpTrace?(post: number): number;
  /** General path: how many (A, K) potentiation terms a postsynaptic spike applies, in order. */
  readonly ltpTerms?: number;
  /** General path: A and K of potentiation term `i`, from `traces[id]` = trace `id` just before the postsynaptic spike. */
  ltpAmpAt?(traces: Float64Array, i: number): number;
  ltpTraceAt?(traces: Float64Array, i: number): number;
  /** General path: how many (A, K) depression terms a presynaptic spike applies, in order. */
  readonly ltdTerms?: number;
  /** General path: A and K of depression term `i`, from `traces[id]` = trace `id` just before the presynaptic spike. */
  ltdAmpAt?(traces: Float64Array, i: number): number;
  ltdTraceAt?(traces: Float64Array, i: number): number;
}

export interface TimingDependence {
  readonly name: string;
  readonly params: ParamSchema;
  /**
   * Whether the potentiation at a post spike is exactly 0 when the presynaptic trace is 0 (no earlier pre
   * spike): then a weight dependence's cheap `unpaired` stands in for it. True for every built-in one.
   */
  readonly ltpNeedsPre: boolean;
  build(p: Params, targetParams: Params, where: string): TimingRule;
}
