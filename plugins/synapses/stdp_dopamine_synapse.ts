import { ParameterError } from '../../core/errors.js';
import { neuronTau } from './plasticity/synapse.js';
import { neuromodulatedSynapse, type EligibilityRule, type EligibilityRuleDefinition } from './neuromodulation/eligibility.js';

/**
 * NEST's stdp_dopamine_synapse (Izhikevich 2007; Potjans et al. 2010):
 *   post spike: c += A_plus K+        pre spike: c -= A_minus K-
 *   c decays with tau_c, n with tau_n and jumps by multiplicity / tau_n per dopamine spike,
 *   dw/dt = c (n - b), integrated exactly between events (NEST's update_weight_), w clipped to [Wmin, Wmax].
 */
class StdpDopamineRule implements EligibilityRule {
  private readonly taus: number;
  constructor(
    readonly tauPre: number,
    readonly tauPost: number,
    readonly aPlus: number,
    readonly aMinus: number,
    readonly tauC: number,
    readonly tauN: number,
    readonly b: number,
    readonly wmin: number,
    readonly wmax: number,
  ) {
    this.taus = (tauC + tauN) / (tauC * tauN);
  }
  onPost(c: number, kPre: number): number {
    return c + this.aPlus * kPre;
  }
  onPre(c: number, kPost: number): number {
    return c - this.aMinus * kPost;
  }
  decayEligibility(c: number, h: number): number {
    return c * this.eligibilityFactor(h);
  }
  decayModulator(n: number, h: number): number {
    return n * Math.exp(-h / this.tauN);
  }
  onModulator(n: number, multiplicity: number): number {
    return n + multiplicity / this.tauN;
  }
  advance(w: number, c0: number, n0: number, h: number): number {
    return this.applyGain(w, c0, this.gain(n0, h));
  }
  /** NEST's update_weight_: w - c0 (n0/taus expm1(-taus h) - b tau_c expm1(-h/tau_c)), clipped. */
  gain(n0: number, h: number): number {
    return (n0 / this.taus) * Math.expm1(-this.taus * h) - this.b * this.tauC * Math.expm1(-h / this.tauC);
  }
  applyGain(w: number, c0: number, gain: number): number {
    const nw = w - c0 * gain;
    return nw < this.wmin ? this.wmin : nw > this.wmax ? this.wmax : nw;
  }
  eligibilityFactor(h: number): number {
    return Math.exp(-h / this.tauC);
  }
}

export const stdpDopamineSynapseRule: EligibilityRuleDefinition = {
  name: 'stdp_dopamine_synapse',
  doc: 'Dopamine-modulated STDP with an eligibility trace, dopamine from a volume_transmitter (NEST stdp_dopamine_synapse; Izhikevich 2007)',
  params: {
    A_plus: { unit: '', default: 1, doc: 'eligibility increment per pre-before-post pairing (times K+)' },
    A_minus: { unit: '', default: 1.5, doc: 'eligibility decrement per post-before-pre pairing (times K-)' },
    tau_plus: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'time constant of the presynaptic trace K+' },
    tau_c: { unit: 'ms', default: 1000, min: 0, exclusiveMin: true, doc: 'time constant of the eligibility trace c' },
    tau_n: { unit: 'ms', default: 200, min: 0, exclusiveMin: true, doc: 'time constant of the dopamine trace n' },
    b: { unit: '', default: 0, doc: 'dopamine baseline: dw/dt = c (n - b)' },
    Wmin: { unit: 'pA', default: 0, doc: 'minimum weight (same unit as the weight)' },
    Wmax: { unit: 'pA', default: 200, doc: 'maximum weight (same unit as the weight)' },
  },
  check(p, where) {
    if (!(p.Wmin <= p.Wmax)) throw new ParameterError(where, 'Wmin', p.Wmin, `a weight <= Wmax (${p.Wmax})`);
  },
  build: (p, target, where) =>
    new StdpDopamineRule(p.tau_plus, neuronTau(target, 'tau_minus', where), p.A_plus, p.A_minus, p.tau_c, p.tau_n, p.b, p.Wmin, p.Wmax),
};

export const stdpDopamineSynapse = neuromodulatedSynapse(stdpDopamineSynapseRule);
