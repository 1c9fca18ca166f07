import { describe, it, expect } from 'vitest';
import { createSimulator, ParameterError } from '../../../../index.js';

/**
 * A small recurrent, Poisson-driven excitatory network (CUBA neurons of seed 002) with aggressive
 * learning rates, so that weights hit their bounds within two seconds.
 */
function net(synapse: Record<string, unknown>, seed = 7, ms = 2000) {
  const sim = createSimulator({ seed });
  const E = sim.create('iaf_psc_exp', 120, { E_L: 0, V_reset: 0, V_th: 20, C_m: 250, tau_m: 20, t_ref: 2 });
  E.set('V_m', { distribution: 'uniform', min: 0, max: 19 });
  const drive = sim.create('poisson_generator', 1, { rate: 4300 });
  sim.connect(drive, E, 'all_to_all', { weight: 35, delay: 1.5 });
  const proj = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 30, allow_autapses: false }, { delay: 1.5, ...synapse })!;
  sim.simulate(ms);
  return { sim, proj, rate: sim.spikeCounts()[E.id] / 120 / (ms / 1000) };
}

const plastic: [string, Record<string, unknown>, number][] = [
  // Additive (mu = 0): hard bounds that weights hit. The multiplicative default only approaches them.
  ['stdp_synapse additive', { synapse_model: 'stdp_synapse', weight: { distribution: 'normal', mean: 35, std: 20, min: 0, max: 70 }, alpha: 1.05, lambda: 0.1, mu_plus: 0, mu_minus: 0, Wmax: 70 }, 70],
  ['stdp_synapse multiplicative', { synapse_model: 'stdp_synapse', weight: { distribution: 'normal', mean: 35, std: 20, min: 0, max: 70 }, alpha: 1.05, lambda: 0.5, Wmax: 70 }, 70],
  ['stdp_triplet_synapse', { synapse_model: 'stdp_triplet_synapse', weight: { distribution: 'normal', mean: 35, std: 20, min: 0, max: 70 }, Aplus: 5, Aminus: 7, Aplus_triplet: 3, Aminus_triplet: 1, Wmax: 70 }, 70],
  ['triplet_auryn', { synapse_model: 'triplet_auryn', weight: { distribution: 'normal', mean: 30, std: 20, min: 0, max: 60 }, eta: 5000, tau_hom: 1000, kappa: 3, Wmax: 60 }, 60],
];

describe('plastic weights in a recurrent network', () => {
  for (const [name, syn, wmax] of plastic) {
    for (const handler of ['dendritic', 'axonal']) {
      it(`${name} (${handler}) keeps every weight in [0, Wmax] and reaches the bounds`, () => {
        const { proj, rate } = net({ ...syn, delay_handler: handler });
        expect(rate).toBeGreaterThan(2);
        const w = proj.weights();
        expect(w.length).toBe(proj.count);
        let atMax = 0;
        let atZero = 0;
        let lo = Infinity;
        let hi = -Infinity;
        for (const x of w) {
          if (x < lo) lo = x;
          if (x > hi) hi = x;
          if (x === wmax) atMax++;
          if (x === 0) atZero++;
        }
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(wmax);
        if (!name.includes('multiplicative')) expect(atMax + atZero).toBeGreaterThan(0);
      });
    }
  }

  it('stdp_pl_synapse_hom keeps weights >= 0 (it has no upper bound)', () => {
    const { proj } = net({ synapse_model: 'stdp_pl_synapse_hom', weight: 35, alpha: 0.0513, lambda: 0.1, mu: 0.4, tau_plus: 15 });
    const w = proj.weights();
    let changed = 0;
    let lo = Infinity;
    for (const x of w) {
      if (x < lo) lo = x;
      if (x !== 35) changed++;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(changed).toBeGreaterThan(0.9 * w.length);
  });

  for (const handler of ['dendritic', 'axonal']) {
    it(`the same seed gives identical final weights (${handler}), another seed different ones`, () => {
      const syn = { synapse_model: 'stdp_synapse', weight: { distribution: 'normal', mean: 35, std: 3 }, alpha: 1.05, Wmax: 70, delay_handler: handler };
      const a = net(syn, 11, 500).proj.weights();
      const b = net(syn, 11, 500).proj.weights();
      const c = net(syn, 12, 500).proj.weights();
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
      expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
    });
  }
});

describe('memory per synapse', () => {
  it('stdp_pl_synapse_hom with a dendritic delay stores 6 bytes per synapse (16-bit target + float32 weight); the axonal reverse index adds 6 (8 past 65536 sources)', () => {
    const sim = createSimulator();
    const E = sim.create('iaf_psc_exp', 50);
    const d = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 10 }, { synapse_model: 'stdp_pl_synapse_hom', weight: 40, delay: 1.5 })!;
    const a = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 10 }, { synapse_model: 'stdp_pl_synapse_hom', weight: 40, delay: 1.5, delay_handler: 'axonal' })!;
    const h = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 10 }, { synapse_model: 'stdp_synapse', weight: 40, delay: { distribution: 'uniform', min: 1, max: 2 } })!;
    sim.simulate(1);
    expect(d.bytesPerSynapse()).toBe(6);
    expect(a.bytesPerSynapse()).toBe(12);
    expect(h.bytesPerSynapse()).toBe(8);
  });
});

describe('weight readout', () => {
  it('weights() is a CSR-ordered copy that a recorder can take at intervals', () => {
    const sim = createSimulator({ seed: 3 });
    const E = sim.create('iaf_psc_exp', 80, { E_L: 0, V_reset: 0, V_th: 20, C_m: 250, tau_m: 20 });
    const drive = sim.create('poisson_generator', 1, { rate: 4500 });
    sim.connect(drive, E, 'all_to_all', { weight: 35, delay: 1.5 });
    const proj = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 20 }, { synapse_model: 'stdp_synapse', weight: 35, delay: 1.5, lambda: 0.05, Wmax: 70 })!;
    const snapshots: Float32Array[] = [];
    for (let i = 0; i < 5; i++) {
      sim.simulate(100);
      snapshots.push(proj.weights());
    }
    const last = snapshots[4];
    last[0] = -1;
    expect(proj.weights()[0]).not.toBe(-1);
    expect(snapshots[0].length).toBe(proj.count);
    // Weights of a source row only change when that source or its targets spike: snapshots differ.
    let differ = 0;
    for (let k = 0; k < proj.count; k++) if (snapshots[1][k] !== snapshots[3][k]) differ++;
    expect(differ).toBeGreaterThan(0);
    // CSR order: row s holds the synapses of source s, targets sorted within the row.
    const t = proj.table;
    let unsorted = 0;
    for (let s = 0; s < t.sourceCount; s++) for (let k = t.rowStart[s] + 1; k < t.rowStart[s + 1]; k++) if (t.target[k] < t.target[k - 1]) unsorted++;
    expect(unsorted).toBe(0);
  });
});

describe('invalid parameters', () => {
  const build = (syn: Record<string, unknown>, neuron: Record<string, number> = {}) => {
    const sim = createSimulator();
    const E = sim.create('iaf_psc_exp', 10, neuron);
    sim.connect(E, E, { rule: 'fixed_indegree', indegree: 2 }, { weight: 10, delay: 1, ...syn });
    sim.simulate(1);
  };
  it('negative or zero Wmax', () => {
    expect(() => build({ synapse_model: 'stdp_synapse', Wmax: -70 })).toThrow(ParameterError);
    expect(() => build({ synapse_model: 'stdp_triplet_synapse', Wmax: 0 })).toThrow(/Wmax/);
    expect(() => build({ synapse_model: 'triplet_auryn', Wmax: -1 })).toThrow(ParameterError);
  });
  it('time constants <= 0, on the synapse or on the target neuron', () => {
    expect(() => build({ synapse_model: 'stdp_synapse', tau_plus: 0 })).toThrow(/tau_plus/);
    expect(() => build({ synapse_model: 'stdp_pl_synapse_hom', tau_plus: -15 })).toThrow(ParameterError);
    expect(() => build({ synapse_model: 'stdp_triplet_synapse', tau_plus_triplet: 0 })).toThrow(ParameterError);
    expect(() => build({ synapse_model: 'triplet_auryn', tau_hom: 0 })).toThrow(/tau_hom/);
    expect(() => build({ synapse_model: 'stdp_synapse' }, { tau_minus: 0 })).toThrow(/tau_minus/);
  });
  it('an unknown delay handler, a negative weight, a split delay without the split handler', () => {
    expect(() => build({ synapse_model: 'stdp_synapse', delay_handler: 'somatic' })).toThrow(/delay_handler.*'dendritic', 'axonal'/);
    expect(() => build({ synapse_model: 'stdp_synapse', weight: -5 })).toThrow(ParameterError);
    expect(() => build({ synapse_model: 'stdp_synapse', delay_handler: 'axonal', axonal_delay: 1 })).toThrow(ParameterError);
  });
});
