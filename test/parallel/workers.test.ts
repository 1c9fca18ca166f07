import { describe, it, expect } from 'vitest';
import { runWorkers, runPresetWorkers } from '../../parallel/workers.js';
import { findPreset } from '../../presets/preset.js';
import { runPreset } from '../../presets/run.js';
import { presets } from '../../presets/index.js';
import { builtinPlugins } from '../../plugins/index.js';
import { build, buildLopsided } from './fixtures/network.js';
import { runSingle, spikePairs } from './helpers.js';

const fixture = new URL('./fixtures/network.ts', import.meta.url);

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

});

describe('workers backend: slices', () => {
  it('a slice with more spikes than the shared region holds is exchanged in several rounds, with the same result', async () => {
    const params = { NE: 160, NI: 40, eeModel: 'static_synapse' };
    const single = runSingle(build, params, 100, { seed: 3 });
    const ref = spikePairs(single);
    expect(ref.length / 2).toBeGreaterThan(100);
    // 4 spikes per worker per round: most slices need several rounds.
    const r = await runWorkers({ workers: 3, module: fixture, params, simtime: 100, seed: 3, spikeCapacity: 4 });
    expect(spikePairs(r)).toEqual(ref);
  });

  it('ranks whose own shortest delay differs still cut the same slices (global min delay)', async () => {
    const single = runSingle(buildLopsided, {}, 200);
    const ref = spikePairs(single);
    // The lone B neuron (gid 61) must fire, or its 0.3 ms projection decides nothing.
    expect(single.spikeCounts[1]).toBeGreaterThan(5);
    expect(single.spikeCounts[0]).toBeGreaterThan(100);
    // Three workers: B (the last gid) lives on rank 2, ranks 0 and 1 hold no 0.3 ms synapse.
    const r = await runWorkers({ workers: 3, module: fixture, export: 'buildLopsided', simtime: 200, barrierTimeoutMs: 20_000 });
    expect(spikePairs(r)).toEqual(ref);
  });
});

