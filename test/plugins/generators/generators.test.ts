import { describe, it, expect } from 'vitest';
import type { RingRow } from '../../../core/ringbuffer.js';
import { createSimulator, RingBuffer, type Device, type DeviceTargets, type PopulationHandle, type DeviceContext } from '../../../index.js';
import { noiseGenerator } from '../../../plugins/generators/noise_generator.js';
import { sinusoidalPoissonGenerator } from '../../../plugins/generators/sinusoidal_poisson_generator.js';
import type { MultimeterEvents } from '../../../plugins/recorders/multimeter.js';

// iaf_psc_exp defaults: C_m 250 pF, tau_m 10 ms, tau_syn_ex 2 ms, E_L -70 mV.
const C = 250;
const tauM = 10;
const tauS = 2;
const EL = -70;

function trace(ev: MultimeterEvents, name: string): Map<number, number> {
  const m = new Map<number, number>();
  const v = ev[name] as Float64Array;
  for (let i = 0; i < ev.times.length; i++) m.set(Math.round(ev.times[i] * 10), v[i]);
  return m;
}

describe('spike_generator', () => {
  it('a spike at t = 1.0 ms with delay 1.0 ms: PSC at 2.0 ms, membrane follows the analytic PSP from the next step', () => {
    const sim = createSimulator({ dt: 0.1 });
    const pop = sim.create('iaf_psc_exp', 1);
    const gen = sim.create('spike_generator', 1, { spike_times: [1.0] });
    const mm = sim.create('multimeter', 1, { interval: 0.1, record_from: ['V_m', 'I_syn_ex'] });
    const w = 500;
    sim.connect(gen, pop, 'all_to_all', { weight: w, delay: 1.0 });
    sim.connect(mm, pop);
    sim.simulate(10);
    const ev = mm.events<MultimeterEvents>();
    const V = trace(ev, 'V_m');
    const I = trace(ev, 'I_syn_ex');
    // Nothing before the arrival step; the synaptic current jumps to w at 2.0 ms (end of the arrival step).
    for (let k = 1; k <= 19; k++) expect(I.get(k)).toBe(0);
    for (let k = 1; k <= 20; k++) expect(V.get(k)).toBe(EL);
    const t0 = 2.0;
    for (let k = 20; k <= 100; k++) {
      const s = k / 10 - t0;
      expect(I.get(k)!).toBeCloseTo(w * Math.exp(-s / tauS), 9);
      const psp = ((w / C) * ((tauS * tauM) / (tauM - tauS))) * (Math.exp(-s / tauM) - Math.exp(-s / tauS));
      expect(V.get(k)! - EL).toBeCloseTo(psp, 9);
    }
    expect(V.get(21)! - EL).toBeGreaterThan(0);
  });
  it('spike_weights scale the connection weight; times outside (start, stop] are not sent', () => {
    const sim = createSimulator({ dt: 0.1 });
    const pop = sim.create('iaf_psc_exp', 2);
    const gen = sim.create('spike_generator', 1, { spike_times: [0.5, 1.0, 3.0], spike_weights: [1, 2, 4], start: 0.5, stop: 2.0 });
    const mm = sim.create('multimeter', 1, { interval: 0.1, record_from: ['I_syn_ex'] });
    sim.connect(gen, pop, 'all_to_all', { weight: 10, delay: 0.1 });
    sim.connect(mm, pop);
    sim.simulate(5);
    const I = trace(mm.events<MultimeterEvents>(), 'I_syn_ex');
    // 0.5 is not in (0.5, 2.0]; 1.0 arrives at 1.1 with 10·2; 3.0 is after stop.
    expect(I.get(11)).toBeCloseTo(20, 12);
    expect(I.get(10)).toBe(0);
    expect(I.get(31)!).toBeCloseTo(20 * Math.exp(-2.0 / tauS), 9);
  });
  it('times off the grid are an error unless allow_offgrid_times, which rounds them up to the grid', () => {
    const sim = createSimulator({ dt: 0.1 });
    expect(() => sim.create('spike_generator', 1, { spike_times: [1.03] })).toThrow(/spike_times\[0\]' = 1.03.*multiple of the resolution 0.1/);
    expect(() => sim.create('spike_generator', 1, { spike_times: [2, 1] })).toThrow(/spike_times\[1\].*sorted/);
    expect(() => sim.create('spike_generator', 1, { spike_times: [1, 2], spike_weights: [1] })).toThrow(/spike_weights/);
    const pop = sim.create('iaf_psc_exp', 1);
    const gen = sim.create('spike_generator', 1, { spike_times: [1.03], allow_offgrid_times: true });
    const mm = sim.create('multimeter', 1, { interval: 0.1, record_from: ['I_syn_ex'] });
    sim.connect(gen, pop, 'all_to_all', { weight: 1, delay: 0.1 });
    sim.connect(mm, pop);
    sim.simulate(2);
    const I = trace(mm.events<MultimeterEvents>(), 'I_syn_ex');
    // Rounded up to 1.1 ms, arrives at 1.2 ms.
    expect(I.get(11)).toBe(0);
    expect(I.get(12)).toBe(1);
  });
});

describe('dc_generator', () => {
  it('matches the analytic DC trajectory: current acts from the step after its arrival (NEST timing)', () => {
    const sim = createSimulator({ dt: 0.1 });
    const pop = sim.create('iaf_psc_exp', 3, { V_th: 1000 });
    const dc = sim.create('dc_generator', 1, { amplitude: 100, start: 5, stop: 30 });
    const mm = sim.create('multimeter', 1, { interval: 0.1, record_from: ['V_m'] });
    sim.connect(dc, pop, 'all_to_all', { weight: 1, delay: 0.1 });
    sim.connect(mm, pop);
    sim.simulate(50);
    const ev = mm.events<MultimeterEvents>();
    const RI = (tauM / C) * 100;
    // Active in steps 50..299 (stamps in (5, 30]); each value arrives one step later and acts one step after that.
    const on = 5.2;
    const off = 30.2;
    const vOff = EL + RI * (1 - Math.exp(-(off - on) / tauM));
    for (let i = 0; i < ev.times.length; i++) {
      const t = ev.times[i];
      let expected: number;
      if (t <= on + 1e-9) expected = EL;
      else if (t <= off + 1e-9) expected = EL + RI * (1 - Math.exp(-(t - on) / tauM));
      else expected = EL + (vOff - EL) * Math.exp(-(t - off) / tauM);
      expect(Math.abs((ev.V_m as Float64Array)[i] - expected)).toBeLessThan(1e-9);
    }
    expect(ev.times.length).toBe(500 * 3);
  });
});

/** A generator runtime fed straight into a ring buffer: the injected values are read back exactly. */
function bareTargets(n: number, delaySteps: number, slots: number): DeviceTargets {
  const population: PopulationHandle = { id: 0, eid: 1, model: 'iaf_psc_exp', size: n, firstGid: 1, localStart: 0, localCount: n, params: {} };
  return {
    population,
    local: Int32Array.from({ length: n }, (_, i) => i),
    weight: 1,
    delaySteps,
    ring: new RingBuffer(n, slots),
  };
}

/** A device's context outside a network, with the services (random streams of `seed`) of a simulator. */
function deviceContext(c: Omit<DeviceContext, 'services' | 'options'> & { options?: Record<string, unknown> }): DeviceContext {
  return { options: {}, ...c, services: createSimulator({ seed: c.seed }).services };
}

describe('noise_generator', () => {
  it('a new Gaussian value per target every dt, held in between; mean, sd and independence across targets', () => {
    const dt = 0.1;
    const n = 400;
    const gen = noiseGenerator.create(deviceContext({ gid: 9, dt, seed: 5, rank: 0, size: 1, params: { mean: 50, std: 20, dt: 0.5, std_mod: 0, frequency: 0, phase: 0, start: 0, stop: Infinity, origin: 0 } }));
    const t = bareTargets(n, 1, 2);
    gen.addTargets(t);
    const steps = 500; // 100 noise intervals
    const values: RingRow[] = [];
    for (let s = 0; s < steps; s++) {
      gen.emit(s);
      const row = t.ring.cur.slice(t.ring.offset(s + 1), t.ring.offset(s + 1) + n);
      t.ring.clear(t.ring.offset(s + 1));
      values.push(row);
    }
    let heldChanged = 0;
    let drawsKept = 0;
    for (let s = 1; s < steps; s++) {
      let same = true;
      for (let i = 0; i < n; i++) if (values[s][i] !== values[s - 1][i]) same = false;
      if (s % 5 !== 0 && !same) heldChanged++;
      if (s % 5 === 0 && same) drawsKept++;
    }
    expect(heldChanged).toBe(0);
    expect(drawsKept).toBe(0);
    let sum = 0;
    let sq = 0;
    let cross = 0;
    const blocks = steps / 5;
    for (let b = 0; b < blocks; b++) {
      const v = values[b * 5];
      for (let i = 0; i < n; i++) {
        sum += v[i];
        sq += v[i] * v[i];
        if (i > 0) cross += (v[i] - 50) * (v[i - 1] - 50);
      }
    }
    const N = blocks * n;
    const mean = sum / N;
    const sd = Math.sqrt(sq / N - mean * mean);
    // 40000 values: standard error of the mean 0.1 pA, of the sd about 0.07 pA.
    expect(Math.abs(mean - 50)).toBeLessThan(0.5);
    expect(Math.abs(sd - 20)).toBeLessThan(0.4);
    // Neighbouring targets are independent: correlation within 5/sqrt(N).
    expect(Math.abs(cross / (blocks * (n - 1)) / 400)).toBeLessThan(5 / Math.sqrt(N));
  });
  it('dt must be a multiple of the resolution', () => {
    const sim = createSimulator({ dt: 0.1 });
    expect(() => sim.create('noise_generator', 1, { std: 1, dt: 0.25 })).toThrow(/'dt' = 0.25.*multiple of the resolution/);
  });
});

describe('sinusoidal_poisson_generator', () => {
  const run = (individual: boolean) => {
    const dt = 0.1;
    const n = 200;
    const gen = sinusoidalPoissonGenerator.create(deviceContext({
      gid: 4, dt, seed: 8, rank: 0, size: 1, options: { individual_spike_trains: individual },
      params: { rate: 100, amplitude: 80, frequency: 10, phase: 90, start: 0, stop: Infinity, origin: 0 },
    }));
    const t = bareTargets(n, 1, 2);
    gen.addTargets(t);
    const steps = 10000; // 1 s: 10 periods
    const perStep = new Float64Array(steps);
    let identical = true;
    for (let s = 0; s < steps; s++) {
      gen.emit(s);
      const off = t.ring.offset(s + 1);
      for (let i = 0; i < n; i++) {
        perStep[s] += t.ring.ex[off + i];
        if (t.ring.ex[off + i] !== t.ring.ex[off]) identical = false;
      }
      t.ring.clear(off);
    }
    return { perStep, identical, n, dt };
  };
  it('spike counts follow rate + amplitude·sin(2π f t + phase) (phase bins within 5 sd)', () => {
    const { perStep, identical, n, dt } = run(true);
    expect(identical).toBe(false);
    // 10 phase bins of 10 ms per 100 ms period, summed over 10 periods and 200 targets.
    const bins = new Float64Array(10);
    const expected = new Float64Array(10);
    for (let s = 0; s < perStep.length; s++) {
      const b = Math.floor((s % 1000) / 100);
      bins[b] += perStep[s];
      const tt = (s + 1) * dt;
      expected[b] += n * (100 + 80 * Math.sin((2 * Math.PI * 10 * tt) / 1000 + Math.PI / 2)) * dt * 1e-3;
    }
    for (let b = 0; b < 10; b++) expect(Math.abs(bins[b] - expected[b])).toBeLessThan(5 * Math.sqrt(expected[b]));
  });
  it('individual_spike_trains false: every target gets the same train', () => {
    const { perStep, identical } = run(false);
    expect(identical).toBe(true);
    expect(perStep.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

describe('noise_generator with a modulated sd', () => {
  it('variance follows std² + std_mod²·sin(2π f t + phase)', () => {
    const dt = 0.1;
    const n = 2000;
    const gen = noiseGenerator.create(deviceContext({
      gid: 9, dt, seed: 6, rank: 0, size: 1,
      params: { mean: 0, std: 10, std_mod: 10, frequency: 100, phase: 0, dt: 0.1, start: 0, stop: Infinity, origin: 0 },
    }));
    const t = bareTargets(n, 1, 2);
    gen.addTargets(t);
    // 10 ms = one period: steps 0..99; sample variance at each step vs the formula (2000 values: sd of s² ≈ s²·0.032).
    for (let s = 0; s < 100; s++) {
      gen.emit(s);
      const off = t.ring.offset(s + 1);
      let sq = 0;
      for (let i = 0; i < n; i++) sq += t.ring.cur[off + i] ** 2;
      t.ring.clear(off);
      const variance = 100 + 100 * Math.sin((2 * Math.PI * 100 * (s + 1) * dt) / 1000);
      expect(Math.abs(sq / n - variance)).toBeLessThan(5 * variance * Math.sqrt(2 / n) + 1e-9);
    }
  });
  it('std_mod above std is an error', () => {
    const sim = createSimulator({ dt: 0.1 });
    expect(() => sim.create('noise_generator', 1, { std: 1, std_mod: 2 })).toThrow(/std_mod' = 2.*at most std/);
  });
});

describe('device timing', () => {
  it('every generator refuses stop < start, at create and at set (NEST: "stop >= start required")', () => {
    const sim = createSimulator({ dt: 0.1 });
    for (const model of ['poisson_generator', 'dc_generator', 'noise_generator', 'sinusoidal_poisson_generator', 'spike_generator', 'step_current_generator', 'ac_generator']) {
      expect(() => sim.create(model, 1, { start: 20, stop: 10 }), model).toThrow(
        `create ${model}: parameter 'stop' = 10 is invalid; allowed: a time >= start (20 ms): NEST requires stop >= start`,
      );
      const g = sim.create(model, 1, { start: 20, stop: 20 }) as unknown as Device;
      expect(() => g.set({ start: 30 }), model).toThrow(/parameter 'stop' = 20 is invalid; allowed: a time >= start \(30 ms\)/);
    }
  });
});
