import { describe, it, expect } from 'vitest';
import { pairNet, referenceWeight, ulp32, type RefRule } from './helpers.js';
import { nestStdp, nestPowerLaw, nestTriplet, aurynTriplet } from './rules.js';

/**
 * STDP windows: one presynaptic spike and one postsynaptic spike (a post pair for the triplet rules,
 * whose potentiation needs an earlier post spike) at a chosen lag as seen at the synapse, then a probe
 * presynaptic spike 500 ms later that makes the dendritic handler apply what it deferred. The weight
 * change must match the rule's formula, evaluated on the reference's explicit trace sums, to 1e-6 of the
 * change plus one float32 rounding of the stored weight.
 */

const dt = 0.1;
const d = 15; // 1.5 ms
const P = 1000;
const R = P + 5000;
const lags = [-400, -200, -100, -50, -10, 10, 50, 100, 200, 400];

interface Case {
  name: string;
  synapse: Record<string, unknown>;
  postParams?: Record<string, number>;
  ref: RefRule;
  w0: number;
  /** Post spikes for a post spike at Q. */
  posts: (Q: number) => number[];
}

const cases: Case[] = [
  {
    name: 'stdp_synapse multiplicative (mu = 1)',
    synapse: { synapse_model: 'stdp_synapse', weight: 50, tau_plus: 20, lambda: 0.1, alpha: 1.05, Wmax: 100 },
    postParams: { tau_minus: 20 },
    ref: nestStdp({ tau_plus: 20, tau_minus: 20, lambda: 0.1, alpha: 1.05, mu_plus: 1, mu_minus: 1, Wmax: 100 }),
    w0: 50,
    posts: (Q) => [Q],
  },
  {
    name: 'stdp_synapse additive (mu = 0), tau_minus 30',
    synapse: { synapse_model: 'stdp_synapse', weight: 40, tau_plus: 15, lambda: 0.05, alpha: 0.8, mu_plus: 0, mu_minus: 0, Wmax: 100 },
    postParams: { tau_minus: 30 },
    ref: nestStdp({ tau_plus: 15, tau_minus: 30, lambda: 0.05, alpha: 0.8, mu_plus: 0, mu_minus: 0, Wmax: 100 }),
    w0: 40,
    posts: (Q) => [Q],
  },
  {
    name: 'stdp_pl_synapse_hom (seed 000 parameters)',
    synapse: { synapse_model: 'stdp_pl_synapse_hom', weight: 45, tau_plus: 15, lambda: 0.1, alpha: 0.0513, mu: 0.4 },
    postParams: { tau_minus: 30 },
    ref: nestPowerLaw({ tau_plus: 15, tau_minus: 30, lambda: 0.1, alpha: 0.0513, mu: 0.4 }),
    w0: 45,
    posts: (Q) => [Q],
  },
  {
    name: 'stdp_triplet_synapse (amplified amplitudes)',
    synapse: { synapse_model: 'stdp_triplet_synapse', weight: 50, tau_plus: 16.8, tau_plus_triplet: 101, Aplus: 0.5, Aminus: 0.7, Aplus_triplet: 0.3, Aminus_triplet: 0.2, Wmax: 100 },
    postParams: { tau_minus: 33.7, tau_minus_triplet: 125 },
    ref: nestTriplet({ tau_plus: 16.8, tau_plus_triplet: 101, tau_minus: 33.7, tau_minus_triplet: 125, Aplus: 0.5, Aminus: 0.7, Aplus_triplet: 0.3, Aminus_triplet: 0.2, Wmax: 100 }),
    w0: 50,
    posts: (Q) => [Q - 80, Q],
  },
  {
    name: 'triplet_auryn (eta 20, tau_hom 2 s)',
    synapse: { synapse_model: 'triplet_auryn', weight: 0.5, eta: 20, tau_hom: 2000, kappa: 3, Wmax: 1 },
    ref: aurynTriplet({ tau_plus: 16.8, tau_minus: 33.7, tau_long: 114, tau_hom: 2000, A3_plus: 6.5e-3, eta: 20, kappa: 3, Wmax: 1 }),
    w0: 0.5,
    posts: (Q) => [Q - 80, Q],
  },
];

function run(c: Case, handler: 'dendritic' | 'axonal', lag: number): { sim: number; ref: number } {
  // Emission step of the post spike that gives the wanted lag at the synapse.
  const Q = handler === 'dendritic' ? P + lag - d : P + lag + d;
  const posts = c.posts(Q);
  const net = pairNet({ dt, pre: [P, R], post: posts, synapse: { ...c.synapse, delay: d * dt, delay_handler: handler }, postParams: c.postParams });
  net.sim.simulate((R + 2 * d + 10) * dt);
  expect(Array.from(net.preSteps())).toEqual([P, R]);
  expect(Array.from(net.postSteps())).toEqual(posts);
  return { sim: net.weights()[0], ref: referenceWeight(c.ref, handler, [P, R], posts, d, c.w0, dt) };
}

describe('STDP windows against the rules formulas', () => {
  for (const c of cases) {
    for (const handler of ['dendritic', 'axonal'] as const) {
      it(`${c.name}, ${handler}: weight change against lag`, () => {
        const changes: number[] = [];
        for (const lag of lags) {
          const { sim, ref } = run(c, handler, lag);
          const dw = ref - c.w0;
          expect(Math.abs(sim - ref), `lag ${lag * dt} ms: sim ${sim}, formula ${ref}`).toBeLessThanOrEqual(1e-6 * Math.abs(dw) + ulp32(ref));
          changes.push(sim - c.w0);
        }
        if (c.posts(0).length > 1) return;
        // The window's shape: depression for post-before-pre, potentiation for pre-before-post (the
        // probe's own depression is tiny), both shrinking with |lag|.
        const neg = changes.slice(0, 5);
        const pos = changes.slice(5);
        for (const x of neg) expect(x).toBeLessThan(0);
        for (let i = 1; i < neg.length; i++) expect(Math.abs(neg[i])).toBeGreaterThan(Math.abs(neg[i - 1]));
        for (const x of pos) expect(x).toBeGreaterThan(0);
        for (let i = 1; i < pos.length; i++) expect(pos[i]).toBeLessThan(pos[i - 1]);
      });
    }
  }

  it('additive stdp_synapse follows lambda Wmax exp(-lag / tau_plus) and -alpha lambda Wmax exp(lag / tau_minus) in closed form', () => {
    const c = cases[1];
    for (const lag of [-100, 100, 250]) {
      const { sim } = run(c, 'dendritic', lag);
      const s = lag * dt;
      // The probe at R sees the post spike (R - d) - (Q) steps back: one more depression term.
      const Q = P + lag - d;
      const probeK = Math.exp((-(R - d - Q) * dt) / 30);
      const expected = lag > 0 ? 40 + 0.05 * 100 * Math.exp(-s / 15) - 0.8 * 0.05 * 100 * probeK : 40 - 0.8 * 0.05 * 100 * Math.exp(s / 30) - 0.8 * 0.05 * 100 * probeK;
      expect(Math.abs(sim - expected)).toBeLessThanOrEqual(1e-6 * Math.abs(expected - 40) + 2 * ulp32(expected));
    }
  });
});

describe('initial weights above Wmax (NEST semantics)', () => {
  const syn = { synapse_model: 'stdp_synapse', weight: 120, delay: 1.5, lambda: 0.01, alpha: 1.05, Wmax: 100 };
  it('the first presynaptic spike after a postsynaptic one clamps the weight to Wmax, then depresses', () => {
    // NEST's first send runs facilitate(w, Kplus = 0) for the earlier post spike: min(w / Wmax, 1) * Wmax.
    const net = pairNet({ dt, pre: [1000], post: [50], synapse: syn });
    net.sim.simulate(110);
    const K = Math.exp((-(1000 - 15 - 50) * dt) / 20);
    const expected = Math.max(1 - 1.05 * 0.01 * 1 * K, 0) * 100;
    expect(Math.abs(net.weights()[0] - expected)).toBeLessThanOrEqual(ulp32(expected));
  });
  it('without an earlier postsynaptic spike the weight is left above Wmax', () => {
    const net = pairNet({ dt, pre: [1000], post: [5000], synapse: syn });
    net.sim.simulate(110);
    expect(net.weights()[0]).toBe(120);
  });
});
