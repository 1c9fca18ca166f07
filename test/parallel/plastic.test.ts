import { describe, it, expect } from 'vitest';
import { runWorkers } from '../../parallel/workers.js';
import { builtinPlugins } from '../../plugins/index.js';
import type { SynapseModel } from '../../core/plugin.js';
import { build, type NetParams } from './fixtures/network.js';
import { runSingle, spikePairs } from './helpers.js';

const fixture = new URL('./fixtures/network.ts', import.meta.url);

describe('workers backend: weights, delays and plasticity', () => {
  const stdp = builtinPlugins.find((p) => p.kind === 'synapse' && p.name === 'stdp_synapse') as SynapseModel | undefined;
  // With stdp_synapse registered: E→E STDP under each registered delay handler that takes `delay` (NEST's
  // dendritic, Auryn's axonal: both with the distributed delays, the axonal one through its per-synapse path).
  const handlers = builtinPlugins.filter((p) => p.kind === 'delay_handler' && !p.splitDelay).map((p) => p.name);
  const variants: { label: string; params: NetParams; workers: number[] }[] = stdp
    ? (handlers.length ? handlers : ['dendritic']).map((h, i) => ({
        label: `E→E stdp_synapse (${h} delay)`,
        params: {
          NE: 400, NI: 100, eeModel: 'stdp_synapse', eeParams: { alpha: 1.05, Wmax: 90, lambda: 0.01, ...(stdp.options?.delay_handler ? { delay_handler: h } : {}) },
        },
        workers: i === 0 ? [2, 3] : [3],
      }))
    : [{ label: 'static E→E (stdp_synapse not registered)', params: { NE: 400, NI: 100, eeModel: 'static_synapse' }, workers: [2, 3] }];
  if (stdp?.perSynapseParams?.includes('lambda')) {
    // NEST's per-connection values: drawn per synapse from streams per target, so each rank draws its own share.
    variants.push({
      label: 'E→E stdp_synapse with lambda and tau_plus drawn per synapse (dendritic delay)',
      params: {
        NE: 400, NI: 100, eeModel: 'stdp_synapse',
        eeParams: { alpha: 1.05, Wmax: 90, lambda: { distribution: 'uniform', min: 0.005, max: 0.02 }, tau_plus: { distribution: 'uniform', min: 10, max: 30 } },
      },
      workers: [2],
    });
  }
  const nn = builtinPlugins.find((p) => p.kind === 'synapse' && p.name === 'stdp_nn_pre_centered_synapse') as SynapseModel | undefined;
  if (nn?.perSynapseParams?.includes('tau_plus')) {
    // The nearest-neighbour kernel with per-synapse values: the pre-centred scheme keeps Kplus per synapse and
    // decays it with the synapse's own tau_plus, so each rank's share of that state must line up with its table.
    variants.push({
      label: 'E→E stdp_nn_pre_centered_synapse with lambda, tau_plus and Wmax drawn per synapse (dendritic delay)',
      params: {
        NE: 400, NI: 100, eeModel: 'stdp_nn_pre_centered_synapse',
        eeParams: {
          alpha: 1.05, lambda: { distribution: 'uniform', min: 0.005, max: 0.02 }, tau_plus: { distribution: 'uniform', min: 10, max: 30 },
          Wmax: { distribution: 'uniform', min: 80, max: 100 },
        },
      },
      workers: [2],
    });
  }
  const triplet = builtinPlugins.find((p) => p.kind === 'synapse' && p.name === 'stdp_triplet_synapse') as SynapseModel | undefined;
  if (triplet?.perSynapseParams?.includes('tau_plus_triplet')) {
    // The triplet kernel: Kplus and Kplus_triplet per synapse with their own time constants, amplitudes drawn too.
    variants.push({
      label: 'E→E stdp_triplet_synapse with tau_plus, tau_plus_triplet and Aplus drawn per synapse (dendritic delay)',
      params: {
        NE: 400, NI: 100, eeModel: 'stdp_triplet_synapse',
        eeParams: {
          Wmax: 90, Aminus: 0.3, Aplus_triplet: 0.2, Aminus_triplet: 0.01, Aplus: { distribution: 'uniform', min: 0.1, max: 0.4 },
          tau_plus: { distribution: 'uniform', min: 10, max: 25 }, tau_plus_triplet: { distribution: 'uniform', min: 50, max: 150 },
        },
      },
      workers: [2],
    });
  }

  for (const v of variants) {
    it(`distributed weights and delays (0.5–3 ms), ${v.label}: spikes and final weights identical for 1 process and ${v.workers.join(', ')} workers`, async () => {
      const simtime = 300;
      const single = runSingle(build, v.params, simtime, { seed: 7, weights: true });
      const ref = spikePairs(single);
      expect(ref.length / 2).toBeGreaterThan(300);
      const ee = single.weights![0];
      expect(ee.weights.length).toBe(400 * 40);
      for (const workers of v.workers) {
        const r = await runWorkers({ workers, module: fixture, params: v.params, simtime, seed: 7, weights: true });
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
      if (v.params.eeModel !== 'static_synapse') {
        // The E→E weights must actually have moved, or the comparison says nothing about plasticity.
        const init = runSingle(build, v.params, 0, { seed: 7, weights: true }).weights![0].weights;
        let changed = 0;
        for (let i = 0; i < init.length; i++) if (init[i] !== ee.weights[i]) changed++;
        expect(changed).toBeGreaterThan(init.length / 10);
      }
    });
  }
});

