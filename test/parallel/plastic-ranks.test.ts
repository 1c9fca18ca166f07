import { describe, it, expect } from 'vitest';
import { runWorkers } from '../../parallel/workers.js';
import { runSingle, spikePairs } from './helpers.js';
import { build, type PlasticNetParams } from './fixtures/plastic-net.js';

/**
 * Plastic weights must not depend on how the network is split over ranks: each rank keeps the synapses
 * of its targets and the traces of those targets, and every rank sees every presynaptic spike. Final
 * weights are compared bit for bit between one process and 2 or 3 worker threads.
 */
const fixture = new URL('./fixtures/plastic-net.ts', import.meta.url);
// Worker start-up dominates the run time (several seconds each): one split per case. The dendritic
// handler with stdp_synapse is covered on 2 and 3 ranks by test/backends/workers.test.ts.
const cases: [string, PlasticNetParams, number[]][] = [
  ['stdp_synapse, axonal', { model: 'stdp_synapse', handler: 'axonal', synapse: { alpha: 1.05, Wmax: 90, lambda: 0.05 } }, [3]],
  ['triplet_auryn, axonal', { model: 'triplet_auryn', handler: 'axonal', synapse: { Wmax: 90, eta: 500, tau_hom: 2000 } }, [2]],
];

describe('plastic weights on 1, 2 and 3 ranks', () => {
  for (const [name, params, ranks] of cases) {
    it(`${name}: identical spikes and final weights`, async () => {
      const simtime = 200;
      const single = runSingle(build as never, params, simtime, { seed: 5, weights: true });
      const init = runSingle(build as never, params, 0, { seed: 5, weights: true }).weights![0].weights;
      const ee = single.weights![0].weights;
      let changed = 0;
      for (let k = 0; k < ee.length; k++) if (ee[k] !== init[k]) changed++;
      expect(changed).toBeGreaterThan(0.5 * ee.length);
      for (const workers of ranks) {
        const r = await runWorkers({ workers, module: fixture, params, simtime, seed: 5, weights: true });
        expect(spikePairs(r)).toEqual(spikePairs(single));
        const a = single.weights![0];
        const b = r.weights![0];
        expect(b.sources).toEqual(a.sources);
        expect(b.targets).toEqual(a.targets);
        expect(new Uint32Array(b.weights.buffer, b.weights.byteOffset, b.weights.length)).toEqual(new Uint32Array(a.weights.buffer, a.weights.byteOffset, a.weights.length));
      }
    });
  }
});
