import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { FixedPower } from '../../../../../plugins/synapses/plasticity/weight/power.js';

/** One unit in the last place of y (a normal double). */
function ulp(y: number): number {
  return 2 ** (Math.floor(Math.log2(Math.abs(y))) - 52);
}

function worstUlps(mu: number, exact: (x: number) => number, lnRange: number): number {
  const rng = seedrandom('fixed-power');
  const power = new FixedPower(mu);
  let worst = 0;
  for (let i = 0; i < 100_000; i++) {
    const x = Math.exp((rng() - 0.5) * 2 * lnRange);
    const y = exact(x);
    worst = Math.max(worst, Math.abs(power.of(x) - y) / ulp(y));
  }
  return worst;
}

describe('FixedPower: x^mu from tables', () => {
  it('is within 4 ulp of correctly rounded powers over e^±100 (sqrt is correctly rounded, so mu = 1/2 and 2 are exact references)', () => {
    expect(worstUlps(0.5, Math.sqrt, 100)).toBeLessThanOrEqual(4);
    expect(worstUlps(2, (x) => x * x, 100)).toBeLessThanOrEqual(4);
    expect(worstUlps(1, (x) => x, 100)).toBeLessThanOrEqual(4);
  });

  it("is within 5 ulp of Math.pow for stdp_pl_synapse_hom's mu = 0.4 over the weights a network holds (1e-6 to 1e6)", () => {
    expect(worstUlps(0.4, (x) => Math.pow(x, 0.4), Math.log(1e6))).toBeLessThanOrEqual(5);
    expect(worstUlps(0.1, (x) => Math.pow(x, 0.1), Math.log(1e6))).toBeLessThanOrEqual(5);
  });

  it('gives exp(mu ln x) outside the normal range: 0, subnormals, Infinity, NaN and negative x', () => {
    const power = new FixedPower(0.4);
    expect(power.of(0)).toBe(0);
    expect(power.of(Infinity)).toBe(Infinity);
    expect(power.of(NaN)).toBeNaN();
    expect(power.of(-1)).toBeNaN();
    expect(power.of(5e-324)).toBe(Math.exp(0.4 * Math.log(5e-324)));
    expect(Math.abs(power.of(2 ** -1022) / Math.pow(2, -1022 * 0.4) - 1)).toBeLessThan(1e-15);
  });
});
