import { describe, it, expect } from 'vitest';
import { lambertW0, lambertWm1 } from '../../analysis/lambertw.js';
import { alphaPscConversion } from '../../analysis/psc.js';
import { hpcDerived, hpcBenchmark } from '../../presets/hpc.js';
import { resolvePresetParams } from '../../presets/preset.js';

describe('Lambert W', () => {
  it('matches known values on both branches', () => {
    // Omega constant, W0(e) = 1, and the pairs W(-ln2/2) = -ln 2 (W0) and -ln 4 (W-1).
    expect(lambertW0(1)).toBeCloseTo(0.5671432904097838, 14);
    expect(lambertW0(Math.E)).toBeCloseTo(1, 14);
    expect(lambertW0(100)).toBeCloseTo(3.385630140290050, 13);
    expect(lambertW0(-Math.LN2 / 2)).toBeCloseTo(-Math.LN2, 13);
    expect(lambertWm1(-Math.LN2 / 2)).toBeCloseTo(-2 * Math.LN2, 13);
    expect(lambertWm1(-0.1)).toBeCloseTo(-3.577152063957297, 13);
    expect(lambertWm1(-1 / Math.E)).toBeCloseTo(-1, 6);
    expect(lambertW0(-1 / Math.E)).toBeCloseTo(-1, 6);
  });

  it('inverts w·e^w across each branch', () => {
    for (const x of [-0.3678, -0.3, -0.2, -0.05, -1e-3, -1e-8, -1e-100]) {
      const w = lambertWm1(x);
      expect(w).toBeLessThanOrEqual(-1);
      expect(Math.abs(w * Math.exp(w) - x)).toBeLessThan(1e-14 * Math.max(1e-300, Math.abs(x)) + 1e-300);
    }
    for (const x of [-0.36, -0.1, 0.001, 0.5, 2, 10, 1e3, 1e10, 1e300]) {
      const w = lambertW0(x);
      expect(w).toBeGreaterThanOrEqual(-1);
      expect(Math.abs(w * Math.exp(w) - x) / Math.abs(x)).toBeLessThan(1e-13);
    }
  });

  it('rejects arguments outside the branch domain', () => {
    expect(() => lambertW0(-0.5)).toThrow(RangeError);
    expect(() => lambertWm1(0.1)).toThrow(RangeError);
  });
});

/**
 * The PSP of iaf_psc_alpha for a 1 pA alpha current, I(t) = e/tau_s · t · e^(−t/tau_s), integrated
 * numerically (RK4, 1 µs steps): its peak and peak time, with no Lambert W involved.
 */
function numericPsp(tauM: number, tauS: number, cM: number): { vMax: number; tMax: number } {
  const h = 1e-4;
  const I = (t: number) => (Math.E / tauS) * t * Math.exp(-t / tauS);
  const f = (t: number, v: number) => -v / tauM + I(t) / cM;
  let v = 0;
  let t = 0;
  let vMax = 0;
  let tMax = 0;
  while (t < 10) {
    const k1 = f(t, v);
    const k2 = f(t + h / 2, v + (h / 2) * k1);
    const k3 = f(t + h / 2, v + (h / 2) * k2);
    const k4 = f(t + h, v + h * k3);
    v += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    t += h;
    if (v > vMax) {
      vMax = v;
      tMax = t;
    }
  }
  return { vMax, tMax };
}

describe('hpc-benchmark JE conversion (seed 000 convert_synapse_weight)', () => {
  it('0.14 mV → pA agrees with a numerically integrated PSP peak', () => {
    const tauM = 10;
    const tauS = 0.32582722403722841;
    const cM = 250;
    const num = numericPsp(tauM, tauS, cM);
    const conv = alphaPscConversion(tauM, tauS, cM);
    expect(conv.vMax / num.vMax - 1).toBeLessThan(1e-7);
    expect(Math.abs(conv.tRise - num.tMax)).toBeLessThan(2e-4);
    // The seed hard-codes tau_syn so that the rise time is 1.700759 ms.
    expect(conv.tRise).toBeCloseTo(1.700759, 6);
    const JE_pA = 0.14 / num.vMax;
    const d = hpcDerived(resolvePresetParams(hpcBenchmark, {}));
    expect(Math.abs(d.JE_pA / JE_pA - 1)).toBeLessThan(1e-6);
    expect(d.JE_pA).toBeCloseTo(45.6096, 3);
  });

  it('the external rate is eta × nu_thresh × CE, and indegrees stay 9000 + 2250 at every scale', () => {
    for (const scale of [0.02, 0.1, 0.3, 0.7, 1, 2]) {
      const d = hpcDerived(resolvePresetParams(hpcBenchmark, { scale }));
      expect(d.CE).toBe(9000);
      expect(d.CI).toBe(2250);
      expect(d.NE).toBe(Math.trunc(9000 * scale));
      const nuThresh = 20 / (9000 * (10 / 250) * d.JE_pA * Math.E * 0.32582722403722841);
      expect(d.stimulusRate).toBeCloseTo(1.685 * nuThresh * 9000 * 1000, 6);
    }
  });
});
