import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, builtinPlugins, ParameterError, Simulator, SERVICE } from '../../../index.js';
import { fixedMemory } from '../../../core/memory.js';
import { neuromodulatedSynapse, stdpDopamineSynapseRule, type NeuromodulatedRuntime } from '../../../plugins/synapses/index.js';
import { runWorkers } from '../../../parallel/workers.js';
import { runSingle, spikePairs } from '../../parallel/helpers.js';
import { build as buildDopamineNet } from './fixtures/dopamine-network.js';
import { replayNest, type DopaParams } from './neuromodulation/nest_replay.js';
import { build, continuousWeight, dt, type Protocol } from './neuromodulation/protocol.js';

const base: DopaParams = { A_plus: 1, A_minus: 1.5, tau_plus: 20, tau_c: 1000, tau_n: 200, b: 0, Wmin: 0, Wmax: 200, tau_minus: 33.7 };

/** Run the protocol and the NEST replay; every synapse's w, c and n must agree to 1e-12 relative. */
function compare(pr: Protocol, params: Partial<DopaParams> = {}) {
  const p = { ...base, ...params, tau_minus: pr.tauMinus ?? 33.7 };
  const { tau_minus: _t, ...synParams } = p;
  const net = build({ ...pr, synapse: { ...synParams, ...(pr.synapse ?? {}) } });
  net.sim.simulate(pr.steps * dt);
  // The forced spikes happen where the protocol put them.
  expect(net.steps(net.pre)).toEqual(pr.pre);
  expect(net.steps(net.post)).toEqual(pr.post);
  if (pr.dopa.length) expect(net.steps(net.dopa)).toEqual(pr.dopa);
  const synapses = [];
  for (let i = 0; i < pr.pre.length; i++) for (let j = 0; j < pr.post.length; j++) synapses.push({ pre: i, post: j, w0: pr.w0 ?? 35, delay: pr.delay ?? 10 });
  const ref = replayNest({
    dt, minDelay: pr.delay ?? 10, deliverInterval: pr.deliverInterval ?? 1, steps: pr.steps, p,
    synapses, preSteps: pr.pre, postSteps: pr.post, dopaSteps: pr.dopa.flat(), dopaDelay: pr.dopaDelay ?? 10,
  });
  const got = net.runtime().synapseState();
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
  for (let k = 0; k < ref.length; k++) {
    expect(rel(got.weight[k], ref[k].weight)).toBeLessThanOrEqual(1e-12);
    if (ref[k].c !== 0) expect(rel(got.c[k], ref[k].c)).toBeLessThanOrEqual(1e-12);
    else expect(got.c[k]).toBe(0);
    if (ref[k].n !== 0) expect(rel(got.n[k], ref[k].n)).toBeLessThanOrEqual(1e-12);
    else expect(got.n[k]).toBe(0);
  }
  return { got, ref, net };
}

describe('stdp_dopamine_synapse: NEST replay', () => {
  it('a few pre, post and dopamine spikes: w, c and n as NEST computes them (1e-12 relative)', () => {
    // Post spike at 35 (reaching the synapse at 4.6 ms) falls between the pre spike at 41 (4.2 ms) and the
    // trigger at 5.0 ms: NEST reads it again after winding back to 4.2 ms; the replay does the same.
    const r = compare({ pre: [[41, 120, 263, 390]], post: [[35, 150, 255, 402]], dopa: [[60, 170, 300], [170]], steps: 600 });
    expect(r.ref[0].weight).not.toBe(35);
    expect(r.ref[0].c).not.toBe(0);
    expect(r.ref[0].n).toBeGreaterThan(0);
  });

  it('several synapses, baseline b, shorter traces, deliver_interval 3', () => {
    const r = compare(
      { pre: [[12, 77, 140, 311], [55, 200, 227]], post: [[30, 90, 215], [60, 81, 330]], dopa: [[25, 99, 180, 250], [180, 201], [180]], steps: 450, deliverInterval: 3 },
      { tau_c: 50, tau_n: 20, b: 0.05, A_plus: 2, A_minus: 1 },
    );
    expect(new Set(r.ref.map((s) => s.weight)).size).toBe(4);
  });

  it('weights clipped to [Wmin, Wmax]', () => {
    // Strong pairing and dopamine drive the weight to Wmax; negative eligibility with dopamine to Wmin.
    const up = compare({ pre: [[20, 60, 100]], post: [[25, 65, 105]], dopa: [[110], [110], [110], [111], [111], [112]], steps: 400 }, { A_plus: 500, tau_n: 20, Wmax: 40 });
    expect(up.got.weight[0]).toBe(40);
    const down = compare({ pre: [[30, 70, 110]], post: [[20, 60, 100]], dopa: [[120], [120], [121], [123]], steps: 400 }, { A_minus: 800, tau_n: 20, Wmin: 20 });
    expect(down.got.weight[0]).toBe(20);
  });

  it('no dopamine and b = 0: the weight does not move, whatever the eligibility', () => {
    const net = build({ pre: [[20, 60, 100]], post: [[25, 65, 95]], dopa: [], steps: 300 });
    net.sim.simulate(30);
    const s = net.runtime().synapseState();
    expect(s.c[0]).not.toBe(0);
    expect(s.weight[0]).toBe(35);
    expect(s.n[0]).toBe(0);
  });
});

describe('stdp_dopamine_synapse: the rule\'s continuous-time solution', () => {
  it('pre spikes at slice ends (nothing for NEST to wind back), no clipping: w(T) = w0 + integral of c (n - b)', () => {
    // Each pre spike is emitted in the last step of a min-delay slice, so it is stamped at the trigger time.
    const pr = { pre: [[19, 79, 139, 259]], post: [[30, 95, 150, 240]], dopa: [[50, 120, 200], [120]], steps: 400 };
    for (const params of [{}, { tau_c: 40, tau_n: 25, b: 0.02, A_minus: 2.5 }]) {
      const { got } = compare(pr, params);
      const p = { ...base, ...params };
      const tauS = 1 / (1 / p.tau_c + 1 / p.tau_n);
      // dw/dt = c (n - b), with c and n decaying from c0 and n0 over h ms.
      const expected = continuousWeight({
        pre: pr.pre[0], post: pr.post[0], modulatorArrivals: pr.dopa.flat().map((s) => s + 10), d: 10, T: pr.steps, w0: 35,
        tauPre: p.tau_plus, tauPost: p.tau_minus, tauC: p.tau_c, tauN: p.tau_n, nJump: 1 / p.tau_n,
        post_dc: (k) => p.A_plus * k, pre_dc: (k) => -p.A_minus * k,
        gain: (c0, n0, h) => c0 * n0 * tauS * -Math.expm1(-h / tauS) - p.b * c0 * p.tau_c * -Math.expm1(-h / p.tau_c),
      });
      expect(Math.abs(expected - 35)).toBeGreaterThan(1e-3);
      expect(Math.abs(got.weight[0] - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
    }
  });
});

describe('stdp_dopamine_synapse: simulate() calls that end mid-slice', () => {
  it('the same w, c and n however the time is split (NEST delivers a slice\'s spikes only once it is complete)', () => {
    const pr = { pre: [[41, 120, 263, 390]], post: [[35, 150, 255, 402]], dopa: [[60, 170, 300], [170]], steps: 600 };
    const whole = build(pr);
    whole.sim.simulate(60);
    const split = build(pr);
    // Cuts right after pre spikes at steps 41, 120 and 263, inside their slices.
    for (const ms of [4.3, 7.9, 14.1, 12.6, 21.1]) split.sim.simulate(ms);
    const a = whole.runtime().synapseState();
    const b = split.runtime().synapseState();
    for (const k of ['weight', 'c', 'n'] as const) expect(b[k]).toEqual(a[k]);
    expect(a.weight[0]).not.toBe(35);
  });
});

describe('stdp_dopamine_synapse: parameters', () => {
  const make = (syn: Record<string, unknown>, vtDelay = 1) => {
    const sim = createSimulator({ dt });
    const a = sim.create('iaf_psc_exp', 2);
    const b = sim.create('iaf_psc_exp', 2);
    const vt = sim.create('volume_transmitter');
    sim.connect(a, vt, 'all_to_all', { delay: vtDelay });
    sim.connect(a, b, 'all_to_all', { synapse_model: 'stdp_dopamine_synapse', delay: 1, vt: vt.gid, ...syn });
    return sim;
  };
  const fails = (f: () => unknown, parameter: string) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ParameterError);
      expect((e as ParameterError).parameter).toBe(parameter);
      expect((e as Error).message).toContain(parameter);
      return;
    }
    throw new Error(`no error for ${parameter}`);
  };

  it('time constants must be > 0, named in the error', () => {
    for (const name of ['tau_c', 'tau_n', 'tau_plus']) {
      fails(() => make({ [name]: 0 }), name);
      fails(() => make({ [name]: -5 }), name);
    }
  });

  it('a projection without a volume transmitter, or with a node that is not one', () => {
    const sim = createSimulator({ dt });
    const a = sim.create('iaf_psc_exp', 2);
    fails(() => sim.connect(a, a, 'all_to_all', { synapse_model: 'stdp_dopamine_synapse' }), 'vt');
    const rec = sim.create('spike_recorder');
    sim.connect(a, a, 'all_to_all', { synapse_model: 'stdp_dopamine_synapse', vt: rec.gid });
    fails(() => sim.simulate(1), 'vt');
  });

  it('Wmin above Wmax, and a transmitter connection shorter than the min delay', () => {
    fails(() => make({ Wmin: 10, Wmax: 5 }).simulate(1), 'Wmin');
    fails(() => make({}, 0.5).simulate(1), 'delay');
    fails(() => createSimulator({ dt }).create('volume_transmitter', 1, { deliver_interval: 0 }), 'deliver_interval');
    // One delay per connection to the transmitter, a number.
    const sim = createSimulator({ dt });
    const a = sim.create('iaf_psc_exp', 2);
    fails(() => sim.connect(a, sim.create('volume_transmitter'), 'all_to_all', { delay: { distribution: 'uniform', min: 1, max: 2 } }), 'delay');
    // It receives only.
    fails(() => sim.connect(sim.create('volume_transmitter'), a), 'post');
  });
});

describe('stdp_dopamine_synapse: memory', () => {
  it("the estimate made before building counts the runtime's float64 w and c beside the table", () => {
    const described = new Simulator({ plugins: builtinPlugins, dt, describeOnly: true, services: [{ token: SERVICE.memory, value: fixedMemory(5e6, 'test budget') }] });
    const many = described.create('iaf_psc_exp', 2000);
    const vt0 = described.create('volume_transmitter');
    described.connect(many, vt0, 'all_to_all', { delay: 1 });
    let message = '';
    try {
      described.connect(many, many, 'all_to_all', { synapse_model: 'stdp_dopamine_synapse', delay: 1, vt: vt0.gid });
    } catch (e) {
      message = (e as Error).message;
    }
    const m = /× (\d+) B \(target index 2 B, weight 4 B, runtime state 16 B, while building (\d+) B more\)/.exec(message);
    expect(m, message).not.toBeNull();
    // What a built projection of the same kind holds per synapse is no more than the estimate's steady part.
    const sim = createSimulator({ dt });
    const a = sim.create('iaf_psc_exp', 20);
    const vt = sim.create('volume_transmitter');
    sim.connect(a, vt, 'all_to_all', { delay: 1 });
    const proj = sim.connect(a, a, 'all_to_all', { synapse_model: 'stdp_dopamine_synapse', delay: 1, vt: vt.gid });
    sim.simulate(1);
    expect(proj!.bytesPerSynapse()).toBe(22);
    expect(Number(m![1]) - Number(m![2])).toBeGreaterThanOrEqual(proj!.bytesPerSynapse());
  });
});

describe('stdp_dopamine_synapse: worker threads and checkpoints', () => {
  const params = { N: 200, ND: 20, deliverInterval: 2 };

  it('2 workers: the same spikes and, bit for bit, the same weights as one process (dopamine spikes cross ranks)', async () => {
    const single = runSingle(buildDopamineNet as never, params, 200, { seed: 3, weights: true });
    const init = runSingle(buildDopamineNet as never, params, 0, { seed: 3, weights: true }).weights![0].weights;
    const w = single.weights![0].weights;
    let changed = 0;
    for (let k = 0; k < w.length; k++) if (w[k] !== init[k]) changed++;
    expect(changed).toBeGreaterThan(w.length / 2);
    const r = await runWorkers({ workers: 2, module: new URL('./fixtures/dopamine-network.ts', import.meta.url), params, simtime: 200, seed: 3, weights: true });
    expect(spikePairs(r)).toEqual(spikePairs(single));
    const b = r.weights![0];
    expect(b.sources).toEqual(single.weights![0].sources);
    expect(b.targets).toEqual(single.weights![0].targets);
    expect(new Uint32Array(b.weights.buffer, b.weights.byteOffset, b.weights.length)).toEqual(new Uint32Array(w.buffer, w.byteOffset, w.length));
  }, 60_000);

  it('the per-source fast path of a trigger gives the bits of the per-synapse one', () => {
    // The same rule without gain/applyGain/eligibilityFactor: every trigger takes the general path.
    const general = neuromodulatedSynapse({
      ...stdpDopamineSynapseRule,
      name: 'stdp_dopamine_general',
      build(p, target, where) {
        const r = stdpDopamineSynapseRule.build(p, target, where);
        return {
          tauPre: r.tauPre, tauPost: r.tauPost,
          onPost: (c, k) => r.onPost(c, k), onPre: (c, k) => r.onPre(c, k),
          decayEligibility: (c, h) => r.decayEligibility(c, h), decayModulator: (n, h) => r.decayModulator(n, h),
          onModulator: (n, m) => r.onModulator(n, m), advance: (w, c, n, h) => r.advance(w, c, n, h),
        };
      },
    });
    const state = (model?: string) => {
      const sim = createSimulator({ dt, seed: 5, plugins: [...builtinPlugins, general] });
      buildDopamineNet(sim, { ...params, model });
      sim.simulate(150);
      return (sim.projections[0].runtime as NeuromodulatedRuntime).synapseState();
    };
    const fast = state();
    const slow = state('stdp_dopamine_general');
    for (const k of ['weight', 'c', 'n'] as const) expect(fast[k]).toEqual(slow[k]);
  });

  it('checkpoint in the middle of an interval, restore, go on: the same spikes, w, c and n as a run never stopped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-dopamine-'));
    try {
      const ref = createSimulator({ dt, seed: 5 });
      buildDopamineNet(ref, params);
      ref.simulate(75.3);
      const path = join(dir, 'run.ckpt');
      ref.checkpoint(path);
      const atCheckpoint = (ref.projections[0].runtime as NeuromodulatedRuntime).synapseState().weight;
      ref.simulate(60);
      const resumed = Simulator.restore(path, { plugins: builtinPlugins });
      resumed.simulate(60);
      const a = (ref.projections[0].runtime as NeuromodulatedRuntime).synapseState();
      const b = (resumed.projections[0].runtime as NeuromodulatedRuntime).synapseState();
      // The weights keep moving after the checkpoint, so the comparison says something.
      expect(a.weight.filter((w, k) => w !== atCheckpoint[k]).length).toBeGreaterThan(a.weight.length / 2);
      for (const k of ['weight', 'c', 'n'] as const) expect(b[k]).toEqual(a[k]);
      expect(Array.from(resumed.spikeCounts())).toEqual(Array.from(ref.spikeCounts()));
      ref.close();
      resumed.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
