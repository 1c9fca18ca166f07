import type { Preset } from './preset.js';
import { buildCuba, cubaParams } from './cuba.js';

/**
 * Brette et al. (2007) benchmark 5 exactly as NEST's example brette_et_al_2007/cuba_stdp.py writes it
 * (seed 002, plastic_synapses = True): E→E stdp_synapse with alpha 1.05, Wmax 2 JE = 70 pA, the other
 * stdp_synapse parameters at NEST's defaults (tau_plus 20 ms, lambda 0.01, mu_plus = mu_minus = 1), the
 * neurons' tau_minus at its default (20 ms), initial weights normal(JE, sigma_w) = normal(35, 3) pA,
 * delay 1.5 ms. `delay_handler` picks NEST's dendritic delay (default) or Auryn's axonal one.
 */
export const cubaStdp: Preset = {
  name: 'cuba-stdp',
  title: 'Brette et al. 2007 CUBA-STDP (NEST cuba_stdp.py): multiplicative STDP on E→E',
  source: 'Brette et al. 2007 benchmark 5 (NEST example brette_et_al_2007/cuba_stdp.py, plastic_synapses = True)',
  doc: 'cuba-static with E→E stdp_synapse (alpha 1.05, Wmax 70 pA = 2 JE, weights normal(35, 3) pA, delay 1.5 ms); delay_handler dendritic (NEST) or axonal (Auryn).',
  params: {
    ...cubaParams,
    alpha: { unit: '', default: 1.05, min: 0, doc: 'STDP asymmetry (depression steps alpha * lambda)' },
    Wmax_factor: { unit: '', default: 2, min: 0, exclusiveMin: true, doc: 'Wmax = Wmax_factor * JE' },
    delay_handler: { unit: '', default: 'dendritic', doc: 'where the delay sits for plasticity', choices: ['dendritic', 'axonal'] },
  },
  build: (sim, p) => {
    const JE = p.JE as number;
    const net = buildCuba(sim, p, {
      synapse_model: 'stdp_synapse',
      alpha: p.alpha,
      Wmax: (p.Wmax_factor as number) * JE,
      delay_handler: p.delay_handler,
      weight: { distribution: 'normal', mean: JE, std: p.sigma_w as number },
    });
    const ee = sim.projections.find((pr) => pr.source === net.E && pr.target === net.E && pr.synapseModel.name === 'stdp_synapse')!;
    const round = (x: number) => Math.round(x * 1e4) / 1e4;
    return {
      ...net,
      extra: { ...net.extra, delay_handler: p.delay_handler as string },
      // The learned E→E weights, merged over every rank.
      measures(run) {
        const w = run.weights(ee);
        let sum = 0;
        let sq = 0;
        for (let k = 0; k < w.length; k++) {
          sum += w[k];
          sq += w[k] * w[k];
        }
        const mean = w.length ? sum / w.length : 0;
        const sd = w.length ? Math.sqrt(Math.max(0, sq / w.length - mean * mean)) : 0;
        return { ee_weight_mean_pa: round(mean), ee_weight_sd_pa: round(sd) };
      },
    };
  },
};
