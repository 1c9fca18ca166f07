import type { GeneratorModel, DeviceTargets } from '../../core/plugin.js';
import type { RingRow } from '../../core/ringbuffer.js';
import { StreamBank, poissonDraw } from '../../core/rng.js';
import type { SavedState } from '../../core/contracts/base.js';
import { savedLinks } from './common.js';

/** NEST's device timing parameters (ms): active for spike times in (origin + start, origin + stop]. */
export const deviceTiming = {
  start: { unit: 'ms', default: 0, min: 0, doc: 'activation time, relative to origin' },
  stop: { unit: 'ms', default: Infinity, min: 0, allowInfinity: true, doc: 'deactivation time, relative to origin' },
  origin: { unit: 'ms', default: 0, min: 0, doc: 'global time offset of start and stop' },
} as const;

/** First and one-past-last step whose spikes (stamped at the end of the step) fall in (origin+start, origin+stop]. */
export function activeSteps(p: { start: number; stop: number; origin: number }, dt: number): [number, number] {
  const first = Math.round((p.origin + p.start) / dt);
  const last = p.stop === Infinity ? Number.MAX_SAFE_INTEGER : Math.round((p.origin + p.stop) / dt);
  return [first, last];
}

/**
 * Integer thresholds of the inversion search for Poisson(lambda): a draw x (a 32-bit stream word) gives the
 * count k = min { k : x < T[k] }. T[k] is the number of words whose uniform (x + 0.5) * 2^-32 is <= cdf(k),
 * with cdf(k) summed in the same order as the sequential search (`poissonDraw`), so both give the same count
 * for every word; the table only removes the per-target division and the float compare chain.
 */
export function poissonThresholds(lambda: number): Float64Array {
  const out: number[] = [];
  const toThreshold = (cdf: number) => Math.min(4294967296, Math.max(0, Math.floor(cdf * 4294967296 - 0.5) + 1));
  let p = Math.exp(-lambda);
  let cdf = p;
  out.push(toThreshold(cdf));
  for (let k = 1; ; k++) {
    if (out[out.length - 1] >= 4294967296) break;
    p *= lambda / k;
    cdf += p;
    // The sequential search stops here whatever the word: the last count catches every remaining word.
    if (p < 1e-300) {
      out.push(4294967296);
      break;
    }
    out.push(toThreshold(cdf));
  }
  // At least 8 entries (the end repeated, which no word reaches): emitPoissonTable compares with the first 6 unconditionally.
  while (out.length < 8) out.push(4294967296);
  return Float64Array.from(out);
}

/**
 * Draw a Poisson count for every target in one step, each from its own xoshiro128** stream (inlined: one
 * call per target costs more than the draw), and add count × weight into the target's ring row.
 * The count is the number of thresholds at or below the word: the first six compares are summed without
 * branches (a search loop mispredicted about once per draw, twice the rest of its cost at lambda = 2), the
 * rare larger counts go on searching. Adding 0 × w for k = 0 leaves every sum as it was.
 * The weight is `w[0]`, read from a Float64Array so that V8 multiplies in float64: given as a small-integer
 * number (35 in a worker's structured-clone copy of the spec) it speculated on integers and ran twice as slow.
 */
export function emitPoissonTable(
  n: number, local: Int32Array, s: Uint32Array, thresholds: Float64Array, buf: RingRow, off: number, w: Float64Array,
): void {
  const t0 = thresholds[0], t1 = thresholds[1], t2 = thresholds[2], t3 = thresholds[3], t4 = thresholds[4], t5 = thresholds[5];
  for (let i = 0; i < n; i++) {
    const o = i << 2;
    const s0 = s[o], s1 = s[o + 1], s2 = s[o + 2], s3 = s[o + 3];
    const m = Math.imul(s1, 5);
    const x = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[o + 1] = s1 ^ n2;
    s[o] = s0 ^ n3;
    s[o + 2] = n2 ^ t;
    s[o + 3] = (n3 << 11) | (n3 >>> 21);
    let k = ((x >= t0) as unknown as number) + ((x >= t1) as unknown as number) + ((x >= t2) as unknown as number)
      + ((x >= t3) as unknown as number) + ((x >= t4) as unknown as number) + ((x >= t5) as unknown as number);
    if (k === 6) while (x >= thresholds[k]) k++;
    buf[off + local[i]] += k * w[0];
  }
}

interface Link {
  t: DeviceTargets;
  rng: StreamBank;
  /** t.weight as emitPoissonTable takes it. */
  weight: Float64Array;
}

/** The parameters' schema, exported for the type of create()'s params (core/model-types.ts). */
export const poissonGeneratorParams = {
  rate: { unit: 'Hz', default: 0, min: 0, doc: 'mean firing rate' },
  ...deviceTiming,
} as const;

/**
 * poisson_generator: every target receives its own independent Poisson train (NEST draws a count per
 * target per step from the target's stream); use a parrot_neuron to share one train.
 */
export const poissonGenerator: GeneratorModel = {
  kind: 'generator',
  name: 'poisson_generator',
  doc: 'Independent Poisson spike train for each target (NEST poisson_generator; PyNN SpikeSourcePoisson)',
  params: poissonGeneratorParams,
  create(ctx) {
    const links: Link[] = [];
    const lambda = ctx.params.rate * ctx.dt * 1e-3;
    const thresholds = lambda > 0 && lambda < 10 ? poissonThresholds(lambda) : new Float64Array(1);
    const [first, last] = activeSteps(ctx.params as { start: number; stop: number; origin: number }, ctx.dt);
    return {
      addTargets(t) {
        const gids = new Float64Array(t.local.length);
        for (let i = 0; i < gids.length; i++) gids[i] = t.population.firstGid + t.population.localStart + t.local[i];
        // Streams keyed by (generator, target gid): the same train whatever rank the target lives on.
        links.push({ t, rng: ctx.services.random.banks(`poisson/${ctx.gid}`, gids), weight: Float64Array.of(t.weight) });
      },
      // Each target's stream (where its train stands).
      saveState: () => ({ links: links.map((l) => l.rng.saveState()) }),
      loadState(s: SavedState) {
        savedLinks(s, 'links', links.length, `poisson_generator (node ${ctx.gid})`).forEach((l, i) => links[i].rng.loadState(l));
      },
      emit(step) {
        if (step < first || step >= last || lambda === 0) return;
        for (let l = 0; l < links.length; l++) {
          const { t, rng, weight } = links[l];
          const ring = t.ring;
          const off = ((step + t.delaySteps) % ring.slots) * ring.n;
          const buf = t.weight >= 0 ? ring.ex : ring.inh;
          if (lambda >= 10) {
            // Large means: inversion would underflow e^-lambda; use the rejection sampler per target.
            for (let i = 0; i < t.local.length; i++) buf[off + t.local[i]] += poissonDraw(rng.state, i, lambda) * weight[0];
            continue;
          }
          emitPoissonTable(t.local.length, t.local, rng.state, thresholds, buf, off, weight);
        }
      },
    };
  },
};
