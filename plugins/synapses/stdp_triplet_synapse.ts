import type { StdpRule, StdpRuleDefinition } from './plasticity/rule.js';
import type { Params } from '../../core/schema.js';
import { plasticSynapse, neuronTau, checkNonNegativeWeight } from './plasticity/synapse.js';

/**
 * NEST's stdp_triplet_synapse (Pfister & Gerstner 2006, all-to-all):
 *   at a post spike: w' = min(w + K+ (Aplus + Aplus_triplet ky), Wmax), ky = slow post trace just before it
 *   at a pre spike:  w' = max(w - K- (Aminus + Aminus_triplet kx), 0),  kx = slow pre trace just before it
 * K+ (tau_plus) and kx (tau_plus_triplet) are presynaptic; K- and ky decay with the target neuron's
 * tau_minus and tau_minus_triplet.
 */
class TripletRule implements StdpRule {
  readonly tauPostHom = 0;
  readonly postHomInitial = 0;
  constructor(
    readonly tauPre: number,
    readonly tauPreSlow: number,
    readonly tauPost: number,
    readonly tauPostSlow: number,
    readonly aPlus: number,
    readonly aMinus: number,
    readonly aPlusTriplet: number,
    readonly aMinusTriplet: number,
    readonly wmax: number,
  ) {}
  onPost(w: number, pre: number, postSlowBefore: number): number {
    const nw = w + pre * (this.aPlus + this.aPlusTriplet * postSlowBefore);
    return nw < this.wmax ? nw : this.wmax;
  }
  onPre(w: number, post: number, preSlowBefore: number): number {
    const nw = w - post * (this.aMinus + this.aMinusTriplet * preSlowBefore);
    return nw > 0 ? nw : 0;
  }
}

/** The parameters NEST's stdp_triplet_synapse keeps per connection (tau_minus, tau_minus_triplet are the neuron's). */
const PER_SYNAPSE = ['tau_plus', 'tau_plus_triplet', 'Aplus', 'Aminus', 'Aplus_triplet', 'Aminus_triplet', 'Wmax'] as const;

/**
 * stdp_triplet_synapse with some parameters per synapse (NEST stores them, and Kplus, Kplus_triplet, in each
 * connection): the same formulas, each synapse reading its own values where given (`<name>Of[k]`) and the
 * projection's otherwise. The dendritic handler calls onPostAt / onPreAt, and keeps x (x2) per synapse only when
 * tau_plus (tau_plus_triplet) is given per synapse.
 */
class TripletPerSynapseRule extends TripletRule {
  readonly tauPreOf: Float64Array | null;
  readonly tauPreSlowOf: Float64Array | null;
  readonly aPlusOf: Float64Array | null;
  readonly aMinusOf: Float64Array | null;
  readonly aPlusTripletOf: Float64Array | null;
  readonly aMinusTripletOf: Float64Array | null;
  readonly wmaxOf: Float64Array | null;
  constructor(shared: TripletRule, per: Readonly<Record<string, Float64Array>>) {
    super(shared.tauPre, shared.tauPreSlow, shared.tauPost, shared.tauPostSlow, shared.aPlus, shared.aMinus, shared.aPlusTriplet, shared.aMinusTriplet, shared.wmax);
    this.tauPreOf = per.tau_plus ?? null;
    this.tauPreSlowOf = per.tau_plus_triplet ?? null;
    this.aPlusOf = per.Aplus ?? null;
    this.aMinusOf = per.Aminus ?? null;
    this.aPlusTripletOf = per.Aplus_triplet ?? null;
    this.aMinusTripletOf = per.Aminus_triplet ?? null;
    this.wmaxOf = per.Wmax ?? null;
  }
  onPostAt(k: number, w: number, pre: number, postSlowBefore: number): number {
    const wmax = this.wmaxOf === null ? this.wmax : this.wmaxOf[k];
    const nw = w + pre * ((this.aPlusOf === null ? this.aPlus : this.aPlusOf[k]) + (this.aPlusTripletOf === null ? this.aPlusTriplet : this.aPlusTripletOf[k]) * postSlowBefore);
    return nw < wmax ? nw : wmax;
  }
  onPreAt(k: number, w: number, post: number, preSlowBefore: number): number {
    const nw = w - post * ((this.aMinusOf === null ? this.aMinus : this.aMinusOf[k]) + (this.aMinusTripletOf === null ? this.aMinusTriplet : this.aMinusTripletOf[k]) * preSlowBefore);
    return nw > 0 ? nw : 0;
  }
}

const tripletRule = (p: Params, target: Params, where: string) =>
  new TripletRule(
    p.tau_plus, p.tau_plus_triplet, neuronTau(target, 'tau_minus', where), neuronTau(target, 'tau_minus_triplet', where),
    p.Aplus, p.Aminus, p.Aplus_triplet, p.Aminus_triplet, p.Wmax,
  );

export const stdpTripletSynapseRule: StdpRuleDefinition = {
  name: 'stdp_triplet_synapse',
  doc: 'Triplet STDP, all-to-all traces (NEST stdp_triplet_synapse; Pfister & Gerstner 2006)',
  params: {
    tau_plus: { unit: 'ms', default: 16.8, min: 0, exclusiveMin: true, doc: 'time constant of the fast presynaptic trace' },
    tau_plus_triplet: { unit: 'ms', default: 101, min: 0, exclusiveMin: true, doc: 'time constant of the slow presynaptic trace' },
    Aplus: { unit: '', default: 5e-10, min: 0, doc: 'pair potentiation amplitude' },
    Aminus: { unit: '', default: 7e-3, min: 0, doc: 'pair depression amplitude' },
    Aplus_triplet: { unit: '', default: 6.2e-3, min: 0, doc: 'triplet potentiation amplitude' },
    Aminus_triplet: { unit: '', default: 2.3e-4, min: 0, doc: 'triplet depression amplitude' },
    Wmax: { unit: 'pA', default: 100, min: 0, exclusiveMin: true, doc: 'maximum weight' },
  },
  checkWeight: checkNonNegativeWeight,
  build: tripletRule,
  perSynapseParams: PER_SYNAPSE,
  buildPerSynapse: (p, per, target, where) => new TripletPerSynapseRule(tripletRule(p, target, where), per),
  // The traces stay per source unless their time constant is per synapse: then x (x2) and its decay rate,
  // float64 each (dendritic.ts, kSyn / rateOf, kSynSlow / slowRateOf).
  stateBytesPerSynapse: (perSynapse) => (perSynapse.includes('tau_plus') ? 16 : 0) + (perSynapse.includes('tau_plus_triplet') ? 16 : 0),
};

export const stdpTripletSynapse = plasticSynapse(stdpTripletSynapseRule);
