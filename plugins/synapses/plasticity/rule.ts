import type { ParamSchema, Params } from '../../../core/schema.js';
import type { TraceSpec } from './timing/types.js';

/**
 * The weight half of an STDP synapse: what happens to one synapse's weight when a pre- or a postsynaptic
 * spike reaches it. When that is, and which trace values it sees, is the delay handler's business
 * (dendritic.ts, axonal.ts), so a rule file holds only its formulas and parameters.
 *
 * Traces are kept per neuron, never per synapse: a presynaptic trace jumps by 1 at every presynaptic
 * spike and decays with its time constant, a postsynaptic trace likewise at every postsynaptic spike.
 * Every value handed to a rule is the trace "just before" the event (the event's own jump excluded),
 * which is how NEST's stdp_* synapses and Auryn's connections read them. A time constant of 0 switches
 * a trace off.
 */
export interface StdpRule {
  /** Fast presynaptic trace (NEST's Kplus), ms. */
  readonly tauPre: number;
  /** Slow presynaptic trace (the triplet rule's Kplus_triplet), ms; 0 when unused. */
  readonly tauPreSlow: number;
  /** Fast postsynaptic trace (NEST's Kminus), ms. */
  readonly tauPost: number;
  /** Slow postsynaptic trace (NEST's triplet_Kminus, Auryn's tr_post2), ms; 0 when unused. */
  readonly tauPostSlow: number;
  /** Very slow postsynaptic rate trace (Auryn's tr_post_hom), ms; 0 when unused. */
  readonly tauPostHom: number;
  /** Value of the rate trace at t = 0 (Auryn starts it at kappa * tau_hom). */
  readonly postHomInitial: number;
  /** Nearest-neighbour pairing and its restrictions; all-to-all when omitted. Only the dendritic handler runs it. */
  readonly pairing?: PairingScheme;
  /**
   * Parameters per synapse (built by StdpRuleDefinition.buildPerSynapse): the handler then calls these with the
   * synapse index instead of onPost / onPre, and keeps x per synapse (NEST's Kplus) where it must: always for a
   * pair rule (x2, y2 and z off), for a rule with slow traces (the triplet rule) only when `tauPreOf` is given,
   * and x2 likewise when `tauPreSlowOf` is; each decays with the synapse's own time constant (or the shared one).
   * Only the dendritic handler runs them, with x and y, x2 and y2 (the triplet kernel) or a pairing scheme (x
   * and y only); z is not passed.
   */
  readonly tauPreOf?: Float64Array | null;
  readonly tauPreSlowOf?: Float64Array | null;
  onPostAt?(k: number, w: number, pre: number, postSlowBefore: number): number;
  onPreAt?(k: number, w: number, post: number, preSlowBefore: number): number;
  /**
   * Weight after a postsynaptic spike reaches the synapse. `pre` is the fast presynaptic trace then,
   * `postSlowBefore` the slow postsynaptic trace just before this spike.
   */
  onPost(w: number, pre: number, postSlowBefore: number): number;
  /**
   * Optional shortcut for onPost(w, 0, postSlowBefore): a postsynaptic spike that no presynaptic spike
   * precedes (NEST's first send still runs the facilitation with Kplus = 0, which only clamps w). It
   * must return the same bits as that call; a rule whose onPost is costly (a power of w) supplies it so
   * that the handlers skip the pow. Without it the handlers call onPost.
   */
  onPostUnpaired?(w: number, postSlowBefore: number): number;
  /**
   * Weight after a presynaptic spike reaches the synapse, before it is transmitted. `post` is the fast
   * postsynaptic trace then, `preSlowBefore` the slow presynaptic trace just before this spike,
   * `postHom` the postsynaptic rate trace.
   */
  onPre(w: number, post: number, preSlowBefore: number, postHom: number): number;
  /**
   * The rule's closed form, for the axonal handler's WebAssembly arrival (axonal_wasm.ts): onPost is
   * min-clip(w + potentiation·pre·postSlowBefore, wmax) and onPre max-clip(w − depression·post·postHom·postHom, 0),
   * each evaluated left to right. Only a rule whose methods are exactly these expressions may state it; the
   * handler then gives the same bits with either kernel (test/plugins/synapses/plasticity/axonal_wasm.test.ts).
   */
  readonly tripletHom?: { readonly potentiation: number; readonly depression: number; readonly wmax: number };
  /**
   * The general trace path (general.ts): traces that do not fit the five slots, kept in arrays indexed by
   * trace id (the position in this list). When present, the slot fields above are unused, and a handler
   * runs the rule only if it declares runsGeneralTraces; the weight then changes through potentiateAt /
   * depressAt, which get every trace's value just before the spike, `traces[id]`.
   */
  readonly generalTraces?: readonly TraceSpec[];
  /** Why the rule needs the general path, for messages (the trace that fits no slot). */
  readonly generalReason?: string;
  potentiateAt?(w: number, traces: Float64Array): number;
  depressAt?(w: number, traces: Float64Array): number;
}

/** What a plastic synapse model declares: its parameters and how to build its rule for one projection. */
export interface StdpRuleDefinition {
  /** Model name, NEST's where one exists. */
  readonly name: string;
  readonly doc: string;
  /** Parameters beyond weight and delay, shared by the projection. */
  readonly params: ParamSchema;
  /** Cross checks of the parameters; throw a ParameterError. */
  check?(p: Params, where: string): void;
  /** Checks each initial weight (e.g. the sign NEST requires); throw a ParameterError. */
  checkWeight?(w: number, where: string): void;
  /**
   * The rule of one projection, from its synapse parameters and the target population's neuron
   * parameters (NEST keeps tau_minus and tau_minus_triplet on the neuron). `where` names the projection
   * for error messages.
   */
  build(p: Params, targetParams: Params, where: string): StdpRule;
  /**
   * Bytes per synapse the rule's handler state takes beside the table (e.g. a per-synapse trace), for the memory
   * estimate; a function of the names given per synapse (empty when none) where that state depends on them.
   * Without a function, a projection with per-synapse values counts stdp_synapse's: x per synapse, and its decay
   * rate with tau_plus.
   */
  readonly stateBytesPerSynapse?: number | ((perSynapse: readonly string[]) => number);
  /** Parameters a connection may give per synapse (arrays or distributions in syn_spec), NEST's per-connection values. */
  readonly perSynapseParams?: readonly string[];
  /**
   * The rule of a projection with some of perSynapseParams given per synapse: `perSynapse` holds their values
   * in CSR order, `p` the shared ones (and the defaults of the others). Required with perSynapseParams.
   */
  buildPerSynapse?(p: Params, perSynapse: Readonly<Record<string, Float64Array>>, targetParams: Params, where: string): StdpRule;
}

/**
 * How a rule pairs spikes when not all-to-all (Morrison et al. 2008, Fig. 7). A nearest trace is reset to 1
 * by its own neuron's spike instead of growing by 1; a consumed one pairs with one spike of the other side only.
 */
export interface PairingScheme {
  /** Per trace slot: nearest (reset to 1) rather than all-to-all (add 1). */
  readonly nearestPre: boolean;
  readonly nearestPreSlow: boolean;
  readonly nearestPost: boolean;
  readonly nearestPostSlow: boolean;
  readonly nearestPostHom: boolean;
  /**
   * x pairs with the first postsynaptic spike after a presynaptic one only; an all-to-all x then lives per
   * synapse (it restarts after each such pairing: NEST's stdp_nn_pre_centered_synapse Kplus).
   */
  readonly preConsumed: boolean;
  /** y pairs with one presynaptic spike only: a pre spike depresses only if a post spike reached the synapse since the last one. */
  readonly postConsumed: boolean;
  /** x at t = 0, a presynaptic spike at t = 0 when > 0 (NEST's t_lastspike = 0). */
  readonly preInitial: number;
  /** The declared trace that needs this, for messages (a handler that cannot run it names it). */
  readonly reason: string;
}
