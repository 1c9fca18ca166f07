import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, ParameterError } from '../../../../../index.js';
import { plasticSynapse } from '../../../../../plugins/synapses/plasticity/synapse.js';
import { stdpMechanism } from '../../../../../plugins/synapses/plasticity/mechanism.js';
import { nearestPair } from '../../../../../plugins/synapses/plasticity/timing/nearest.js';
import { additive } from '../../../../../plugins/synapses/plasticity/weight/dependences.js';
import { estimatedAndBuiltBytes, forcer, pairNet, slaveNeuron } from '../helpers.js';

/**
 * NEST's stdp_nn_symm_synapse, stdp_nn_pre_centered_synapse and stdp_nn_restr_synapse through a simulator,
 * against an independent replay of NEST's send() (models/stdp_nn_*_synapse.h): at each presynaptic spike t
 * the postsynaptic spikes t_j with t_last - d < t_j <= t - d (t_last starts at 0 ms) facilitate, then the
 * spike depresses with exp(-(t - d - t_j)/tau_minus) of the latest t_j < t - d (0 without one). Times are
 * NEST's stamps, (step + 1) dt. The weight is rounded to float32 after each presynaptic spike, as stored.
 * Tolerance: 1e-12 relative.
 */
const dt = 0.1;
type Scheme = 'symm' | 'pre_centered' | 'restr';
interface NestP { tau_plus: number; lambda: number; alpha: number; mu_plus: number; mu_minus: number; Wmax: number }

function nestReplay(scheme: Scheme, pre: number[], post: number[], dSteps: number, w0: number, p: NestP, tauMinus: number): number {
  const stamp = (s: number) => (s + 1) * dt;
  const d = dSteps * dt;
  const facilitate = (w: number, k: number) => {
    const n = w / p.Wmax + p.lambda * Math.pow(1 - w / p.Wmax, p.mu_plus) * k;
    return n < 1 ? n * p.Wmax : p.Wmax;
  };
  const depress = (w: number, k: number) => {
    const n = w / p.Wmax - p.alpha * p.lambda * Math.pow(w / p.Wmax, p.mu_minus) * k;
    return n > 0 ? n * p.Wmax : 0;
  };
  let w = Math.fround(w0);
  let tLastStep = -1; // t_lastspike = 0 ms
  let kplus = 0;
  for (const s of pre) {
    const t = stamp(s);
    const tLast = stamp(tLastStep);
    // The window in steps: t_last - d < t_j <= t - d.
    const window = post.filter((j) => j + dSteps > tLastStep && j + dSteps <= s);
    if (scheme === 'symm') {
      for (const j of window) w = facilitate(w, Math.exp((tLast - (stamp(j) + d)) / p.tau_plus));
    } else if (window.length > 0) {
      const first = stamp(window[0]);
      w = facilitate(w, (scheme === 'pre_centered' ? kplus : 1) * Math.exp((tLast - (first + d)) / p.tau_plus));
      if (scheme === 'pre_centered') kplus = 0;
    }
    const before = post.filter((j) => j + dSteps < s);
    const kminus = before.length > 0 ? Math.exp((stamp(before[before.length - 1]) - (t - d)) / tauMinus) : 0;
    if (scheme !== 'restr' || window.length > 0) w = depress(w, kminus);
    if (scheme === 'pre_centered') kplus = kplus * Math.exp((tLast - t) / p.tau_plus) + 1;
    w = Math.fround(w);
    tLastStep = s;
  }
  return w;
}

const close = (sim: number, ref: number, what: string) =>
  expect(Math.abs(sim - ref), `${what}: simulated ${sim}, NEST's formula ${ref}`).toBeLessThanOrEqual(1e-12 * Math.abs(ref));

/** Spike steps with gaps of 25..(25 + span) steps (above the neurons' 2 ms refractory time), from a fixed LCG. */
function train(seed: number, n: number, start: number, span: number): number[] {
  let x = seed;
  const out: number[] = [];
  let t = start;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    t += 25 + (x % span);
    out.push(t);
  }
  return out;
}

const params: NestP = { tau_plus: 16.8, lambda: 0.05, alpha: 0.85, mu_plus: 0.4, mu_minus: 1, Wmax: 100 };
const tauMinus = 33.7;

function simulate(scheme: Scheme, pre: number[], post: number[], dSteps: number, w0: number, p: NestP = params) {
  const net = pairNet({ dt, pre, post, postParams: { tau_minus: tauMinus }, synapse: { synapse_model: `stdp_nn_${scheme}_synapse`, weight: w0, delay: dSteps * dt, ...p } });
  net.sim.simulate((Math.max(...pre, ...post) + 50) * dt);
  expect(Array.from(net.preSteps())).toEqual(pre);
  expect(Array.from(net.postSteps())).toEqual(post);
  return { sim: net.weights()[0], ref: nestReplay(scheme, pre, post, dSteps, w0, p, tauMinus) };
}

const P = 1000;
const PROBE = 20000;

describe("NEST's nearest-neighbour STDP synapses against NEST's send()", () => {
  for (const scheme of ['symm', 'pre_centered', 'restr'] as const) {
    it(`stdp_nn_${scheme}_synapse: single pairs at ±5 and ±20 ms (delay 1.5 ms)`, () => {
      for (const lag of [-200, -50, 50, 200]) {
        const { sim, ref } = simulate(scheme, [P, PROBE], [P + lag - 15], 15, 50);
        close(sim, ref, `lag ${lag * dt} ms`);
        expect(sim).not.toBe(Math.fround(50));
      }
    });
    it(`stdp_nn_${scheme}_synapse: triplets pre-post-pre, post-pre-post, pre-pre-post and a coincident pair`, () => {
      const protocols: [number[], number[]][] = [
        [[P, P + 200, PROBE], [P + 100]],
        [[P + 100, PROBE], [P, P + 200]],
        [[P, P + 100, PROBE], [P + 200]],
        [[P, P + 100, PROBE], [P + 200, P + 250]],
        // pre at the synapse exactly when post arrives (t = t_j + d): that pair is discarded
        [[P, P + 150, PROBE], [P + 135]],
      ];
      const out = protocols.map(([pre, post]) => {
        const { sim, ref } = simulate(scheme, pre, post, 15, 50);
        close(sim, ref, `pre ${pre} post ${post}`);
        return sim;
      });
      expect(new Set(out).size).toBeGreaterThan(3);
    });
    it(`stdp_nn_${scheme}_synapse: irregular trains over 3 s, delay dt and 1 ms, post spikes before the first pre spike`, () => {
      for (const dSteps of [1, 10]) {
        const pre = train(7, 60, 300, 700);
        const post = train(11, 60, 20, 700);
        const { sim, ref } = simulate(scheme, pre, post, dSteps, 50);
        close(sim, ref, `delay ${dSteps} steps`);
      }
    });
  }

  it('the three schemes differ where NEST says they do', () => {
    // pre-pre-post: symmetric and restricted pair the post spike with the latest pre only; pre-centred with both.
    const [symm, centred, restr] = (['symm', 'pre_centered', 'restr'] as const).map((s) => simulate(s, [P, P + 100, PROBE], [P + 200], 15, 50).sim);
    expect(centred).toBeGreaterThan(symm);
    expect(restr).toBe(symm);
    // post-post-pre-pre: restricted depresses once, the others at both pre spikes.
    const r = (['symm', 'restr'] as const).map((s) => simulate(s, [P + 300, P + 400, PROBE], [P, P + 100], 15, 50).sim);
    expect(r[1]).toBeGreaterThan(r[0]);
  });

  it("pre-centred Kplus is per synapse: one source, two targets with their own post spikes", () => {
    const pre = [P, P + 100, P + 300, PROBE];
    const posts = [[P + 150], [P + 350, P + 500]];
    const sim = createSimulator({ dt, seed: 1, plugins: [...builtinPlugins, forcer('force_pre', [pre]), forcer('force_post', posts)] });
    const a = sim.create('iaf_psc_exp', 1, slaveNeuron);
    const b = sim.create('iaf_psc_exp', 2, { ...slaveNeuron, tau_minus: tauMinus });
    sim.connect(sim.create('force_pre'), a, 'all_to_all', { weight: 1e6, delay: dt });
    sim.connect(sim.create('force_post'), b, 'all_to_all', { weight: 1e6, delay: dt });
    const proj = sim.connect(a, b, 'all_to_all', { synapse_model: 'stdp_nn_pre_centered_synapse', weight: 50, delay: 1.5, ...params })!;
    sim.simulate((PROBE + 50) * dt);
    const w = proj.weights();
    for (let i = 0; i < 2; i++) close(w[i], nestReplay('pre_centered', pre, posts[i], 15, 50, params, tauMinus), `target ${i}`);
    expect(w[0]).not.toBe(w[1]);
  });
});

describe('nearest-neighbour pairing: composition and refusals', () => {
  it('nearestPair composes with another weight dependence (additive, PyNN amplitudes)', () => {
    const rule = plasticSynapse(stdpMechanism({ name: 'nn_additive', timing: nearestPair({ scheme: 'symmetric' }), weight: additive() }));
    const pre = [P, P + 100, PROBE];
    const post = [P + 150, P + 180];
    const p = { tau_plus: 15, tau_minus: 25, A_plus: 0.02, A_minus: 0.03, w_min: 0, w_max: 10 };
    const net = pairNet({ dt, pre, post, extraPlugins: [rule], synapse: { synapse_model: 'nn_additive', weight: 5, delay: 1.5, ...p } });
    net.sim.simulate((PROBE + 50) * dt);
    expect([Array.from(net.preSteps()), Array.from(net.postSteps())]).toEqual([pre, post]);
    // Replayed: P and P + 100 find no post spike before them (w unchanged); at PROBE both post arrivals
    // (P + 165, P + 195) pair with the nearest pre spike, P + 100, then PROBE depresses with the latest
    // post spike, PROBE - 15 - (P + 180) steps before t - d. Additive: w ± (w_max - w_min)·A·K.
    const K = (k: number, tau: number) => Math.exp((-k * dt) / tau);
    let w = Math.fround(5);
    w = w + p.A_plus * K(65, p.tau_plus) * 10;
    w = w + p.A_plus * K(95, p.tau_plus) * 10;
    w = Math.fround(w - p.A_minus * K(PROBE - 15 - (P + 180), p.tau_minus) * 10);
    close(net.weights()[0], w, 'nearest pair x additive');
  });

  it('the axonal handler refuses a nearest-neighbour rule, naming the trace and the option', () => {
    const net = () => pairNet({ dt, pre: [P], post: [P + 10], postParams: { tau_minus: 20 }, synapse: { synapse_model: 'stdp_nn_symm_synapse', weight: 1, delay: 1, delay_handler: 'axonal' } });
    expect(() => net().sim.simulate(1)).toThrow(ParameterError);
    expect(() => net().sim.simulate(1)).toThrow(/delay_handler.*axonal.*'dendritic'.*trace 'x' \(nearest-neighbour pairing/);
  });

  it('an unknown scheme is refused, naming it', () => {
    expect(() => nearestPair({ scheme: 'both' as never })).toThrow(/scheme.*both.*symmetric, presynaptic-centred, restricted/);
  });
});

describe('nearest-neighbour synapses in a recurrent network', () => {
  for (const scheme of ['symm', 'pre_centered', 'restr'] as const) {
    it(`stdp_nn_${scheme}_synapse: 1 s of a Poisson-driven network keeps every weight in [0, Wmax] and moves most of them`, () => {
      const sim = createSimulator({ seed: 5 });
      const E = sim.create('iaf_psc_exp', 100, { E_L: 0, V_reset: 0, V_th: 20, C_m: 250, tau_m: 20, t_ref: 2 });
      E.set('V_m', { distribution: 'uniform', min: 0, max: 19 });
      sim.connect(sim.create('poisson_generator', 1, { rate: 4300 }), E, 'all_to_all', { weight: 35, delay: 1.5 });
      const proj = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 25, allow_autapses: false }, { synapse_model: `stdp_nn_${scheme}_synapse`, weight: 35, delay: 1.5, lambda: 0.2, mu_plus: 0, mu_minus: 0, Wmax: 70 })!;
      sim.simulate(1000);
      expect(sim.spikeCounts()[E.id] / 100).toBeGreaterThan(2);
      const w = proj.weights();
      let moved = 0;
      for (const x of w) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(70);
        if (x !== 35) moved++;
      }
      expect(moved).toBeGreaterThan(0.9 * w.length);
    });
  }
});

describe('nearest-neighbour models: memory', () => {
  it("the estimate counts stdp_nn_pre_centered_synapse's per-synapse Kplus (8 B) as the built table holds it; the others keep none", () => {
    const pre = estimatedAndBuiltBytes({ synapse_model: 'stdp_nn_pre_centered_synapse', weight: 30, delay: 1 });
    expect(pre.built).toBe(14);
    expect(pre.estimated, pre.detail).toBe(14);
    const symm = estimatedAndBuiltBytes({ synapse_model: 'stdp_nn_symm_synapse', weight: 30, delay: 1 });
    expect(symm.built).toBe(6);
    expect(symm.estimated, symm.detail).toBe(6);
  });
});

/**
 * NEST keeps every parameter of stdp_nn_*_synapse in each connection (they are not _hom models). One forced
 * source, three forced targets (all_to_all: synapse k goes to target k), each synapse with its own tau_plus,
 * lambda, alpha, mu_plus, mu_minus, Wmax and delay, each checked against nestReplay with its own values.
 */
describe('nearest-neighbour models: parameters per synapse', () => {
  const own: NestP[] = [
    { tau_plus: 10, lambda: 0.02, alpha: 1.2, mu_plus: 0.4, mu_minus: 1, Wmax: 80 },
    { tau_plus: 35, lambda: 0.06, alpha: 0.8, mu_plus: 1, mu_minus: 0.5, Wmax: 120 },
    { tau_plus: 16.8, lambda: 0.05, alpha: 0.85, mu_plus: 0, mu_minus: 0, Wmax: 100 },
  ];
  const names = ['tau_plus', 'lambda', 'alpha', 'mu_plus', 'mu_minus', 'Wmax'] as const;
  const columns = (ps: NestP[]) => Object.fromEntries(names.map((k) => [k, ps.map((p) => p[k])]));
  // Triplets and pairs (pre-post-pre, post-pre-post, pre-pre-post, a coincident arrival) in the first
  // second, then irregular trains; the post trains differ per target so that each synapse pairs differently.
  const pre = [P, P + 100, P + 200, P + 400, P + 550, ...train(7, 40, 2000, 700)];
  const posts = [
    [P + 50, P + 150, P + 385, P + 700, ...train(11, 40, 1900, 700)],
    [P - 100, P + 120, P + 130 + 60, P + 600, ...train(13, 40, 1950, 700)],
    [P + 300, P + 330, ...train(17, 40, 2050, 700)],
  ];
  const w0 = [50, 30, 70];
  const dSteps = [15, 10, 1];

  function runPer(scheme: Scheme, synSpec: Record<string, unknown>, opts: { delay?: number | number[]; handler?: string } = {}) {
    const sim = createSimulator({ dt, seed: 1, plugins: [...builtinPlugins, forcer('force_pre', [pre]), forcer('force_post', posts)] });
    const a = sim.create('iaf_psc_exp', 1, slaveNeuron);
    const b = sim.create('iaf_psc_exp', 3, { ...slaveNeuron, tau_minus: tauMinus });
    sim.connect(sim.create('force_pre'), a, 'all_to_all', { weight: 1e6, delay: dt });
    sim.connect(sim.create('force_post'), b, 'all_to_all', { weight: 1e6, delay: dt });
    const proj = sim.connect(a, b, 'all_to_all', {
      synapse_model: `stdp_nn_${scheme}_synapse`, weight: w0, delay: opts.delay ?? dSteps.map((s) => s * dt),
      ...(opts.handler ? { delay_handler: opts.handler } : {}), ...synSpec,
    })!;
    sim.simulate((Math.max(...pre, ...posts.flat()) + 50) * dt);
    return proj.weights();
  }
  const bits = (w: Float32Array) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length));

  for (const scheme of ['symm', 'pre_centered', 'restr'] as const) {
    it(`stdp_nn_${scheme}_synapse: three synapses with their own tau_plus, lambda, alpha, mu_plus, mu_minus, Wmax and delay each follow NEST's send() with their values`, () => {
      const w = runPer(scheme, columns(own));
      for (let k = 0; k < 3; k++) {
        const ref = nestReplay(scheme, pre, posts[k], dSteps[k], w0[k], own[k], tauMinus);
        close(w[k], ref, `synapse ${k}`);
        expect(w[k]).not.toBe(Math.fround(w0[k]));
      }
      // Each synapse reads its own values: rotated values give other weights, again NEST's with the rotated ones.
      const rotated = [own[1], own[2], own[0]];
      const r = runPer(scheme, columns(rotated));
      for (let k = 0; k < 3; k++) {
        close(r[k], nestReplay(scheme, pre, posts[k], dSteps[k], w0[k], rotated[k], tauMinus), `rotated synapse ${k}`);
        expect(r[k]).not.toBe(w[k]);
      }
    });

    it(`stdp_nn_${scheme}_synapse: only lambda and tau_plus per synapse (one delay), the rest shared`, () => {
      const shared = { alpha: 1.1, mu_plus: 0.5, mu_minus: 0.5, Wmax: 90 };
      const lambda = [0.01, 0.08, 0.04];
      const tau = [15, 40, 8];
      const w = runPer(scheme, { ...shared, lambda, tau_plus: tau }, { delay: 1.5 });
      for (let k = 0; k < 3; k++) close(w[k], nestReplay(scheme, pre, posts[k], 15, w0[k], { ...shared, lambda: lambda[k], tau_plus: tau[k] }, tauMinus), `synapse ${k}`);
    });

    it(`stdp_nn_${scheme}_synapse: per-synapse values equal to the shared ones give the shared run, bit for bit (one delay and per-synapse delays)`, () => {
      for (const delay of [1.5, dSteps.map((s) => s * dt)]) {
        const shared = runPer(scheme, { ...params }, { delay });
        const same = Object.fromEntries(names.map((k) => [k, [params[k], params[k], params[k]]]));
        expect(bits(runPer(scheme, same, { delay }))).toEqual(bits(shared));
        // tau_plus alone (x's decay per synapse) and lambda alone (the weight formulas per synapse).
        expect(bits(runPer(scheme, { ...params, tau_plus: [params.tau_plus, params.tau_plus, params.tau_plus] }, { delay }))).toEqual(bits(shared));
        expect(bits(runPer(scheme, { ...params, lambda: new Float64Array(3).fill(params.lambda) }, { delay }))).toEqual(bits(shared));
        if (typeof delay === 'number') for (let k = 0; k < 3; k++) close(shared[k], nestReplay(scheme, pre, posts[k], 15, w0[k], params, tauMinus), `shared synapse ${k}`);
      }
    });
  }

  it('a distribution draws one value per synapse, checked against the parameter range; the axonal handler is refused, naming the parameter', () => {
    const drawn = runPer('symm', { ...params, lambda: { distribution: 'uniform', min: 0.01, max: 0.1 } });
    const fixed = runPer('symm', { ...params });
    expect(bits(drawn)).not.toEqual(bits(fixed));
    expect(() => runPer('symm', { tau_plus: { distribution: 'uniform', min: -2, max: -1 } })).toThrow(/tau_plus.*drawn/);
    expect(() => runPer('pre_centered', { Wmax: [100, -1, 100] })).toThrow(/Wmax\[1\]/);
    expect(() => runPer('restr', { lambda: [0.01, 0.02] })).toThrow(/lambda.*length 2.*length 3/);
    expect(() => runPer('symm', { lambda: [0.01, 0.02, 0.03] }, { delay: 1.5, handler: 'axonal' })).toThrow(ParameterError);
    expect(() => runPer('symm', { lambda: [0.01, 0.02, 0.03] }, { delay: 1.5, handler: 'axonal' })).toThrow(/delay_handler.*axonal.*'dendritic'.*lambda given per synapse/);
  });

  it('the estimate counts the per-synapse values, the per-synapse Kplus of the pre-centred scheme and the rate of tau_plus, as the built table holds them', () => {
    const lambda = (n: number) => ({ lambda: new Float64Array(n).fill(0.01) });
    const both = (n: number) => ({ lambda: new Float64Array(n).fill(0.01), tau_plus: { distribution: 'uniform', min: 10, max: 30 } });
    // 2 B target + 4 B weight, 8 B per value; symmetric and restricted keep Kplus per source (nothing more
    // with lambda alone, tau_plus's decay rate 8 B); pre-centred adds its 8 B Kplus either way.
    const cases: [string, (n: number) => Record<string, unknown>, number][] = [
      ['stdp_nn_symm_synapse', lambda, 14], ['stdp_nn_symm_synapse', both, 30],
      ['stdp_nn_restr_synapse', lambda, 14], ['stdp_nn_restr_synapse', both, 30],
      ['stdp_nn_pre_centered_synapse', lambda, 22], ['stdp_nn_pre_centered_synapse', both, 38],
    ];
    for (const [model, per, bytes] of cases) {
      const b = estimatedAndBuiltBytes({ synapse_model: model, weight: 30, delay: 1 }, per);
      expect(b.built, `${model} built`).toBe(bytes);
      expect(b.estimated, `${model} estimated: ${b.detail}`).toBe(bytes);
    }
  });
});
