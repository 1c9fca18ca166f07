import { describe, it, expect } from 'vitest';
import { createSimulator, ParameterError, type Device } from '../../../index.js';
import { Simulator } from '../../../core/simulator.js';
import { builtinPlugins } from '../../../plugins/index.js';
import type { MultimeterEvents } from '../../../plugins/recorders/multimeter.js';

const h = 0.1;
const neuron = { C_m: 250, tau_m: 10, E_L: -70, V_th: 1000 };
const R = neuron.tau_m / neuron.C_m; // GΩ: mV per pA

/**
 * The exact subthreshold solution of tau_m·dV/dt = -(V - E_L) + R·I(t), I piecewise constant: `switches`
 * [time, current] in order (current 0 before the first), V(0) = E_L, evaluated at t.
 */
function analytic(switches: readonly (readonly [number, number])[], t: number): number {
  let v = neuron.E_L;
  let from = 0;
  let current = 0;
  for (const [at, value] of switches) {
    if (at >= t) break;
    const vInf = neuron.E_L + R * current;
    v = vInf + (v - vInf) * Math.exp(-(at - from) / neuron.tau_m);
    from = at;
    current = value;
  }
  const vInf = neuron.E_L + R * current;
  return vInf + (v - vInf) * Math.exp(-(t - from) / neuron.tau_m);
}

/** V_m of one iaf_psc_alpha neuron driven by `make(sim)` through a connection of `delay`, recorded every step. */
function drive(make: (sim: Simulator) => Device, delay: number, ms: number | number[], between?: (g: Device, k: number) => void) {
  const sim = createSimulator({ dt: h });
  const pop = sim.create('iaf_psc_alpha', 1, neuron);
  const g = make(sim);
  const mm = sim.create('multimeter', 1, { interval: h, record_from: ['V_m'] });
  sim.connect(g, pop, 'all_to_all', { weight: 1, delay });
  sim.connect(mm, pop);
  const runs = Array.isArray(ms) ? ms : [ms];
  runs.forEach((m, k) => {
    if (k > 0) between?.(g, k);
    sim.simulate(m);
  });
  const ev = mm.events<MultimeterEvents>();
  return { times: Array.from(ev.times), v: Array.from(ev.V_m as Float64Array), sim, g };
}

function expectTrace(r: { times: number[]; v: number[] }, switches: readonly (readonly [number, number])[]): void {
  expect(r.times.length).toBeGreaterThan(0);
  let worst = 0;
  for (let i = 0; i < r.times.length; i++) worst = Math.max(worst, Math.abs(r.v[i] - analytic(switches, r.times[i])));
  // Exact integration of a piecewise-constant current: only rounding separates the two.
  expect(worst).toBeLessThan(1e-9);
}

const step = (sim: Simulator, p: Record<string, unknown>) => sim.create('step_current_generator', 1, p as never) as unknown as Device;
const dc = (sim: Simulator, p: Record<string, number>) => sim.create('dc_generator', 1, p) as unknown as Device;

describe('step_current_generator', () => {
  it('V_m follows the exact solution: the value of time T acts on the membrane from T + delay', () => {
    const times = [5, 12.3, 20, 31.7];
    const values = [100, 250, -80, 0];
    for (const delay of [0.1, 1.0, 2.5]) {
      const r = drive((sim) => step(sim, { amplitude_times: times, amplitude_values: values }), delay, 50);
      expectTrace(r, times.map((t, i) => [t + delay, values[i]] as const));
      // And it does move: at 20 ms the membrane has charged towards E_L + R·250 pA.
      expect(r.v[Math.round(20 / h) - 1] - neuron.E_L).toBeGreaterThan(5);
    }
  });

  it("switches in dc_generator's steps: one value at the dc's start (or one step later) gives the dc's trace exactly", () => {
    const S = 7.5;
    const ref = drive((sim) => dc(sim, { amplitude: 180, start: S, stop: 30 }), 0.3, 40);
    // Its own timing: on at start + delay + one step, off at stop + delay + one step.
    expectTrace(ref, [[S + 0.3 + h, 180], [30 + 0.3 + h, 0]]);
    for (const T of [h, 3, S, S + h]) {
      const r = drive((sim) => step(sim, { amplitude_times: [T], amplitude_values: [180], start: S, stop: 30 }), 0.3, 40);
      expect(r.v, `T = ${T}`).toEqual(ref.v);
    }
    // Without a window, the value of time T is sent from the step that ends at T: a dc started one step earlier.
    const T = 12.4;
    const early = drive((sim) => dc(sim, { amplitude: -60, start: T - h }), 0.2, 30);
    const r = drive((sim) => step(sim, { amplitude_times: [T], amplitude_values: [-60] }), 0.2, 30);
    expect(r.v).toEqual(early.v);
    expect(r.v).not.toEqual(drive((sim) => dc(sim, { amplitude: -60, start: T }), 0.2, 30).v);
  });

  it('holds its value while inactive and sends it in the active window only (origin shifts the window)', () => {
    const d = 0.1;
    const r = drive((sim) => step(sim, { amplitude_times: [2, 10, 25], amplitude_values: [100, 200, 300], origin: 1, start: 4, stop: 14 }), d, 30);
    // Window (5, 15]: 100 set at 2 is held until the window opens; 300 at 25 comes after it closes.
    expectTrace(r, [[5 + d + h, 100], [10 + d, 200], [15 + d + h, 0]]);
  });

  it('set() between runs: new times restart the search; times already past are passed over and the held value stays (NEST)', () => {
    const d = 0.1;
    const r = drive((sim) => step(sim, { amplitude_times: [5], amplitude_values: [100] }), d, [20, 30], (g) => {
      g.set({ amplitude_times: [10, 25, 40], amplitude_values: [999, 50, -20] });
    });
    expectTrace(r, [[5 + d, 100], [25 + d, 50], [40 + d, -20]]);
    // start/stop alone keep the table.
    const w = drive((sim) => step(sim, { amplitude_times: [5, 30], amplitude_values: [100, 40] }), d, [20, 30], (g) => g.set({ stop: 35 }));
    expectTrace(w, [[5 + d, 100], [30 + d, 40], [35 + d + h, 0]]);
  });

  it('a checkpoint keeps the table set while running, the held value and the position: the resumed run is the uninterrupted one', () => {
    const build = () => {
      const sim = createSimulator({ dt: h });
      const pop = sim.create('iaf_psc_alpha', 2, neuron);
      const g = sim.create('step_current_generator', 1, { amplitude_times: [3, 8], amplitude_values: [120, 60] });
      const mm = sim.create('multimeter', 1, { interval: h, record_from: ['V_m'] });
      sim.connect(g, pop, 'all_to_all', { weight: 1.5, delay: 0.4 });
      sim.connect(mm, pop);
      return { sim, g, mm };
    };
    const whole = build();
    whole.sim.simulate(10);
    whole.g.set({ amplitude_times: [10.5, 14.9], amplitude_values: [-30, 75] });
    whole.sim.simulate(12.5);
    const ref = Array.from(whole.mm.events<MultimeterEvents>().V_m as Float64Array);

    const a = build();
    a.sim.simulate(10);
    a.g.set({ amplitude_times: [10.5, 14.9], amplitude_values: [-30, 75] });
    a.sim.simulate(2.7);
    const bytes = a.sim.toCheckpoint();
    a.sim.close();
    const b = Simulator.fromCheckpoint(bytes, { plugins: builtinPlugins });
    b.simulate(9.8);
    const mm = b.devices.find((x) => x.model === 'multimeter')!;
    const v = Array.from(mm.events<MultimeterEvents>().V_m as Float64Array);
    expect(v.length).toBe(ref.length);
    expect(v).toEqual(ref);
    whole.sim.close();
    b.close();
  });

  it('off-grid times are an error naming the value unless allow_offgrid_times, which rounds up to the end of the step', () => {
    const sim = createSimulator({ dt: h });
    expect(() => step(sim, { amplitude_times: [1.03], amplitude_values: [5] })).toThrow(
      /create step_current_generator \(node \d+\): parameter 'amplitude_times\[0\]' = 1.03 is invalid; allowed: a multiple of the resolution 0.1 ms/,
    );
    const d = 0.1;
    const r = drive((s) => step(s, { amplitude_times: [1.03, 2.2], amplitude_values: [150, 0], allow_offgrid_times: true }), d, 5);
    expectTrace(r, [[1.1 + d, 150], [2.2 + d, 0]]);
    // Two times rounded into one step are not strictly increasing steps.
    expect(() => step(sim, { amplitude_times: [1.01, 1.06], amplitude_values: [1, 2], allow_offgrid_times: true })).toThrow(/amplitude_times\[1\]' = 1.06.*strictly increasing steps.*rounded into the step/);
  });

  it('invalid parameters are ParameterErrors naming the parameter, the value and what is allowed', () => {
    const sim = createSimulator({ dt: h });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ amplitude_times: [1, 2, 3], amplitude_values: [1, 2] }, /'amplitude_values' = "an array of length 2".*the length of amplitude_times \(3\)/],
      [{ amplitude_times: [1] }, /'amplitude_values' = "an array of length 0".*length of amplitude_times \(1\)/],
      [{ amplitude_times: [1, 3, 2], amplitude_values: [1, 2, 3] }, /'amplitude_times\[2\]' = 2 is invalid; allowed: times in strictly increasing steps, after 3 ms/],
      [{ amplitude_times: [1, 1], amplitude_values: [1, 2] }, /'amplitude_times\[1\]' = 1 .*strictly increasing/],
      [{ amplitude_times: [0, 1], amplitude_values: [1, 2] }, /'amplitude_times\[0\]' = 0 is invalid; allowed: a time > 0 ms/],
      [{ amplitude_times: [-2], amplitude_values: [1] }, /'amplitude_times\[0\]' = -2 .*> 0 ms/],
      [{ amplitude_times: [1], amplitude_values: [NaN] }, /'amplitude_values\[0\]' = NaN .*a finite number/],
      [{ amplitude_times: 5, amplitude_values: [1] }, /'amplitude_times' = 5 is invalid; allowed: an array of numbers/],
      [{ amplitude_times: [1], amplitude_values: [1], allow_offgrid_times: 1 }, /'allow_offgrid_times' = 1 .*true or false/],
      [{ amplitude: 5 }, /'amplitude'/],
      [{ start: 20, stop: 10 }, /'stop' = 10 .*>= start/],
    ];
    for (const [p, msg] of cases) {
      let err: unknown;
      try {
        step(sim, p);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(p)).toBeInstanceOf(ParameterError);
      expect((err as Error).message).toMatch(msg);
    }
    const g = step(sim, { amplitude_times: [1, 2], amplitude_values: [1, 2] });
    expect(() => g.set({ amplitude_times: [3] })).toThrow(/set step_current_generator.*'amplitude_values' = undefined.*together/);
    expect(() => g.set({ amplitude_values: [3, 4] })).toThrow(/'amplitude_times' = undefined.*together/);
    expect(() => g.set({ allow_offgrid_times: true })).toThrow(/'allow_offgrid_times' = true.*only together with new amplitude_times/);
    expect(() => g.set({ amplitude_time: [3] })).toThrow(/'amplitude_time' = \[3\] is invalid; allowed: one of the model's parameters: start, stop, origin, amplitude_times, amplitude_values, allow_offgrid_times/);
    // A refused set changes nothing: the old table and window stay.
    expect(() => g.set({ stop: 50, amplitude_times: [3, 2], amplitude_values: [1, 1] })).toThrow(/amplitude_times\[1\]/);
    expect(g.params.stop).toBe(Infinity);
  });
});
