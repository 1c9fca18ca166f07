import { describe, it, expect } from 'vitest';
import { createSimulator, ParameterError, RingBuffer, type Device, type DeviceTargets, type PopulationHandle } from '../../../index.js';
import { Simulator } from '../../../core/simulator.js';
import { builtinPlugins } from '../../../plugins/index.js';
import { acGenerator } from '../../../plugins/generators/ac_generator.js';
import type { MultimeterEvents } from '../../../plugins/recorders/multimeter.js';

const h = 0.1;
const neuron = { C_m: 250, tau_m: 10, E_L: -70, V_th: 1000 };
const R = neuron.tau_m / neuron.C_m;

type AcParams = { amplitude: number; offset: number; frequency: number; phase: number; start: number; stop: number; origin: number };
const defaults: AcParams = { amplitude: 0, offset: 0, frequency: 0, phase: 0, start: 0, stop: Infinity, origin: 0 };

/** NEST's closed form, at the end of step s. */
const closed = (p: AcParams, s: number) => p.offset + p.amplitude * Math.sin((2 * Math.PI * p.frequency * (s + 1) * h) / 1000 + (p.phase * Math.PI) / 180);

/** The values a runtime sends in steps [from, to): read back from a bare ring (one target, weight 1). */
function sent(p: AcParams, from: number, to: number, between?: { at: number; run: (g: ReturnType<typeof acGenerator.create>) => void }): Float64Array {
  const population: PopulationHandle = { id: 0, eid: 1, model: 'iaf_psc_exp', size: 1, firstGid: 1, localStart: 0, localCount: 1, params: {} };
  const t: DeviceTargets = { population, local: Int32Array.of(0), weight: 1, delaySteps: 1, ring: new RingBuffer(1, 2) };
  const g = acGenerator.create({ gid: 2, dt: h, seed: 1, rank: 0, size: 1, params: p, options: {}, services: createSimulator().services });
  g.addTargets(t);
  const out = new Float64Array(to - from);
  for (let s = from; s < to; s++) {
    if (between && s === between.at) between.run(g);
    g.emit(s);
    const off = t.ring.offset(s + 1);
    out[s - from] = t.ring.cur[off];
    t.ring.clear(off);
  }
  return out;
}

function worstRelative(values: Float64Array, expected: (s: number) => number, from: number, scale: number): number {
  let worst = 0;
  for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i] - expected(from + i)) / scale);
  return worst;
}

describe('ac_generator', () => {
  it('each step sends offset + amplitude·sin(2π·f·t + phase), t the end of the step, to 1e-9 of the amplitude over 10^5 steps', () => {
    for (const p of [
      { ...defaults, amplitude: 300, offset: 50, frequency: 10, phase: 0 },
      { ...defaults, amplitude: 1, offset: 0, frequency: 333.3, phase: 77 },
      { ...defaults, amplitude: 120, offset: -40, frequency: 0.5, phase: -90 },
    ]) {
      const v = sent(p, 0, 100000);
      expect(worstRelative(v, (s) => closed(p, s), 0, Math.abs(p.amplitude) + Math.abs(p.offset))).toBeLessThan(1e-9);
    }
    // frequency 0: a constant amplitude·sin(phase) + offset.
    const flat = sent({ ...defaults, amplitude: 10, offset: 1, phase: 30 }, 0, 100);
    for (const x of flat) expect(Math.abs(x - (1 + 10 * 0.5))).toBeLessThan(1e-12);
  });

  it('inactive steps only window the sine: its phase follows absolute time, not time since start (NEST)', () => {
    const p = { ...defaults, amplitude: 200, offset: 10, frequency: 40, phase: 45, origin: 2, start: 3, stop: 17.5 };
    const v = sent(p, 0, 300);
    for (let s = 0; s < 300; s++) {
      // Active in step s when origin + start < (s + 1)·h <= origin + stop: steps 50..194.
      const expected = s >= 50 && s < 195 ? closed(p, s) : 0;
      expect(Math.abs(v[s] - expected), `step ${s}`).toBeLessThan(1e-9 * 210);
    }
    // A run that starts late (a restored or resumed one) starts from the closed form too.
    const late = sent(p, 120, 220);
    for (let s = 120; s < 220; s++) expect(Math.abs(late[s - 120] - (s < 195 ? closed(p, s) : 0))).toBeLessThan(1e-9 * 210);
  });

  it('V_m of iaf_psc_alpha: the exact solution for the per-step sine values, which act from the step after their arrival', () => {
    const p = { ...defaults, amplitude: 150, offset: 100, frequency: 25, phase: 180, start: 5, stop: 35 };
    for (const delay of [0.1, 1.3]) {
      const sim = createSimulator({ dt: h });
      const pop = sim.create('iaf_psc_alpha', 1, neuron);
      const ac = sim.create('ac_generator', 1, { amplitude: 150, offset: 100, frequency: 25, phase: 180, start: 5, stop: 35 });
      const mm = sim.create('multimeter', 1, { interval: h, record_from: ['V_m'] });
      sim.connect(ac, pop, 'all_to_all', { weight: 1, delay });
      sim.connect(mm, pop);
      sim.simulate(50);
      const ev = mm.events<MultimeterEvents>();
      const d = Math.round(delay / h);
      // The current over membrane step k (ending at (k+1)·h) was sent in step k - d - 1 (if active: 50..349).
      const decay = Math.exp(-h / neuron.tau_m);
      let v = neuron.E_L;
      let worst = 0;
      let moved = 0;
      for (let i = 0; i < ev.times.length; i++) {
        const k = Math.round(ev.times[i] / h) - 1;
        const s = k - d - 1;
        const I = s >= 50 && s < 350 ? closed(p, s) : 0;
        const vInf = neuron.E_L + R * I;
        v = vInf + (v - vInf) * decay;
        worst = Math.max(worst, Math.abs((ev.V_m as Float64Array)[i] - v));
        moved = Math.max(moved, Math.abs(v - neuron.E_L));
      }
      expect(ev.times.length).toBe(500);
      expect(worst).toBeLessThan(1e-9);
      expect(moved).toBeGreaterThan(5);
      sim.close();
    }
  });

  it('set() between runs: the new sine from the next step on, at absolute time', () => {
    const p = { ...defaults, amplitude: 100, frequency: 10 };
    const q = { ...p, amplitude: 60, offset: 5, frequency: 17, phase: 30, stop: 25 };
    const v = sent(p, 0, 400, { at: 200, run: (g) => g.set!(q) });
    const expected = (s: number) => (s < 200 ? closed(p, s) : s < 250 ? closed(q, s) : 0);
    expect(worstRelative(v, expected, 0, 100)).toBeLessThan(1e-9);
    // Through the simulator: set() checks the schema and start/stop.
    const sim = createSimulator({ dt: h });
    const g = sim.create('ac_generator', 1, { amplitude: 1 }) as unknown as Device;
    expect(() => g.set({ frequency: 'fast' })).toThrow(ParameterError);
    expect(() => g.set({ start: 10, stop: 5 })).toThrow(/'stop' = 5 is invalid; allowed: a time >= start \(10 ms\)/);
    g.set({ frequency: 3 });
    expect(g.params.frequency).toBe(3);
  });

  it('a checkpoint keeps the oscillator and the parameters set while running: the resumed run is the uninterrupted one', () => {
    const build = () => {
      const sim = createSimulator({ dt: h });
      const pop = sim.create('iaf_psc_alpha', 1, neuron);
      const g = sim.create('ac_generator', 1, { amplitude: 80, offset: 20, frequency: 60, phase: 10 });
      const mm = sim.create('multimeter', 1, { interval: h, record_from: ['V_m'] });
      sim.connect(g, pop, 'all_to_all', { weight: 2, delay: 0.5 });
      sim.connect(mm, pop);
      return { sim, g, mm };
    };
    const whole = build();
    whole.sim.simulate(10);
    whole.g.set({ amplitude: 140, frequency: 35 });
    whole.sim.simulate(30);
    const ref = Array.from(whole.mm.events<MultimeterEvents>().V_m as Float64Array);
    const a = build();
    a.sim.simulate(10);
    a.g.set({ amplitude: 140, frequency: 35 });
    a.sim.simulate(13.3);
    const bytes = a.sim.toCheckpoint();
    a.sim.close();
    const b = Simulator.fromCheckpoint(bytes, { plugins: builtinPlugins });
    expect((b.devices.find((x) => x.model === 'ac_generator') as Device).params.amplitude).toBe(140);
    b.simulate(16.7);
    const v = Array.from(b.devices.find((x) => x.model === 'multimeter')!.events<MultimeterEvents>().V_m as Float64Array);
    expect(v).toEqual(ref);
    whole.sim.close();
    b.close();
  });

  it('invalid parameters are ParameterErrors naming the parameter, the value and what is allowed', () => {
    const sim = createSimulator({ dt: h });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ amplitude: 'big' }, /create ac_generator: parameter 'amplitude' = "big" is invalid/],
      [{ frequency: Infinity }, /'frequency' = Infinity is invalid/],
      [{ phase: NaN }, /'phase' = NaN is invalid/],
      [{ amplitude_times: [1] }, /'amplitude_times' = \[1\] is invalid; allowed: one of the model's parameters: amplitude, offset, frequency, phase, start, stop, origin/],
      [{ start: -1 }, /'start' = -1 is invalid/],
      [{ start: 20, stop: 10 }, /'stop' = 10 .*>= start/],
    ];
    for (const [p, msg] of cases) {
      let err: unknown;
      try {
        sim.create('ac_generator', 1, p as never);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(p)).toBeInstanceOf(ParameterError);
      expect((err as Error).message).toMatch(msg);
    }
  });
});
