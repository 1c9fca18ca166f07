import { describe, it, expect } from 'vitest';
import { parseUnit, formatUnit, mulUnits, divUnits, sameDimension, UnitError } from '../../../core/equations/units.js';
import { infer, expect as expectUnit, rescale } from '../../../core/equations/analyse.js';
import { parseExpr } from '../../../core/equations/parser.js';
import { bind, closure, num } from '../../../core/equations/ir.js';

const u = (s: string) => parseUnit(s, 'test');

describe('units', () => {
  it('knows SI-prefixed symbols and their decimal scales', () => {
    const scales: [string, number][] = [
      ['mV', -3], ['V', 0], ['pA', -12], ['nA', -9], ['pF', -12], ['nF', -9], ['nS', -9], ['uS', -6], ['µS', -6],
      ['ms', -3], ['s', 0], ['Hz', 0], ['1/ms', 3], ['GOhm', 9], ['MOhm', 6], ['1', 0],
    ];
    for (const [s, e] of scales) expect(u(s).exp, s).toBe(e);
    expect(u('1').dim).toEqual([0, 0, 0, 0]);
    expect(sameDimension(u('Hz'), u('1/ms'))).toBe(true);
    expect(sameDimension(u('uS'), u('µS'))).toBe(true);
  });

  it("holds NEST's unit system together: pA/pF = mV/ms and nS·mV = pA, with no scale factor", () => {
    const a = divUnits(u('pA'), u('pF')), b = u('mV/ms');
    expect(sameDimension(a, b) && a.exp === b.exp).toBe(true);
    const c = mulUnits(u('nS'), u('mV'));
    expect(sameDimension(c, u('pA')) && c.exp === u('pA').exp).toBe(true);
    // MOhm·nA = mV, GOhm·pA = mV.
    expect(mulUnits(u('MOhm'), u('nA'))).toMatchObject({ dim: u('mV').dim, exp: -3 });
    expect(mulUnits(u('GOhm'), u('pA'))).toMatchObject({ dim: u('mV').dim, exp: -3 });
  });

  it('parses compound units and formats them as written', () => {
    expect(formatUnit(u('pA*ms'))).toBe('pA·ms');
    expect(formatUnit(u('mV/ms'))).toBe('mV/ms');
    expect(formatUnit(u('1/ms'))).toBe('1/ms');
    expect(formatUnit(u('ms^-1'))).toBe('1/ms');
    expect(formatUnit(u('mV^2'))).toBe('mV^2');
    expect(formatUnit(divUnits(u('mV'), mulUnits(u('ms'), u('pF'))))).toBe('mV/(ms·pF)');
    expect(formatUnit(u('1'))).toBe('1');
  });

  it('refuses an unknown unit, naming what it belongs to', () => {
    expect(() => parseUnit('mVV', "parameter 'E_L'")).toThrow(new UnitError("parameter 'E_L': unknown unit 'mVV' (use SI symbols with prefixes, e.g. mV, pA, nS, pF, ms, Hz, 1/ms, MOhm; '1' for none)"));
    expect(() => parseUnit('mV/', 'x')).toThrow(UnitError);
  });

  it('converts mixed prefixes at compile time by exact powers of ten: nA + pA in pA, s in ms', () => {
    const scope = (name: string) => ({ I_a: { node: num(1.5), unit: u('nA') }, I_b: { node: num(250), unit: u('pA') }, T: { node: num(0.02), unit: u('s') } } as Record<string, { node: ReturnType<typeof num>; unit: ReturnType<typeof u> }>)[name];
    const sum = expectUnit(parseExpr('I_a + I_b'), u('pA'), scope);
    expect(closure(bind(sum, {}), 0)(new Float64Array(1))).toBe(1750);
    const t = expectUnit(parseExpr('T'), u('ms'), scope);
    expect(closure(bind(t, {}), 0)(new Float64Array(1))).toBe(20);
    // A dimensionless ratio of different scales is made pure before exp(): exp(T / 10 ms) = exp(2).
    const e = infer(parseExpr('exp(T / (10 * ms))'), scope);
    expect(closure(bind(e.node, {}), 0)(new Float64Array(1))).toBe(Math.exp(2));
    // Decreasing scales divide (exact), increasing ones multiply.
    expect(rescale(num(7), -12, -9)).toMatchObject({ op: '/', b: { v: 1000 } });
    expect(rescale(num(7), -9, -12)).toMatchObject({ op: '*', b: { v: 1000 } });
  });

  it('refuses sums, comparisons and function arguments of inconsistent units, naming the term', () => {
    const scope = (name: string) => ({ V: { node: num(1), unit: u('mV') }, I: { node: num(1), unit: u('pA') } } as Record<string, { node: ReturnType<typeof num>; unit: ReturnType<typeof u> }>)[name];
    expect(() => infer(parseExpr('V + I'), scope)).toThrow("term 'I' has unit pA, expected mV (the unit of 'V')");
    expect(() => infer(parseExpr('V >= I'), scope)).toThrow("term 'I' has unit pA, expected mV (the unit of 'V')");
    expect(() => infer(parseExpr('max(V, I * V)'), scope)).toThrow("term 'I * V' has unit pA·mV, expected mV (the unit of 'V')");
    expect(() => infer(parseExpr('log(V)'), scope)).toThrow("log(): argument 'V' has unit mV, expected a dimensionless value");
    expect(() => infer(parseExpr('V ^ I'), scope)).toThrow("exponent of 'V ^ I': argument 'I' has unit pA, expected a dimensionless value");
    expect(infer(parseExpr('sqrt(V * V)'), scope).unit).toMatchObject({ dim: u('mV').dim, exp: -3 });
    // A literal zero is zero in any unit, any other number is dimensionless.
    expect(expectUnit(parseExpr('0'), u('mV'), scope)).toEqual(num(0));
    expect(infer(parseExpr('V > 0'), scope).unit).toEqual(u('1'));
    expect(() => infer(parseExpr('V > 1'), scope)).toThrow("term '1' has unit 1, expected mV (the unit of 'V')");
  });
});
