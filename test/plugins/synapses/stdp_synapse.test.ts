import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, ParameterError } from '../../../index.js';
import { estimatedAndBuiltBytes, forcer, slaveNeuron } from './plasticity/helpers.js';

/**
 * stdp_synapse's per-connection parameters (NEST keeps tau_plus, lambda, alpha, mu_plus, mu_minus and Wmax in
 * each connection): given as arrays or distributions in syn_spec, each synapse follows NEST's send() with its
 * own values, replayed here: at each pre spike t the post spikes t_j in (t_last - d, t - d] facilitate with
 * Kplus exp((t_last - t_j - d)/tau_plus), then w depresses with the all-to-all Kminus just before t - d
 * (tau_minus on the neuron); Kplus = Kplus exp((t_last - t)/tau_plus) + 1. Times are NEST's stamps
 * (step + 1) dt, t_last starts at 0, weights are rounded to float32 after each pre spike as stored.
 * Tolerance: 1e-12 relative.
 */
const dt = 0.1;
const dSteps = 15;
const tauMinus = 25;
interface P { tau_plus: number; lambda: number; alpha: number; mu_plus: number; mu_minus: number; Wmax: number }

function nestStdp(pre: number[], post: number[], w0: number, p: P): number {
  const stamp = (s: number) => (s + 1) * dt;
  const d = dSteps * dt;
  let w = Math.fround(w0);
  let kplus = 0;
  let tLastStep = -1;
  for (const s of pre) {
    const t = stamp(s);
    const tLast = stamp(tLastStep);
    for (const j of post) {
      if (j + dSteps > tLastStep && j + dSteps <= s) {
        const n = w / p.Wmax + p.lambda * Math.pow(1 - w / p.Wmax, p.mu_plus) * kplus * Math.exp((tLast - (stamp(j) + d)) / p.tau_plus);
        w = n < 1 ? n * p.Wmax : p.Wmax;
      }
    }
    let kminus = 0;
    for (const j of post) if (j + dSteps < s) kminus += Math.exp((stamp(j) - (t - d)) / tauMinus);
    const n = w / p.Wmax - p.alpha * p.lambda * Math.pow(w / p.Wmax, p.mu_minus) * kminus;
    w = Math.fround(n > 0 ? n * p.Wmax : 0);
    kplus = kplus * Math.exp((tLast - t) / p.tau_plus) + 1;
    tLastStep = s;
  }
  return w;
}

const base: P = { tau_plus: 20, lambda: 0.01, alpha: 1, mu_plus: 1, mu_minus: 1, Wmax: 100 };
const pre = [1000, 1300, 1500, 2200, 2600, 3400, 20000];
const posts = [[1100, 1380, 2000, 2700], [900, 1450, 1600, 2400, 3300]];

/** One forced source, two forced targets, all_to_all: synapse k goes to target k. */
function run(synSpec: Record<string, unknown>, handler?: string) {
  const sim = createSimulator({ dt, seed: 3, plugins: [...builtinPlugins, forcer('force_pre', [pre]), forcer('force_post', posts)] });
  const a = sim.create('iaf_psc_exp', 1, slaveNeuron);
  const b = sim.create('iaf_psc_exp', 2, { ...slaveNeuron, tau_minus: tauMinus });
  sim.connect(sim.create('force_pre'), a, 'all_to_all', { weight: 1e6, delay: dt });
  sim.connect(sim.create('force_post'), b, 'all_to_all', { weight: 1e6, delay: dt });
  const proj = sim.connect(a, b, 'all_to_all', { synapse_model: 'stdp_synapse', weight: 50, delay: dSteps * dt, ...(handler ? { delay_handler: handler } : {}), ...synSpec })!;
  sim.simulate((pre[pre.length - 1] + 20) * dt);
  return proj.weights();
}

const close = (sim: number, ref: number, what: string) =>
  expect(Math.abs(sim - ref), `${what}: simulated ${sim}, NEST's formula ${ref}`).toBeLessThanOrEqual(1e-12 * Math.abs(ref));

describe('stdp_synapse: parameters per synapse', () => {
  it('two synapses of one projection with their own lambda, tau_plus, alpha, mu_plus, Wmax each follow NEST with their values', () => {
    const own: P[] = [
      { tau_plus: 10, lambda: 0.02, alpha: 1.2, mu_plus: 0.4, mu_minus: 1, Wmax: 80 },
      { tau_plus: 35, lambda: 0.06, alpha: 0.8, mu_plus: 1, mu_minus: 0.5, Wmax: 120 },
    ];
    const col = (k: keyof P) => own.map((p) => p[k]);
    const w = run({ tau_plus: col('tau_plus'), lambda: col('lambda'), alpha: col('alpha'), mu_plus: col('mu_plus'), mu_minus: col('mu_minus'), Wmax: col('Wmax') });
    for (let k = 0; k < 2; k++) close(w[k], nestStdp(pre, posts[k], 50, own[k]), `synapse ${k}`);
    // Swapping the values changes both weights: each synapse reads its own.
    const swapped = run({ tau_plus: col('tau_plus').reverse(), lambda: col('lambda').reverse(), alpha: col('alpha').reverse(), mu_plus: col('mu_plus').reverse(), mu_minus: col('mu_minus').reverse(), Wmax: col('Wmax').reverse() });
    for (let k = 0; k < 2; k++) {
      close(swapped[k], nestStdp(pre, posts[k], 50, own[1 - k]), `swapped synapse ${k}`);
      expect(swapped[k]).not.toBe(w[k]);
    }
  });

  it('only lambda and tau_plus per synapse, the rest shared', () => {
    const shared = { alpha: 1.1, mu_plus: 0.5, mu_minus: 0.5, Wmax: 90 };
    const w = run({ lambda: [0.01, 0.08], tau_plus: [15, 40], ...shared });
    close(w[0], nestStdp(pre, posts[0], 50, { ...shared, lambda: 0.01, tau_plus: 15 }), 'synapse 0');
    close(w[1], nestStdp(pre, posts[1], 50, { ...shared, lambda: 0.08, tau_plus: 40 }), 'synapse 1');
  });

  it('per-synapse values equal to the shared ones give the shared run, bit for bit', () => {
    const shared = run({ ...base, lambda: 0.05 });
    const per = run({ ...base, lambda: [0.05, 0.05], tau_plus: [20, 20] });
    expect(Array.from(per)).toEqual(Array.from(shared));
    close(shared[0], nestStdp(pre, posts[0], 50, { ...base, lambda: 0.05 }), 'shared');
  });

  it('a distribution draws one value per synapse, each checked against the parameter range', () => {
    const drawn = run({ lambda: { distribution: 'uniform', min: 0.01, max: 0.1 } });
    const fixed = run({ lambda: 0.01 });
    expect(drawn[0]).not.toBe(fixed[0]);
    expect(() => run({ lambda: { distribution: 'uniform', min: -1, max: -0.5 } })).toThrow(/lambda.*drawn/);
    expect(() => run({ Wmax: [100, -1] })).toThrow(/Wmax\[1\]/);
  });

  it("the memory estimate counts the per-synapse values and the handler's per-synapse x (and its rate with tau_plus) as the built table holds them", () => {
    const syn = { synapse_model: 'stdp_synapse', weight: 30, delay: 1 };
    const both = estimatedAndBuiltBytes(syn, (n) => ({ lambda: new Float64Array(n).fill(0.01), tau_plus: { distribution: 'uniform', min: 10, max: 30 } }));
    // 2 B target, 4 B weight, 2 × 8 B values, 8 B x and 8 B its decay rate.
    expect(both.built).toBe(38);
    expect(both.estimated, both.detail).toBe(38);
    const lambdaOnly = estimatedAndBuiltBytes(syn, (n) => ({ lambda: new Float64Array(n).fill(0.01) }));
    expect(lambdaOnly.built).toBe(22);
    expect(lambdaOnly.estimated, lambdaOnly.detail).toBe(22);
    const shared = estimatedAndBuiltBytes(syn);
    expect(shared.estimated, shared.detail).toBe(shared.built);
  });

  it('refusals name the parameter: wrong array length, the axonal handler, the _hom model, a model without per-synapse values', () => {
    expect(() => run({ lambda: [0.01, 0.02, 0.03] })).toThrow(/lambda.*length 3.*length 2/);
    expect(() => run({ lambda: [0.01, 0.02] }, 'axonal')).toThrow(ParameterError);
    expect(() => run({ lambda: [0.01, 0.02] }, 'axonal')).toThrow(/delay_handler.*axonal.*'dendritic'.*lambda given per synapse/);
    const sim = createSimulator({ dt });
    const a = sim.create('iaf_psc_exp', 1);
    const b = sim.create('iaf_psc_exp', 2);
    expect(() => sim.connect(a, b, 'all_to_all', { synapse_model: 'stdp_pl_synapse_hom', weight: 1, lambda: [0.1, 0.2] })).toThrow(/lambda.*an array of length 2.*a number: stdp_pl_synapse_hom takes one lambda per projection, not one per synapse/);
    // A model without per-connection values (triplet_auryn follows Auryn, whose connection shares them).
    expect(() => sim.connect(a, b, 'all_to_all', { synapse_model: 'triplet_auryn', weight: 1, eta: { distribution: 'uniform', min: 0, max: 1 } })).toThrow(/eta.*a distribution.*a number: triplet_auryn takes one eta per projection, not one per synapse/);
  });
});
