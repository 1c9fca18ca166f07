import type { NeuronModel, NeuronKernel, KernelContext } from '../../core/plugin.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import { ParameterError } from '../../core/errors.js';
import { StreamBank, nextUniform } from '../../core/rng.js';
import { restoreArray, savedRecord } from '../../core/saved-state.js';
import type { SavedState } from '../../core/contracts/base.js';

/**
 * Neurons are grouped into fixed chunks of global ids; each chunk has its own stream and walks its
 * chunk×time grid with geometric jumps. The chunks depend on gids only, so a neuron's train is the same
 * whatever the rank count, and the cost stays one uniform draw per spike plus O(1) per chunk and step.
 */
const CHUNK = 1024;

/**
 * Advance every chunk by one step: emit the local neurons its walk lands on and carry the remainder of the
 * jump into the next step. `next[c]` is the position within chunk c's current step row.
 */
function stepChunks(
  nChunks: number, firstChunkGid: number, firstGid: number, n: number, next: Float64Array, rng: Uint32Array,
  invLogQ: number, spikes: Int32Array,
): number {
  let count = 0;
  for (let c = 0; c < nChunks; c++) {
    let x = next[c];
    const chunkGid = firstChunkGid + c * CHUNK;
    while (x < CHUNK) {
      const local = chunkGid + x - firstGid;
      if (local >= 0 && local < n) spikes[count++] = local;
      // Gap to the next spiking cell ~ Geometric(p): floor(log U / log(1 - p)).
      x += 1 + Math.floor(Math.log(nextUniform(rng, c)) * invLogQ);
    }
    next[c] = x - CHUNK;
  }
  return count;
}

function createAuryn(ctx: KernelContext): NeuronKernel {
  const { n, params: p, dt } = ctx;
  const prob = p.rate * dt * 1e-3;
  const firstChunk = Math.floor(ctx.firstGid / CHUNK);
  const lastChunk = n > 0 ? Math.floor((ctx.firstGid + n - 1) / CHUNK) : firstChunk - 1;
  const nChunks = lastChunk - firstChunk + 1;
  const chunkIds = new Float64Array(nChunks);
  for (let c = 0; c < nChunks; c++) chunkIds[c] = firstChunk + c;
  const bank = new StreamBank(ctx.seed, 'poisson_population', chunkIds);
  const invLogQ = prob > 0 ? 1 / Math.log1p(-prob) : 0;
  const next = new Float64Array(nChunks);
  // The first position of each chunk's walk is drawn like every later gap (the process has no memory).
  for (let c = 0; c < nChunks; c++) next[c] = prob > 0 ? Math.floor(Math.log(nextUniform(bank.state, c)) * invLogQ) : Infinity;
  return {
    // Each chunk's position in its walk and its stream.
    saveState: () => ({ next, streams: bank.saveState() }),
    loadState(s: SavedState) {
      restoreArray(s, 'next', next, 'poisson_population');
      bank.loadState(savedRecord(s, 'streams', 'poisson_population'));
    },
    update(_step: number, _ring: RingBuffer, _off: number, spikes: Int32Array): number {
      if (prob === 0) return 0;
      return stepChunks(nChunks, firstChunk * CHUNK, ctx.firstGid, n, next, bank.state, invLogQ, spikes);
    },
  };
}

/** The parameters' schema, exported for the type of create()'s params (core/model-types.ts). */
export const poissonPopulationParams = {
  rate: { unit: 'Hz', default: 5, min: 0, doc: 'firing rate of every neuron' },
} as const;

/**
 * Auryn's PoissonGroup (Zenke & Gerstner 2014, Fig. 1): a population of independent Poisson sources drawn
 * with one random number per spike over the whole population×time grid, instead of one per neuron and step.
 * Each neuron fires in a step with probability rate·dt (at most once). Its spikes go through ordinary
 * projections, so any connection rule and synapse model applies.
 */
export const poissonPopulation: NeuronModel = {
  kind: 'neuron',
  name: 'poisson_population',
  doc: "Independent Poisson sources, one random draw per spike (Auryn PoissonGroup); spikes travel through projections",
  params: poissonPopulationParams,
  state: {},
  integrators: { auryn: { create: createAuryn } },
  defaultIntegrator: 'auryn',
  check(p, where, dt) {
    if (p.rate * dt * 1e-3 >= 1) throw new ParameterError(where, 'rate', p.rate, `less than 1/dt = ${1000 / dt} Hz (at most one spike per neuron and step)`);
  },
};
