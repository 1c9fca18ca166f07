import { ParameterError, formatValue } from './errors.js';
import { isDistribution, makeSampler, type ValueSpec } from './distributions.js';
import { FLOAT32_RANGE, fitsFloat32 } from './memory.js';
import type { RandomStreams } from './services.js';
import type { PopulationHandle } from './contracts/base.js';

/**
 * Value specs, resolved in one place for initial states, weights and delays: a scalar, an explicit array
 * (over the population, or in NEST's layout of the connection rule), or a distribution drawn from a stream
 * per neuron keyed by its global id, so a value never depends on how neurons are split over ranks.
 */

export function isNumberArray(v: unknown): v is ArrayLike<number> {
  return typeof v === 'object' && v !== null && !isDistribution(v) && typeof (v as ArrayLike<number>).length === 'number';
}

/**
 * NEST rounds delays to the nearest step, as ld_round(ms · steps_per_ms) (Time::delay_ms_to_steps): multiplying
 * by 1/dt rather than dividing by dt keeps halfway delays such as 0.15 ms at dt 0.1 on NEST's side (2 steps).
 * Less than one step is an error.
 */
export function delayToSteps(where: string, delayMs: number, dt: number): number {
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs)) throw new ParameterError(where, 'delay', delayMs, `a finite number >= dt (${dt} ms)`);
  const steps = Math.floor(delayMs * (1 / dt) + 0.5);
  if (steps < 1) throw new ParameterError(where, 'delay', delayMs, `a delay >= the resolution dt = ${dt} ms`);
  if (steps > 65535) throw new ParameterError(where, 'delay', delayMs, `at most ${65535 * dt} ms (65535 steps)`);
  return steps;
}

/** Write a value spec into the local neurons' elements of a state array (population-wide arrays are indexed by neuron). */
export function assignState(
  where: string, variable: string, arr: { length: number; [i: number]: number; fill(v: number): unknown }, value: ValueSpec,
  random: RandomStreams, pop: PopulationHandle,
): void {
  // A float32 state (the euler-f32 schemes) would turn a larger value into Infinity.
  const f32 = arr instanceof Float32Array;
  const tooBig = (name: string, v: number, drawn = '') =>
    new ParameterError(where, name, v, `${FLOAT32_RANGE}: the population's integrator keeps ${variable} in float32${drawn}`);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ParameterError(where, variable, value, 'a finite number');
    if (f32 && !fitsFloat32(value)) throw tooBig(variable, value);
    arr.fill(value);
  } else if (isDistribution(value)) {
    const draw = makeSampler(where, variable, value);
    // One stream per neuron, keyed by its global id: the values do not depend on the rank count.
    const bank = random.bank(`state/${pop.id}/${variable}`, pop.firstGid + pop.localStart, pop.localCount);
    for (let i = 0; i < pop.localCount; i++) {
      const v = draw(bank.state, i);
      if (f32 && !fitsFloat32(v)) throw tooBig(variable, v, ' (a value drawn from the distribution)');
      arr[i] = v;
    }
  } else if (isNumberArray(value)) {
    if (value.length !== pop.size) throw new ParameterError(where, variable, `array of length ${value.length}`, `an array of length ${pop.size} (one value per neuron)`);
    for (let i = 0; i < pop.localCount; i++) {
      const v = value[pop.localStart + i];
      if (!Number.isFinite(v)) throw new ParameterError(where, `${variable}[${pop.localStart + i}]`, v, 'a finite number');
      if (f32 && !fitsFloat32(v)) throw tooBig(`${variable}[${pop.localStart + i}]`, v);
      arr[i] = v;
    }
  } else throw new ParameterError(where, variable, value, 'a number, an array of numbers or a distribution');
}

/**
 * Every element of a state array given for the whole population is finite (and fits float32 where the state is
 * float32): a described network checks them all, where each rank of a built one checks its own part.
 */
export function checkStateArray(where: string, variable: string, value: ArrayLike<number>, f32: boolean): void {
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (!Number.isFinite(v)) throw new ParameterError(where, `${variable}[${i}]`, v, 'a finite number');
    if (f32 && !fitsFloat32(v)) throw new ParameterError(where, `${variable}[${i}]`, v, `${FLOAT32_RANGE}: the population's integrator keeps ${variable} in float32`);
  }
}

/** A weight or delay of a projection: one value for every synapse, or one per edge. */
export interface EdgeValue {
  /** The value of every synapse (already converted), when the spec is a scalar. */
  readonly hom: number | null;
  /** The value of an edge from its local target and its index in NEST's array layout, otherwise. */
  readonly perEdge: ((localTarget: number, index: number) => number) | null;
}

export interface EdgeValueContext {
  readonly where: string;
  readonly random: RandomStreams;
  /** Stream purpose of drawn values ('weight/<projection>', 'delay/<projection>'). */
  readonly purpose: string;
  readonly post: PopulationHandle;
  /** What a spec that is none of the three should be, for the error. */
  readonly allowed: string;
  /**
   * Checks a value and turns it into what the table stores (a delay in steps). `element` names an array
   * element ('weight[3]'); null for a scalar or a drawn value.
   */
  convert(value: number, element: string | null): number;
  /** Throws unless an array of this length fits the connection rule's layout. */
  checkArray(a: ArrayLike<number>): void;
}

export function resolveEdgeValue(name: string, spec: ValueSpec, ctx: EdgeValueContext): EdgeValue {
  const { where, post } = ctx;
  if (typeof spec === 'number') return { hom: ctx.convert(spec, null), perEdge: null };
  if (isDistribution(spec)) {
    const draw = makeSampler(where, name, spec);
    const bank = ctx.random.bank(ctx.purpose, post.firstGid + post.localStart, post.localCount);
    return { hom: null, perEdge: (t) => ctx.convert(draw(bank.state, t), null) };
  }
  if (isNumberArray(spec)) {
    ctx.checkArray(spec);
    const values = new Float64Array(spec.length);
    for (let i = 0; i < spec.length; i++) values[i] = ctx.convert(spec[i], `${name}[${i}]`);
    return { hom: null, perEdge: (_t, index) => values[index] };
  }
  throw new ParameterError(where, name, formatValue(spec), ctx.allowed);
}
