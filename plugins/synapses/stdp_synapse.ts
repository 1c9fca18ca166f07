import type { PairingScheme, StdpRule, StdpRuleDefinition } from './plasticity/rule.js';
import type { Params } from '../../core/schema.js';
import { plasticSynapse, neuronTau, checkNonNegativeWeight } from './plasticity/synapse.js';

/** x^mu with the exponents NEST users pick most (0: additive, 1: multiplicative) spared a pow call. */
function powMu(x: number, mu: number): number {
  // exp(mu ln x) for the rest: about twice as fast as V8's Math.pow, equal to a few 1e-16 relative.
  return mu === 1 ? x : mu === 0 ? 1 : Math.exp(mu * Math.log(x));
}

/**
 * NEST's stdp_synapse (Guetig et al. 2003 weight dependence; mu = 0 additive, mu = 1 multiplicative):
 *   facilitate: w' = min(w/Wmax + lambda (1 - w/Wmax)^mu_plus K+, 1) Wmax
 *   depress:    w' = max(w/Wmax - alpha lambda (w/Wmax)^mu_minus K-, 0) Wmax
 * K+ decays with tau_plus (synapse parameter), K- with the target neuron's tau_minus.
 */
class StdpSynapseRule implements StdpRule {
  readonly tauPreSlow = 0;
  readonly tauPostSlow = 0;
  readonly tauPostHom = 0;
  readonly postHomInitial = 0;
  constructor(
    readonly tauPre: number,
    readonly tauPost: number,
    readonly lambda: number,
    readonly alpha: number,
    readonly muPlus: number,
    readonly muMinus: number,
    readonly wmax: number,
  ) {}
  onPost(w: number, pre: number): number {
    const x = w / this.wmax;
    const nw = x + this.lambda * powMu(1 - x, this.muPlus) * pre;
    return nw < 1 ? nw * this.wmax : this.wmax;
  }
  /**
   * onPost(w, 0): x + lambda (1 - x)^mu_plus * 0 is x whenever the power is finite; when it is NaN
   * (x > 1 with a fractional exponent) onPost returns Wmax, and so does this since x > 1.
   */
  onPostUnpaired(w: number): number {
    const x = w / this.wmax;
    return x < 1 ? x * this.wmax : this.wmax;
  }
  onPre(w: number, post: number): number {
    const x = w / this.wmax;
    const nw = x - this.alpha * this.lambda * powMu(x, this.muMinus) * post;
    return nw > 0 ? nw * this.wmax : 0;
  }
}

/**
 * The parameters NEST's stdp_synapse keeps per connection; its nearest-neighbour variants
 * (stdp_nn_*_synapse.h) keep the same ones.
 */
export const STDP_PER_SYNAPSE = ['tau_plus', 'lambda', 'alpha', 'mu_plus', 'mu_minus', 'Wmax'] as const;

/**
 * stdp_synapse with some parameters per synapse (NEST stores them in each connection): the same formulas,
 * each synapse reading its own values where given (`<name>Of[k]`) and the projection's otherwise. onPost /
 * onPre are the formulas at the projection's values; the dendritic handler calls onPostAt / onPreAt.
 */
class StdpSynapsePerSynapseRule extends StdpSynapseRule {
  /**
   * The nearest-neighbour variants' pairing (their weight formulas are stdp_synapse's, so they share this
   * class and its bits); undefined for stdp_synapse.
   */
  readonly pairing: PairingScheme | undefined;
  readonly tauPreOf: Float64Array | null;
  readonly lambdaOf: Float64Array | null;
  readonly alphaOf: Float64Array | null;
  readonly muPlusOf: Float64Array | null;
  readonly muMinusOf: Float64Array | null;
  readonly wmaxOf: Float64Array | null;
  constructor(shared: StdpSynapseRule, per: Readonly<Record<string, Float64Array>>, pairing?: PairingScheme) {
    super(shared.tauPre, shared.tauPost, shared.lambda, shared.alpha, shared.muPlus, shared.muMinus, shared.wmax);
    this.pairing = pairing;
    this.tauPreOf = per.tau_plus ?? null;
    this.lambdaOf = per.lambda ?? null;
    this.alphaOf = per.alpha ?? null;
    this.muPlusOf = per.mu_plus ?? null;
    this.muMinusOf = per.mu_minus ?? null;
    this.wmaxOf = per.Wmax ?? null;
  }
  onPostAt(k: number, w: number, pre: number): number {
    const wmax = this.wmaxOf === null ? this.wmax : this.wmaxOf[k];
    const lambda = this.lambdaOf === null ? this.lambda : this.lambdaOf[k];
    const x = w / wmax;
    const nw = x + lambda * powMu(1 - x, this.muPlusOf === null ? this.muPlus : this.muPlusOf[k]) * pre;
    return nw < 1 ? nw * wmax : wmax;
  }
  onPreAt(k: number, w: number, post: number): number {
    const wmax = this.wmaxOf === null ? this.wmax : this.wmaxOf[k];
    const lambda = this.lambdaOf === null ? this.lambda : this.lambdaOf[k];
    const alpha = this.alphaOf === null ? this.alpha : this.alphaOf[k];
    const x = w / wmax;
    const nw = x - alpha * lambda * powMu(x, this.muMinusOf === null ? this.muMinus : this.muMinusOf[k]) * post;
    return nw > 0 ? nw * wmax : 0;
  }
}

export const stdpSynapseRule: StdpRuleDefinition = {
  name: 'stdp_synapse',
  doc: 'Pair-based STDP with Guetig weight dependence, all-to-all pairing (NEST stdp_synapse; PyNN SpikePairRule x GutigWeightDependence)',
  params: {
    tau_plus: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'time constant of the presynaptic trace (potentiation window)' },
    lambda: { unit: '', default: 0.01, min: 0, doc: 'learning rate (step size)' },
    alpha: { unit: '', default: 1, min: 0, doc: 'asymmetry: depression steps are alpha * lambda' },
    mu_plus: { unit: '', default: 1, min: 0, doc: 'weight dependence exponent of potentiation (0 additive, 1 multiplicative)' },
    mu_minus: { unit: '', default: 1, min: 0, doc: 'weight dependence exponent of depression (0 additive, 1 multiplicative)' },
    Wmax: { unit: 'pA', default: 100, min: 0, exclusiveMin: true, doc: 'maximum weight (same unit as the weight)' },
  },
  checkWeight: checkNonNegativeWeight,
  build: (p, target, where) =>
    new StdpSynapseRule(p.tau_plus, neuronTau(target, 'tau_minus', where), p.lambda, p.alpha, p.mu_plus, p.mu_minus, p.Wmax),
  perSynapseParams: STDP_PER_SYNAPSE,
  buildPerSynapse: (p, per, target, where) => stdpSynapsePerSynapseRule(p, per, target, where),
};

/**
 * stdp_synapse's rule with some parameters per synapse, optionally with a nearest-neighbour pairing (NEST's
 * stdp_nn_*_synapse have stdp_synapse's parameters and weight formulas, per connection likewise).
 */
export function stdpSynapsePerSynapseRule(p: Params, per: Readonly<Record<string, Float64Array>>, target: Params, where: string, pairing?: PairingScheme): StdpRule {
  return new StdpSynapsePerSynapseRule(new StdpSynapseRule(p.tau_plus, neuronTau(target, 'tau_minus', where), p.lambda, p.alpha, p.mu_plus, p.mu_minus, p.Wmax), per, pairing);
}

export const stdpSynapse = plasticSynapse(stdpSynapseRule);
