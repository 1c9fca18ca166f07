import { ParameterError } from './errors.js';
import { nextUniform } from './rng.js';

/**
 * Values of weights, delays or initial states: a scalar, an explicit array, or a distribution in NEST's
 * `nest.random` vocabulary (normal, lognormal, uniform, exponential) with optional clipping.
 */
export type DistributionSpec =
  | { distribution: 'normal'; mean?: number; std: number; min?: number; max?: number }
  | { distribution: 'lognormal'; mean?: number; std: number; min?: number; max?: number }
  | { distribution: 'uniform'; min: number; max: number }
  | { distribution: 'exponential'; beta: number; min?: number; max?: number }
  | { distribution: 'uniform_int'; max: number };

export type ValueSpec = number | ArrayLike<number> | DistributionSpec;

export function isDistribution(v: unknown): v is DistributionSpec {
  return typeof v === 'object' && v !== null && 'distribution' in v;
}

/** Draw from a stream at `slot` of a stream bank. */
export type Sampler = (state: Uint32Array, slot: number) => number;

function normal01(s: Uint32Array, slot: number): number {
  // Box–Muller without a cached spare: each draw is a pure function of the stream, which keeps per-entity
  // streams independent of how many draws other entities made.
  const u = nextUniform(s, slot);
  const v = nextUniform(s, slot);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function clipped(where: string, name: string, draw: Sampler, min: number | undefined, max: number | undefined): Sampler {
  if (min === undefined && max === undefined) return draw;
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (!(lo < hi)) throw new ParameterError(where, `${name}.min`, min, `less than ${name}.max (${max})`);
  // Redraw outside the bounds, as NEST's *_clipped distributions do.
  return (s, slot) => {
    for (let i = 0; i < 1_000_000; i++) {
      const x = draw(s, slot);
      if (x >= lo && x <= hi) return x;
    }
    throw new ParameterError(where, name, { min, max }, 'bounds that hold a reasonable part of the distribution');
  };
}

function finite(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ParameterError(where, name, v, 'a finite number');
  return v;
}

export function makeSampler(where: string, name: string, spec: DistributionSpec): Sampler {
  switch (spec.distribution) {
    case 'normal': {
      const mean = finite(where, `${name}.mean`, spec.mean ?? 0);
      const std = finite(where, `${name}.std`, spec.std);
      if (std < 0) throw new ParameterError(where, `${name}.std`, std, 'a number >= 0');
      return clipped(where, name, (s, i) => mean + std * normal01(s, i), spec.min, spec.max);
    }
    case 'lognormal': {
      const mean = finite(where, `${name}.mean`, spec.mean ?? 0);
      const std = finite(where, `${name}.std`, spec.std);
      if (std < 0) throw new ParameterError(where, `${name}.std`, std, 'a number >= 0');
      // NEST's lognormal(mean, std) are the parameters of the underlying normal.
      return clipped(where, name, (s, i) => Math.exp(mean + std * normal01(s, i)), spec.min, spec.max);
    }
    case 'uniform': {
      const lo = finite(where, `${name}.min`, spec.min);
      const hi = finite(where, `${name}.max`, spec.max);
      if (!(lo < hi)) throw new ParameterError(where, `${name}.max`, hi, `greater than ${name}.min (${lo})`);
      return (s, i) => lo + (hi - lo) * nextUniform(s, i);
    }
    case 'exponential': {
      const beta = finite(where, `${name}.beta`, spec.beta);
      if (beta <= 0) throw new ParameterError(where, `${name}.beta`, beta, 'a number > 0 (the mean)');
      return clipped(where, name, (s, i) => -beta * Math.log(nextUniform(s, i)), spec.min, spec.max);
    }
    case 'uniform_int': {
      // NEST's uniform_int(max): an integer in [0, max).
      const max = finite(where, `${name}.max`, spec.max);
      if (!Number.isInteger(max) || max < 1) throw new ParameterError(where, `${name}.max`, max, 'an integer >= 1');
      return (s, i) => Math.floor(nextUniform(s, i) * max);
    }
    default:
      throw new ParameterError(where, `${name}.distribution`, (spec as { distribution: unknown }).distribution, 'normal, lognormal, uniform, uniform_int or exponential');
  }
}
