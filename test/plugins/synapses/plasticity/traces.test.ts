import { describe, it, expect, afterEach } from 'vitest';
import { builtinPlugins, createSimulator, ParameterError, Simulator, type Plugin } from '../../../../index.js';
import { plasticSynapse } from '../../../../plugins/synapses/plasticity/synapse.js';
import { stdpMechanism } from '../../../../plugins/synapses/plasticity/mechanism.js';
import { setKernelSpecialisation, kernelSpecialisation } from '../../../../plugins/synapses/plasticity/specialise.js';
import { gutig, additive } from '../../../../plugins/synapses/plasticity/weight/dependences.js';
import type { TimingDependence, TimingRule, TraceSpec } from '../../../../plugins/synapses/plasticity/timing/types.js';
import { twoTimescale, twoTimescaleSynapse } from '../fixtures/two-timescale.js';
import { pairNet } from './helpers.js';
import { recurrent } from './recurrent.js';

/**
 * The general trace path (plasticity/general.ts): traces in arrays by trace id, for rules whose traces do
 * not fit the handlers' five slots. The two-timescale rule of fixtures/two-timescale.ts (two pre traces read
 * at post spikes, one with increment 0.5) through a real Simulator, dendritic delay, against its closed form
 * and an all-to-all replay written here; the general path forced on rules that fit the slots against the
 * slot kernels; the fallback without code generation; the refusals; a checkpoint.
 */
const dt = 0.1;
const P = 1000; // first event at the synapse, step
const PROBE = 10000; // a last pre spike 1 s later, so the dendritic handler applies the deferred post spikes
const p = { tau_fast: 10, tau_slow: 50, increment_slow: 0.5, tau_minus: 20, A_fast: 2, A_slow: 3, A_minus: 2.5, w_min: 0, w_max: 100 };
const W0 = 50;
const bits = (w: Float32Array) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length));

/**
 * The rule replayed from the spike steps at the synapse (pre spikes at t, post spikes at t_j + d), each trace summed afresh
 * over the other side's earlier spikes: at equal times the post spike first (NEST's send loop), post
 * spikes after the last pre spike not applied (they wait for a later one), the weight rounded to float32
 * after each pre spike, as stored. Post spikes before the first pre spike leave w (a clamp inside bounds).
 */
function replay(preAt: number[], postAt: number[]): number {
  const sum = (times: number[], T: number, tau: number, inc: number) => times.filter((t) => t < T).reduce((s, t) => s + inc * Math.exp((-(T - t) * dt) / tau), 0);
  const evs = [...preAt.map((t) => ({ t, pre: true })), ...postAt.map((t) => ({ t, pre: false }))].sort((a, b) => a.t - b.t || (a.pre ? 1 : 0) - (b.pre ? 1 : 0));
  const lastPre = Math.max(...preAt);
  let w = Math.fround(W0);
  for (const e of evs) {
    if (e.pre) {
      w = Math.fround(Math.max(w - p.A_minus * sum(postAt, e.t, p.tau_minus, 1), p.w_min));
    } else if (e.t <= lastPre && preAt.some((t) => t < e.t)) {
      w = Math.min(w + p.A_fast * sum(preAt, e.t, p.tau_fast, 1), p.w_max);
      w = Math.min(w + p.A_slow * sum(preAt, e.t, p.tau_slow, p.increment_slow), p.w_max);
    }
  }
  return w;
}

/** Pre and post spike steps at the synapse through a pairNet; the final weight. */
function run(preAt: number[], postAt: number[], d: number, synapse: Record<string, unknown> = {}, extra: Plugin[] = [twoTimescaleSynapse]): number {
  const pre = [...preAt, Math.max(...preAt, ...postAt) + PROBE];
  const post = postAt.map((t) => t - d);
  const net = pairNet({ dt, pre, post, synapse: { synapse_model: 'stdp_two_timescale_synapse', ...p, weight: W0, delay: d * dt, ...synapse }, extraPlugins: extra });
  net.sim.simulate((Math.max(...pre, ...post) + 2 * d + 10) * dt);
  expect(Array.from(net.preSteps())).toEqual(pre);
  expect(Array.from(net.postSteps())).toEqual(post);
  return net.weights()[0];
}

const rel = (sim: number, ref: number, what: string) => expect(Math.abs(sim - ref), `${what}: simulated ${sim}, expected ${ref}`).toBeLessThanOrEqual(1e-12 * Math.abs(ref));

describe('two-timescale potentiation (a user rule on the general trace path), dendritic', () => {
  for (const delay of [1, 3]) {
    it(`single pairs at ±5, ±20, ±50 ms, delay ${delay} ms: the closed form`, () => {
      const d = delay / dt;
      for (const s of [-50, -20, -5, 5, 20, 50]) {
        const sim = run([P], [P + s / dt], d);
        // Δw = A_fast·e^(−s/τ_fast) + A_slow·inc·e^(−s/τ_slow) after pre, −A_minus·e^(s/τ_minus) before; the
        // probe 1 s later changes w by < 1e-20. The simulator stores w as float32 once: round the closed form once.
        const dw = s > 0 ? p.A_fast * Math.exp(-s / p.tau_fast) + p.A_slow * p.increment_slow * Math.exp(-s / p.tau_slow) : -p.A_minus * Math.exp(s / p.tau_minus);
        rel(sim, Math.fround(W0 + dw), `lag ${s} ms`);
        expect(Math.sign(sim - W0)).toBe(Math.sign(s));
      }
    });

    it(`triplets and an irregular train, delay ${delay} ms: the all-to-all replay`, () => {
      const d = delay / dt;
      const q = 100;
      rel(run([P, P + 2 * q], [P + q], d), replay([P, P + 2 * q, P + 2 * q + PROBE], [P + q]), 'pre-post-pre');
      rel(run([P + q], [P, P + 2 * q], d), replay([P + q, P + 2 * q + PROBE], [P, P + 2 * q]), 'post-pre-post');
      // Irregular trains: 25 spikes each over ~2 s, gaps 3–160 ms (a fixed LCG), ending with both sides close.
      let seed = 12345;
      const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
      const train = (start: number) => {
        const out = [start];
        for (let i = 1; i < 25; i++) out.push(out[i - 1] + 30 + Math.floor(rnd() * 1570));
        return out;
      };
      const pre = train(P);
      const post = train(P + 37);
      const sim = run(pre, post, d);
      const ref = replay([...pre, Math.max(...pre, ...post) + PROBE], post);
      rel(sim, ref, 'irregular trains');
      expect(sim).not.toBe(W0);
    });
  }

  it('the increment scales x_slow: increment 0 leaves the fast term alone, 2 doubles the default 1', () => {
    const s = 20;
    const d = 10;
    const fast = p.A_fast * Math.exp(-s / p.tau_fast);
    rel(run([P], [P + s / dt], d, { increment_slow: 0 }), Math.fround(W0 + fast), 'increment 0');
    rel(run([P], [P + s / dt], d, { increment_slow: 2 }), Math.fround(W0 + fast + 2 * p.A_slow * Math.exp(-s / p.tau_slow)), 'increment 2');
  });
});

/**
 * A pair and a triplet timing rule with both the slot and the general methods, to run one rule on both
 * paths: traces x, y (pair); x, x2, y, y2 (triplet, NEST's formulas).
 */
class PairBoth implements TimingRule {
  readonly relative = true;
  readonly ltpTerms = 1;
  readonly ltdTerms = 1;
  readonly traces: readonly TraceSpec[];
  constructor(q: Record<string, number>, target: Record<string, number>) {
    this.traces = [
      { name: 'x', side: 'pre', tau: q.tau_plus, readAt: 'post' },
      { name: 'y', side: 'post', tau: target.tau_minus, readAt: 'pre' },
    ];
    this.aPlus = q.A_plus;
    this.aMinus = q.A_minus;
  }
  readonly aPlus: number;
  readonly aMinus: number;
  ltpAmp(): number { return this.aPlus; }
  ltpTrace(pre: number): number { return pre; }
  ltdAmp(): number { return this.aMinus; }
  ltdTrace(post: number): number { return post; }
  ltpAmpAt(): number { return this.aPlus; }
  ltpTraceAt(v: Float64Array): number { return v[0]; }
  ltdAmpAt(): number { return this.aMinus; }
  ltdTraceAt(v: Float64Array): number { return v[1]; }
}

class TripletBoth implements TimingRule {
  readonly relative = false;
  readonly ltpTerms = 1;
  readonly ltdTerms = 1;
  readonly traces: readonly TraceSpec[];
  readonly a: Record<string, number>;
  constructor(q: Record<string, number>, target: Record<string, number>) {
    // Declared in an order unlike the slots' (ids 0..3 = y2, x, y, x2), so ids and slots differ.
    this.traces = [
      { name: 'y2', side: 'post', tau: target.tau_minus_triplet, readAt: 'post' },
      { name: 'x', side: 'pre', tau: q.tau_plus, readAt: 'post' },
      { name: 'y', side: 'post', tau: target.tau_minus, readAt: 'pre' },
      { name: 'x2', side: 'pre', tau: q.tau_plus_triplet, readAt: 'pre' },
    ];
    this.a = q;
  }
  ltpAmp(_pre: number, postOwn: number): number { return this.a.Aplus + this.a.Aplus_triplet * postOwn; }
  ltpTrace(pre: number): number { return pre; }
  ltdAmp(_post: number, preOwn: number): number { return this.a.Aminus + this.a.Aminus_triplet * preOwn; }
  ltdTrace(post: number): number { return post; }
  ltpAmpAt(v: Float64Array): number { return this.a.Aplus + this.a.Aplus_triplet * v[0]; }
  ltpTraceAt(v: Float64Array): number { return v[1]; }
  ltdAmpAt(v: Float64Array): number { return this.a.Aminus + this.a.Aminus_triplet * v[3]; }
  ltdTraceAt(v: Float64Array): number { return v[2]; }
}

const ms = (d: number) => ({ unit: 'ms', default: d, min: 0, exclusiveMin: true, doc: 'time constant' });
const num = (d: number) => ({ unit: '', default: d, min: 0, doc: 'amplitude' });
const pairBoth: TimingDependence = {
  name: 'pairBoth', params: { tau_plus: ms(20), A_plus: num(0.01), A_minus: num(0.01) }, ltpNeedsPre: true,
  build: (q, target) => new PairBoth(q, target),
};
const tripletBoth: TimingDependence = {
  name: 'tripletBoth', params: { tau_plus: ms(16.8), tau_plus_triplet: ms(101), Aplus: num(0.5), Aminus: num(0.7), Aplus_triplet: num(0.3), Aminus_triplet: num(0.2) }, ltpNeedsPre: true,
  build: (q, target) => new TripletBoth(q, target),
};

/** Both paths of one timing dependence, as two synapse models. */
function bothPaths(timing: TimingDependence, weight: typeof gutig, name: string): Plugin[] {
  return [
    plasticSynapse(stdpMechanism({ name: `${name}_slots`, timing, weight: weight() })),
    plasticSynapse(stdpMechanism({ name: `${name}_general`, timing, weight: weight(), tracePath: 'general' })),
  ];
}

const w070 = { distribution: 'normal', mean: 35, std: 20, min: 0, max: 70 };
const pairSyn = { weight: w070, tau_plus: 15, A_plus: 0.05, A_minus: 0.06, w_min: 0, w_max: 70, mu_plus: 0.4, mu_minus: 0.4 };
const tripletSyn = { weight: w070, tau_plus: 16.8, tau_plus_triplet: 101, Aplus: 5, Aminus: 7, Aplus_triplet: 3, Aminus_triplet: 1, w_min: 0, w_max: 70 };

describe('general path on rules that fit the slots: the slot kernels\' weights, bit for bit', () => {
  const plugins = [...builtinPlugins, ...bothPaths(pairBoth, gutig, 'pair_both'), ...bothPaths(tripletBoth, additive, 'triplet_both')];
  const cases: [string, string, Record<string, unknown>][] = [
    ['pair × Gütig, one delay', 'pair_both', { ...pairSyn, delay: 1.5 }],
    ['pair × Gütig, delays 1–4 ms per synapse', 'pair_both', { ...pairSyn, delay: { distribution: 'uniform', min: 1, max: 4 } }],
    ['triplet × additive (ids unlike the slots), one delay', 'triplet_both', { ...tripletSyn, delay: 1.5 }],
    ['triplet × additive, delays 1–4 ms per synapse', 'triplet_both', { ...tripletSyn, delay: { distribution: 'uniform', min: 1, max: 4 } }],
  ];
  for (const [label, model, syn] of cases) {
    it(label, () => {
      const a = recurrent({ synapse_model: `${model}_slots`, ...syn }, { plugins });
      const b = recurrent({ synapse_model: `${model}_general`, ...syn }, { plugins });
      expect(bits(b.weights)).toEqual(bits(a.weights));
      expect(b.times).toEqual(a.times);
      const w0 = recurrent({ synapse_model: `${model}_slots`, ...syn }, { plugins, ms: 0.1 }).weights;
      let changed = 0;
      for (let k = 0; k < w0.length; k++) if (w0[k] !== a.weights[k]) changed++;
      expect(changed).toBeGreaterThan(0.5 * w0.length);
    });
  }

  it('sparse sources onto busy targets, 3 s (histories grow and stale sources are flushed): still bit for bit', () => {
    // Sources fire at ~2 Hz, targets at ~50 Hz: a target's history outgrows 32 entries, so sources silent
    // for > 100 ms get their facilitations applied early, on both paths at the same steps.
    const sparse = (model: string) => {
      const sim = createSimulator({ seed: 3, plugins });
      const nrn = { E_L: 0, V_reset: 0, V_th: 20, C_m: 250, tau_m: 20, t_ref: 2, tau_minus: 25, tau_minus_triplet: 110 };
      const A = sim.create('iaf_psc_exp', 40, nrn);
      const B = sim.create('iaf_psc_exp', 40, nrn);
      sim.connect(sim.create('poisson_generator', 1, { rate: 3000 }), A, 'all_to_all', { weight: 35, delay: 1.5 });
      sim.connect(sim.create('poisson_generator', 1, { rate: 6000 }), B, 'all_to_all', { weight: 35, delay: 1.5 });
      const proj = sim.connect(A, B, 'all_to_all', { synapse_model: model, ...tripletSyn, weight: { distribution: 'uniform', min: 0, max: 2 }, delay: 1.5 })!;
      sim.simulate(3000);
      return proj.weights();
    };
    const a = sparse('triplet_both_slots');
    expect(bits(sparse('triplet_both_general'))).toEqual(bits(a));
  });
});

describe('general path without code generation', () => {
  afterEach(() => setKernelSpecialisation(true));
  it('the same weights with kernel specialisation off, and it did fall back', () => {
    const syn = { synapse_model: 'stdp_two_timescale_synapse', ...p, weight: w070, w_max: 70, A_fast: 0.5, A_slow: 0.4, A_minus: 0.6, delay: 1.5 };
    const on = recurrent(syn, { plugins: [...builtinPlugins, twoTimescaleSynapse] });
    setKernelSpecialisation(false);
    const before = kernelSpecialisation().fallbacks;
    // A mechanism first built with copies off: its methods and the kernel are the shared ones.
    const fresh = plasticSynapse(stdpMechanism({ name: 'stdp_two_timescale_synapse', timing: twoTimescale, weight: additive() }));
    const off = recurrent(syn, { plugins: [...builtinPlugins, fresh] });
    expect(kernelSpecialisation().fallbacks).toBeGreaterThan(before);
    expect(kernelSpecialisation().lastReason).toContain('switched off');
    expect(bits(off.weights)).toEqual(bits(on.weights));
    expect(off.times).toEqual(on.times);
  });
});

/** A timing dependence with three pre traces read at post spikes (fits no slot), one of them `odd`. */
function threePre(odd: Partial<TraceSpec>): TimingDependence {
  return {
    name: 'threePre', params: {}, ltpNeedsPre: true,
    build: () => ({
      relative: false, ltpTerms: 3, ltdTerms: 0,
      traces: [
        { name: 'x1', side: 'pre', tau: 10, readAt: 'post' },
        { name: 'x2', side: 'pre', tau: 20, readAt: 'post' },
        { name: 'x3', side: 'pre', tau: 30, readAt: 'post', ...odd },
      ],
      ltpAmpAt: () => 0.1, ltpTraceAt: (v: Float64Array, i: number) => v[i], ltdAmpAt: () => 0, ltdTraceAt: () => 0,
    }),
  };
}

function connectWith(model: Plugin, syn: Record<string, unknown>): () => void {
  return () => {
    const sim = createSimulator({ plugins: [...builtinPlugins, model] });
    const a = sim.create('iaf_psc_exp', 3);
    sim.connect(a, a, 'all_to_all', { synapse_model: (model as { name: string }).name, weight: 1, delay: 1, ...syn });
    sim.simulate(1);
  };
}

const errorOf = (f: () => void): ParameterError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ParameterError);
    return e as ParameterError;
  }
  throw new Error('no error');
};

describe('general path: refusals name the trace or parameter and what is allowed', () => {
  const model = (odd: Partial<TraceSpec>, name: string) => plasticSynapse(stdpMechanism({ name, timing: threePre(odd), weight: additive() }));
  it('a nearest-neighbour trace', () => {
    const e = errorOf(connectWith(model({ pairing: 'nearest' }, 'three_nearest'), {}));
    expect(e.parameter).toBe("trace 'x3' pairing");
    expect(e.allowed).toContain("'all-to-all' on the general trace path");
  });
  it('a consumed trace', () => {
    const e = errorOf(connectWith(model({ consumed: true }, 'three_consumed'), {}));
    expect(e.parameter).toBe("trace 'x3' consumed");
    expect(e.allowed).toContain('false on the general trace path');
  });
  it('an initial value, an infinite increment, a time constant of 0', () => {
    expect(errorOf(connectWith(model({ initial: 1 }, 'three_initial'), {})).parameter).toBe("trace 'x3' initial value");
    const inc = errorOf(connectWith(model({ increment: Infinity }, 'three_inc'), {}));
    expect([inc.parameter, inc.allowed]).toEqual(["trace 'x3' increment", 'a finite number']);
    expect(errorOf(connectWith(model({ tau: 0 }, 'three_tau'), {})).parameter).toBe("trace 'x3' time constant");
  });
  it('the axonal and split handlers: delay_handler, naming the dendritic one and the trace that fits no slot', () => {
    for (const handler of ['axonal', 'split']) {
      const e = errorOf(connectWith(twoTimescaleSynapse, { ...p, delay_handler: handler, ...(handler === 'split' ? { delay: undefined, axonal_delay: 0.5, dendritic_delay: 0.5 } : {}) }));
      expect(e.parameter).toBe('delay_handler');
      expect(e.value).toBe(handler);
      expect(e.allowed).toContain("'dendritic'");
      expect(e.allowed).toContain("trace 'x_slow'");
    }
  });
  it('a timing rule without the general methods whose traces fit no slot: the slots\' refusal, unchanged', () => {
    const slotOnly: TimingDependence = {
      name: 'slotOnly', params: {}, ltpNeedsPre: true,
      build: () => ({ ...threePre({}).build({}, {}, ''), ltpAmpAt: undefined }),
    };
    const e = errorOf(connectWith(plasticSynapse(stdpMechanism({ name: 'slot_only', timing: slotOnly, weight: additive() })), {}));
    expect(e.parameter).toBe("trace 'x2'");
    expect(e.allowed).toContain('already taken');
  });
  it('tracePath other than auto or general', () => {
    const e = errorOf(() => stdpMechanism({ timing: pairBoth, weight: additive(), tracePath: 'slots' as 'auto' }));
    expect([e.parameter, e.value]).toEqual(['tracePath', 'slots']);
  });
});

describe('general path: memory', () => {
  it('a source silent for 10 s while its target fires 600 times: the history stays bounded, nothing per synapse beyond target and weight', () => {
    const post: number[] = [];
    for (let t = 120; t < 90000; t += 150) post.push(t);
    const pre = [100, 100000];
    const d = 15;
    const net = pairNet({ dt, pre, post, synapse: { synapse_model: 'stdp_two_timescale_synapse', ...p, weight: W0, delay: d * dt }, extraPlugins: [twoTimescaleSynapse] });
    net.sim.simulate(10010);
    const rt = net.sim.projections.find((q) => q.synapseModel.plastic)!.runtime!;
    // 16-bit target + float32 weight: the traces live per neuron.
    expect(net.sim.projections.find((q) => q.synapseModel.plastic)!.bytesPerSynapse()).toBe(6);
    // 600 entries would need a 1024-entry history (12 kB); the flush keeps it at 32 (2 pre traces, 1 post trace).
    expect(rt.neuronBytes!()).toBe(1 * (8 + 2 * 8) + 1 * (12 + 8 + 32 * (4 + 8)));
    const ref = replay(pre, post.map((t) => t + d));
    const w = net.weights()[0];
    expect(w).toBeGreaterThan(W0);
    // The flush stores the weight once more as float32: a few roundings apart from the replay's sequence.
    expect(Math.abs(w - ref)).toBeLessThanOrEqual(1e-6 * (ref - W0) + 4 * 2 ** (Math.floor(Math.log2(ref)) - 23));
  });
});

describe('general path in a checkpoint', () => {
  function build() {
    const sim = createSimulator({ seed: 7, plugins: [...builtinPlugins, twoTimescaleSynapse] });
    const E = sim.create('iaf_psc_exp', 80, { E_L: 0, V_reset: 0, V_th: 20, C_m: 250, tau_m: 20, t_ref: 2 });
    E.set('V_m', { distribution: 'uniform', min: 0, max: 19 });
    sim.connect(sim.create('poisson_generator', 1, { rate: 4300 }), E, 'all_to_all', { weight: 35, delay: 1.5 });
    sim.connect(E, E, { rule: 'fixed_indegree', indegree: 20, allow_autapses: false }, {
      synapse_model: 'stdp_two_timescale_synapse', ...p, A_fast: 0.5, A_slow: 0.4, A_minus: 0.6, w_max: 70,
      weight: { distribution: 'normal', mean: 35, std: 10, min: 0, max: 70 }, delay: { distribution: 'uniform', min: 1, max: 3 },
    });
    return sim;
  }
  const weights = (sim: Simulator) => Array.from(sim.projections.find((q) => q.synapseModel.plastic)!.weights());
  it('restored at 300 ms, continued to 600 ms: the uncut run\'s weights and spikes', () => {
    const whole = build();
    whole.simulate(600);
    const cut = build();
    cut.simulate(300);
    const before = weights(cut);
    const resumed = Simulator.fromCheckpoint(cut.toCheckpoint(), { plugins: [...builtinPlugins, twoTimescaleSynapse] });
    resumed.simulate(300);
    expect(weights(resumed)).toEqual(weights(whole));
    expect(weights(resumed)).not.toEqual(before);
    expect(resumed.spikeCounts()).toEqual(whole.spikeCounts());
  });
});
