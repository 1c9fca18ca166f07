import type { StdpRule, StdpRuleDefinition } from './plasticity/rule.js';
import { plasticSynapse, checkNonNegativeWeight } from './plasticity/synapse.js';

/**
 * Auryn's TripletConnection as Zenke et al. (2013) use it in the 25k network (seed 003): the minimal
 * triplet rule with a homeostatic sliding depression.
 *   at a post spike: w' = min(w + eta A3_plus x(tau_plus) y2(tau_long), Wmax)   (y2 just before the spike)
 *   at a pre spike:  w' = max(w - hom_fudge y(tau_minus) z(tau_hom)^2, 0)
 *   hom_fudge = eta A3_plus tau_plus tau_long / tau_minus / kappa / tau_hom^2   (times in s, kappa in Hz)
 * z counts postsynaptic spikes with time constant tau_hom and starts at kappa * tau_hom (Auryn's
 * set_hom_trace(kappa)), so z ~ rate * tau_hom and depression balances potentiation at rate kappa.
 * All time constants are the connection's own (Auryn's traces live on the groups, not on NEST neurons).
 */
class AurynTripletRule implements StdpRule {
  readonly tauPreSlow = 0;
  readonly tauPostHom: number;
  readonly postHomInitial: number;
  readonly a3: number;
  readonly homFudge: number;
  readonly tripletHom: StdpRule['tripletHom'];
  constructor(
    readonly tauPre: number,
    readonly tauPost: number,
    readonly tauPostSlow: number,
    tauHom: number,
    a3Plus: number,
    eta: number,
    kappa: number,
    readonly wmax: number,
  ) {
    const s = 1e-3; // Auryn works in seconds
    this.tauPostHom = tauHom;
    this.a3 = a3Plus * eta;
    this.homFudge = (this.a3 * (tauPre * s) * (tauPostSlow * s)) / (tauPost * s) / kappa / (tauHom * s) / (tauHom * s);
    this.postHomInitial = kappa * tauHom * s;
    this.tripletHom = { potentiation: this.a3, depression: this.homFudge, wmax };
  }
  onPost(w: number, pre: number, postSlowBefore: number): number {
    const nw = w + this.a3 * pre * postSlowBefore;
    return nw < this.wmax ? nw : this.wmax;
  }
  onPre(w: number, post: number, _preSlowBefore: number, postHom: number): number {
    const nw = w - this.homFudge * post * postHom * postHom;
    return nw > 0 ? nw : 0;
  }
}

export const tripletAurynRule: StdpRuleDefinition = {
  name: 'triplet_auryn',
  doc: "Minimal triplet STDP with homeostatic depression (Auryn TripletConnection; Zenke et al. 2013, seed 003's 25k network)",
  params: {
    tau_plus: { unit: 'ms', default: 16.8, min: 0, exclusiveMin: true, doc: 'presynaptic trace time constant' },
    tau_minus: { unit: 'ms', default: 33.7, min: 0, exclusiveMin: true, doc: 'fast postsynaptic trace time constant (depression)' },
    tau_long: { unit: 'ms', default: 114, min: 0, exclusiveMin: true, doc: 'slow postsynaptic trace time constant (triplet potentiation)' },
    tau_hom: { unit: 'ms', default: 50000, min: 0, exclusiveMin: true, doc: 'homeostatic rate trace time constant (sim_background: 50 s)' },
    A3_plus: { unit: '', default: 6.5e-3, min: 0, doc: 'triplet potentiation amplitude' },
    eta: { unit: '', default: 1, min: 0, doc: 'learning rate, multiplies A3_plus' },
    kappa: { unit: 'Hz', default: 3, min: 0, exclusiveMin: true, doc: 'target rate of the homeostatic depression' },
    Wmax: { unit: '', default: 1, min: 0, exclusiveMin: true, doc: 'maximum weight (sim_background: wmax = 1)' },
  },
  checkWeight: checkNonNegativeWeight,
  build: (p) => new AurynTripletRule(p.tau_plus, p.tau_minus, p.tau_long, p.tau_hom, p.A3_plus, p.eta, p.kappa, p.Wmax),
};

export const tripletAuryn = plasticSynapse(tripletAurynRule);
