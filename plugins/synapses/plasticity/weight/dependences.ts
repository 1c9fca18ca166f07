import { ParameterError } from '../../../../core/errors.js';
import type { ParamSchema, Params } from '../../../../core/schema.js';
import { FixedPower } from './power.js';

/**
 * The weight half of an STDP mechanism (PyNN's STDPWeightDependence): how a potentiation or depression
 * of amplitude A with trace value K changes the weight w. The timing half supplies A and K separately
 * (not their product) so that every NEST rule's arithmetic is kept operation for operation: a composed
 * stdp_synapse computes the same bits as NEST's formula, which a premultiplied A·K would not.
 *
 * As in NEST, potentiation clips only at w_max and depression only at w_min: a weight that starts
 * outside [w_min, w_max] is brought in by its first update towards that bound.
 */
export interface WeightRule {
  potentiate(w: number, A: number, K: number): number;
  depress(w: number, A: number, K: number): number;
  /** potentiate(w, A, 0) without its cost, where that is cheaper (a power of w); the same bits. */
  unpaired?(w: number): number;
}

export interface WeightDependence {
  readonly name: string;
  readonly params: ParamSchema;
  /** `relative`: the timing rule's amplitudes are fractions of w_max - w_min (PyNN), else weight units. */
  build(p: Params, relative: boolean, where: string): WeightRule;
}

const bounds: ParamSchema = {
  w_min: { unit: 'pA', default: 0, min: 0, doc: 'minimum weight (same unit as the weight)' },
  w_max: { unit: 'pA', default: 1, min: 0, exclusiveMin: true, allowInfinity: true, doc: 'maximum weight (same unit as the weight)' },
};

function checkBounds(p: Params, where: string): void {
  if (!(p.w_max > p.w_min)) throw new ParameterError(where, 'w_max', p.w_max, `a maximum weight > w_min (${p.w_min})`);
}

/** x^mu with the exponents users pick most (0, 1) spared a pow: exp(mu ln x) is NEST-equal to a few 1e-16 and twice as fast. */
function powMu(x: number, mu: number): number {
  return mu === 1 ? x : mu === 0 ? 1 : Math.exp(mu * Math.log(x));
}

/** PyNN's AdditiveWeightDependence: w ± (w_max − w_min)·A·K for relative amplitudes, w ± A·K in weight units. */
class Additive implements WeightRule {
  constructor(readonly wmin: number, readonly wmax: number, readonly scale: number) {}
  potentiate(w: number, A: number, K: number): number {
    // scale is exactly 1 for amplitudes in weight units: A*K*1 has the bits of A*K.
    const nw = w + A * K * this.scale;
    return nw < this.wmax ? nw : this.wmax;
  }
  depress(w: number, A: number, K: number): number {
    const nw = w - A * K * this.scale;
    return nw > this.wmin ? nw : this.wmin;
  }
}

export function additive(): WeightDependence {
  return {
    name: 'additive',
    params: bounds,
    build(p, relative, where) {
      checkBounds(p, where);
      if (relative && !Number.isFinite(p.w_max)) throw new ParameterError(where, 'w_max', p.w_max, 'a finite w_max: relative amplitudes are fractions of w_max - w_min');
      return new Additive(p.w_min, p.w_max, relative ? p.w_max - p.w_min : 1);
    },
  };
}

/** PyNN's MultiplicativeWeightDependence: w + (w_max − w)·A·K, w − (w − w_min)·A·K (soft bounds). */
class Multiplicative implements WeightRule {
  constructor(readonly wmin: number, readonly wmax: number) {}
  potentiate(w: number, A: number, K: number): number {
    const nw = w + (this.wmax - w) * A * K;
    return nw < this.wmax ? nw : this.wmax;
  }
  depress(w: number, A: number, K: number): number {
    const nw = w - (w - this.wmin) * A * K;
    return nw > this.wmin ? nw : this.wmin;
  }
}

export function multiplicative(): WeightDependence {
  return {
    name: 'multiplicative',
    params: bounds,
    build(p, _relative, where) {
      checkBounds(p, where);
      if (!Number.isFinite(p.w_max)) throw new ParameterError(where, 'w_max', p.w_max, 'a finite maximum weight (potentiation is proportional to w_max - w)');
      return new Multiplicative(p.w_min, p.w_max);
    },
  };
}

/**
 * Gütig et al. (2003), in NEST's stdp_synapse form on x = (w − w_min)/(w_max − w_min):
 *   x ← min(x + A (1 − x)^mu_plus K, 1),  x ← max(x − A x^mu_minus K, 0),  w = w_min + x (w_max − w_min).
 * mu = 0 is additive with hard bounds, mu = 1 multiplicative. With w_min = 0 these are NEST's bits.
 */
class Gutig implements WeightRule {
  readonly range: number;
  constructor(readonly wmin: number, readonly wmax: number, readonly muPlus: number, readonly muMinus: number) {
    this.range = wmax - wmin;
  }
  potentiate(w: number, A: number, K: number): number {
    const x = (w - this.wmin) / this.range;
    const nx = x + A * powMu(1 - x, this.muPlus) * K;
    return nx < 1 ? this.wmin + nx * this.range : this.wmax;
  }
  /** potentiate(w, A, 0): x whenever the power is finite; when it is NaN (x > 1, fractional mu) both give w_max. */
  unpaired(w: number): number {
    const x = (w - this.wmin) / this.range;
    return x < 1 ? this.wmin + x * this.range : this.wmax;
  }
  depress(w: number, A: number, K: number): number {
    const x = (w - this.wmin) / this.range;
    const nx = x - A * powMu(x, this.muMinus) * K;
    return nx > 0 ? this.wmin + nx * this.range : this.wmin;
  }
}

export function gutig(): WeightDependence {
  return {
    name: 'gutig',
    params: {
      ...bounds,
      mu_plus: { unit: '', default: 0.5, min: 0, doc: 'weight dependence exponent of potentiation (0 additive, 1 multiplicative)' },
      mu_minus: { unit: '', default: 0.5, min: 0, doc: 'weight dependence exponent of depression (0 additive, 1 multiplicative)' },
    },
    build(p, _relative, where) {
      checkBounds(p, where);
      if (!Number.isFinite(p.w_max)) throw new ParameterError(where, 'w_max', p.w_max, 'a finite maximum weight (the rule works on w / w_max)');
      return new Gutig(p.w_min, p.w_max, p.mu_plus, p.mu_minus);
    },
  };
}

/**
 * NEST's stdp_pl_synapse_hom (Morrison et al. 2007): w + A w^mu K, w − A w K; no upper bound by default.
 * w^mu from the same tables as the built-in rule (weight/power.ts), so that the two compute the same bits.
 */
class PowerLaw implements WeightRule {
  private readonly power: FixedPower;
  constructor(readonly wmin: number, readonly wmax: number, readonly mu: number) {
    this.power = new FixedPower(mu);
  }
  potentiate(w: number, A: number, K: number): number {
    const wmu = this.mu === 0 ? 1 : this.power.of(w);
    const nw = w + A * wmu * K;
    // Written so that NaN passes through as in NEST's unclipped formula.
    return nw > this.wmax ? this.wmax : nw;
  }
  /** potentiate(w, A, 0) = w for every finite w >= 0 (w^mu is finite): no pow needed. */
  unpaired(w: number): number {
    return w > this.wmax ? this.wmax : w;
  }
  depress(w: number, A: number, K: number): number {
    const nw = w - A * w * K;
    return nw > this.wmin ? nw : this.wmin;
  }
}

export function powerLaw(): WeightDependence {
  return {
    name: 'powerLaw',
    params: {
      w_min: bounds.w_min,
      w_max: { ...bounds.w_max, default: Infinity, doc: 'maximum weight; NEST stdp_pl_synapse_hom has none (Infinity)' },
      mu: { unit: '', default: 0.4, min: 0, doc: 'exponent of the potentiation: A w^mu K' },
    },
    build(p, _relative, where) {
      checkBounds(p, where);
      return new PowerLaw(p.w_min, p.w_max, p.mu);
    },
  };
}
