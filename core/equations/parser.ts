import { SpikeworksError } from '../errors.js';

/**
 * Expressions of model equations (Brian2's syntax, the subset a point neuron needs): numbers, names,
 * + - * / ^ (or **), unary minus, parentheses, calls of a few functions, and comparisons for thresholds.
 * Every node keeps the source text it was parsed from, so that errors can quote the term they are about.
 */
export type Expr =
  | { readonly type: 'num'; readonly value: number; readonly src: string }
  | { readonly type: 'name'; readonly name: string; readonly src: string }
  | { readonly type: 'neg'; readonly arg: Expr; readonly src: string }
  | { readonly type: 'bin'; readonly op: '+' | '-' | '*' | '/' | '^'; readonly a: Expr; readonly b: Expr; readonly src: string }
  | { readonly type: 'call'; readonly fn: string; readonly args: readonly Expr[]; readonly src: string }
  | { readonly type: 'cmp'; readonly op: CmpOp; readonly a: Expr; readonly b: Expr; readonly src: string }
  /** Conjunction of comparisons (thresholds only): Brian2's `and`. */
  | { readonly type: 'and'; readonly a: Expr; readonly b: Expr; readonly src: string };

export type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** Functions an expression may call, with their number of arguments. */
export const FUNCTIONS: Readonly<Record<string, number>> = {
  exp: 1, log: 1, sqrt: 1, abs: 1, tanh: 1, sin: 1, cos: 1, min: 2, max: 2, pow: 2,
};
/**
 * `prev(X)`: the state variable X at the start of the step, before integration. Not a function of values,
 * so apart from FUNCTIONS; the analysis allows it in thresholds only (NEST's HH models test `U_old > V_m`).
 */
const STATE_FUNCTIONS: Readonly<Record<string, number>> = { prev: 1 };
const arity = (fn: string): number | undefined =>
  Object.hasOwn(FUNCTIONS, fn) ? FUNCTIONS[fn] : Object.hasOwn(STATE_FUNCTIONS, fn) ? STATE_FUNCTIONS[fn] : undefined;

export class ParseError extends SpikeworksError {
  override name = 'ParseError';
}

interface Token {
  kind: 'num' | 'name' | 'op' | 'end';
  text: string;
  pos: number;
}

const OPS = ['**', '<=', '>=', '==', '!=', '+', '-', '*', '/', '^', '(', ')', ',', '<', '>'];

function tokenize(src: string, where: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ kind: 'num', text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_µ][A-Za-z0-9_µ]*/.exec(src.slice(i));
    if (name) {
      out.push({ kind: 'name', text: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ParseError(`${where}: unexpected character '${c}' at column ${i + 1}`);
    out.push({ kind: 'op', text: op, pos: i });
    i += op.length;
  }
  out.push({ kind: 'end', text: '', pos: src.length });
  return out;
}

/** Parse one expression; `where` prefixes every error (the equation it comes from). */
export function parseExpr(src: string, where = `expression '${src}'`): Expr {
  const toks = tokenize(src, where);
  let k = 0;
  const peek = () => toks[k];
  const text = (from: number, to: number) => src.slice(from, to).trim();
  const fail = (t: Token, what: string): never => {
    throw new ParseError(`${where}: ${what} at column ${t.pos + 1}${t.kind === 'end' ? ' (end of expression)' : ` ('${t.text}')`}`);
  };
  const expect = (op: string) => {
    if (peek().kind !== 'op' || peek().text !== op) fail(peek(), `expected '${op}'`);
    k++;
  };
  // Precedence climbing: and < comparison < additive < multiplicative < unary minus < power (right-assoc).
  function conjunction(): Expr {
    const start = peek().pos;
    let a = comparison();
    while (peek().kind === 'name' && peek().text === 'and') {
      k++;
      const b = comparison();
      a = { type: 'and', a, b, src: text(start, peek().pos) };
    }
    return a;
  }
  function comparison(): Expr {
    const start = peek().pos;
    const a = additive();
    const t = peek();
    if (t.kind === 'op' && ['<', '<=', '>', '>=', '==', '!='].includes(t.text)) {
      k++;
      const b = additive();
      return { type: 'cmp', op: t.text as CmpOp, a, b, src: text(start, peek().pos) };
    }
    return a;
  }
  function additive(): Expr {
    const start = peek().pos;
    let a = multiplicative();
    for (;;) {
      const t = peek();
      if (t.kind !== 'op' || (t.text !== '+' && t.text !== '-')) return a;
      k++;
      const b = multiplicative();
      a = { type: 'bin', op: t.text, a, b, src: text(start, peek().pos) };
    }
  }
  function multiplicative(): Expr {
    const start = peek().pos;
    let a = unary();
    for (;;) {
      const t = peek();
      if (t.kind !== 'op' || (t.text !== '*' && t.text !== '/')) return a;
      k++;
      const b = unary();
      a = { type: 'bin', op: t.text, a, b, src: text(start, peek().pos) };
    }
  }
  function unary(): Expr {
    const t = peek();
    if (t.kind === 'op' && t.text === '-') {
      k++;
      const arg = unary();
      return { type: 'neg', arg, src: text(t.pos, peek().pos) };
    }
    if (t.kind === 'op' && t.text === '+') {
      k++;
      return unary();
    }
    return power();
  }
  function power(): Expr {
    const start = peek().pos;
    const a = atom();
    const t = peek();
    if (t.kind === 'op' && (t.text === '^' || t.text === '**')) {
      k++;
      // -x^2 is -(x^2), and 2^-1 is allowed: the exponent is a unary expression.
      const b = unary();
      return { type: 'bin', op: '^', a, b, src: text(start, peek().pos) };
    }
    return a;
  }
  function atom(): Expr {
    const t = peek();
    if (t.kind === 'num') {
      k++;
      return { type: 'num', value: Number(t.text), src: t.text };
    }
    if (t.kind === 'name') {
      k++;
      if (peek().kind === 'op' && peek().text === '(') {
        if (arity(t.text) === undefined) fail(t, `unknown function '${t.text}' (known: ${Object.keys(FUNCTIONS).join(', ')})`);
        k++;
        const args: Expr[] = [];
        if (!(peek().kind === 'op' && peek().text === ')')) {
          for (;;) {
            args.push(additive());
            if (peek().kind === 'op' && peek().text === ',') k++;
            else break;
          }
        }
        expect(')');
        if (args.length !== arity(t.text)) fail(t, `${t.text}() takes ${arity(t.text)} argument(s), ${args.length} given`);
        return { type: 'call', fn: t.text, args, src: text(t.pos, peek().pos) };
      }
      return { type: 'name', name: t.text, src: t.text };
    }
    if (t.kind === 'op' && t.text === '(') {
      k++;
      const e = additive();
      expect(')');
      return e;
    }
    return fail(t, t.kind === 'end' ? 'expression ends too early' : 'unexpected token');
  }
  const e = conjunction();
  if (peek().kind !== 'end') fail(peek(), 'unexpected token');
  return e;
}

/** One line of a model's `equations`: a differential equation, or a named subexpression (Brian2's `x = ... : unit`). */
export interface EquationLine {
  readonly kind: 'ode' | 'alias';
  readonly name: string;
  readonly rhs: Expr;
  readonly unit: string;
  readonly src: string;
}

export function parseEquation(src: string): EquationLine {
  const where = `equation '${src}'`;
  const m = /^\s*(?:d([A-Za-z_][A-Za-z0-9_]*)\s*\/\s*dt|([A-Za-z_][A-Za-z0-9_]*))\s*=(?!=)(.*?)(?::([^:]*))?$/.exec(src);
  if (!m) throw new ParseError(`${where}: expected 'dX/dt = expression : unit' or 'name = expression : unit'`);
  if (m[4] === undefined) throw new ParseError(`${where}: the unit is missing (end the line with ': unit', e.g. ': mV'; ': 1' for none)`);
  const rhs = parseExpr(m[3], where);
  return m[1] !== undefined
    ? { kind: 'ode', name: m[1], rhs, unit: m[4].trim(), src }
    : { kind: 'alias', name: m[2], rhs, unit: m[4].trim(), src };
}

/** One reset statement: `x = expr`, or `x += expr` (and -=, *=, /=) as Brian2 writes them. */
export interface Assignment {
  readonly target: string;
  readonly value: Expr;
  readonly src: string;
}

export function parseAssignment(src: string, what = 'reset'): Assignment {
  const where = `${what} '${src}'`;
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*([-+*/]?)=(?!=)(.*)$/.exec(src);
  if (!m) throw new ParseError(`${where}: expected 'variable = expression'`);
  const value = parseExpr(m[3], where);
  if (!m[2]) return { target: m[1], value, src };
  const name: Expr = { type: 'name', name: m[1], src: m[1] };
  return { target: m[1], value: { type: 'bin', op: m[2] as '+' | '-' | '*' | '/', a: name, b: value, src: `${m[1]} ${m[2]} ${value.src}` }, src };
}

/** Every name an expression reads. */
export function namesIn(e: Expr, out = new Set<string>()): Set<string> {
  switch (e.type) {
    case 'name': out.add(e.name); break;
    case 'neg': namesIn(e.arg, out); break;
    case 'bin': case 'cmp': case 'and': namesIn(e.a, out); namesIn(e.b, out); break;
    case 'call': for (const a of e.args) namesIn(a, out); break;
    default: break;
  }
  return out;
}
