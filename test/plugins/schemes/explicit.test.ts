import { describe, it, expect } from 'vitest';
import { drive, linearExact, linearModel, slope } from './helpers.js';

/** Error of V_m at T = 10 ms against the analytic solution. */
function errorAt(scheme: string, dt: number): number {
  const r = drive(linearModel(), scheme, { n: 1, steps: Math.round(10 / dt), dt, pSpike: 0 });
  return Math.abs(r.trace[r.trace.length - 1] - linearExact(10).V);
}

describe('explicit Runge–Kutta schemes converge at their order on a linear model', () => {
  const dts = [0.4, 0.2, 0.1, 0.05, 0.025];
  for (const [scheme, order] of [['euler', 1], ['rk2', 2], ['rk4', 4]] as const) {
    it(`${scheme}: slope of log error vs log dt within ±0.2 of ${order}`, () => {
      const errs = dts.map((dt) => errorAt(scheme, dt));
      expect(Math.abs(slope(dts, errs) - order)).toBeLessThan(0.2);
    });
  }

  it('euler-f32 and rk4-f32 keep the state in Float32Array and agree with float64 to float32 resolution', () => {
    for (const [f32, f64] of [['euler-f32', 'euler'], ['rk4-f32', 'rk4']]) {
      const opts = { n: 4, steps: 2000, params: { I_0: 500 }, pSpike: 0 };
      const a = drive(linearModel(), f32, opts), b = drive(linearModel(), f64, opts);
      expect(a.state.V_m).toBeInstanceOf(Float32Array);
      expect(b.state.V_m).toBeInstanceOf(Float64Array);
      let worst = 0;
      for (let s = 0; s < a.trace.length; s++) worst = Math.max(worst, Math.abs(a.trace[s] - b.trace[s]));
      // 70 mV at float32's 2^-24 relative spacing is 4e-6 mV per rounding; 2000 roundings stay far below 1e-3.
      expect(worst).toBeGreaterThan(0);
      expect(worst).toBeLessThan(1e-3);
    }
  });
});
