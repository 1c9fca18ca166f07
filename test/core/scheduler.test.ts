import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, STEP_PHASES, type Phase, type SystemPlugin } from '../../index.js';
import { spikeDigest } from '../../core/digest.js';

/**
 * A slice run population by population (the kernels' slice capability) must give exactly what NEST's per-step
 * loop gives. A multimeter forces the per-step loop (it samples state within a slice), so the same network
 * with and without one must record the same spikes in the same order.
 */
function network(withMultimeter: boolean, minDelay = 0.8) {
  const sim = createSimulator({ dt: 0.1, seed: 7 });
  const cell = { C_m: 200, g_L: 10, E_L: -60, V_th: -50, V_reset: -60, t_ref: 5, E_ex: 0, E_in: -80, tau_syn_ex: 5, tau_syn_in: 10, I_e: 150 };
  // two f32x4 groups (sliced kernels), and a parrot group without updateSlice (the generic fallback)
  const E = sim.create('iaf_cond_exp', 400, cell, { integrator: 'euler-f32x4-wasm-simd' });
  const I = sim.create('iaf_cond_exp', 100, cell, { integrator: 'euler-f32x4-wasm-simd' });
  const P = sim.create('parrot_neuron', 50);
  E.set('V_m', { distribution: 'uniform', min: -60, max: -50 });
  I.set('V_m', { distribution: 'uniform', min: -60, max: -50 });
  const drive = sim.create('poisson_generator', 1, { rate: 20 });
  sim.connect(drive, P, 'all_to_all', { weight: 1, delay: 0.1 });
  const conn = { rule: 'pairwise_bernoulli', p: 0.1 };
  sim.connect(E, E, conn, { weight: 2, delay: minDelay });
  sim.connect(E, I, conn, { weight: 2, delay: minDelay + 0.4 });
  sim.connect(I, E, conn, { weight: -20, delay: minDelay });
  sim.connect(I, I, conn, { weight: -20, delay: minDelay });
  sim.connect(P, E, conn, { weight: 6, delay: minDelay + 0.2 });
  // a dc_generator writes the current channel the kernels read
  const dc = sim.create('dc_generator', 1, { amplitude: 40, start: 100, stop: 300 });
  sim.connect(dc, I, 'all_to_all', { weight: 1, delay: 0.1 });
  const rec = sim.create('spike_recorder');
  sim.connect(E, rec);
  sim.connect(I, rec);
  sim.connect(P, rec);
  if (withMultimeter) {
    const mm = sim.create('multimeter', 1, { interval: 1, record_from: ['V_m'] });
    sim.connect(mm, E.slice(0, 1));
  }
  sim.simulate(300);
  sim.simulate(200.4); // a partial last slice
  const ev = rec.events<{ senders: Int32Array; times: Float64Array }>();
  const steps = Array.from(ev.times, (t) => Math.round(t / 0.1));
  return { mode: sim.sliceMode, minDelaySteps: sim.delays.minDelaySteps, senders: Array.from(ev.senders), steps, digest: spikeDigest(ev.senders, steps), V: Array.from(E.get('V_m')) };
}

describe('population-by-population slices (updateSlice)', () => {
  it('record the same spikes, in the same order, as the per-step loop, and leave the same state', () => {
    const sliced = network(false);
    const stepped = network(true);
    expect(sliced.mode).toBe('blocked');
    expect(stepped.mode).toBe('stepwise');
    expect(sliced.senders.length).toBeGreaterThan(2000);
    // every group spiked
    expect(new Set(sliced.senders.map((g) => (g <= 400 ? 'E' : g <= 500 ? 'I' : 'P'))).size).toBe(3);
    expect(sliced.senders).toEqual(stepped.senders);
    expect(sliced.steps).toEqual(stepped.steps);
    expect(sliced.digest).toBe(stepped.digest);
    expect(sliced.V).toEqual(stepped.V);
  });

  it('do the same when a min-delay slice is longer than one block (4.5 ms: 45 steps, run as 32 + 13)', () => {
    const sliced = network(false, 4.5);
    const stepped = network(true, 4.5);
    expect(sliced.minDelaySteps).toBe(45);
    expect(sliced.mode).toBe('blocked');
    expect(sliced.senders.length).toBeGreaterThan(2000);
    expect(sliced.senders).toEqual(stepped.senders);
    expect(sliced.steps).toEqual(stepped.steps);
    expect(sliced.V).toEqual(stepped.V);
  });
});

describe('systems scheduled by phase', () => {
  /** A system that logs when it runs, registered like any plugin. */
  function logger(phase: Phase, log: string[], opts: { block?: boolean } = {}): SystemPlugin {
    const perStep = (STEP_PHASES as readonly string[]).includes(phase);
    return {
      kind: 'system', name: `log_${phase}`, doc: 'test', phase, query: [],
      prepare: () => ({
        step: perStep ? (s: number) => void log.push(`${phase} ${s}`) : undefined,
        slice: perStep ? undefined : (from: number, to: number) => void log.push(`${phase} ${from}-${to}`),
        block: opts.block ? (from: number, to: number) => void log.push(`${phase} block ${from}-${to}`) : undefined,
      }),
    };
  }

  it('runs the step phases every step and the slice phases once per min-delay slice, in phase order', () => {
    const log: string[] = [];
    const phases: Phase[] = ['control', 'observe', 'record', 'input', 'propagate', 'plasticity', 'exchange', 'update'];
    const sim = createSimulator({ plugins: [...builtinPlugins, ...phases.map((p) => logger(p, log))] });
    const pop = sim.create('iaf_psc_exp', 3);
    sim.connect(pop, pop, 'all_to_all', { weight: 1, delay: 0.2 });
    sim.simulate(0.4);
    expect(sim.delays.minDelaySteps).toBe(2);
    expect(log).toEqual([
      'input 0', 'update 0', 'plasticity 0', 'observe 0', 'input 1', 'update 1', 'plasticity 1', 'observe 1',
      'record 0-2', 'exchange 0-2', 'propagate 0-2', 'control 0-2',
      'input 2', 'update 2', 'plasticity 2', 'observe 2', 'input 3', 'update 3', 'plasticity 3', 'observe 3',
      'record 2-4', 'exchange 2-4', 'propagate 2-4', 'control 2-4',
    ]);
  });

  it('a per-step observer keeps slices step by step; a per-slice system and a blocking one do not', () => {
    const cell = { C_m: 200, g_L: 10, E_L: -60, V_th: -50, V_reset: -60, I_e: 150 };
    const build = (extra: SystemPlugin[]) => {
      const sim = createSimulator({ plugins: [...builtinPlugins, ...extra] });
      const pop = sim.create('iaf_cond_exp', 48, cell, { integrator: 'euler-f32x4-wasm-simd' });
      sim.connect(pop, pop, { rule: 'fixed_indegree', indegree: 4 }, { weight: 0.5, delay: 0.8 });
      sim.prepare();
      return sim;
    };
    const log: string[] = [];
    expect(build([]).sliceMode).toBe('blocked');
    expect(build([logger('observe', log)]).sliceMode).toBe('stepwise');
    expect(build([logger('control', log)]).sliceMode).toBe('blocked');
    const sim = build([logger('observe', log, { block: true })]);
    expect(sim.sliceMode).toBe('blocked');
    sim.simulate(1.6);
    expect(log.filter((l) => l.startsWith('observe block'))).toEqual(['observe block 0-8', 'observe block 8-16']);
  });

  it('lists every phase, its systems and the entities they run over', () => {
    const sim = createSimulator({ seed: 1 });
    const E = sim.create('iaf_psc_exp', 40);
    const noise = sim.create('poisson_generator', 1, { rate: 100 });
    sim.connect(noise, E);
    sim.connect(E, E, { rule: 'fixed_indegree', indegree: 4 }, { synapse_model: 'stdp_synapse', weight: 10, delay: 1.5 });
    const rec = sim.create('spike_recorder');
    sim.connect(E, rec);
    const text = sim.schedule();
    expect(text).toMatch(/^slices of 15 steps \(min delay 1\.5 ms at dt 0\.1 ms\), run step by step/);
    expect(text).toMatch(/input\s+generator-emit\n\s+device 41 \(poisson_generator\) → population 0 \(iaf_psc_exp\)/);
    expect(text).toMatch(/update\s+neuron-update\n\s+population 0 iaf_psc_exp\/exact, 40 neurons here/);
    expect(text).toMatch(/plasticity\s+post-spikes\n\s+projection 0 stdp_synapse \(dendritic\), population 0 → 0, 160 synapses here/);
    expect(text).toMatch(/record\s+spike-record\n\s+device 42 \(spike_recorder\) ← population 0/);
    expect(text).toMatch(/exchange\s+exchange\n\s+1 rank \(this is rank 0\)/);
    expect(text).toMatch(/propagate\s+propagate\n\s+spike by spike/);
    expect(text).toMatch(/control\s+\(nothing\)/);
  });

  it('refuses a system whose phase is unknown or whose runner does not fit its phase', () => {
    const bad = (phase: string, runner: object): SystemPlugin => ({ kind: 'system', name: 'bad', doc: 't', phase: phase as Phase, query: [], prepare: () => runner });
    const run = (s: SystemPlugin) => {
      const sim = createSimulator({ plugins: [...builtinPlugins, s] });
      sim.create('iaf_psc_exp', 1);
      sim.prepare();
    };
    expect(() => run(bad('sometime', { step() {} }))).toThrow(/system 'bad': phase 'sometime' is not one of input, update, plasticity, observe, record, exchange, propagate, control/);
    expect(() => run(bad('control', { step() {} }))).toThrow(/system 'bad' runs in the control phase, so its runner needs slice\(from, to\)/);
  });
});
