/**
 * Inhibitory STDP of Vogels, Sprekeler et al. (2011), as NEST's vogels_sprekeler_synapse defines it,
 * written outside the package with its public API only. Register it with
 *   createSimulator({ plugins: [...builtinPlugins, vogelsSprekelerSynapse] })
 * and connect with { synapse_model: 'vogels_sprekeler_synapse', weight: -10, eta: 0.001, ... }.
 *
 * Symmetric window: every pre/post pair, in either order, adds eta * K (K the other side's trace, time
 * constant tau for the presynaptic one, the target neuron's tau_minus for the postsynaptic one), and every
 * presynaptic spike subtracts alpha * eta. Weights are magnitudes bounded by Wmax (the sign of the
 * projection's weights, negative for inhibition, is kept by the delay handler).
 */
import { ParameterError, plasticSynapse, neuronTau, type StdpRule, type StdpRuleDefinition } from '../../index.js';

class VogelsSprekelerRule implements StdpRule {
  readonly tauPreSlow = 0;
  readonly tauPostSlow = 0;
  readonly tauPostHom = 0;
  readonly postHomInitial = 0;
  constructor(
    readonly tauPre: number,
    readonly tauPost: number,
    readonly eta: number,
    readonly alpha: number,
    readonly wmax: number,
  ) {}
  /** A postsynaptic spike: potentiation by the presynaptic trace (NEST's facilitate, post after pre). */
  onPost(w: number, pre: number): number {
    const nw = w + this.eta * pre;
    return nw < this.wmax ? nw : this.wmax;
  }
  /** A presynaptic spike: potentiation by the postsynaptic trace, then the constant depression alpha * eta. */
  onPre(w: number, post: number): number {
    let nw = w + this.eta * post;
    if (nw > this.wmax) nw = this.wmax;
    nw -= this.alpha * this.eta;
    return nw > 0 ? nw : 0;
  }
}

/**
 * NEST keeps tau, eta, alpha and Wmax in each connection: given per synapse (arrays or distributions in the
 * syn_spec), synapse k reads its own values (`<name>Of[k]`, null when shared). The dendritic handler then calls
 * onPostAt / onPreAt with the synapse index, and decays the presynaptic trace with `tauPreOf[k]`.
 */
class VogelsSprekelerPerSynapseRule extends VogelsSprekelerRule {
  readonly tauPreOf: Float64Array | null;
  readonly etaOf: Float64Array | null;
  readonly alphaOf: Float64Array | null;
  readonly wmaxOf: Float64Array | null;
  constructor(shared: VogelsSprekelerRule, per: Readonly<Record<string, Float64Array>>) {
    super(shared.tauPre, shared.tauPost, shared.eta, shared.alpha, shared.wmax);
    this.tauPreOf = per.tau ?? null;
    this.etaOf = per.eta ?? null;
    this.alphaOf = per.alpha ?? null;
    this.wmaxOf = per.Wmax ?? null;
  }
  onPostAt(k: number, w: number, pre: number): number {
    const wmax = this.wmaxOf === null ? this.wmax : this.wmaxOf[k];
    const nw = w + (this.etaOf === null ? this.eta : this.etaOf[k]) * pre;
    return nw < wmax ? nw : wmax;
  }
  onPreAt(k: number, w: number, post: number): number {
    const wmax = this.wmaxOf === null ? this.wmax : this.wmaxOf[k];
    const eta = this.etaOf === null ? this.eta : this.etaOf[k];
    let nw = w + eta * post;
    if (nw > wmax) nw = wmax;
    nw -= (this.alphaOf === null ? this.alpha : this.alphaOf[k]) * eta;
    return nw > 0 ? nw : 0;
  }
}

const build: StdpRuleDefinition['build'] = (p, target, where) => new VogelsSprekelerRule(p.tau, neuronTau(target, 'tau_minus', where), p.eta, p.alpha, p.Wmax);

export const vogelsSprekelerRule: StdpRuleDefinition = {
  name: 'vogels_sprekeler_synapse',
  doc: 'Symmetric inhibitory STDP with a constant depression per presynaptic spike (NEST vogels_sprekeler_synapse; Vogels et al. 2011)',
  params: {
    tau: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'time constant of the presynaptic trace' },
    eta: { unit: '', default: 0.001, min: 0, doc: 'learning rate' },
    alpha: { unit: '', default: 0.12, min: 0, doc: 'constant depression per presynaptic spike, in units of eta (sets the target rate 2 alpha / tau)' },
    Wmax: { unit: 'pA', default: 1, min: 0, exclusiveMin: true, doc: 'maximum weight magnitude' },
  },
  checkWeight(w: number, where: string): void {
    if (!Number.isFinite(w)) throw new ParameterError(where, 'weight', w, 'a finite weight (negative for inhibition)');
  },
  build,
  perSynapseParams: ['tau', 'eta', 'alpha', 'Wmax'],
  buildPerSynapse: (p, per, target, where) => new VogelsSprekelerPerSynapseRule(build(p, target, where) as VogelsSprekelerRule, per),
  // With per-synapse values the dendritic handler keeps the presynaptic trace per synapse (8 B) and, with tau per
  // synapse, its decay rate (8 B): what the memory estimate should count beside the values themselves.
  stateBytesPerSynapse: (perSynapse) => (perSynapse.length > 0 ? 8 : 0) + (perSynapse.includes('tau') ? 8 : 0),
};

export const vogelsSprekelerSynapse = plasticSynapse(vogelsSprekelerRule);
