import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, type Device } from '../../index.js';
import { readSpikeAscii, readSpikeBinary, type SpikeRecorderRuntime, type WeightRecorderRuntime, type MultimeterEvents, type WeightEvents } from '../../plugins/recorders/index.js';
import type { SpikeEvents } from '../../plugins/recorders/spike_recorder.js';

function drivenNetwork(dir: string) {
  const sim = createSimulator({ seed: 4, dt: 0.1 });
  const pop = sim.create('iaf_psc_exp', 80);
  const noise = sim.create('poisson_generator', 1, { rate: 20000 });
  sim.connect(noise, pop, 'all_to_all', { weight: 45, delay: 1 });
  sim.connect(pop, pop, { rule: 'fixed_indegree', indegree: 10 }, { weight: -20, delay: 1.5 });
  const mem = sim.create('spike_recorder');
  const ascii = sim.create('spike_recorder', 1, {}, { record_to: 'ascii', path: dir });
  const bin = sim.create('spike_recorder', 1, { start: 0 }, { record_to: 'binary', label: 'spikes', path: dir });
  for (const r of [mem, ascii, bin]) sim.connect(pop, r);
  return { sim, pop, mem, ascii, bin };
}

const rt = (d: Device) => d.runtime as SpikeRecorderRuntime;

describe('spike_recorder files', () => {
  it('ascii (NEST format and file name) and binary files read back identical to the in-memory record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-rec-'));
    const { sim, mem, ascii, bin } = drivenNetwork(dir);
    sim.simulate(300);
    sim.close();
    const m = mem.events<SpikeEvents>();
    expect(m.senders.length).toBeGreaterThan(500);
    // 80 neurons + 1 generator + 3 recorders = 84 nodes: node ids padded to 2 digits, one VP: 1 digit.
    expect(rt(ascii).filename).toBe(join(dir, `spike_recorder-${ascii.gid}-0.dat`));
    expect(rt(bin).filename).toBe(join(dir, `spikes-${bin.gid}-0.bin`));
    const text = readFileSync(rt(ascii).filename!, 'utf8').split('\n');
    expect(text[0]).toMatch(/^# NEST version: /);
    expect(text[1]).toBe('# RecordingBackendASCII version: 2');
    expect(text[2]).toBe('sender\ttime_ms');
    expect(text[3]).toMatch(/^\d+\t\d+\.\d{3}$/);
    const a = readSpikeAscii(rt(ascii).filename!);
    const b = readSpikeBinary(rt(bin).filename!);
    expect(Array.from(a.senders)).toEqual(Array.from(m.senders));
    expect(Array.from(b.senders)).toEqual(Array.from(m.senders));
    expect(Array.from(b.times)).toEqual(Array.from(m.times));
    for (let i = 0; i < m.times.length; i++) expect(Math.abs(a.times[i] - m.times[i])).toBeLessThan(5e-4);
    expect(Array.from(b.steps)).toEqual(Array.from(rt(mem).steps()));
    expect(rt(ascii).n_events).toBe(m.senders.length);
    expect(rt(bin).n_events).toBe(m.senders.length);
  });
  it('a run that stops without close() leaves readable files (whole records, header first)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-rec-'));
    const { sim, mem, ascii, bin } = drivenNetwork(dir);
    sim.simulate(300);
    // No close: what is on disk now is what an interrupted run leaves.
    const a = readSpikeAscii(rt(ascii).filename!);
    const b = readSpikeBinary(rt(bin).filename!);
    const n = mem.events<SpikeEvents>().senders.length;
    expect(a.senders.length).toBeLessThanOrEqual(n);
    expect(b.senders.length).toBeLessThanOrEqual(n);
    expect(Array.from(b.senders)).toEqual(Array.from(mem.events<SpikeEvents>().senders.subarray(0, b.senders.length)));
    sim.close();
  });
  it('refuses to overwrite an existing file unless overwrite_files, as NEST', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-rec-'));
    const first = drivenNetwork(dir);
    first.sim.simulate(10);
    first.sim.close();
    expect(existsSync(rt(first.ascii).filename!)).toBe(true);
    const second = drivenNetwork(dir);
    expect(() => second.sim.simulate(10)).toThrow(/does not exist yet.*overwrite_files/);
    const sim = createSimulator({ seed: 4 });
    const pop = sim.create('iaf_psc_exp', 80);
    sim.create('poisson_generator', 1);
    sim.create('spike_recorder');
    const again = sim.create('spike_recorder', 1, { record_to: 'ascii', path: dir, overwrite_files: true });
    expect(again.gid).toBe(first.ascii.gid);
    sim.connect(pop, again);
    sim.simulate(10);
    sim.close();
    expect(readSpikeAscii(rt(again).filename!).senders.length).toBe(0);
  });
  it('bad record_to is a clear error', () => {
    const sim = createSimulator();
    expect(() => sim.create('spike_recorder', 1, {}, { record_to: 'hdf5' })).toThrow(/record_to' = "hdf5".*'memory', 'ascii', 'binary'/);
  });
});

describe('multimeter', () => {
  it("samples at multiples of interval, stamped at the step's end; the trace equals the model's state", () => {
    const sim = createSimulator({ seed: 6, dt: 0.1 });
    const pop = sim.create('iaf_psc_exp', 5);
    const noise = sim.create('poisson_generator', 1, { rate: 10000 });
    sim.connect(noise, pop, 'all_to_all', { weight: 30, delay: 0.1 });
    const mm = sim.create('multimeter', 1, { interval: 0.5, record_from: ['V_m', 'I_syn_ex'] });
    sim.connect(mm, pop.slice(1, 4));
    const expectedV: number[] = [];
    const expectedI: number[] = [];
    for (let k = 0; k < 40; k++) {
      sim.simulate(0.5);
      const V = pop.get('V_m');
      const I = pop.get('I_syn_ex');
      for (let i = 1; i < 4; i++) {
        expectedV.push(V[i]);
        expectedI.push(I[i]);
      }
    }
    const ev = mm.events<MultimeterEvents>();
    expect(ev.times.length).toBe(40 * 3);
    for (let k = 0; k < 40; k++) {
      for (let j = 0; j < 3; j++) {
        expect(ev.times[3 * k + j]).toBeCloseTo(0.5 * (k + 1), 12);
        expect(ev.senders[3 * k + j]).toBe(pop.firstGid + 1 + j);
      }
    }
    expect(Array.from(ev.V_m)).toEqual(expectedV);
    expect(Array.from(ev.I_syn_ex)).toEqual(expectedI);
  });
  it('offset, start and stop; unknown variables and off-grid intervals are errors', () => {
    const sim = createSimulator({ dt: 0.1 });
    const pop = sim.create('iaf_psc_exp', 1);
    const mm = sim.create('multimeter', 1, { interval: 1, offset: 0.3, start: 2, stop: 6, record_from: ['V_m'] });
    sim.connect(mm, pop);
    sim.simulate(10);
    expect(Array.from(mm.events<MultimeterEvents>().times, (t) => Math.round(t * 10) / 10)).toEqual([2.3, 3.3, 4.3, 5.3]);
    const s2 = createSimulator({ dt: 0.1 });
    const p2 = s2.create('iaf_psc_exp', 1);
    const bad = s2.create('multimeter', 1, { record_from: ['V_x'] });
    expect(() => s2.connect(bad, p2)).toThrow(/record_from' = "V_x".*V_m, I_syn_ex, I_syn_in/);
    expect(() => createSimulator({ dt: 0.1 }).create('multimeter', 1, { interval: 0.25 })).toThrow(/interval' = 0.25/);
  });
});

describe('weight_recorder', () => {
  it('samples the chosen synapses at the interval with senders, targets and weights as in the table', () => {
    const sim = createSimulator({ seed: 9, dt: 0.1 });
    const a = sim.create('iaf_psc_exp', 20);
    const b = sim.create('iaf_psc_exp', 30);
    const proj = sim.connect(a, b, { rule: 'fixed_indegree', indegree: 4 }, { weight: { distribution: 'normal', mean: 5, std: 1 } })!;
    const chosen = [0, 7, 33, 119];
    const wr = sim.create('weight_recorder', 1, { interval: 2 }, { projections: [proj], synapses: [chosen] });
    sim.simulate(10);
    const ev = wr.events<WeightEvents>();
    expect(ev.times.length).toBe(5 * chosen.length);
    const w = proj.weights();
    const t = proj.table;
    for (let r = 0; r < ev.times.length; r++) {
      const k = chosen[r % chosen.length];
      expect(ev.times[r]).toBeCloseTo(2 * (1 + Math.floor(r / chosen.length)), 12);
      expect(ev.weights[r]).toBe(w[k]);
      expect(ev.targets[r]).toBe(b.firstGid + t.target[k]);
      const src = ev.senders[r] - a.firstGid;
      expect(t.rowStart[src] <= k && k < t.rowStart[src + 1]).toBe(true);
    }
    expect(() => (wr.runtime as WeightRecorderRuntime).watch(proj, [120])).toThrow(/synapses\[0\]' = 120/);
  });
});
