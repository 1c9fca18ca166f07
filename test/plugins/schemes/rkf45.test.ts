import { describe, it, expect } from 'vitest';
import { resolveParams } from '../../../core/schema.js';
import { eqCondExp } from '../../core/equations/fixtures/nest_models.js';
import { drive, lcg } from './helpers.js';
import { evolveApply } from './gsl_reference.js';

const n = 8, steps = 1000, dt = 0.1;
const opts = { n, steps, dt, params: { I_e: 600 }, wEx: 20, wIn: 20, pSpike: 0.1, seed: 7 };

/** The inputs `drive` feeds (same generator, same order), to replay them in a reference. */
function inputs() {
  const rnd = lcg(opts.seed);
  const ex = new Float64Array(steps * n), inh = new Float64Array(steps * n);
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < n; i++) {
      ex[s * n + i] = rnd() < opts.pSpike ? rnd() * opts.wEx : 0;
      inh[s * n + i] = rnd() < opts.pSpike ? -rnd() * opts.wIn : 0;
      rnd();
    }
  }
  return { ex, inh };
}

/** iaf_cond_exp's update loop in NEST's order around any integrator of one step `advance(y, refractory)`. */
function nestLoop(advance: (y: number[], refr: boolean, i: number) => void) {
  const p = resolveParams('ref', eqCondExp().params, opts.params);
  const { ex, inh } = inputs();
  const y = Array.from({ length: n }, () => [p.E_L, 0, 0]);
  const r = new Int32Array(n);
  const trace = new Float64Array(steps * n);
  const spikes: [number, number][] = [];
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < n; i++) {
      advance(y[i], r[i] > 0, i);
      y[i][1] += ex[s * n + i];
      y[i][2] -= inh[s * n + i];
      if (r[i] > 0) r[i]--;
      else if (y[i][0] >= p.V_th) {
        r[i] = Math.round(p.t_ref / dt);
        y[i][0] = p.V_reset;
        spikes.push([s, i]);
      }
      trace[s * n + i] = y[i][0];
    }
  }
  return { trace, spikes };
}

function rhs(refr: boolean) {
  const p = resolveParams('ref', eqCondExp().params, opts.params);
  return (y: number[]) => {
    const V = Math.min(y[0], p.V_th);
    return [refr ? 0 : (-p.g_L * (V - p.E_L) - y[1] * (V - p.E_ex) - y[2] * (V - p.E_in) + p.I_e) / p.C_m, -y[1] / p.tau_syn_ex, -y[2] / p.tau_syn_in];
  };
}

/** Classical RK4 with 200 substeps per simulation step (local error ~1e-16 mV): the fine reference, made once. */
let fineRef: ReturnType<typeof nestLoop> | undefined;
const fine = () => (fineRef ??= nestLoop((y, refr) => {
  const f = rhs(refr), h = dt / 200;
  for (let q = 0; q < 200; q++) {
    const k1 = f(y), k2 = f(y.map((v, j) => v + (h / 2) * k1[j])), k3 = f(y.map((v, j) => v + (h / 2) * k2[j])), k4 = f(y.map((v, j) => v + h * k3[j]));
    for (let j = 0; j < 3; j++) y[j] += (h / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
  }
}));

const worst = (a: Float64Array, b: Float64Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

describe("rkf45: GSL's adaptive RKF45 as NEST calls it, on an equation version of iaf_cond_exp", () => {
  it('is bit-identical to a line-by-line transcription of GSL evolve_apply/rkf45_apply/std_control_hadjust', () => {
    const hs = new Float64Array(n).fill(dt);
    const gsl = nestLoop((y, refr, i) => {
      const f = rhs(refr);
      let t = 0;
      while (t < dt) [t, hs[i]] = evolveApply(t, dt, hs[i], y, f, 1e-3, 0);
    });
    const ours = drive(eqCondExp(), 'rkf45', opts);
    expect(Array.from(ours.trace)).toEqual(Array.from(gsl.trace));
    expect(Array.from(ours.state.h_step)).toEqual(Array.from(hs));
    expect(ours.spikes).toEqual(gsl.spikes);
    expect(ours.spikes.length).toBeGreaterThan(15);
  });

  it("at NEST's tolerance (eps_abs 1e-3) stays within 1e-4 mV of a fine RK4 reference, the same spikes", () => {
    const ref = fine();
    const ours = drive(eqCondExp(), 'rkf45', opts);
    expect(worst(ours.trace, ref.trace)).toBeLessThan(1e-4);
    expect(ours.spikes).toEqual(ref.spikes);
  });

  it('with eps_abs 1e-6 stays within 1e-6 mV of the fine reference', () => {
    const ref = fine();
    const ours = drive(eqCondExp(undefined, { epsAbs: 1e-6, epsRel: 0 }), 'rkf45', opts);
    expect(worst(ours.trace, ref.trace)).toBeLessThan(1e-6);
  });

  it('carries the suggested step across simulation steps, the clipped last step of each included (GSL: *h = h0)', () => {
    // Without input the error is tiny: every step grows the step by 5, from the clipped dt.
    const quiet = drive(eqCondExp(), 'rkf45', { ...opts, pSpike: 0, params: { I_e: 0 }, steps: 3 });
    expect(Array.from(quiet.state.h_step)).toEqual(new Array(n).fill(5 * dt));
  });
});
