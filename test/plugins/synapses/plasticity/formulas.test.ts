import { describe, it, expect } from 'vitest';
import { plasticSynapse } from '../../../../plugins/synapses/plasticity/synapse.js';
import { stdpMechanism, nestCompositions } from '../../../../plugins/synapses/plasticity/mechanism.js';
import { spikePair, vogelsSprekeler } from '../../../../plugins/synapses/plasticity/timing/pair.js';
import { triplet } from '../../../../plugins/synapses/plasticity/timing/triplet.js';
import { additive, gutig, multiplicative } from '../../../../plugins/synapses/plasticity/weight/dependences.js';
import { pairNet, referenceWeight, ulp32, type RefRule } from './helpers.js';
import { nestStdp, nestPowerLaw, nestTriplet, aurynTriplet } from './rules.js';

/**
 * Each NEST-named rule (built-in and composed) and each PyNN combination (spike pair × additive,
 * multiplicative, Gütig) on pair, repeated-pair and triplet protocols through a real Simulator: two
 * forced neurons joined by one plastic synapse. The final weight is compared with the rule's formula,
 * written out here from NEST's headers and PyNN's definitions and replayed on the explicit trace sums
 * (helpers.ts referenceWeight), rounded to float32 where the simulator stores the weight (weights are
 * float32: after each presynaptic event with the dendritic handler, after every event with the axonal
 * one). Tolerance: 1e-12 relative. For single pairs also the closed form, in float64, to half a float32
 * ulp (the one rounding of the stored weight) plus 1e-12 relative.
 */
const dt = 0.1;
const d = 15; // 1.5 ms
const P = 1000; // first event at the synapse, step
const PROBE = 10000; // a last presynaptic spike 1 s after the protocol, so the dendritic handler applies what it deferred

/** PyNN's weight dependences over a spike-pair rule (pyNN/standardmodels/synapses.py; NEST backend's mapping). */
function pynn(kind: 'additive' | 'multiplicative' | 'gutig', p: { tau_plus: number; tau_minus: number; A_plus: number; A_minus: number; w_min: number; w_max: number; mu_plus?: number; mu_minus?: number }): RefRule {
  const R = p.w_max - p.w_min;
  const base = { tauPre: p.tau_plus, tauPreSlow: 0, tauPost: p.tau_minus, tauPostSlow: 0, tauHom: 0, homInitial: 0 };
  if (kind === 'additive') {
    return { ...base, onPost: (w, k) => Math.min(w + R * p.A_plus * k, p.w_max), onPre: (w, k) => Math.max(w - R * p.A_minus * k, p.w_min) };
  }
  if (kind === 'multiplicative') {
    return { ...base, onPost: (w, k) => Math.min(w + (p.w_max - w) * p.A_plus * k, p.w_max), onPre: (w, k) => Math.max(w - (w - p.w_min) * p.A_minus * k, p.w_min) };
  }
  // Gütig in NEST's normalised form on x = (w - w_min) / (w_max - w_min).
  return {
    ...base,
    onPost: (w, k) => p.w_min + Math.min((w - p.w_min) / R + p.A_plus * Math.pow(1 - (w - p.w_min) / R, p.mu_plus!) * k, 1) * R,
    onPre: (w, k) => p.w_min + Math.max((w - p.w_min) / R - p.A_minus * Math.pow((w - p.w_min) / R, p.mu_minus!) * k, 0) * R,
  };
}

interface Case {
  name: string;
  model: string;
  synapse: Record<string, unknown>;
  postParams?: Record<string, number>;
  ref: RefRule;
  w0: number;
  /** Closed-form weight after one pair at lag s ms (post − pre at the synapse), where the test states one. */
  pair?: (s: number) => number;
  /** The window potentiates both orders (Vogels–Sprekeler): no sign check. */
  symmetric?: boolean;
}

const pyP = { tau_plus: 16.8, tau_minus: 33.7, A_plus: 0.05, A_minus: 0.06, w_min: 2, w_max: 80, mu_plus: 0.4, mu_minus: 0.7 };
const mech = (kind: 'additive' | 'multiplicative' | 'gutig') => {
  const weight = kind === 'additive' ? additive() : kind === 'multiplicative' ? multiplicative() : gutig();
  return plasticSynapse(stdpMechanism({ timing: spikePair(), weight, name: `pynn_${kind}` }));
};
const nestStdpP = { tau_plus: 15, tau_minus: 30, lambda: 0.05, alpha: 1.2, mu_plus: 0.4, mu_minus: 0.4, Wmax: 100 };
const plP = { tau_plus: 15, tau_minus: 30, lambda: 0.1, alpha: 0.0513, mu: 0.4 };
const trP = { tau_plus: 16.8, tau_plus_triplet: 101, tau_minus: 33.7, tau_minus_triplet: 125, Aplus: 0.5, Aminus: 0.7, Aplus_triplet: 0.3, Aminus_triplet: 0.2, Wmax: 100 };
const auP = { tau_plus: 16.8, tau_minus: 33.7, tau_long: 114, tau_hom: 2000, A3_plus: 6.5e-3, eta: 20, kappa: 3, Wmax: 1 };
const { tau_minus: _tm, tau_minus_triplet: _tmt, ...trSyn } = trP;
const x0 = (40 - pyP.w_min) / (pyP.w_max - pyP.w_min);
const R = pyP.w_max - pyP.w_min;
const ltp = (s: number) => Math.exp(-s / pyP.tau_plus);
const ltd = (s: number) => Math.exp(s / pyP.tau_minus);

const { mu_plus: _mp, mu_minus: _mm, ...pyBounded } = pyP;
const cases: Case[] = [
  { name: 'spike pair × additive (PyNN)', model: 'pynn_additive', synapse: { ...pyBounded, weight: 40 }, ref: pynn('additive', pyP), w0: 40,
    pair: (s) => (s > 0 ? 40 + R * pyP.A_plus * ltp(s) : 40 - R * pyP.A_minus * ltd(s)) },
  { name: 'spike pair × multiplicative (PyNN)', model: 'pynn_multiplicative', synapse: { ...pyBounded, weight: 40 }, ref: pynn('multiplicative', pyP), w0: 40,
    pair: (s) => (s > 0 ? 40 + (pyP.w_max - 40) * pyP.A_plus * ltp(s) : 40 - (40 - pyP.w_min) * pyP.A_minus * ltd(s)) },
  { name: 'spike pair × Gütig (PyNN)', model: 'pynn_gutig', synapse: { ...pyP, weight: 40 }, ref: pynn('gutig', pyP), w0: 40,
    pair: (s) => (s > 0 ? 40 + R * pyP.A_plus * (1 - x0) ** pyP.mu_plus * ltp(s) : 40 - R * pyP.A_minus * x0 ** pyP.mu_minus * ltd(s)) },
];
// NEST's vogels_sprekeler_synapse: facilitate min(w + eta K, Wmax) at post spikes (K = x) and at pre spikes
// (K = y), then depress max(w − alpha eta, 0) at each pre spike.
const vsP = { tau: 20, eta: 0.5, alpha: 0.3, w_min: 0, w_max: 10 };
cases.push({
  name: 'vogels_sprekeler_synapse (vogelsSprekeler × additive)', model: 'nest_vogels_sprekeler', synapse: { ...vsP, weight: 5 }, postParams: { tau_minus: 20 }, w0: 5, symmetric: true,
  ref: {
    tauPre: 20, tauPreSlow: 0, tauPost: 20, tauPostSlow: 0, tauHom: 0, homInitial: 0,
    onPost: (w, k) => Math.min(w + vsP.eta * k, vsP.w_max),
    onPre: (w, k) => Math.max(Math.min(w + vsP.eta * k, vsP.w_max) - vsP.alpha * vsP.eta, 0),
  },
  // Either order: one pairing eta e^(-|s| / tau) and two depressions (the pair's pre spike and the probe).
  pair: (s) => 5 + vsP.eta * Math.exp(-Math.abs(s) / 20) - 2 * vsP.alpha * vsP.eta,
});
// Pfister & Gerstner's minimal triplet model: NEST's formula with Aminus_triplet = 0, post time constants on the synapse.
cases.push({
  name: 'minimal triplet × additive', model: 'pg_minimal',
  synapse: { tau_plus: 16.8, tau_minus: 33.7, tau_minus_triplet: 125, Aplus: 0.5, Aminus: 0.7, Aplus_triplet: 0.3, w_min: 0, w_max: 100, weight: 50 },
  ref: nestTriplet({ ...trP, Aminus_triplet: 0 }), w0: 50,
  pair: (s) => (s > 0 ? 50 + 0.5 * Math.exp(-s / 16.8) : 50 - 0.7 * Math.exp(s / 33.7)),
});
for (const prefix of ['', 'composed_']) {
  cases.push(
    { name: `${prefix}stdp_synapse (mu 0.4)`, model: `${prefix}stdp_synapse`, synapse: { ...(({ tau_minus, ...r }) => r)(nestStdpP), weight: 50 }, postParams: { tau_minus: 30 }, ref: nestStdp(nestStdpP), w0: 50,
      pair: (s) => (s > 0 ? (0.5 + 0.05 * 0.5 ** 0.4 * Math.exp(-s / 15)) * 100 : (0.5 - 1.2 * 0.05 * 0.5 ** 0.4 * Math.exp(s / 30)) * 100) },
    { name: `${prefix}stdp_pl_synapse_hom`, model: `${prefix}stdp_pl_synapse_hom`, synapse: { ...(({ tau_minus, ...r }) => r)(plP), weight: 45 }, postParams: { tau_minus: 30 }, ref: nestPowerLaw(plP), w0: 45,
      pair: (s) => (s > 0 ? 45 + 0.1 * 45 ** 0.4 * Math.exp(-s / 15) : 45 - 0.1 * 0.0513 * 45 * Math.exp(s / 30)) },
    { name: `${prefix}stdp_triplet_synapse`, model: `${prefix}stdp_triplet_synapse`, synapse: { ...trSyn, weight: 50 }, postParams: { tau_minus: 33.7, tau_minus_triplet: 125 }, ref: nestTriplet(trP), w0: 50,
      pair: (s) => (s > 0 ? 50 + 0.5 * Math.exp(-s / 16.8) : 50 - 0.7 * Math.exp(s / 33.7)) },
    { name: `${prefix}triplet_auryn`, model: `${prefix}triplet_auryn`, synapse: { ...auP, weight: 0.5 }, ref: aurynTriplet(auP), w0: 0.5 },
  );
}
const plugins = [mech('additive'), mech('multiplicative'), mech('gutig'), plasticSynapse(stdpMechanism({ timing: vogelsSprekeler(), weight: additive(), name: 'nest_vogels_sprekeler' })),
  plasticSynapse(stdpMechanism({ timing: triplet({ minimal: true }), weight: additive(), name: 'pg_minimal' })), ...Object.values(nestCompositions).map((def) => plasticSynapse({ ...def, name: `composed_${def.name}` }))];

/** Run a protocol given as spike steps at the synapse; returns the simulated and the replayed weight. */
function run(c: Case, handler: 'dendritic' | 'axonal', preAt: number[], postAt: number[]): { sim: number; ref: number } {
  const pre = [...preAt, Math.max(...preAt, ...postAt) + PROBE].map((t) => (handler === 'axonal' ? t - d : t));
  const post = postAt.map((t) => (handler === 'dendritic' ? t - d : t));
  const net = pairNet({ dt, pre, post, synapse: { synapse_model: c.model, ...c.synapse, delay: d * dt, delay_handler: handler }, postParams: c.postParams, extraPlugins: plugins });
  net.sim.simulate((Math.max(...pre, ...post) + 2 * d + 10) * dt);
  expect(Array.from(net.preSteps())).toEqual(pre);
  expect(Array.from(net.postSteps())).toEqual(post);
  return { sim: net.weights()[0], ref: referenceWeight(c.ref, handler, pre, post, d, c.w0, dt) };
}

const close = (sim: number, ref: number, what: string) => expect(Math.abs(sim - ref), `${what}: simulated ${sim}, formula ${ref}`).toBeLessThanOrEqual(1e-12 * Math.abs(ref));

describe('STDP formulas through a simulator', () => {
  for (const c of cases) {
    for (const handler of ['dendritic', 'axonal'] as const) {
      it(`${c.name}, ${handler}: single pairs at ±5 and ±20 ms`, () => {
        for (const s of [-20, -5, 5, 20]) {
          const lag = s / dt;
          const { sim, ref } = run(c, handler, [P], [P + lag]);
          close(sim, ref, `lag ${s} ms`);
          // triplet_auryn has no pair potentiation (y2 is 0 before the only post spike): only its depressions change w.
          if (c.pair || s < 0) expect(sim).not.toBe(c.w0);
          if (c.pair) {
            // The probe 1 s later adds a depression of e^(-1000/tau) relative: far below the tolerance.
            const cf = c.pair(s);
            expect(Math.abs(sim - cf), `closed form at ${s} ms: simulated ${sim}, ${cf}`).toBeLessThanOrEqual(ulp32(cf) / 2 + 1e-12 * Math.abs(cf));
            if (!c.symmetric) expect(Math.sign(sim - c.w0)).toBe(Math.sign(s));
          }
        }
      });
      it(`${c.name}, ${handler}: triplets pre-post-pre and post-pre-post (10 ms apart)`, () => {
        const q = 100;
        const a = run(c, handler, [P, P + 2 * q], [P + q]);
        close(a.sim, a.ref, 'pre-post-pre');
        const b = run(c, handler, [P + q], [P, P + 2 * q]);
        close(b.sim, b.ref, 'post-pre-post');
        // A triplet rule tells the two orders apart; an additive pair rule sums the same two pairs in both.
        if (c.model.includes('triplet')) expect(a.sim).not.toBe(b.sim);
      });
    }
    it(`${c.name}, dendritic: 60 pairings at 1 Hz, post 10 ms after pre`, () => {
      const pre = Array.from({ length: 60 }, (_, i) => P + 10000 * i);
      const { sim, ref } = run(c, 'dendritic', pre, pre.map((t) => t + 100));
      close(sim, ref, '60 pairings');
      expect(sim).not.toBe(c.w0);
    });
  }
});
