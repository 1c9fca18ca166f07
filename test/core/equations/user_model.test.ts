import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, builtinPlugins, Simulator } from '../../../index.js';
import { adaptiveLif } from './fixtures/adaptive_lif.js';

interface Trace { times: Float64Array | number[]; senders: Int32Array | number[]; V_m: Float64Array | number[]; w: Float64Array | number[] }

/**
 * The adaptive LIF written out by hand, independently of the equation machinery: classical RK4 with 100
 * substeps per 0.1 ms step, in NEST's update order (integrate, V held while refractory; then threshold,
 * reset V and kick w, refractory count).
 */
function reference(steps: number, I_e: number) {
  const p = { E_L: -70, V_th: -50, V_reset: -65, tau_m: 10, C_m: 250, a: 2, tau_w: 100, b: 20, t_ref: 2 };
  const f = (V: number, w: number, refr: boolean) => [refr ? 0 : (-(V - p.E_L) * p.C_m / p.tau_m - w + I_e) / p.C_m, (p.a * (V - p.E_L) - w) / p.tau_w];
  let V = p.E_L, w = 0, r = 0;
  const Vs: number[] = [], ws: number[] = [], spikes: number[] = [];
  const M = 100, h = 0.1 / M;
  for (let s = 0; s < steps; s++) {
    const refr = r > 0;
    for (let q = 0; q < M; q++) {
      const k1 = f(V, w, refr), k2 = f(V + h / 2 * k1[0], w + h / 2 * k1[1], refr), k3 = f(V + h / 2 * k2[0], w + h / 2 * k2[1], refr), k4 = f(V + h * k3[0], w + h * k3[1], refr);
      V += h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
      w += h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
    }
    if (r > 0) r--;
    else if (V >= p.V_th) {
      V = p.V_reset;
      w += p.b;
      r = 20;
      spikes.push((s + 1) * 0.1);
    }
    Vs.push(V);
    ws.push(w);
  }
  return { Vs, ws, spikes };
}

describe('a user model file (adaptive LIF) run through a Simulator', () => {
  const T = 300, steps = 3000, I_e = 700;
  const ref = reference(steps, I_e);
  // Linear with constant coefficients (w couples linearly to V), so exact applies besides the RK schemes.
  for (const [integrator, tolV, tolW] of [['exact', 1e-9, 1e-9], ['rk4', 1e-8, 1e-8], ['rkf45', 1e-9, 1e-9]] as const) {
    it(`${integrator}: the same spikes as an independent fine-step solution, V_m within ${tolV} mV, w within ${tolW} pA`, () => {
      const model = adaptiveLif();
      const sim = createSimulator({ dt: 0.1, plugins: [...builtinPlugins, model] });
      const pop = sim.create('my_aLIF', 2, { I_e }, { integrator });
      const rec = sim.create('spike_recorder');
      const mm = sim.create('multimeter', 1, { interval: 0.1, record_from: ['V_m', 'w'] });
      sim.connect(pop, rec);
      sim.connect(mm, pop.slice(0, 1));
      sim.simulate(T);
      expect(pop.integrator).toBe(integrator);
      const ev = rec.events();
      const times = Array.from(ev.times).filter((_, k) => ev.senders[k] === pop.firstGid);
      // Adaptation: the inter-spike intervals grow.
      expect(ref.spikes.length).toBeGreaterThan(8);
      expect(ref.spikes[ref.spikes.length - 1] - ref.spikes[ref.spikes.length - 2]).toBeGreaterThan(ref.spikes[1] - ref.spikes[0]);
      expect(times.length).toBe(ref.spikes.length);
      times.forEach((t, k) => expect(t).toBeCloseTo(ref.spikes[k], 9));
      const tr = mm.events() as unknown as Trace;
      expect(tr.V_m.length).toBe(steps);
      let dV = 0, dW = 0;
      for (let s = 0; s < steps; s++) {
        dV = Math.max(dV, Math.abs(tr.V_m[s] - ref.Vs[s]));
        dW = Math.max(dW, Math.abs(tr.w[s] - ref.ws[s]));
      }
      expect(dV).toBeLessThan(tolV);
      expect(dW).toBeLessThan(tolW);
    });
  }

  it('is created by name with its parameters checked by its schema, and listed with its schemes', () => {
    const sim = createSimulator({ plugins: [...builtinPlugins, adaptiveLif()] });
    expect(() => sim.create('my_aLIF', 1, { tau_m: 0 })).toThrow(/tau_m/);
    expect(() => sim.create('my_aLIF', 1, { tau_x: 1 })).toThrow(/tau_x/);
    const pop = sim.create('my_aLIF', 3, { E_L: -65 });
    expect(Array.from(pop.get('V_m'))).toEqual([-65, -65, -65]);
    expect(pop.integrator).toBe('exact');
  });

  it('checkpoints and resumes bit for bit under rkf45 (the carried step sizes are in the state component)', () => {
    const model = adaptiveLif();
    const plugins = [...builtinPlugins, model];
    const build = () => {
      const sim = createSimulator({ dt: 0.1, seed: 5, plugins });
      const pop = sim.create('my_aLIF', 50, { I_e: 400 }, { integrator: 'rkf45' });
      const noise = sim.create('poisson_generator', 1, { rate: 8000 });
      const rec = sim.create('spike_recorder');
      sim.connect(noise, pop, 'all_to_all', { weight: 30, delay: 0.1 });
      sim.connect(pop, pop, { rule: 'fixed_indegree', indegree: 5 }, { weight: -40, delay: 1 });
      sim.connect(pop, rec);
      return { sim, pop, rec };
    };
    const ref = build();
    ref.sim.simulate(100);
    const dir = mkdtempSync(join(tmpdir(), 'eq-ckpt-'));
    try {
      const a = build();
      a.sim.simulate(50);
      a.sim.checkpoint(join(dir, 'ck'));
      const b = Simulator.restore(join(dir, 'ck'), { plugins });
      b.simulate(50);
      const pop = b.populations[0];
      expect(Array.from(pop.get('V_m'))).toEqual(Array.from(ref.pop.get('V_m')));
      expect(Array.from(pop.get('w'))).toEqual(Array.from(ref.pop.get('w')));
      const evRef = ref.rec.events(), ev = b.devices.find((d) => d.model === 'spike_recorder')!.events();
      expect(evRef.times.length).toBeGreaterThan(50);
      expect(Array.from(ev.times)).toEqual(Array.from(evRef.times));
      expect(Array.from(ev.senders)).toEqual(Array.from(evRef.senders));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
