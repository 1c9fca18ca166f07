import { SpikeworksError } from '../errors.js';
import type { Expr } from './parser.js';
import { num, type Node } from './ir.js';
import {
  DIMENSIONLESS, UnitError, divUnits, formatUnit, isDimensionless, mulUnits, powUnit, sameDimension, symbolUnit, type Unit,
} from './units.js';

/** A name an expression can read, with its unit and its lowered form. */
export interface Binding {
  readonly node: Node;
  readonly unit: Unit;
}

/** What names mean in a model: state slots, parameters, subexpressions, `I_stim`, constants, unit symbols. */
export type Scope = (name: string) => Binding | undefined;

export class ModelError extends SpikeworksError {
  override name = 'ModelError';
}

interface Typed {
  node: Node;
  unit: Unit;
}

/** Express `n` (in unit scale 10^from) in scale 10^to: an exact multiplication or division by a power of ten. */
export function rescale(n: Node, from: number, to: number, src?: string): Node {
  const k = from - to;
  if (k === 0) return n;
  if (Number.isInteger(k)) return k > 0 ? { t: 'bin', op: '*', a: n, b: num(10 ** k), src } : { t: 'bin', op: '/', a: n, b: num(10 ** -k), src };
  return { t: 'bin', op: '*', a: n, b: num(Math.pow(10, k)), src };
}

function mismatch(e: Expr, got: Unit, want: Unit, ref?: Expr): never {
  throw new UnitError(`term '${e.src}' has unit ${formatUnit(got)}, expected ${formatUnit(want)}${ref ? ` (the unit of '${ref.src}')` : ''}`);
}

/** A dimensionless value as a pure number (ms/s is dimensionless but scaled by 10^-3). */
function pure(t: Typed, e: Expr, what: string): Node {
  if (!isDimensionless(t.unit)) throw new UnitError(`${what}: argument '${e.src}' has unit ${formatUnit(t.unit)}, expected a dimensionless value`);
  return rescale(t.node, t.unit.exp, 0, e.src);
}

/** The unit of an expression and its lowered form, or a UnitError naming the first inconsistent term. */
export function infer(e: Expr, scope: Scope): Typed {
  switch (e.type) {
    case 'num': return { node: num(e.value), unit: DIMENSIONLESS };
    case 'name': {
      const b = scope(e.name);
      if (b) return { node: b.node, unit: b.unit };
      const u = symbolUnit(e.name);
      // A unit symbol not shadowed by a model name is the quantity 1 of that unit: '10*mV'.
      if (u) return { node: num(1), unit: u };
      throw new ModelError(`unknown name '${e.name}' (not a parameter, state variable, subexpression, I_stim or unit)`);
    }
    case 'neg': {
      const a = infer(e.arg, scope);
      return { node: { t: 'neg', a: a.node, src: e.src }, unit: a.unit };
    }
    case 'bin': {
      if (e.op === '+' || e.op === '-') {
        const a = infer(e.a, scope);
        return { node: { t: 'bin', op: e.op, a: a.node, b: expect(e.b, a.unit, scope, e.a), src: e.src }, unit: a.unit };
      }
      if (e.op === '^') return power(e, e.a, e.b, scope);
      const a = infer(e.a, scope), b = infer(e.b, scope);
      return { node: { t: 'bin', op: e.op, a: a.node, b: b.node, src: e.src }, unit: e.op === '*' ? mulUnits(a.unit, b.unit) : divUnits(a.unit, b.unit) };
    }
    case 'call': {
      const what = `${e.fn}()`;
      if (e.fn === 'min' || e.fn === 'max') {
        const a = infer(e.args[0], scope);
        return { node: { t: 'call', fn: e.fn, args: [a.node, expect(e.args[1], a.unit, scope, e.args[0])], src: e.src }, unit: a.unit };
      }
      if (e.fn === 'pow') return power(e, e.args[0], e.args[1], scope);
      if (e.fn === 'prev') {
        const arg = e.args[0];
        // The scope of a threshold answers 'prev(X)' for a state variable X; other scopes do not.
        const b = arg.type === 'name' ? scope(`prev(${arg.name})`) : undefined;
        if (!b) throw new ModelError(`'${e.src}': prev() takes a state variable and is allowed in a threshold only`);
        return { node: b.node, unit: b.unit };
      }
      const a = infer(e.args[0], scope);
      if (e.fn === 'abs') return { node: { t: 'call', fn: 'abs', args: [a.node], src: e.src }, unit: a.unit };
      if (e.fn === 'sqrt') return { node: { t: 'call', fn: 'sqrt', args: [a.node], src: e.src }, unit: powUnit(a.unit, 0.5) };
      return { node: { t: 'call', fn: e.fn, args: [pure(a, e.args[0], what)], src: e.src }, unit: DIMENSIONLESS };
    }
    case 'cmp': {
      const a = infer(e.a, scope);
      return { node: { t: 'cmp', op: e.op, a: a.node, b: expect(e.b, a.unit, scope, e.a) }, unit: DIMENSIONLESS };
    }
    case 'and': {
      // Comparisons are 0/1 (closures) or booleans (generated JS): their product is the conjunction, with
      // no new node kind for the back ends to learn.
      for (const x of [e.a, e.b]) if (x.type !== 'cmp' && x.type !== 'and') throw new ModelError(`'${e.src}': 'and' joins comparisons, not '${x.src}'`);
      const a = infer(e.a, scope), b = infer(e.b, scope);
      return { node: { t: 'bin', op: '*', a: a.node, b: b.node, src: e.src }, unit: DIMENSIONLESS };
    }
  }
}

/** x^p: a dimensioned base needs a constant exponent (a number); x^2 becomes x*x, exactly what pow gives. */
function power(e: Expr, base: Expr, ex: Expr, scope: Scope): Typed {
  const a = infer(base, scope);
  const b = infer(ex, scope);
  const p = pure(b, ex, `exponent of '${e.src}'`);
  if (isDimensionless(a.unit)) {
    const x = rescale(a.node, a.unit.exp, 0, base.src);
    if (p.t === 'num' && p.v === 2) return { node: { t: 'bin', op: '*', a: x, b: x, src: e.src }, unit: DIMENSIONLESS };
    return { node: { t: 'call', fn: 'pow', args: [x, p], src: e.src }, unit: DIMENSIONLESS };
  }
  const c = constantValue(ex);
  if (c === undefined) throw new UnitError(`term '${e.src}': the exponent of a quantity with unit ${formatUnit(a.unit)} must be a number`);
  const node: Node = c === 2 ? { t: 'bin', op: '*', a: a.node, b: a.node, src: e.src } : { t: 'call', fn: 'pow', args: [a.node, num(c)], src: e.src };
  return { node, unit: powUnit(a.unit, c) };
}

function constantValue(e: Expr): number | undefined {
  if (e.type === 'num') return e.value;
  if (e.type === 'neg') {
    const v = constantValue(e.arg);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

function tryInfer(e: Expr, scope: Scope): Typed | undefined {
  try {
    return infer(e, scope);
  } catch (err) {
    if (err instanceof UnitError) return undefined;
    throw err;
  }
}

/**
 * Lower `e` expecting unit `want`, converted to want's scale. The expectation is carried into sums and
 * through factors whose unit is known, so that an error names the innermost offending term and the
 * unit it should have had there (`term 'w * tau_m' has unit pA·ms, expected pA`).
 */
export function expect(e: Expr, want: Unit, scope: Scope, ref?: Expr): Node {
  // A literal zero is zero in any unit ('V_m = 0', 'x > 0').
  if (e.type === 'num' && e.value === 0) return num(0);
  if (e.type === 'bin' && (e.op === '+' || e.op === '-')) {
    return { t: 'bin', op: e.op, a: expect(e.a, want, scope, ref), b: expect(e.b, want, scope, ref), src: e.src };
  }
  if (e.type === 'neg') return { t: 'neg', a: expect(e.arg, want, scope, ref), src: e.src };
  if (e.type === 'bin' && (e.op === '*' || e.op === '/')) {
    const a = tryInfer(e.a, scope), b = tryInfer(e.b, scope);
    if (a && !b) {
      const inner = e.op === '*' ? divUnits(want, a.unit) : divUnits(a.unit, want);
      // The inner unit carries the outer scale, so the product lands in want's scale without a conversion.
      return { t: 'bin', op: e.op, a: a.node, b: expect(e.b, inner, scope), src: e.src };
    }
    if (b && !a) {
      const inner = e.op === '*' ? divUnits(want, b.unit) : mulUnits(want, b.unit);
      return { t: 'bin', op: e.op, a: expect(e.a, inner, scope), b: b.node, src: e.src };
    }
  }
  const t = infer(e, scope);
  if (!sameDimension(t.unit, want)) mismatch(e, t.unit, want, ref);
  return rescale(t.node, t.unit.exp, want.exp, e.src);
}

/** Lower an expression that must have unit `want`, prefixing errors with `where`. */
export function lowerAs(e: Expr, want: Unit, scope: Scope, where: string): Node {
  try {
    return expect(e, want, scope);
  } catch (err) {
    if (err instanceof UnitError || err instanceof ModelError) {
      const E = err instanceof UnitError ? UnitError : ModelError;
      throw new E(`${where}: ${err.message}`);
    }
    throw err;
  }
}
