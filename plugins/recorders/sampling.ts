import { ParameterError } from '../../core/errors.js';
import type { Params } from '../../core/schema.js';
import { activeSteps } from '../generators/poisson_generator.js';

/** NEST's recording interval and offset (ms) of sampling devices. */
export const samplingParams = {
  interval: { unit: 'ms', default: 1, min: 0, exclusiveMin: true, doc: 'time between samples (a multiple of the resolution)' },
  offset: { unit: 'ms', default: 0, min: 0, doc: 'time of the first sample (0: the first multiple of interval)' },
} as const;

/** Growable Float64 column. */
export class Float64Column {
  data = new Float64Array(256);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * NEST's sampling clock (UniversalDataLogger): a sample is taken after the update of step s when its time
 * stamp (s+1)·dt is a multiple of `interval` (or offset + k·interval when offset > 0) and lies in the
 * device's active window (origin + start, origin + stop]. Returns a predicate over steps.
 */
export function samplingClock(where: string, p: Params, dt: number): (step: number) => boolean {
  const interval = Math.round(p.interval / dt);
  if (interval < 1 || Math.abs(interval * dt - p.interval) > 1e-9 * Math.max(1, p.interval)) {
    throw new ParameterError(where, 'interval', p.interval, `a multiple of the resolution ${dt} ms`);
  }
  const offset = Math.round(p.offset / dt);
  if (Math.abs(offset * dt - p.offset) > 1e-9 * Math.max(1, p.offset)) throw new ParameterError(where, 'offset', p.offset, `a multiple of the resolution ${dt} ms`);
  const [first, last] = activeSteps(p as { start: number; stop: number; origin: number }, dt);
  return (step) => {
    if (step < first || step >= last) return false;
    const stamp = step + 1;
    return offset === 0 ? stamp % interval === 0 : stamp >= offset && (stamp - offset) % interval === 0;
  };
}
