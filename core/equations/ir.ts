/**
 * The lowered form of an expression, after unit analysis: names resolved to state slots, parameters and
 * the current input, unit conversions made explicit. Both back ends read this one tree — the JS source
 * emitter and the closure evaluator — and follow its shape exactly (full parentheses, no reassociation),
 * so the generated kernel and the fallback perform the same operations in the same order.
 */
export type Node =
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'state'; readonly i: number; readonly src?: string }
  | { readonly t: 'stim' }
  | { readonly t: 'param'; readonly name: string }
  | { readonly t: 'neg'; readonly a: Node; readonly src?: string }
  | { readonly t: 'bin'; readonly op: '+' | '-' | '*' | '/'; readonly a: Node; readonly b: Node; readonly src?: string }
  | { readonly t: 'call'; readonly fn: string; readonly args: readonly Node[]; readonly src?: string }
  | { readonly t: 'cmp'; readonly op: '<' | '<=' | '>' | '>=' | '==' | '!='; readonly a: Node; readonly b: Node };

export const num = (v: number): Node => ({ t: 'num', v });

const FN: Record<string, (...x: number[]) => number> = {
  exp: Math.exp, log: Math.log, sqrt: Math.sqrt, abs: Math.abs, tanh: Math.tanh, sin: Math.sin, cos: Math.cos,
  min: Math.min, max: Math.max, pow: Math.pow,
};

/** Whether a tree reads the state or the current input (else it is a constant once parameters are known). */
export function dependsOnState(n: Node): boolean {
  switch (n.t) {
    case 'state': case 'stim': return true;
    case 'num': case 'param': return false;
    case 'neg': return dependsOnState(n.a);
    case 'bin': case 'cmp': return dependsOnState(n.a) || dependsOnState(n.b);
    case 'call': return n.args.some(dependsOnState);
  }
}

function evalOp(op: string, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    default: return a / b;
  }
}

/**
 * Substitute the parameters' values and evaluate every subtree that reads no state. Folding a subtree
 * computes exactly what evaluating it at run time would (same operations, same order), so it changes
 * no result, only the work per step.
 */
export function bind(n: Node, p: Readonly<Record<string, number>>): Node {
  switch (n.t) {
    case 'num': case 'state': case 'stim': return n;
    case 'param': return num(p[n.name]);
    case 'neg': {
      const a = bind(n.a, p);
      return a.t === 'num' ? num(-a.v) : { ...n, a };
    }
    case 'bin': {
      const a = bind(n.a, p), b = bind(n.b, p);
      if (a.t === 'num' && b.t === 'num') return num(evalOp(n.op, a.v, b.v));
      // Identities exact for every double (-0 and NaN included): x - 0, x + (-0), x * 1, x / 1, 1 * x.
      // (x + 0 is not one: -0 + 0 is +0.)
      if (b.t === 'num' && ((n.op === '-' && Object.is(b.v, 0)) || (n.op === '+' && Object.is(b.v, -0)) || ((n.op === '*' || n.op === '/') && b.v === 1))) return a;
      if (a.t === 'num' && n.op === '*' && a.v === 1) return b;
      return { ...n, a, b };
    }
    case 'call': {
      const args = n.args.map((x) => bind(x, p));
      return args.every((x) => x.t === 'num') ? num(FN[n.fn](...args.map((x) => (x as { v: number }).v))) : { ...n, args };
    }
    case 'cmp': return { ...n, a: bind(n.a, p), b: bind(n.b, p) };
  }
}

/** A constant tree's value (parameters from `p`). */
export function evaluateConstant(n: Node, p: Readonly<Record<string, number>>): number {
  const b = bind(n, p);
  if (b.t !== 'num') throw new Error('evaluateConstant: the expression reads the state');
  return b.v;
}

/** A number as JS source that reads back as the same double (String() round-trips). */
export function literal(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  if (Object.is(v, -0)) return '(-0)';
  return v < 0 ? `(${String(v)})` : String(v);
}

/** JS source of a bound tree; `vars[i]` names state slot i, `stim` the current input. */
export function emit(n: Node, vars: readonly string[], stim: string): string {
  switch (n.t) {
    case 'num': return literal(n.v);
    case 'state': return vars[n.i];
    case 'stim': return stim;
    case 'param': throw new Error(`emit: unbound parameter ${n.name}`);
    case 'neg': return `(-${emit(n.a, vars, stim)})`;
    case 'bin': return `(${emit(n.a, vars, stim)} ${n.op} ${emit(n.b, vars, stim)})`;
    case 'call': return `Math.${n.fn}(${n.args.map((x) => emit(x, vars, stim)).join(', ')})`;
    case 'cmp': return `(${emit(n.a, vars, stim)} ${n.op === '==' ? '===' : n.op === '!=' ? '!==' : n.op} ${emit(n.b, vars, stim)})`;
  }
}

/** The closure evaluator of a bound tree over `env` (state slots, then the current input at `stimSlot`). */
export type Closure = (env: Float64Array) => number;

export function closure(n: Node, stimSlot: number): Closure {
  switch (n.t) {
    case 'num': { const v = n.v; return () => v; }
    case 'state': { const i = n.i; return (e) => e[i]; }
    case 'stim': return (e) => e[stimSlot];
    case 'param': throw new Error(`closure: unbound parameter ${n.name}`);
    case 'neg': { const a = closure(n.a, stimSlot); return (e) => -a(e); }
    case 'bin': {
      const leaf = binaryLeaf(n.op, n.a, n.b, stimSlot);
      if (leaf) return leaf;
      const a = closure(n.a, stimSlot), b = closure(n.b, stimSlot);
      switch (n.op) {
        case '+': return (e) => a(e) + b(e);
        case '-': return (e) => a(e) - b(e);
        case '*': return (e) => a(e) * b(e);
        default: return (e) => a(e) / b(e);
      }
    }
    case 'call': {
      const f = FN[n.fn];
      if (n.args.length === 1) { const a = closure(n.args[0], stimSlot); return (e) => f(a(e)); }
      const a = closure(n.args[0], stimSlot), b = closure(n.args[1], stimSlot);
      return (e) => f(a(e), b(e));
    }
    case 'cmp': {
      const a = closure(n.a, stimSlot), b = closure(n.b, stimSlot);
      switch (n.op) {
        case '<': return (e) => +(a(e) < b(e));
        case '<=': return (e) => +(a(e) <= b(e));
        case '>': return (e) => +(a(e) > b(e));
        case '>=': return (e) => +(a(e) >= b(e));
        case '==': return (e) => +(a(e) === b(e));
        default: return (e) => +(a(e) !== b(e));
      }
    }
  }
}

/** Slot of a leaf read from the env (a state or the current input), or -1. */
const slotOf = (n: Node, stimSlot: number) => (n.t === 'state' ? n.i : n.t === 'stim' ? stimSlot : -1);

/**
 * Closures for a binary node whose operands are a number or an env slot: one call instead of three, the
 * same operation on the same operands (the fallback's speed is mostly call overhead).
 */
function binaryLeaf(op: '+' | '-' | '*' | '/', a: Node, b: Node, stimSlot: number): Closure | undefined {
  const i = slotOf(a, stimSlot), j = slotOf(b, stimSlot);
  if (i >= 0 && b.t === 'num') {
    const v = b.v;
    switch (op) {
      case '+': return (e) => e[i] + v;
      case '-': return (e) => e[i] - v;
      case '*': return (e) => e[i] * v;
      default: return (e) => e[i] / v;
    }
  }
  if (a.t === 'num' && j >= 0) {
    const v = a.v;
    switch (op) {
      case '+': return (e) => v + e[j];
      case '-': return (e) => v - e[j];
      case '*': return (e) => v * e[j];
      default: return (e) => v / e[j];
    }
  }
  if (i >= 0 && j >= 0) {
    switch (op) {
      case '+': return (e) => e[i] + e[j];
      case '-': return (e) => e[i] - e[j];
      case '*': return (e) => e[i] * e[j];
      default: return (e) => e[i] / e[j];
    }
  }
  if (b.t === 'num') {
    const f = closure(a, stimSlot), v = b.v;
    switch (op) {
      case '+': return (e) => f(e) + v;
      case '-': return (e) => f(e) - v;
      case '*': return (e) => f(e) * v;
      default: return (e) => f(e) / v;
    }
  }
  if (a.t === 'num') {
    const f = closure(b, stimSlot), v = a.v;
    switch (op) {
      case '+': return (e) => v + f(e);
      case '-': return (e) => v - f(e);
      case '*': return (e) => v * f(e);
      default: return (e) => v / f(e);
    }
  }
  return undefined;
}

/**
 * A derivative as an affine function of the state and the current input, Σ c_j y_j + c_stim I + c_0,
 * with coefficients made of parameters only; or the first term that makes it nonlinear.
 */
export type Affine = { coef: (Node | null)[]; c0: Node | null } | { nonlinear: string };

export function affine(n: Node, k: number): Affine {
  const zero = (): (Node | null)[] => new Array(k + 1).fill(null);
  const add = (x: Node | null, y: Node | null, op: '+' | '-'): Node | null =>
    x === null ? (y === null ? null : op === '+' ? y : { t: 'neg', a: y }) : y === null ? x : { t: 'bin', op, a: x, b: y };
  const scale = (x: Node | null, c: Node, op: '*' | '/', left: boolean): Node | null =>
    x === null ? null : left ? { t: 'bin', op, a: c, b: x } : { t: 'bin', op, a: x, b: c };
  const nonlin = (m: Node): Affine => ({ nonlinear: 'src' in m && m.src ? m.src : 'a nonlinear term' });
  if (!dependsOnState(n)) return { coef: zero(), c0: n };
  switch (n.t) {
    case 'state': { const c = zero(); c[n.i] = num(1); return { coef: c, c0: null }; }
    case 'stim': { const c = zero(); c[k] = num(1); return { coef: c, c0: null }; }
    case 'neg': {
      const a = affine(n.a, k);
      if ('nonlinear' in a) return a;
      return { coef: a.coef.map((x) => (x === null ? null : { t: 'neg', a: x })), c0: a.c0 === null ? null : { t: 'neg', a: a.c0 } };
    }
    case 'bin': {
      if (n.op === '+' || n.op === '-') {
        const a = affine(n.a, k), b = affine(n.b, k);
        if ('nonlinear' in a) return a;
        if ('nonlinear' in b) return b;
        return { coef: a.coef.map((x, j) => add(x, b.coef[j], n.op as '+' | '-')), c0: add(a.c0, b.c0, n.op) };
      }
      const aDep = dependsOnState(n.a), bDep = dependsOnState(n.b);
      if (aDep && bDep) return nonlin(n);
      if (n.op === '/' && bDep) return nonlin(n);
      const lin = affine(aDep ? n.a : n.b, k);
      if ('nonlinear' in lin) return lin;
      const c = aDep ? n.b : n.a;
      return { coef: lin.coef.map((x) => scale(x, c, n.op as '*' | '/', !aDep)), c0: scale(lin.c0, c, n.op, !aDep) };
    }
    default: return nonlin(n);
  }
}
