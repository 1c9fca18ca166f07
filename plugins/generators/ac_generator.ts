import type { GeneratorModel, DeviceTargets } from '../../core/plugin.js';
import { activeSteps, deviceTiming } from './poisson_generator.js';
import { addToTargets, arrivalRow } from './common.js';
import type { SavedState } from '../../core/contracts/base.js';
import { savedNumber } from '../../core/saved-state.js';

/** The parameters' schema, exported for the type of create()'s params (core/model-types.ts). */
export const acGeneratorParams = {
  amplitude: { unit: 'pA', default: 0, doc: 'amplitude of the sine' },
  offset: { unit: 'pA', default: 0, doc: 'constant added to the sine' },
  frequency: { unit: 'Hz', default: 0, doc: 'frequency of the sine' },
  phase: { unit: 'deg', default: 0, doc: 'phase of the sine at t = 0' },
  ...deviceTiming,
} as const;

type Timing = { start: number; stop: number; origin: number };

/**
 * NEST's ac_generator: I(t) = offset + amplitude·sin(2π·frequency·t + phase), t the end of the step, sent in
 * the active steps (dc_generator's window and timing). As NEST does, the sine comes from a two-component
 * oscillator rotated by one step in every step, active or not (inactivity only windows it), started from the
 * closed form when the run starts and after set(); so the value follows absolute time, not time since start.
 */
export const acGenerator: GeneratorModel = {
  kind: 'generator',
  name: 'ac_generator',
  doc: 'Sinusoidal current (NEST ac_generator; PyNN ACSource)',
  params: acGeneratorParams,
  create(ctx) {
    const links: DeviceTargets[] = [];
    const h = ctx.dt;
    let { amplitude, offset, frequency, phase } = ctx.params;
    let [first, last] = activeSteps(ctx.params as Timing, h);
    let cos = 1;
    let sin = 0;
    let y0 = 0;
    let y1 = 0;
    // The step whose end the next rotation reaches; any other step restarts the oscillator from the closed form.
    let at = -1;
    const propagator = () => {
      const w = (2 * Math.PI * frequency) / 1000; // rad per ms
      cos = Math.cos(w * h);
      sin = Math.sin(w * h);
    };
    propagator();
    return {
      addTargets(t) {
        links.push(t);
      },
      // NEST's SetStatus between runs: the new sine from the next step on (NEST recomputes it when Simulate starts).
      set(p) {
        ({ amplitude, offset, frequency, phase } = p);
        [first, last] = activeSteps(p as Timing, h);
        propagator();
        at = -1;
      },
      saveState: () => ({ amplitude, offset, frequency, phase, first, last, y0, y1, at }),
      loadState(s: SavedState) {
        const where = `ac_generator (node ${ctx.gid})`;
        amplitude = savedNumber(s, 'amplitude', where);
        offset = savedNumber(s, 'offset', where);
        frequency = savedNumber(s, 'frequency', where);
        phase = savedNumber(s, 'phase', where);
        first = savedNumber(s, 'first', where);
        last = savedNumber(s, 'last', where);
        y0 = savedNumber(s, 'y0', where);
        y1 = savedNumber(s, 'y1', where);
        at = savedNumber(s, 'at', where);
        propagator();
      },
      emit(step) {
        if (step !== at) {
          const x = (2 * Math.PI * frequency * step * h) / 1000 + (phase * Math.PI) / 180;
          y0 = amplitude * Math.cos(x);
          y1 = amplitude * Math.sin(x);
        }
        const r0 = y0;
        y0 = cos * r0 - sin * y1;
        y1 = sin * r0 + cos * y1;
        at = step + 1;
        if (step < first || step >= last) return;
        const value = y1 + offset;
        if (value === 0) return;
        for (let l = 0; l < links.length; l++) {
          const t = links[l];
          addToTargets(t.ring.cur, arrivalRow(t, step), t.local, value * t.weight);
        }
      },
    };
  },
};
