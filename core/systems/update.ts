import { C } from '../components.js';
import { stepThrough } from '../slices.js';
import type { SystemPlugin, SystemContext } from '../contracts/system.js';
import type { NeuronKernel } from '../contracts/neuron.js';
import type { AnyRing, RingBuffer } from '../ringbuffer.js';
import type { Fired } from '../spikes.js';

/** Most steps one slice-kernel call advances (a longer min-delay slice runs in several blocks). */
export const MAX_BLOCK_STEPS = 32;

/**
 * NEST's update of every population in turn, each through its kernel: integrate, threshold, reset, then
 * the spikes go to the population's `fired` component (for plasticity) and the slice's local list in
 * (step, gid) order. Populations are visited in creation order, which is gid order.
 */
export const updateSystem: SystemPlugin = {
  kind: 'system',
  name: 'neuron-update',
  doc: 'each population advances one step through its kernel (integrate, threshold, reset)',
  phase: 'update',
  query: [C.population, C.kernel, C.ring, C.fired],
  prepare(ctx: SystemContext, entities: readonly number[]) {
    if (entities.length === 0) return null;
    const { world } = ctx;
    const pops = entities.map((e) => world.get(e, C.population));
    const kernels: NeuronKernel[] = entities.map((e) => world.get(e, C.kernel));
    const rings: AnyRing[] = entities.map((e) => world.get(e, C.ring));
    const fired: Fired[] = entities.map((e) => world.get(e, C.fired));
    const gid0 = Int32Array.from(pops, (p) => p.firstGid + p.localStart);
    const ids = Int32Array.from(pops, (p) => p.id);
    const local = ctx.spikes.local;
    const counts = ctx.stats.localSpikes;
    const sliced = kernels.some((k) => k.capabilities?.slice);
    const step = (s: number): void => {
      for (let p = 0; p < kernels.length; p++) {
        const ring = rings[p];
        const off = ring.offset(s);
        const f = fired[p];
        const spikes = f.index;
        // A kernel gets back only the ring it allocated itself (whatever its storage) or a float64 one.
        const count = kernels[p].update(s, ring as RingBuffer, off, spikes);
        if (!ring.readerClears) ring.clear(off);
        f.count = count;
        if (count > 0) {
          counts[ids[p]] += count;
          local.ensure(count);
          const g = gid0[p];
          const base = local.count;
          for (let k = 0; k < count; k++) {
            local.gids[base + k] = g + spikes[k];
            local.steps[base + k] = s;
          }
          local.count += count;
        }
      }
    };
    // Blocks: each population's steps in one call, then the block's spikes back in the per-step order
    // (step, population, index) by a stable counting sort on the lag. Buffers are made on first use.
    const blockSize = Math.min(ctx.clock.minDelaySteps, MAX_BLOCK_STEPS);
    let blockSpikes: Int32Array[] = [];
    let blockLags: Int32Array[] = [];
    const blockCounts = new Int32Array(kernels.length);
    const lagStart = new Int32Array(blockSize + 1);
    const block = (from: number, to: number): void => {
      const m = to - from;
      if (blockSpikes.length === 0) {
        blockSpikes = pops.map((p) => new Int32Array(Math.max(1, p.localCount * blockSize)));
        blockLags = pops.map((p) => new Int32Array(Math.max(1, p.localCount * blockSize)));
      }
      let total = 0;
      for (let p = 0; p < kernels.length; p++) {
        const kernel = kernels[p];
        const slice = kernel.capabilities?.slice;
        const count = slice
          ? slice(from, to, rings[p], blockSpikes[p], blockLags[p])
          : stepThrough(kernel, rings[p], from, to, fired[p].index, blockSpikes[p], blockLags[p]);
        blockCounts[p] = count;
        counts[ids[p]] += count;
        total += count;
      }
      const base = local.count;
      const start = lagStart;
      start.fill(0, 0, m + 1);
      start[0] = base;
      for (let p = 0; p < kernels.length; p++) {
        const lags = blockLags[p];
        for (let k = 0, c = blockCounts[p]; k < c; k++) start[lags[k] + 1]++;
      }
      for (let l = 0; l < m; l++) start[l + 1] += start[l];
      local.ensure(total);
      const gids = local.gids;
      const steps = local.steps;
      for (let p = 0; p < kernels.length; p++) {
        const spikes = blockSpikes[p];
        const lags = blockLags[p];
        const g = gid0[p];
        for (let k = 0, c = blockCounts[p]; k < c; k++) {
          const lag = lags[k];
          const at = start[lag]++;
          gids[at] = g + spikes[k];
          steps[at] = from + lag;
        }
      }
      local.count = base + total;
    };
    const caps = (k: NeuronKernel) => Object.keys(k.capabilities ?? {}).filter((c) => (k.capabilities as Record<string, unknown>)[c]);
    return {
      step,
      block: sliced ? block : undefined,
      capabilities: sliced ? ['slice'] : [],
      describe: () =>
        pops.map((p, i) => {
          const c = caps(kernels[i]);
          return `population ${p.id} ${p.model}/${p.integrator}, ${p.localCount} neurons here${c.length ? ` [${c.join(', ')}]` : ''}`;
        }),
    };
  },
};
