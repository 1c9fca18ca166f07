import type { GeneratorModel, DeviceTargets } from '../../core/plugin.js';
import { ParameterError } from '../../core/errors.js';
import { activeSteps, deviceTiming } from './poisson_generator.js';
import { addToTargets, arrivalRow, booleanOption } from './common.js';
import { numberArray } from './spike_generator.js';
import type { SavedState } from '../../core/contracts/base.js';
import { savedArray, savedNumber } from '../../core/saved-state.js';

/** NEST's time base: 1000 tics per ms. */
const TICS_PER_MS = 1000;

/** The parameters' schema, exported for the type of create()'s params (core/model-types.ts). */
export const stepCurrentGeneratorParams = { ...deviceTiming } as const;

const EXTRAS = ['amplitude_times', 'amplitude_values', 'allow_offgrid_times'] as const;

/**
 * Grid stamps (time = stamp·dt) of the amplitude times, checked as NEST's step_current_generator checks them:
 * every time > 0, on the grid to the tic unless allowOffgrid (then rounded up to the end of its step), and the
 * stamps strictly increasing (two times rounded into one step are an error too).
 */
export function amplitudeStamps(where: string, times: Float64Array, dt: number, allowOffgrid: boolean): Int32Array {
  const stepTics = Math.round(dt * TICS_PER_MS);
  const stamps = new Int32Array(times.length);
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    const name = `amplitude_times[${i}]`;
    if (!(t > 0)) throw new ParameterError(where, name, t, 'a time > 0 ms (NEST changes the amplitude at strictly positive times only)');
    const tics = Math.round(t * TICS_PER_MS);
    if (tics % stepTics === 0) stamps[i] = tics / stepTics;
    else if (allowOffgrid) stamps[i] = Math.ceil(tics / stepTics);
    else throw new ParameterError(where, name, t, `a multiple of the resolution ${dt} ms (or set allow_offgrid_times: true to round up to the grid)`);
    if (stamps[i] > 2147483646) throw new ParameterError(where, name, t, `a time of at most ${Math.floor(2147483646 * dt)} ms (steps are int32)`);
    if (i > 0 && stamps[i] <= stamps[i - 1]) {
      const why = allowOffgrid && stamps[i] === stamps[i - 1] ? ` (rounded into the step of amplitude_times[${i - 1}])` : '';
      throw new ParameterError(where, name, t, `times in strictly increasing steps, after ${times[i - 1]} ms${why}`);
    }
  }
  return stamps;
}

interface Table {
  stamps: Int32Array;
  values: Float64Array;
  allowOffgrid: boolean;
}

/** Times and values from create()'s or set()'s options; `old` holds what set() leaves unchanged. */
function readTable(where: string, o: Record<string, unknown>, dt: number, old?: Table): Table {
  const hasTimes = o.amplitude_times !== undefined;
  const hasValues = o.amplitude_values !== undefined;
  if (old && hasTimes !== hasValues) {
    const [name, v] = hasTimes ? ['amplitude_values', o.amplitude_values] : ['amplitude_times', o.amplitude_times];
    throw new ParameterError(where, name, v, `new values too: NEST takes amplitude_times and amplitude_values together (one was given, the other not)`);
  }
  const allowGiven = o.allow_offgrid_times !== undefined;
  const allowOffgrid = booleanOption(where, o, 'allow_offgrid_times', old?.allowOffgrid ?? false);
  if (old && allowGiven && !hasTimes && old.stamps.length > 0 && allowOffgrid !== old.allowOffgrid) {
    throw new ParameterError(where, 'allow_offgrid_times', allowOffgrid, 'a change only together with new amplitude_times and amplitude_values (NEST: the times are already on the grid)');
  }
  if (old && !hasTimes) return { ...old, allowOffgrid };
  const times = numberArray(where, 'amplitude_times', o.amplitude_times);
  const values = numberArray(where, 'amplitude_values', o.amplitude_values);
  if (values.length !== times.length) {
    throw new ParameterError(where, 'amplitude_values', `an array of length ${values.length}`, `an array of the length of amplitude_times (${times.length})`);
  }
  return { stamps: amplitudeStamps(where, times, dt, allowOffgrid), values, allowOffgrid };
}

/**
 * NEST's step_current_generator: a piecewise-constant current (pA) that takes amplitude_values[i] from
 * amplitude_times[i] on and keeps the last value. As in NEST the value of time t (stamp k) is taken in step
 * k-1, the step that ends at t, and is held while the generator is inactive; it is sent in the active steps
 * only (dc_generator's window), lands after the connection delay and acts from the step after that.
 */
export const stepCurrentGenerator: GeneratorModel = {
  kind: 'generator',
  name: 'step_current_generator',
  doc: 'Piecewise-constant current: amplitude_values (pA) from amplitude_times (ms) on (NEST step_current_generator; PyNN StepCurrentSource)',
  params: stepCurrentGeneratorParams,
  extraParams: EXTRAS,
  create(ctx) {
    const where = `create step_current_generator (node ${ctx.gid})`;
    let table = readTable(where, ctx.options ?? {}, ctx.dt);
    let [first, last] = activeSteps(ctx.params as { start: number; stop: number; origin: number }, ctx.dt);
    const links: DeviceTargets[] = [];
    let amp = 0;
    let next = 0;
    return {
      addTargets(t) {
        links.push(t);
      },
      // NEST's SetStatus: new times and values restart the search, and times already past are passed over
      // (the amplitude held so far stays until the next time to come).
      set(p, o) {
        // Checked before anything changes: a refused set leaves the generator as it was.
        const updated = readTable(`set step_current_generator (node ${ctx.gid})`, o ?? {}, ctx.dt, table);
        if (updated.stamps !== table.stamps) next = 0;
        table = updated;
        [first, last] = activeSteps(p as { start: number; stop: number; origin: number }, ctx.dt);
      },
      // set() may have replaced the table while simulating: it is saved with the held value and position.
      saveState: () => ({ amp, next, first, last, stamps: table.stamps, values: table.values, allowOffgrid: table.allowOffgrid ? 1 : 0 }),
      loadState(s: SavedState) {
        const at = `step_current_generator (node ${ctx.gid})`;
        const stamps = savedArray(s, 'stamps', Int32Array, at).slice();
        table = { stamps, values: savedArray(s, 'values', Float64Array, at, stamps.length).slice(), allowOffgrid: savedNumber(s, 'allowOffgrid', at) === 1 };
        amp = savedNumber(s, 'amp', at);
        next = savedNumber(s, 'next', at);
        first = savedNumber(s, 'first', at);
        last = savedNumber(s, 'last', at);
      },
      emit(step) {
        const { stamps, values } = table;
        while (next < stamps.length && stamps[next] <= step) next++;
        if (next < stamps.length && stamps[next] === step + 1) amp = values[next++];
        if (step < first || step >= last || amp === 0) return;
        for (let l = 0; l < links.length; l++) {
          const t = links[l];
          addToTargets(t.ring.cur, arrivalRow(t, step), t.local, amp * t.weight);
        }
      },
    };
  },
};
