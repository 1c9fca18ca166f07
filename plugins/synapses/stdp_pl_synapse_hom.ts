import type { StdpRule, StdpRuleDefinition } from './plasticity/rule.js';
import { plasticSynapse, neuronTau, checkNonNegativeWeight } from './plasticity/synapse.js';
import { FixedPower } from './plasticity/weight/power.js';

/**
 * NEST's stdp_pl_synapse_hom (Morrison et al. 2007), parameters shared by the whole projection:
 *   facilitate: w' = w + lambda w^mu K+
 *   depress:    w' = max(w - lambda alpha w K-, 0)
 * No upper bound. K+ decays with tau_plus, K- with the target neuron's tau_minus.
 */
class PowerLawRule implements StdpRule {
  readonly tauPreSlow = 0;
  readonly tauPostSlow = 0;
  readonly tauPostHom = 0;
  readonly postHomInitial = 0;
  private readonly power: FixedPower;
  constructor(
    readonly tauPre: number,
    readonly tauPost: number,
    readonly lambda: number,
    readonly alpha: number,
    readonly mu: number,
  ) {
    this.power = new FixedPower(mu);
  }
  onPost(w: number, pre: number): number {
    // w^mu from tables (weight/power.ts): within a few 1e-16 of NEST's std::pow, at a sixth of Math.pow's cost.
    const wmu = this.mu === 0 ? 1 : this.power.of(w);
    return w + this.lambda * wmu * pre;
  }
  /** onPost(w, 0) = w + lambda w^mu * 0 = w for every finite w >= 0 (w^mu is finite): no pow needed. */
  onPostUnpaired(w: number): number {
    return w;
  }
  onPre(w: number, post: number): number {
    const nw = w - this.lambda * this.alpha * w * post;
    return nw > 0 ? nw : 0;
  }
}

export const stdpPlSynapseHomRule: StdpRuleDefinition = {
  name: 'stdp_pl_synapse_hom',
  doc: 'Power-law potentiation, multiplicative depression, homogeneous parameters (NEST stdp_pl_synapse_hom; hpc_benchmark E->E)',
  params: {
    tau_plus: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'time constant of the presynaptic trace' },
    lambda: { unit: '', default: 0.1, min: 0, doc: 'learning rate' },
    alpha: { unit: '', default: 1, min: 0, doc: 'asymmetry: depression steps are alpha * lambda' },
    mu: { unit: '', default: 0.4, min: 0, doc: 'weight dependence exponent of potentiation' },
  },
  checkWeight: checkNonNegativeWeight,
  build: (p, target, where) => new PowerLawRule(p.tau_plus, neuronTau(target, 'tau_minus', where), p.lambda, p.alpha, p.mu),
};

export const stdpPlSynapseHom = plasticSynapse(stdpPlSynapseHomRule);

/** NEST's stdp_pl_synapse_hom_hpc (hpc_benchmark's name): the same rule; our targets are always compact. */
export const stdpPlSynapseHomHpc = plasticSynapse({ ...stdpPlSynapseHomRule, name: 'stdp_pl_synapse_hom_hpc', doc: `${stdpPlSynapseHomRule.doc}; NEST's _hpc variant` });
