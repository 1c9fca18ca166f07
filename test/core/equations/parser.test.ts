import { describe, it, expect } from 'vitest';
import { parseExpr, parseEquation, parseAssignment, ParseError } from '../../../core/equations/parser.js';
import { bind, closure, emit } from '../../../core/equations/ir.js';
import { infer } from '../../../core/equations/analyse.js';
import { DIMENSIONLESS } from '../../../core/equations/units.js';

/** Evaluate a constant expression through the analysis and both back ends. */
function value(src: string): { closure: number; code: number } {
  const t = infer(parseExpr(src), () => undefined);
  const b = bind(t.node, {});
  return { closure: closure(b, 0)(new Float64Array(1)), code: new Function(`return ${emit(b, [], 'stim')};`)() as number };
}

describe('expression parser', () => {
  it('follows the usual precedence: ^ binds tighter than unary minus, which binds tighter than * and +', () => {
    expect(value('1 + 2 * 3').closure).toBe(7);
    expect(value('-2^2').closure).toBe(-4);
    expect(value('2^-1').closure).toBe(0.5);
    expect(value('2**3**2').closure).toBe(512);
    expect(value('(1 + 2) * 3 / 4 - 1').closure).toBe(1.25);
    expect(value('8 / 4 / 2').closure).toBe(1);
    expect(value('1.5e3 + .5').closure).toBe(1500.5);
  });

  it('calls exp, log, sqrt, abs, min, max, pow, tanh, sin, cos with Math semantics in both back ends', () => {
    for (const [src, want] of [
      ['exp(1)', Math.E], ['log(10)', Math.log(10)], ['sqrt(2)', Math.SQRT2], ['abs(-3)', 3], ['min(2, -1)', -1],
      ['max(2, -1)', 2], ['pow(2, 0.5)', Math.SQRT2], ['tanh(0.3)', Math.tanh(0.3)], ['sin(1)', Math.sin(1)], ['cos(1)', Math.cos(1)],
    ] as const) {
      expect(value(src)).toEqual({ closure: want, code: want });
    }
  });

  it('parses comparisons for thresholds, and keeps the source text of every term', () => {
    const e = parseExpr('V_m >= V_th + 1');
    expect(e.type).toBe('cmp');
    if (e.type !== 'cmp' || e.b.type !== 'bin') throw new Error('shape');
    expect(e.b.src).toBe('V_th + 1');
    expect(infer(parseExpr('1 < 2'), () => undefined).unit).toEqual(DIMENSIONLESS);
  });

  it('refuses malformed expressions with the column and token', () => {
    expect(() => parseExpr('V_m $ 2')).toThrow(new ParseError("expression 'V_m $ 2': unexpected character '$' at column 5"));
    expect(() => parseExpr('foo(V_m)')).toThrow("expression 'foo(V_m)': unknown function 'foo' (known: exp, log, sqrt, abs, tanh, sin, cos, min, max, pow) at column 1 ('foo')");
    expect(() => parseExpr('min(V_m)')).toThrow("expression 'min(V_m)': min() takes 2 argument(s), 1 given at column 1 ('min')");
    expect(() => parseExpr('V_m +')).toThrow("expression 'V_m +': expression ends too early at column 6 (end of expression)");
    expect(() => parseExpr('(V_m + 1')).toThrow("expression '(V_m + 1': expected ')' at column 9 (end of expression)");
    expect(() => parseExpr('V_m V_th')).toThrow("expression 'V_m V_th': unexpected token at column 5 ('V_th')");
  });

  it('reads equation lines: differential equations and subexpressions, each with its unit', () => {
    const ode = parseEquation('dV_m/dt = -(V_m - E_L) / tau_m : mV');
    expect([ode.kind, ode.name, ode.unit]).toEqual(['ode', 'V_m', 'mV']);
    const alias = parseEquation('I_syn = I_ex + I_in : pA');
    expect([alias.kind, alias.name, alias.unit]).toEqual(['alias', 'I_syn', 'pA']);
    expect(() => parseEquation('dV/dt = -V / tau')).toThrow("equation 'dV/dt = -V / tau': the unit is missing (end the line with ': unit', e.g. ': mV'; ': 1' for none)");
    expect(() => parseEquation('V_m + 1')).toThrow("equation 'V_m + 1': expected 'dX/dt = expression : unit' or 'name = expression : unit'");
  });

  it('reads reset statements, with += and friends as Brian2 writes them', () => {
    const a = parseAssignment('w += b');
    expect(a.target).toBe('w');
    expect(a.value.type === 'bin' && a.value.op).toBe('+');
    expect(parseAssignment('V_m = V_reset').value).toMatchObject({ type: 'name', name: 'V_reset' });
    expect(() => parseAssignment('V_m == 1')).toThrow("reset 'V_m == 1': expected 'variable = expression'");
  });
});
