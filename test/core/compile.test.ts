import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, SERVICE, CoreComponents as C, type CommRuntime, type DeviceTargets, type GeneratorModel } from '../../index.js';

/** Rank 1 of 2, whose peer reports `peer` for each collective sum (rank 0's share of the vector). */
function rankOneOfTwo(peer: (values: Float64Array) => Float64Array): CommRuntime {
  return {
    rank: 1,
    size: 2,
    exchange: (b) => b,
    allreduceSum: (v) => {
      const other = peer(v);
      return v.map((x, i) => x + other[i]);
    },
    close() {},
  };
}

/** A generator that keeps the targets it is given. */
function targetRecorder(seen: DeviceTargets[]): GeneratorModel {
  return { kind: 'generator', name: 'test_targets', doc: 'test', params: {}, create: () => ({ addTargets: (t) => void seen.push(t), emit() {} }) };
}

describe('compile: the network becomes a run plan in the world', () => {
  it('slices are the min delay long, rings hold max + min + 1 rows, every population has a kernel, every projection a runtime', () => {
    const sim = createSimulator({ dt: 0.1 });
    const a = sim.create('iaf_psc_exp', 10);
    const b = sim.create('iaf_psc_alpha', 7);
    sim.connect(a, b, { rule: 'fixed_indegree', indegree: 2 }, { weight: 1, delay: 1.5 });
    sim.connect(b, a, { rule: 'fixed_indegree', indegree: 2 }, { weight: 1, delay: 0.8 });
    sim.connect(b, b, { rule: 'fixed_indegree', indegree: 2 }, { weight: 1, delay: { distribution: 'uniform', min: 1, max: 3 } });
    const gen = sim.create('poisson_generator', 1, { rate: 1 });
    sim.connect(gen, a, 'all_to_all', { weight: 1, delay: 5 });
    sim.prepare();
    const { minDelaySteps, maxDelaySteps } = sim.delays;
    expect(minDelaySteps).toBe(8);
    // The generator's 5 ms is the longest delay: its events must fit the rings too.
    expect(maxDelaySteps).toBe(50);
    for (const p of [a, b]) {
      const ring = sim.world.get(p.eid, C.ring);
      expect(ring.slots).toBe(50 + 8 + 1);
      expect(ring.n).toBe(p.localCount);
      expect(typeof sim.world.get(p.eid, C.kernel).update).toBe('function');
    }
    for (const pr of sim.projections) expect(sim.world.get(pr.eid, C.synapseRuntime)).toBe(pr.runtime);
  });

  it('on rank 1 of 2: each population keeps its block, device links their local part, and the delays agree with rank 0', () => {
    const seen: DeviceTargets[] = [];
    // Rank 0 holds a shorter min delay (0.5 ms) and a longer max (4 ms) than this rank's synapses.
    const peer = (v: Float64Array) => (v.length === 4 ? Float64Array.of(5, 0, 40, 0) : new Float64Array(v.length));
    const sim = createSimulator({ plugins: [...builtinPlugins, targetRecorder(seen)], services: [{ token: SERVICE.transport, value: rankOneOfTwo(peer) }] });
    const pop = sim.create('iaf_psc_exp', 10);
    expect([pop.localStart, pop.localCount]).toEqual([5, 5]);
    sim.connect(pop, pop, { rule: 'fixed_indegree', indegree: 3 }, { weight: 1, delay: 2 });
    const dev = sim.create('test_targets');
    sim.connect(dev, pop.slice(3, 8), 'all_to_all', { weight: 2, delay: 1 });
    sim.prepare();
    expect(sim.delays).toEqual({ minDelaySteps: 5, maxDelaySteps: 40 });
    expect(seen).toHaveLength(1);
    // Neurons 5, 6 and 7 of the slice are this rank's local 0, 1 and 2.
    expect(Array.from(seen[0].local)).toEqual([0, 1, 2]);
    expect(seen[0].ring).toBe(sim.world.get(pop.eid, C.ring));
    // This rank drew only its own targets' incoming synapses.
    expect(sim.projections[0].table.count).toBe(5 * 3);
  });

  it('a kernel that owns its ring gets its own rows; a static table it can deliver moves into its memory', () => {
    const sim = createSimulator();
    const cell = { I_e: 0 };
    const pop = sim.create('iaf_cond_exp', 96, cell, { integrator: 'euler-f32x4-wasm-simd' });
    const proj = sim.connect(pop, pop, { rule: 'fixed_indegree', indegree: 4 }, { weight: 0.5, delay: 1 })!;
    const before = proj.table;
    sim.prepare();
    const ring = sim.world.get(pop.eid, C.ring);
    expect(ring.ex).toBeInstanceOf(Float32Array);
    expect(ring.readerClears).toBe(true);
    // The projection's table component is now the kernel's copy (same rows, counted once).
    expect(proj.table).not.toBe(before);
    expect(Array.from(proj.table.target)).toEqual(Array.from(before.target));
    expect(proj.runtime!.capabilities?.batch).toBeTypeOf('function');
    // The copy keeps the table's 16-bit targets (96 neurons).
    expect(proj.table.target).toBeInstanceOf(Uint16Array);
    expect(proj.bytesPerSynapse()).toBe(2);
  });
});
