import type { StdpRule, StdpRuleDefinition } from './plasticity/rule.js';
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
  build: (p, target, where) =>
    new TripletRule(
      p.tau_plus, p.tau_plus_triplet, neuronTau(target, 'tau_minus', where), neuronTau(target, 'tau_minus_triplet', where),
      p.Aplus, p.Aminus, p.Aplus_triplet, p.Aminus_triplet, p.Wmax,
    ),
};

export const stdpTripletSynapse = plasticSynapse(stdpTripletSynapseRule);
