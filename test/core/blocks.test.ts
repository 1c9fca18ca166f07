import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Simulator } from '../../core/simulator.js';
import { BlockedTable, setTargetBlockSize, targetBlockSize } from '../../core/blocks.js';
import { builtinPlugins } from '../../plugins/index.js';
import { collectRankResult, mergeRankResults, type MergedResult } from '../../parallel/gather.js';
import { build, type NetParams } from '../parallel/fixtures/network.js';
import { spikePairs } from '../parallel/helpers.js';
import type { WeightEvents } from '../../plugins/recorders/weight_recorder.js';

/**
 * Projections into more targets than one block holds are drawn as one table per block (core/blocks.ts).
 * Every target gets the same inputs in the same order, so a run must give the spikes, the weights and the
 * weight_recorder rows of the unsplit tables bit for bit. The blocks are made 64 targets wide here, so
 * a 400-neuron population splits into 7 (the last of 16).
 */
const SMALL = 64;

function run(params: NetParams, simtime: number, blocked: boolean, extra?: (sim: Simulator) => void): { result: MergedResult; sim: Simulator } {
  setTargetBlockSize(blocked ? SMALL : 65536);
  try {
    const sim = new Simulator({ plugins: builtinPlugins, seed: 7 });
    build(sim, params);
    extra?.(sim);
    sim.prepare();
    sim.simulate(simtime);
    return { result: mergeRankResults([collectRankResult(sim, { simTime: 0, buildTime: 0 }, true)], (name) => sim.registry.find('recorder', name)), sim };
  } finally {
    setTargetBlockSize(65536);
  }
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

function expectSame(a: MergedResult, b: MergedResult): void {
  expect(spikePairs(b)).toEqual(spikePairs(a));
  expect(b.weights!.length).toBe(a.weights!.length);
  for (let k = 0; k < a.weights!.length; k++) {
    expect(b.weights![k].sources).toEqual(a.weights![k].sources);
    expect(b.weights![k].targets).toEqual(a.weights![k].targets);
    expect(bits(b.weights![k].weights)).toEqual(bits(a.weights![k].weights));
  }
}

const stdp = { alpha: 1.05, Wmax: 90, lambda: 0.01 };
const variants: { label: string; params: NetParams }[] = [
  { label: 'static synapses with drawn weights and delays', params: { NE: 400, NI: 100, eeModel: 'static_synapse' } },
  { label: 'stdp_synapse, dendritic delay, drawn delays', params: { NE: 400, NI: 100, eeModel: 'stdp_synapse', eeParams: stdp } },
  { label: 'stdp_synapse, axonal delay', params: { NE: 400, NI: 100, eeModel: 'stdp_synapse', eeParams: { ...stdp, delay_handler: 'axonal' }, eeDelay: 1.5 } },
  { label: 'stdp_pl_synapse_hom (hpc_benchmark\'s rule)', params: { NE: 400, NI: 100, eeModel: 'stdp_pl_synapse_hom', eeParams: { lambda: 0.1, alpha: 0.0513, mu: 0.4 }, eeDelay: 1.5 } },
  { label: 'stdp_triplet_synapse', params: { NE: 400, NI: 100, eeModel: 'stdp_triplet_synapse', eeParams: { Wmax: 90 } } },
  {
    label: 'stdp_synapse with lambda and tau_plus drawn per synapse',
    params: { NE: 400, NI: 100, eeModel: 'stdp_synapse', eeParams: { ...stdp, lambda: { distribution: 'uniform', min: 0.005, max: 0.02 }, tau_plus: { distribution: 'uniform', min: 10, max: 30 } } },
  },
];

describe('tables split by blocks of targets', () => {
  beforeAll(() => expect(targetBlockSize()).toBe(65536));
  afterAll(() => setTargetBlockSize(65536));

  for (const v of variants) {
    it(`${v.label}: the spikes and final weights of the unsplit tables, bit for bit`, () => {
      const plain = run(v.params, 300, false);
      const split = run(v.params, 300, true);
      expect(plain.sim.projections[0].table).not.toBeInstanceOf(BlockedTable);
      const ee = split.sim.projections[0].table;
      expect(ee).toBeInstanceOf(BlockedTable);
      const blocks = (ee as BlockedTable).blocks;
      expect(blocks.map((b) => b.targets)).toEqual([64, 64, 64, 64, 64, 64, 16]);
      expect(blocks.every((b) => b.table.target instanceof Uint16Array)).toBe(true);
      expect(spikePairs(plain.result).length / 2).toBeGreaterThan(300);
      expectSame(plain.result, split.result);
      // Merged on demand, the split table reads as the unsplit one.
      const whole = plain.sim.projections[0].table;
      expect(Array.from(ee.rowStart)).toEqual(Array.from(whole.rowStart));
      expect(Array.from(ee.target)).toEqual(Array.from(whole.target));
      expect(ee.delay ? Array.from(ee.delay) : null).toEqual(whole.delay ? Array.from(whole.delay) : null);
      expect(split.sim.projections[0].bytesPerSynapse()).toBe(plain.sim.projections[0].bytesPerSynapse());
      if (v.params.eeModel !== 'static_synapse') {
        const init = run(v.params, 0, false).result.weights![0].weights;
        let changed = 0;
        for (let i = 0; i < init.length; i++) if (init[i] !== plain.result.weights![0].weights[i]) changed++;
        expect(changed).toBeGreaterThan(init.length / 10);
      }
      plain.sim.close();
      split.sim.close();
    });
  }

  it('a weight_recorder on a split plastic projection logs the rows of the unsplit one', () => {
    const params: NetParams = { NE: 400, NI: 100, eeModel: 'static_synapse' };
    const withRecorder = (sim: Simulator) => {
      const E = sim.populations[0];
      const wr = sim.create('weight_recorder');
      sim.connect(E, E, { rule: 'fixed_indegree', indegree: 3 }, { synapse_model: 'stdp_synapse', weight: 40, Wmax: 100, delay: 1.5, weight_recorder: wr });
    };
    const events = (sim: Simulator) => (sim.devices.find((d) => d.model === 'weight_recorder')!).events<WeightEvents>();
    const plain = run(params, 100, false, withRecorder);
    const split = run(params, 100, true, withRecorder);
    const a = events(plain.sim);
    const b = events(split.sim);
    expect(a.senders.length).toBeGreaterThan(1000);
    expect(Array.from(b.senders)).toEqual(Array.from(a.senders));
    expect(Array.from(b.targets)).toEqual(Array.from(a.targets));
    expect(Array.from(b.times)).toEqual(Array.from(a.times));
    expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
    plain.sim.close();
    split.sim.close();
  });

  it('a checkpoint of a run with split plastic tables resumes bit for bit', () => {
    const params: NetParams = { NE: 400, NI: 100, eeModel: 'stdp_synapse', eeParams: stdp };
    const ref = run(params, 300, true);
    const path = join(mkdtempSync(join(tmpdir(), 'spikeworks-blocks-')), 'run.ckpt');
    setTargetBlockSize(SMALL);
    try {
      const first = new Simulator({ plugins: builtinPlugins, seed: 7 });
      build(first, params);
      first.simulate(137.3);
      first.checkpoint(path);
      first.close();
      const resumed = Simulator.restore(path, { plugins: builtinPlugins });
      expect(resumed.projections[0].table).toBeInstanceOf(BlockedTable);
      resumed.simulate(300 - 137.3);
      const result = mergeRankResults([collectRankResult(resumed, { simTime: 0, buildTime: 0 }, true)], (name) => resumed.registry.find('recorder', name));
      expectSame(ref.result, result);
      resumed.close();
    } finally {
      setTargetBlockSize(65536);
    }
    ref.sim.close();
  });
});
