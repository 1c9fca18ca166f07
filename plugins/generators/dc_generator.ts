import type { GeneratorModel, DeviceTargets } from '../../core/plugin.js';
import { activeSteps, deviceTiming } from './poisson_generator.js';
import { addToTargets, arrivalRow } from './common.js';
import type { SavedState } from '../../core/contracts/base.js';
import { savedNumber } from '../../core/saved-state.js';

/** The parameters' schema, exported for the type of create()'s params (core/model-types.ts). */
export const dcGeneratorParams = {
  amplitude: { unit: 'pA', default: 0, doc: 'amplitude of the current' },
  ...deviceTiming,
} as const;

/**
 * NEST's dc_generator: a constant current (pA) while active. Like every NEST current event it lands in the
 * target's current slot after the connection delay and acts on the membrane from the step after that.
 * Active in step s when origin + start < (s+1)·dt <= origin + stop (NEST's rule for current generators).
 */
export const dcGenerator: GeneratorModel = {
  kind: 'generator',
  name: 'dc_generator',
  doc: 'Constant current injection (NEST dc_generator; PyNN DCSource)',
  params: dcGeneratorParams,
  create(ctx) {
    const links: DeviceTargets[] = [];
    let amplitude = ctx.params.amplitude;
    let [first, last] = activeSteps(ctx.params as { start: number; stop: number; origin: number }, ctx.dt);
    return {
      addTargets(t) {
        links.push(t);
      },
      // NEST's SetStatus on a running dc_generator: the new amplitude from the next emitted step on.
      set(p) {
        amplitude = p.amplitude;
        [first, last] = activeSteps(p as { start: number; stop: number; origin: number }, ctx.dt);
      },
      // What set() may have changed while simulating (the spec holds the values before the first simulate).
      saveState: () => ({ amplitude, first, last }),
      loadState(s: SavedState) {
        const where = `dc_generator (node ${ctx.gid})`;
        amplitude = savedNumber(s, 'amplitude', where);
        first = savedNumber(s, 'first', where);
        last = savedNumber(s, 'last', where);
      },
      emit(step) {
        if (step < first || step >= last || amplitude === 0) return;
        for (let l = 0; l < links.length; l++) {
          const t = links[l];
          addToTargets(t.ring.cur, arrivalRow(t, step), t.local, amplitude * t.weight);
        }
      },
    };
  },
};
