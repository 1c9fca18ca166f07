import type { GeneratorModel, DeviceTargets } from '../../core/plugin.js';
import { StreamBank, nextUniform, poissonDraw } from '../../core/rng.js';

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
 * Draw Poisson counts with mean lambda for every target in one step, each target from its own stream, and
 * add count × weight into the target's ring row. Inversion by sequential search: one uniform per target.
 */
function emitPoisson(
  n: number, local: Int32Array, rng: Uint32Array, expNegLambda: number, lambda: number, buf: Float64Array, off: number, w: number,
): void {
  for (let i = 0; i < n; i++) {
    const u = nextUniform(rng, i);
    let p = expNegLambda;
    let cdf = p;
    let k = 0;
    while (u > cdf) {
      k++;
      p *= lambda / k;
      cdf += p;
      if (p < 1e-300) break;
    }
    if (k !== 0) buf[off + local[i]] += k * w;
  }
}

interface Link {
  t: DeviceTargets;
  rng: StreamBank;
}

/**
 * poisson_generator: every target receives its own independent Poisson train (NEST draws a count per
 * target per step from the target's stream); use a parrot_neuron to share one train.
 */
export const poissonGenerator: GeneratorModel = {
  kind: 'generator',
  name: 'poisson_generator',
  doc: 'Independent Poisson spike train for each target (NEST poisson_generator; PyNN SpikeSourcePoisson)',
  params: {
    rate: { unit: 'Hz', default: 0, min: 0, doc: 'mean firing rate' },
    ...deviceTiming,
  },
  create(ctx) {
    const links: Link[] = [];
    const lambda = ctx.params.rate * ctx.dt * 1e-3;
    const expNeg = Math.exp(-lambda);
    const [first, last] = activeSteps(ctx.params as { start: number; stop: number; origin: number }, ctx.dt);
    return {
      addTargets(t) {
        const gids = new Float64Array(t.local.length);
        for (let i = 0; i < gids.length; i++) gids[i] = t.population.firstGid + t.population.localStart + t.local[i];
        // Streams keyed by (generator, target gid): the same train whatever rank the target lives on.
        links.push({ t, rng: new StreamBank(ctx.seed, `poisson/${ctx.gid}`, gids) });
      },
      emit(step) {
        if (step < first || step >= last || lambda === 0) return;
        for (let l = 0; l < links.length; l++) {
          const { t, rng } = links[l];
          const ring = t.ring;
          const off = ((step + t.delaySteps) % ring.slots) * ring.n;
          const buf = t.weight >= 0 ? ring.ex : ring.inh;
          if (lambda >= 10) {
            // Large means: inversion would underflow e^-lambda; use the rejection sampler per target.
            for (let i = 0; i < t.local.length; i++) buf[off + t.local[i]] += poissonDraw(rng.state, i, lambda) * t.weight;
            continue;
          }
          emitPoisson(t.local.length, t.local, rng.state, expNeg, lambda, buf, off, t.weight);
        }
      },
    };
  },
};
