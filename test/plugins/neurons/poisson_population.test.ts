import { describe, it, expect } from 'vitest';
import { createSimulator } from '../../../index.js';
import type { SpikeEvents } from '../../../plugins/recorders/spike_recorder.js';
import type { MultimeterEvents } from '../../../plugins/recorders/multimeter.js';
import { stubComm } from '../connections/helpers.js';

function record(rank: number, size: number, n: number, rate: number, ms: number): SpikeEvents {
  const sim = createSimulator({ seed: 31, dt: 0.1, comm: stubComm(rank, size) });
  const pop = sim.create('poisson_population', n, { rate });
  const rec = sim.create('spike_recorder');
  sim.connect(pop, rec);
  sim.simulate(ms);
  return rec.events<SpikeEvents>();
}

describe('poisson_population (Auryn fast Poisson group)', () => {
  it('fires at the given rate with Poisson statistics (count within 5 sd, Fano factor and ISI CV near 1)', () => {
    const n = 2000;
    const ev = record(0, 1, n, 20, 2000);
    const expected = n * 20 * 2;
    expect(Math.abs(ev.senders.length - expected)).toBeLessThan(5 * Math.sqrt(expected));
    const counts = new Float64Array(n);
    const last = new Float64Array(n).fill(NaN);
    const isis: number[] = [];
    for (let k = 0; k < ev.senders.length; k++) {
      const i = ev.senders[k] - 1;
      counts[i]++;
      if (!Number.isNaN(last[i])) isis.push(ev.times[k] - last[i]);
      last[i] = ev.times[k];
    }
    const mean = counts.reduce((a, b) => a + b, 0) / n;
    const variance = counts.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    // Bernoulli per step with p = 0.002: Fano 1 - p; the estimate's sd is about sqrt(2/n) = 0.03.
    expect(Math.abs(variance / mean - 0.998)).toBeLessThan(0.15);
    const m = isis.reduce((a, b) => a + b, 0) / isis.length;
    const sd = Math.sqrt(isis.reduce((a, b) => a + (b - m) ** 2, 0) / (isis.length - 1));
    expect(Math.abs(m - 50)).toBeLessThan(2);
    expect(Math.abs(sd / m - 1)).toBeLessThan(0.05);
    // At most one spike per neuron and step.
    const seen = new Set<string>();
    for (let k = 0; k < ev.senders.length; k++) seen.add(`${ev.senders[k]}@${ev.times[k]}`);
    expect(seen.size).toBe(ev.senders.length);
  });
  it('the spikes do not depend on the rank count (chunks keyed by gid)', () => {
    const key = (e: SpikeEvents) => Array.from(e.senders, (s, k) => `${s}@${e.times[k].toFixed(1)}`).sort();
    const single = key(record(0, 1, 3000, 30, 200));
    const union = [...key(record(0, 2, 3000, 30, 200)), ...key(record(1, 2, 3000, 30, 200))].sort();
    expect(single.length).toBeGreaterThan(10000);
    expect(union).toEqual(single);
  });
  it('its spikes travel through ordinary projections (synaptic current = sum of delayed exponentials)', () => {
    const sim = createSimulator({ seed: 32, dt: 0.1 });
    const src = sim.create('poisson_population', 3, { rate: 200 });
    const tgt = sim.create('iaf_psc_exp', 3, { V_th: 1e6 });
    sim.connect(src, tgt, 'one_to_one', { weight: 10, delay: 1.0 });
    const rec = sim.create('spike_recorder');
    const mm = sim.create('multimeter', 1, { interval: 0.1, record_from: ['I_syn_ex'] });
    sim.connect(src, rec);
    sim.connect(mm, tgt);
    sim.simulate(200);
    const spikes = rec.events<SpikeEvents>();
    expect(spikes.senders.length).toBeGreaterThan(60);
    const ev = mm.events<MultimeterEvents>();
    const I = ev.I_syn_ex as Float64Array;
    for (let r = 0; r < ev.times.length; r++) {
      const t = ev.times[r];
      const i = ev.senders[r] - tgt.firstGid;
      let expected = 0;
      for (let k = 0; k < spikes.senders.length; k++) {
        const arrival = spikes.times[k] + 1.0;
        if (spikes.senders[k] - src.firstGid === i && arrival <= t + 1e-9) expected += 10 * Math.exp(-(t - arrival) / 2);
      }
      expect(Math.abs(I[r] - expected)).toBeLessThan(1e-9);
    }
  });
  it('a rate of 1/dt or more is an error', () => {
    const sim = createSimulator({ dt: 0.1 });
    expect(() => sim.create('poisson_population', 10, { rate: 10000 })).toThrow(/rate' = 10000/);
  });
});
