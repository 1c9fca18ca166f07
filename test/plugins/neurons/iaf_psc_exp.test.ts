import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins } from '../../../index.js';
import { stepPulseGenerator } from '../../core/helpers.js';

// NEST defaults of iaf_psc_exp
const C = 250, tauM = 10, EL = -70, tRef = 2, Vth = -55, Vreset = -70;
const h = 0.1;

describe('iaf_psc_exp: exact integration as in NEST', () => {
  it('follows the analytic DC trajectory V(t) = E_L + I_e τ/C (1 − e^{−t/τ}) to 1e-9 mV', () => {
    const Ie = 300; // pA: V∞ = −58 mV stays below threshold
    const sim = createSimulator({ dt: h });
    const pop = sim.create('iaf_psc_exp', 1, { I_e: Ie });
    let maxErr = 0;
    for (let k = 1; k <= 1000; k++) {
      sim.simulate(h);
      const t = k * h;
      const analytic = EL + ((Ie * tauM) / C) * (1 - Math.exp(-t / tauM));
      maxErr = Math.max(maxErr, Math.abs(pop.get('V_m')[0] - analytic));
    }
    expect(maxErr).toBeLessThan(1e-9);
  });

  it('responds to one input spike with the analytic exponential-current PSP to 1e-9 mV', () => {
    const tauS = 2, w = 100, delay = 1.0, s0 = 5;
    const sim = createSimulator({ dt: h, plugins: [...builtinPlugins, stepPulseGenerator] });
    const pop = sim.create('iaf_psc_exp', 1, { tau_syn_ex: tauS });
    const src = sim.create('test_step_pulse', 1, { step: s0 });
    sim.connect(src, pop, 'all_to_all', { weight: w, delay });
    // The spike emitted in step s0 is stamped (s0+1)h and arrives after the delay: the current jumps then.
    const tArrive = (s0 + 1) * h + delay;
    let maxErr = 0;
    let peak = -Infinity;
    let peakT = 0;
    for (let k = 1; k <= 600; k++) {
      sim.simulate(h);
      const t = k * h;
      const u = t - tArrive;
      const analytic = u <= 1e-12 ? EL : EL + ((w / C) * (tauS * tauM) / (tauM - tauS)) * (Math.exp(-u / tauM) - Math.exp(-u / tauS));
      const v = pop.get('V_m')[0];
      maxErr = Math.max(maxErr, Math.abs(v - analytic));
      if (v > peak) {
        peak = v;
        peakT = u;
      }
    }
    expect(maxErr).toBeLessThan(1e-9);
    // Peak of the difference of exponentials: t* = τsτm/(τm−τs) ln(τm/τs), on the grid to within one step.
    const tPeak = ((tauS * tauM) / (tauM - tauS)) * Math.log(tauM / tauS);
    expect(Math.abs(peakT - tPeak)).toBeLessThanOrEqual(h / 2 + 1e-9);
  });

  it('handles τ_syn = τ_m (the singular propagator) with the limit PSP (w/C) t e^{−t/τ}', () => {
    const w = 50, s0 = 0, delay = 0.1;
    const sim = createSimulator({ dt: h, plugins: [...builtinPlugins, stepPulseGenerator] });
    const pop = sim.create('iaf_psc_exp', 1, { tau_syn_ex: tauM });
    sim.connect(sim.create('test_step_pulse', 1, { step: s0 }), pop, 'all_to_all', { weight: w, delay });
    const tArrive = (s0 + 1) * h + delay;
    let maxErr = 0;
    for (let k = 1; k <= 300; k++) {
      sim.simulate(h);
      const u = k * h - tArrive;
      const analytic = u <= 1e-12 ? EL : EL + (w / C) * u * Math.exp(-u / tauM);
      maxErr = Math.max(maxErr, Math.abs(pop.get('V_m')[0] - analytic));
    }
    expect(maxErr).toBeLessThan(1e-9);
  });

  it('resets to V_reset, stays there for t_ref, and fires on the step grid the analytic solution predicts', () => {
    const Ie = 1000;
    const sim = createSimulator({ dt: h });
    const pop = sim.create('iaf_psc_exp', 1, { I_e: Ie });
    const rec = sim.create('spike_recorder');
    sim.connect(pop, rec);
    const trace: number[] = [];
    for (let k = 0; k < 600; k++) {
      sim.simulate(h);
      trace.push(pop.get('V_m')[0]);
    }
    // Expected: exact solution restarted from V_reset after each refractory period, threshold checked per step.
    const refr = Math.round(tRef / h);
    const Vinf = EL + (Ie * tauM) / C;
    const expectedSteps: number[] = [];
    let v = EL;
    let r = 0;
    for (let k = 0; k < 600; k++) {
      if (r === 0) v = Vinf + (v - Vinf) * Math.exp(-h / tauM);
      else r--;
      if (v >= Vth) {
        expectedSteps.push(k);
        v = Vreset;
        r = refr;
      }
    }
    const ev = rec.events<{ senders: Int32Array; times: Float64Array }>();
    expect(ev.times.length).toBe(expectedSteps.length);
    expect(expectedSteps.length).toBeGreaterThan(3);
    for (let i = 0; i < expectedSteps.length; i++) expect(ev.times[i]).toBeCloseTo((expectedSteps[i] + 1) * h, 9);
    // Clamped at V_reset for exactly t_ref after each spike, then rising again.
    const k0 = expectedSteps[0];
    for (let j = 0; j <= refr; j++) expect(trace[k0 + j]).toBe(Vreset);
    expect(trace[k0 + refr + 1]).toBeGreaterThan(Vreset);
  });
});
