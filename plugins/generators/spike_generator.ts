import type { GeneratorModel, DeviceTargets } from '../../core/plugin.js';
import { ParameterError } from '../../core/errors.js';
import { activeSteps, deviceTiming } from './poisson_generator.js';
import { addToTargets, arrivalRow, booleanOption } from './common.js';
import type { SavedState } from '../../core/contracts/base.js';
import { savedNumber } from '../../core/saved-state.js';

/** NEST's time base: 1000 tics per ms; a time is on the grid when its tic count is a multiple of the step's. */
const TICS_PER_MS = 1000;

/** An array option of a device (spike_times, amplitude_times): every element a finite number; absent is empty. */
export function numberArray(where: string, name: string, v: unknown): Float64Array {
  if (v === undefined) return new Float64Array(0);
  if (typeof v !== 'object' || v === null || typeof (v as ArrayLike<number>).length !== 'number') {
    throw new ParameterError(where, name, v, 'an array of numbers');
  }
  const a = Float64Array.from(v as ArrayLike<number>);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new ParameterError(where, `${name}[${i}]`, (v as ArrayLike<number>)[i], 'a finite number');
  return a;
}

/**
 * Grid stamps (time = stamp·dt) of spike times, as NEST's spike_generator with precise_times false: a time on
 * the grid (to the tic) is its step; off the grid it is an error unless allow_offgrid_times, which rounds
 * it up to the end of its step.
 */
export function spikeStamps(where: string, times: Float64Array, dt: number, allowOffgrid: boolean): Int32Array {
  const stepTics = Math.round(dt * TICS_PER_MS);
  const stamps = new Int32Array(times.length);
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (!(t > 0)) throw new ParameterError(where, `spike_times[${i}]`, t, 'a time > 0 ms (spikes must lie in the future)');
    if (i > 0 && t < times[i - 1]) throw new ParameterError(where, `spike_times[${i}]`, t, `times sorted in non-descending order (previous ${times[i - 1]})`);
    const tics = Math.round(t * TICS_PER_MS);
    if (tics % stepTics === 0) stamps[i] = tics / stepTics;
    else if (allowOffgrid) stamps[i] = Math.ceil(tics / stepTics);
    else throw new ParameterError(where, `spike_times[${i}]`, t, `a multiple of the resolution ${dt} ms (or set allow_offgrid_times: true to round up to the grid)`);
  }
  return stamps;
}

/**
 * NEST's spike_generator: emits spikes at given times to all its targets. A spike at time t (stamp
 * k = t/dt) is emitted in step k-1, as a neuron's spike stamped k is, so it reaches the target at
 * t + delay. Spikes with t outside (origin + start, origin + stop] are not emitted. `spike_weights`, when
 * given, multiply the connection weight per spike.
 */
export const spikeGenerator: GeneratorModel = {
  kind: 'generator',
  name: 'spike_generator',
  doc: 'Spikes at given times (NEST spike_generator; PyNN SpikeSourceArray)',
  params: { ...deviceTiming },
  extraParams: ['spike_times', 'spike_weights', 'allow_offgrid_times', 'precise_times'],
  create(ctx) {
    const where = `create spike_generator (node ${ctx.gid})`;
    const o = ctx.options ?? {};
    if (booleanOption(where, o, 'precise_times', false)) {
      throw new ParameterError(where, 'precise_times', true, 'false (spikeworks neurons are grid-based; off-grid times round to the grid)');
    }
    const times = numberArray(where, 'spike_times', o.spike_times);
    const weights = o.spike_weights === undefined ? null : numberArray(where, 'spike_weights', o.spike_weights);
    if (weights && weights.length !== times.length) {
      throw new ParameterError(where, 'spike_weights', `an array of length ${weights.length}`, `an array of the length of spike_times (${times.length}) or none`);
    }
    const stamps = spikeStamps(where, times, ctx.dt, booleanOption(where, o, 'allow_offgrid_times', false));
    const [first, last] = activeSteps(ctx.params as { start: number; stop: number; origin: number }, ctx.dt);
    const links: DeviceTargets[] = [];
    let next = 0;
    return {
      addTargets(t) {
        links.push(t);
      },
      // The next spike to emit (the times themselves are in the spec).
      saveState: () => ({ next }),
      loadState(s: SavedState) {
        next = savedNumber(s, 'next', where);
      },
      emit(step) {
        // Spikes of earlier steps (before a restart, or out of the active window) are passed over.
        while (next < stamps.length && stamps[next] - 1 < step) next++;
        while (next < stamps.length && stamps[next] - 1 === step) {
          if (step >= first && step < last) {
            const sw = weights ? weights[next] : 1;
            for (let l = 0; l < links.length; l++) {
              const t = links[l];
              const w = t.weight * sw;
              addToTargets(w >= 0 ? t.ring.ex : t.ring.inh, arrivalRow(t, step), t.local, w);
            }
          }
          next++;
        }
      },
    };
  },
};
