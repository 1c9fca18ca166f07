import type { GeneratorModel, DeviceTargets } from '../../core/plugin.js';
import { ParameterError } from '../../core/errors.js';
import { StreamBank, nextUniform } from '../../core/rng.js';
import { activeSteps, deviceTiming } from './poisson_generator.js';
import { arrivalRow, targetGids } from './common.js';

interface NoiseLink {
  t: DeviceTargets;
  rng: StreamBank;
  amps: Float64Array;
}

/** One Gaussian amplitude per target (Box–Muller from the target's own stream). */
function drawAmplitudes(amps: Float64Array, rng: Uint32Array, mean: number, std: number): void {
  for (let i = 0; i < amps.length; i++) {
    const u = nextUniform(rng, i);
    const v = nextUniform(rng, i);
    amps[i] = mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

function injectAmplitudes(cur: Float64Array, off: number, local: Int32Array, amps: Float64Array, w: number): void {
  for (let i = 0; i < local.length; i++) cur[off + local[i]] += amps[i] * w;
}

/**
 * NEST's noise_generator: a Gaussian current, a new independent value for every target every `dt` ms,
 * held in between. As in NEST, the first value is drawn in the first active step and the next one `dt`
 * later (counted from the last draw, so an inactive period restarts the clock). Each target draws from its
 * own stream (keyed by generator and target gid): the currents do not depend on the rank count.
 */
export const noiseGenerator: GeneratorModel = {
  kind: 'generator',
  name: 'noise_generator',
  doc: 'Gaussian white-noise current, piecewise constant over dt (NEST noise_generator; PyNN NoisyCurrentSource)',
  params: {
    mean: { unit: 'pA', default: 0, doc: 'mean of the current' },
    std: { unit: 'pA', default: 0, min: 0, doc: 'standard deviation of the current' },
    dt: { unit: 'ms', default: 1, min: 0, exclusiveMin: true, doc: 'interval between new values (a multiple of the resolution)' },
    ...deviceTiming,
  },
  check(p, where) {
    if (!Number.isFinite(p.dt)) throw new ParameterError(where, 'dt', p.dt, 'a finite interval (ms)');
  },
  create(ctx) {
    const where = `create noise_generator (node ${ctx.gid})`;
    const { mean, std } = ctx.params;
    const dtSteps = Math.round(ctx.params.dt / ctx.dt);
    if (dtSteps < 1 || Math.abs(dtSteps * ctx.dt - ctx.params.dt) > 1e-9 * Math.max(1, ctx.params.dt)) {
      throw new ParameterError(where, 'dt', ctx.params.dt, `a multiple of the resolution ${ctx.dt} ms`);
    }
    const [first, last] = activeSteps(ctx.params as { start: number; stop: number; origin: number }, ctx.dt);
    const links: NoiseLink[] = [];
    let nextDraw = 0;
    return {
      addTargets(t) {
        links.push({ t, rng: new StreamBank(ctx.seed, `noise/${ctx.gid}`, targetGids(t)), amps: new Float64Array(t.local.length) });
      },
      emit(step) {
        if (step < first || step >= last) return;
        if (step >= nextDraw) {
          for (let l = 0; l < links.length; l++) drawAmplitudes(links[l].amps, links[l].rng.state, mean, std);
          nextDraw = step + dtSteps;
        }
        for (let l = 0; l < links.length; l++) {
          const { t, amps } = links[l];
          injectAmplitudes(t.ring.cur, arrivalRow(t, step), t.local, amps, t.weight);
        }
      },
    };
  },
};
