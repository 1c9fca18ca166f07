import type { GeneratorModel, DeviceTargets } from '../../core/plugin.js';
import type { RingRow } from '../../core/ringbuffer.js';
import { ParameterError } from '../../core/errors.js';
import { StreamBank, nextUniform } from '../../core/rng.js';
import { activeSteps, deviceTiming } from './poisson_generator.js';
import { arrivalRow, savedLinks, targetGids } from './common.js';
import type { SavedState } from '../../core/contracts/base.js';
import { restoreArray, savedNumber, savedRecord } from '../../core/saved-state.js';

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

function injectAmplitudes(cur: RingRow, off: number, local: Int32Array, amps: Float64Array, w: number): void {
  for (let i = 0; i < local.length; i++) cur[off + local[i]] += amps[i] * w;
}

/** The parameters' schema, exported for the type of create()'s params (core/model-types.ts). */
export const noiseGeneratorParams = {
  mean: { unit: 'pA', default: 0, doc: 'mean of the current' },
  std: { unit: 'pA', default: 0, min: 0, doc: 'standard deviation of the current' },
  dt: { unit: 'ms', default: 1, min: 0, exclusiveMin: true, doc: 'interval between new values (a multiple of the resolution)' },
  std_mod: { unit: 'pA', default: 0, min: 0, doc: 'modulation of the standard deviation: sd² = std² + std_mod²·sin(2π·frequency·t + phase)' },
  frequency: { unit: 'Hz', default: 0, min: 0, doc: 'frequency of the sd modulation' },
  phase: { unit: 'deg', default: 0, doc: 'phase of the sd modulation at t = 0' },
  ...deviceTiming,
} as const;

/**
 * NEST's noise_generator: a Gaussian current, a new independent value for every target every `dt` ms,
 * held in between. As in NEST, the first value is drawn in the first active step and the next one `dt`
 * later (counted from the last draw, so an inactive period restarts the clock). Each target draws from its
 * own stream (keyed by generator and target gid): the currents do not depend on the rank count. With
 * std_mod > 0 the variance is modulated, std² + std_mod²·sin(ω·t + phase), t the end of the drawing step
 * (NEST advances its oscillator only in active steps; here the phase follows simulated time throughout, which
 * is the same while the generator is active from t = 0).
 */
export const noiseGenerator: GeneratorModel = {
  kind: 'generator',
  name: 'noise_generator',
  doc: 'Gaussian white-noise current, piecewise constant over dt (NEST noise_generator; PyNN NoisyCurrentSource)',
  params: noiseGeneratorParams,
  check(p, where) {
    if (!Number.isFinite(p.dt)) throw new ParameterError(where, 'dt', p.dt, 'a finite interval (ms)');
    if (p.std_mod > p.std) throw new ParameterError(where, 'std_mod', p.std_mod, `at most std (${p.std} pA), so that the variance stays >= 0`);
  },
  create(ctx) {
    const where = `create noise_generator (node ${ctx.gid})`;
    const { mean, std, std_mod: stdMod } = ctx.params;
    const omega = (2 * Math.PI * ctx.params.frequency) / 1000; // rad per ms
    const phi = (ctx.params.phase * Math.PI) / 180;
    const dtSteps = Math.round(ctx.params.dt / ctx.dt);
    if (dtSteps < 1 || Math.abs(dtSteps * ctx.dt - ctx.params.dt) > 1e-9 * Math.max(1, ctx.params.dt)) {
      throw new ParameterError(where, 'dt', ctx.params.dt, `a multiple of the resolution ${ctx.dt} ms`);
    }
    const [first, last] = activeSteps(ctx.params as { start: number; stop: number; origin: number }, ctx.dt);
    const links: NoiseLink[] = [];
    let nextDraw = 0;
    return {
      addTargets(t) {
        links.push({ t, rng: ctx.services.random.banks(`noise/${ctx.gid}`, targetGids(t)), amps: new Float64Array(t.local.length) });
      },
      // When the next values are drawn, each target's stream and the value it holds until then.
      saveState: () => ({ nextDraw, links: links.map((l) => ({ streams: l.rng.saveState(), amps: l.amps })) }),
      loadState(s: SavedState) {
        nextDraw = savedNumber(s, 'nextDraw', where);
        savedLinks(s, 'links', links.length, where).forEach((l, i) => {
          links[i].rng.loadState(savedRecord(l, 'streams', where));
          restoreArray(l, 'amps', links[i].amps, where);
        });
      },
      emit(step) {
        if (step < first || step >= last) return;
        if (step >= nextDraw) {
          // NEST evaluates the modulation at the end of the step (its oscillator is rotated before the draw).
          const sd = stdMod === 0 ? std : Math.sqrt(std * std + Math.sin(omega * (step + 1) * ctx.dt + phi) * stdMod * stdMod);
          for (let l = 0; l < links.length; l++) drawAmplitudes(links[l].amps, links[l].rng.state, mean, sd);
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
