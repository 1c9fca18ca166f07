import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins } from '../../../index.js';
import { vogelsSprekelerSynapse } from '../../../docs/examples/vogels-sprekeler.js';
import { estimatedAndBuiltBytes, forcer, slaveNeuron, ulp32 } from '../../plugins/synapses/plasticity/helpers.js';

/**
 * A rule written outside the package (docs/examples/vogels-sprekeler.ts, public API only) registers
 * like a built-in one and runs with both delay handlers. The weights after a pairing sequence must
 * match NEST's vogels_sprekeler_synapse update sequence, written out here.
 */
function run(handler: 'dendritic' | 'axonal') {
  const dt = 0.1;
  const sim = createSimulator({ dt, plugins: [...builtinPlugins, vogelsSprekelerSynapse, forcer('force_pre', [[100, 300, 700]]), forcer('force_post', [[160, 250, 500]])] });
  const pre = sim.create('iaf_psc_exp', 1, slaveNeuron);
  const post = sim.create('iaf_psc_exp', 1, slaveNeuron); // tau_minus 20 ms, as tau
  sim.connect(sim.create('force_pre'), pre, 'all_to_all', { weight: 1e6, delay: dt });
  sim.connect(sim.create('force_post'), post, 'all_to_all', { weight: 1e6, delay: dt });
  const proj = sim.connect(pre, post, { rule: 'fixed_indegree', indegree: 1 }, {
    synapse_model: 'vogels_sprekeler_synapse', weight: -0.5, delay: 1, eta: 0.05, alpha: 0.12, tau: 20, Wmax: 2, delay_handler: handler,
  })!;
  sim.simulate(80);
  return proj;
}

describe('a user-defined rule from docs/examples', () => {
  it('is listed by the registry and keeps its inhibitory sign', () => {
    const sim = createSimulator({ plugins: [...builtinPlugins, vogelsSprekelerSynapse] });
    expect(sim.registry.get('synapse', 'vogels_sprekeler_synapse').plastic).toBe(true);
  });

  it('dendritic: the NEST update sequence (pre at 10, 30, 70 ms; post at 16, 25, 50 ms; delay 1 ms)', () => {
    const proj = run('dendritic');
    const E = Math.exp;
    const eta = 0.05;
    const step = (w: number, k: number) => Math.min(w + eta * k, 2);
    const dep = (w: number) => Math.max(w - 0.12 * eta, 0);
    // t = 10: no post spike before 9 ms.
    let w = dep(step(0.5, 0));
    w = Math.fround(w);
    // t = 30: posts 16, 25 reach the synapse at 17, 26 (pre trace from t = 10), then the post trace at 29 ms.
    w = step(w, E(-(17 - 10) / 20));
    w = step(w, E(-(26 - 10) / 20));
    w = dep(step(w, E(-(29 - 16) / 20) + E(-(29 - 25) / 20)));
    w = Math.fround(w);
    // t = 70: post 50 reaches the synapse at 51, pre trace from 10 and 30; post trace at 69 ms.
    w = step(w, (E(-(30 - 10) / 20) + 1) * E(-(51 - 30) / 20));
    w = dep(step(w, E(-(69 - 16) / 20) + E(-(69 - 25) / 20) + E(-(69 - 50) / 20)));
    const got = proj.weights()[0];
    expect(got).toBeLessThan(0);
    expect(Math.abs(-got - w)).toBeLessThanOrEqual(1e-6 * w + ulp32(w));
    expect(-got).toBeGreaterThan(0.5);
  });

  it('axonal: runs, stays inhibitory and within [0, Wmax] in magnitude', () => {
    const w = run('axonal').weights()[0];
    expect(w).toBeLessThan(0);
    expect(-w).toBeLessThanOrEqual(2);
    expect(-w).toBeGreaterThan(0.5);
  });
});

/**
 * NEST keeps vogels_sprekeler_synapse's tau, eta, alpha and Wmax in each connection; the example takes them per
 * synapse. NEST's send() replayed: at each pre spike t the post spikes t_j in (t_last - d, t - d] facilitate, w =
 * min(w + eta Kplus e^{(t_last - t_j - d)/tau}, Wmax); then w = min(w + eta Kminus(t - d), Wmax) and w = max(w -
 * alpha eta, 0); Kplus = Kplus e^{(t_last - t)/tau} + 1. Magnitudes; NEST's stamps (step + 1) dt, t_last from 0;
 * float32 after each pre spike. Tolerance: 1e-12 relative.
 */
describe('the example rule with parameters per synapse', () => {
  const dt = 0.1;
  const dSteps = 10;
  const tauMinus = 20;
  interface V { tau: number; eta: number; alpha: number; Wmax: number }
  function nestVs(pre: number[], post: number[], w0: number, p: V): number {
    const stamp = (s: number) => (s + 1) * dt;
    const d = dSteps * dt;
    let w = Math.fround(w0);
    let kplus = 0;
    let tLastStep = -1;
    for (const s of pre) {
      const t = stamp(s);
      const tLast = stamp(tLastStep);
      for (const j of post) {
        if (j + dSteps > tLastStep && j + dSteps <= s) w = Math.min(w + p.eta * kplus * Math.exp((tLast - (stamp(j) + d)) / p.tau), p.Wmax);
      }
      let kminus = 0;
      for (const j of post) if (j + dSteps < s) kminus += Math.exp((stamp(j) - (t - d)) / tauMinus);
      w = Math.min(w + p.eta * kminus, p.Wmax);
      w = Math.fround(Math.max(w - p.alpha * p.eta, 0));
      kplus = kplus * Math.exp((tLast - t) / p.tau) + 1;
      tLastStep = s;
    }
    return w;
  }
  const pre = [100, 300, 450, 700, 730, 1000, 1400];
  const posts = [[160, 250, 500, 710, 1300], [120, 330, 360, 900]];
  function run(syn: Record<string, unknown>) {
    const sim = createSimulator({ dt, plugins: [...builtinPlugins, vogelsSprekelerSynapse, forcer('force_pre', [pre]), forcer('force_post', posts)] });
    const a = sim.create('iaf_psc_exp', 1, slaveNeuron);
    const b = sim.create('iaf_psc_exp', 2, { ...slaveNeuron, tau_minus: tauMinus });
    sim.connect(sim.create('force_pre'), a, 'all_to_all', { weight: 1e6, delay: dt });
    sim.connect(sim.create('force_post'), b, 'all_to_all', { weight: 1e6, delay: dt });
    const proj = sim.connect(a, b, 'all_to_all', { synapse_model: 'vogels_sprekeler_synapse', weight: -0.5, delay: dSteps * dt, ...syn })!;
    sim.simulate(160);
    return proj.weights();
  }
  const own: V[] = [{ tau: 20, eta: 0.05, alpha: 0.12, Wmax: 2 }, { tau: 35, eta: 0.02, alpha: 0.3, Wmax: 0.6 }];
  const col = (k: keyof V) => own.map((p) => p[k]);
  const bits = (w: Float32Array) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length));

  it("two synapses with their own tau, eta, alpha and Wmax each follow NEST's send() with their values", () => {
    const w = run({ tau: col('tau'), eta: col('eta'), alpha: col('alpha'), Wmax: col('Wmax') });
    for (let k = 0; k < 2; k++) {
      const ref = nestVs(pre, posts[k], 0.5, own[k]);
      expect(w[k]).toBeLessThan(0);
      expect(Math.abs(-w[k] - ref), `synapse ${k}: ${-w[k]} against ${ref}`).toBeLessThanOrEqual(1e-12 * ref);
      expect(-w[k]).not.toBe(0.5);
    }
  });

  it('values equal everywhere give the shared run, bit for bit; the estimate counts the per-synapse trace and its rate', () => {
    const shared = run({ ...own[0] });
    expect(bits(run({ tau: [20, 20], eta: [0.05, 0.05], alpha: [0.12, 0.12], Wmax: [2, 2] }))).toEqual(bits(shared));
    expect(bits(run({ ...own[0], eta: new Float64Array(2).fill(0.05) }))).toEqual(bits(shared));
    const syn = { synapse_model: 'vogels_sprekeler_synapse', weight: -1, delay: 1 };
    const plugins = [...builtinPlugins, vogelsSprekelerSynapse];
    // 2 B target + 4 B weight, 8 B per value; the trace per synapse 8 B, its decay rate with tau 8 B.
    const cases: [(n: number) => Record<string, unknown>, number][] = [
      [() => ({}), 6],
      [(n) => ({ eta: new Float64Array(n).fill(0.01) }), 22],
      [(n) => ({ eta: new Float64Array(n).fill(0.01), tau: { distribution: 'uniform', min: 10, max: 30 } }), 38],
    ];
    for (const [per, bytes] of cases) {
      const b = estimatedAndBuiltBytes(syn, per, plugins);
      expect(b.built).toBe(bytes);
      expect(b.estimated, b.detail).toBe(bytes);
    }
  });
});
