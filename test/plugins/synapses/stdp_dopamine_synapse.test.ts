import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, ParameterError, type Population, type Simulator } from '../../../index.js';
import type { NeuromodulatedRuntime } from '../../../plugins/synapses/index.js';
import { forcer, slaveNeuron } from './plasticity/helpers.js';
import { replayNest, type DopaParams } from './neuromodulation/nest_replay.js';

const dt = 0.1;

interface Protocol {
  pre: number[][];
  post: number[][];
  /** Per dopamine neuron (spikes of several in one step arrive with their multiplicity). */
  dopa: number[][];
  /** Emission steps of the dopamine neuron's spikes reach the transmitter this many steps later. */
  dopaDelay?: number;
  steps: number;
  delay?: number;
  synapse?: Record<string, number>;
  deliverInterval?: number;
  w0?: number;
  tauMinus?: number;
}

interface Built {
  sim: Simulator;
  runtime: () => NeuromodulatedRuntime;
  steps: (p: Population) => number[][];
  pre: Population;
  post: Population;
  dopa: Population;
}

/** Neurons forced to fire at the protocol's steps: pre → post all to all through stdp_dopamine_synapse. */
function build(pr: Protocol): Built {
  const sim = createSimulator({
    dt, seed: 1,
    plugins: [...builtinPlugins, forcer('force_pre', pr.pre), forcer('force_post', pr.post), forcer('force_dopa', pr.dopa.length ? pr.dopa : [[]])],
  });
  const pre = sim.create('iaf_psc_exp', pr.pre.length, slaveNeuron);
  const post = sim.create('iaf_psc_exp', pr.post.length, { ...slaveNeuron, tau_minus: pr.tauMinus ?? 33.7 });
  const dopa = sim.create('iaf_psc_exp', Math.max(1, pr.dopa.length), slaveNeuron);
  for (const [name, pop] of [['force_pre', pre], ['force_post', post], ['force_dopa', dopa]] as const) {
    sim.connect(sim.create(name as string), pop, 'all_to_all', { weight: 1e6, delay: dt });
  }
  const vt = sim.create('volume_transmitter', 1, pr.deliverInterval ? { deliver_interval: pr.deliverInterval } : undefined);
  sim.connect(dopa, vt, 'all_to_all', { delay: (pr.dopaDelay ?? 10) * dt });
  const proj = sim.connect(pre, post, 'all_to_all', {
    synapse_model: 'stdp_dopamine_synapse', weight: pr.w0 ?? 35, delay: (pr.delay ?? 10) * dt, vt: vt.gid, ...(pr.synapse ?? {}),
  })!;
  const recs = new Map<Population, ReturnType<Simulator['create']>>();
  for (const p of [pre, post, dopa]) {
    const r = sim.create('spike_recorder');
    sim.connect(p, r);
    recs.set(p, r);
  }
  const steps = (p: Population) => {
    const r = recs.get(p)!.runtime as unknown as { steps(): Int32Array; events(): { senders: Int32Array } };
    const st = r.steps();
    const senders = r.events().senders;
    return Array.from({ length: p.size }, (_, i) => Array.from(st).filter((_, k) => senders[k] === p.firstGid + i));
  };
  return { sim, runtime: () => proj.runtime as NeuromodulatedRuntime, steps, pre, post, dopa };
}

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

/**
 * The rule's continuous-time solution, summed from its definition: c jumps by A_plus K+ when a post spike
 * reaches the synapse (t_post + d) and by -A_minus K-(t_pre - d) at a pre spike, and decays with tau_c; n is
 * the sum of 1/tau_n exp(-(t - t_k)/tau_n) over dopamine arrivals; w(T) = w0 + integral of c (n - b).
 */
function analyticWeight(o: { pre: number[]; post: number[]; dopa: number[]; d: number; T: number; w0: number; p: DopaParams }): number {
  const { p } = o;
  const ms = (s: number) => s * dt;
  const preT = o.pre.map((s) => ms(s + 1));
  const postArr = o.post.map((s) => ms(s + 1 + o.d));
  const dopaT = o.dopa.map((s) => ms(s + 1));
  const trace = (times: number[], t: number, tau: number) => times.filter((x) => x < t - 1e-9).reduce((a, x) => a + Math.exp(-(t - x) / tau), 0);
  const jumps = [
    ...postArr.map((t) => ({ t, dc: p.A_plus * trace(preT, t, p.tau_plus) })),
    ...preT.map((t) => ({ t, dc: -p.A_minus * trace(o.post.map((s) => ms(s + 1)), t - ms(o.d), p.tau_minus) })),
  ];
  const cuts = [...new Set([0, ...jumps.map((j) => j.t), ...dopaT, ms(o.T)])].filter((t) => t <= ms(o.T)).sort((a, b) => a - b);
  const nAt = (t: number) => dopaT.filter((x) => x <= t + 1e-9).reduce((a, x) => a + Math.exp(-(t - x) / p.tau_n) / p.tau_n, 0);
  const tauS = 1 / (1 / p.tau_c + 1 / p.tau_n);
  let w = o.w0;
  let c = 0;
  for (let i = 0; i < cuts.length - 1; i++) {
    const a = cuts[i];
    for (const j of jumps) if (Math.abs(j.t - a) < 1e-9) c += j.dc;
    const h = cuts[i + 1] - a;
    w += c * nAt(a) * tauS * -Math.expm1(-h / tauS) - p.b * c * p.tau_c * -Math.expm1(-h / p.tau_c);
    c *= Math.exp(-h / p.tau_c);
  }
  return w;
}

describe('stdp_dopamine_synapse: the rule\'s continuous-time solution', () => {
  it('pre spikes at slice ends (nothing for NEST to wind back), no clipping: w(T) = w0 + integral of c (n - b)', () => {
    // Each pre spike is emitted in the last step of a min-delay slice, so it is stamped at the trigger time.
    const pr = { pre: [[19, 79, 139, 259]], post: [[30, 95, 150, 240]], dopa: [[50, 120, 200], [120]], steps: 400 };
    for (const params of [{}, { tau_c: 40, tau_n: 25, b: 0.02, A_minus: 2.5 }]) {
      const { got } = compare(pr, params);
      const p = { ...base, ...params };
      const expected = analyticWeight({ pre: pr.pre[0], post: pr.post[0], dopa: pr.dopa.flat().map((s) => s + 10), d: 10, T: pr.steps, w0: 35, p });
      expect(Math.abs(expected - 35)).toBeGreaterThan(1e-3);
      expect(Math.abs(got.weight[0] - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
    }
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
  });
});
