import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, ParameterError, type NeuronModel, type IntegratorPlugin } from '../../../index.js';
import { Rkf45, controlY, type OdeSystem } from '../../../plugins/integrators/index.js';

/** A perfect integrator (no leak), written as a user would, outside the package, with the public API only. */
const perfectIntegrator: NeuronModel = {
  kind: 'neuron',
  name: 'user_pif',
  doc: 'perfect integrate-and-fire (test model)',
  params: {
    C_m: { unit: 'pF', default: 100, min: 0, exclusiveMin: true, doc: 'capacitance' },
    V_th: { unit: 'mV', default: 10, doc: 'threshold' },
    I_e: { unit: 'pA', default: 0, doc: 'constant current' },
  },
  state: { V_m: { unit: 'mV', doc: 'membrane potential', initial: () => 0 } },
  integrators: {
    exact: {
      // The core allocates V_m from the declaration above and hands it to the kernel.
      create(ctx) {
        const V = ctx.state.V_m;
        const dV = (ctx.params.I_e / ctx.params.C_m) * ctx.dt;
        return {
          update(_s, ring, off, spikes) {
            let c = 0;
            for (let i = 0; i < ctx.n; i++) {
              V[i] += dV + ring.ex[off + i] + ring.inh[off + i];
              if (V[i] >= ctx.params.V_th) {
                V[i] = 0;
                spikes[c++] = i;
              }
            }
            return c;
          },
        };
      },
    },
  },
  defaultIntegrator: 'exact',
};

/** A user's integrator for a built-in model: iaf_psc_exp's membrane through the generic RKF45 driver. */
class PscExpSystem implements OdeSystem {
  readonly dim = 1;
  I = 0;
  constructor(private readonly p: Record<string, number>) {}
  derivs(y: Float64Array, f: Float64Array): void {
    f[0] = (-(y[0] - this.p.E_L) / this.p.tau_m) + (this.I + this.p.I_e) / this.p.C_m;
  }
}
const userRkf45ForPscExp: IntegratorPlugin = {
  kind: 'integrator',
  name: 'user-rkf45',
  model: 'iaf_psc_exp',
  doc: 'iaf_psc_exp without synaptic input, by RKF45 (test integrator)',
  create(ctx) {
    // iaf_psc_exp's V_m, allocated by the core and started at E_L from the model's declaration.
    const V = ctx.state.V_m;
    const sys = new PscExpSystem(ctx.params);
    const rk = new Rkf45(sys, ctx.n, ctx.dt, controlY(1e-9, 0));
    return {
      update(_s, _ring, _off, _spikes) {
        for (let i = 0; i < ctx.n; i++) {
          rk.y[0] = V[i];
          let t = 0;
          while (t < ctx.dt) t = rk.apply(i, t, ctx.dt);
          V[i] = rk.y[0];
        }
        return 0;
      },
    };
  },
};

describe('models and integrators written outside the package register like the built-in ones', () => {
  it('a user neuron model: created by name, parameters checked by its schema, simulated by the kernel', () => {
    const sim = createSimulator({ plugins: [...builtinPlugins, perfectIntegrator] });
    expect(() => sim.create('user_pif', 1, { C_m: -1 })).toThrow(ParameterError);
    const pop = sim.create('user_pif', 2, { I_e: 100, C_m: 100, V_th: 9.95 });
    sim.simulate(100);
    // dV/dt = 1 mV/ms: V reaches 9.95 mV after 100 steps (10 ms), a spike every 10 ms.
    expect(sim.spikeCounts()[pop.id]).toBe(2 * 10);
  });

  it('a user integrator for iaf_psc_exp, chosen per population; agrees with the exact one (DC, 1e-6 mV)', () => {
    const sim = createSimulator({ plugins: [...builtinPlugins, userRkf45ForPscExp] });
    const a = sim.create('iaf_psc_exp', 1, { I_e: 300 });
    const b = sim.create('iaf_psc_exp', 1, { I_e: 300 }, { integrator: 'user-rkf45' });
    sim.simulate(50);
    expect(b.integrator).toBe('user-rkf45');
    expect(Math.abs(a.get('V_m')[0] - b.get('V_m')[0])).toBeLessThan(1e-6);
    expect(a.get('V_m')[0]).toBeGreaterThan(-60);
  });
});
