import { describe, it, expect } from 'vitest';
import { runWorkers, runPresetWorkers } from '../../plugins/backends/workers.js';
import { runPreset, findPreset } from '../../presets/preset.js';
import { presets } from '../../presets/index.js';
import { builtinPlugins } from '../../plugins/index.js';
import { spikeDigest } from '../../core/digest.js';
import { build, buildLopsided, type NetParams } from './fixtures/network.js';
import { runSingle, spikePairs, threadCount } from './helpers.js';

const fixture = new URL('./fixtures/network.ts', import.meta.url);
const failing = new URL('./fixtures/failing.ts', import.meta.url);

describe('workers backend: the same spikes whatever the worker count', () => {
  it('cuba-static (scale 0.1, 200 ms): 1 process, 2 and 3 workers give bit-identical spikes and rates', async () => {
    const overrides = { scale: 0.1, simtime: 200 };
    const single = runPreset(findPreset(presets, 'cuba-static'), overrides, { plugins: builtinPlugins });
    const pairs: number[] = [];
    for (const r of single.net.recorders) {
      const st = (r.runtime as unknown as { steps(): Int32Array }).steps();
      const ev = r.events<{ senders: Int32Array }>();
      for (let i = 0; i < st.length; i++) pairs.push(st[i], ev.senders[i]);
    }
    // A network that is silent would compare equal for the wrong reason.
    expect(single.summary.spike_count).toBeGreaterThan(500);
    for (const workers of [2, 3]) {
      const { summary, merged } = await runPresetWorkers('cuba-static', overrides, { workers });
      expect(summary.ranks).toBe(workers);
      expect(summary.spike_count).toBe(single.summary.spike_count);
      expect(summary.spike_digest).toBe(single.summary.spike_digest);
      expect(summary.rate_e_hz).toBe(single.summary.rate_e_hz);
      expect(summary.rate_i_hz).toBe(single.summary.rate_i_hz);
      expect(summary.synapses).toBe(single.summary.synapses);
      const mine = spikePairs(merged);
      const theirs = Int32Array.from(
        (() => {
          const p: [number, number][] = [];
          for (let i = 0; i < pairs.length; i += 2) p.push([pairs[i], pairs[i + 1]]);
          p.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          return p.flat();
        })(),
      );
      expect(mine).toEqual(theirs);
      // Each worker reports its own phase times, and each did real work.
      for (let r = 0; r < workers; r++) {
        expect(summary[`rank${r}_update_s`] as number).toBeGreaterThan(0);
        expect(summary[`rank${r}_exchange_s`] as number).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('distributed weights and delays (0.5–3 ms) and E→E plasticity when registered: spikes and final weights identical for 1, 2, 3', async () => {
    const plastic = builtinPlugins.some((p) => p.kind === 'synapse' && p.name === 'stdp_synapse');
    const params: NetParams = plastic
      ? { NE: 400, NI: 100, eeModel: 'stdp_synapse', eeParams: { alpha: 1.05, Wmax: 90, lambda: 0.01 } }
      : { NE: 400, NI: 100, eeModel: 'static_synapse' };
    const simtime = 300;
    const single = runSingle(build, params, simtime, { seed: 7, weights: true });
    const ref = spikePairs(single);
    expect(ref.length / 2).toBeGreaterThan(300);
    const ee = single.weights![0];
    expect(ee.weights.length).toBe(400 * 40);
    for (const workers of [2, 3]) {
      const r = await runWorkers({ workers, module: fixture, params, simtime, seed: 7, weights: true });
      expect(spikePairs(r)).toEqual(ref);
      expect(Array.from(r.spikeCounts)).toEqual(Array.from(single.spikeCounts));
      expect(r.weights!.length).toBe(single.weights!.length);
      for (let k = 0; k < single.weights!.length; k++) {
        const a = single.weights![k];
        const b = r.weights![k];
        expect(b.sources).toEqual(a.sources);
        expect(b.targets).toEqual(a.targets);
        // Bit for bit: compare the float32 patterns, not values within a tolerance.
        expect(new Uint32Array(b.weights.buffer, b.weights.byteOffset, b.weights.length)).toEqual(new Uint32Array(a.weights.buffer, a.weights.byteOffset, a.weights.length));
      }
      expect(r.times).toHaveLength(workers);
    }
    if (plastic) {
      // The E→E weights must actually have moved, or the comparison says nothing about plasticity.
      const init = runSingle(build, params, 0, { seed: 7, weights: true }).weights![0].weights;
      let changed = 0;
      for (let i = 0; i < init.length; i++) if (init[i] !== ee.weights[i]) changed++;
      expect(changed).toBeGreaterThan(init.length / 10);
    }
  });
});

describe('workers backend: slices', () => {
  it('ranks whose own shortest delay differs still cut the same slices (global min delay)', async () => {
    const single = runSingle(buildLopsided, {}, 200);
    const ref = spikePairs(single);
    // The lone B neuron (gid 61) must fire, or its 0.3 ms projection decides nothing.
    expect(single.spikeCounts[1]).toBeGreaterThan(5);
    expect(single.spikeCounts[0]).toBeGreaterThan(100);
    for (const workers of [2, 3]) {
      const r = await runWorkers({ workers, module: fixture, export: 'buildLopsided', simtime: 200, barrierTimeoutMs: 20_000 });
      expect(spikePairs(r)).toEqual(ref);
    }
  });
});

describe('workers backend: failures end the run and leave no thread behind', () => {
  it('a plugin that throws during simulate on one worker rejects with that error; the other worker is stopped', async () => {
    await runWorkers({ workers: 2, module: fixture, params: { NE: 40, NI: 10, eeModel: 'static_synapse' }, simtime: 5 });
    const before = threadCount();
    const run = runWorkers({ workers: 2, module: failing, export: 'buildFailingRun', simtime: 100, plugins: { module: failing } });
    await expect(run).rejects.toThrow(/worker 1 of 2: failing_iaf_psc_exp: deliberate failure at step 100/);
    await expect(run).rejects.toMatchObject({ name: 'RangeError' });
    expect(threadCount()).toBe(before);
  });

  it('an error while building on one worker rejects while the other waits in a collective', async () => {
    const before = threadCount();
    const t0 = performance.now();
    await expect(runWorkers({ workers: 2, module: failing, export: 'buildThrowsOnRank1', simtime: 10, barrierTimeoutMs: 60_000 })).rejects.toThrow(/worker 1 of 2: bad plugin on rank 1/);
    // Ended by the abort flag, not by the barrier timeout.
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(threadCount()).toBe(before);
  });

  it('a worker that runs out of memory fails the run with ERR_WORKER_OUT_OF_MEMORY', async () => {
    const before = threadCount();
    const run = runWorkers({ workers: 2, module: failing, export: 'buildOutOfMemory', simtime: 10, resourceLimits: { maxOldGenerationSizeMb: 64 } });
    await expect(run).rejects.toThrow(/worker 1 of 2: .*memory/i);
    await expect(run).rejects.toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
    expect(threadCount()).toBe(before);
  });

  it('a module without the named build function is a clear error', async () => {
    await expect(runWorkers({ workers: 2, module: fixture, export: 'nope', simtime: 10 })).rejects.toThrow(/parameter 'export' = "nope" is invalid; allowed: the name of a function exported by .*network\.ts \(found: build, buildLopsided\)/);
  });
});

