import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, builtinPlugins, type Device, type SynapseModel, type NeuronModel } from '../../../index.js';
import { readSpikeAscii, readSpikeBinary, readSpikeArrow, type SpikeRecorderRuntime, type WeightRecorderRuntime, type MultimeterEvents, type WeightEvents } from '../../../plugins/recorders/index.js';
import type { SpikeEvents } from '../../../plugins/recorders/spike_recorder.js';
import { ChunkedFile, FileSink } from '../../../plugins/recorders/files.js';
import { readTable } from '../../../plugins/recorders/tables.js';
import { ArrowSpikeWriter } from '../../../plugins/recorders/arrow.js';

function drivenNetwork(dir: string) {
  const sim = createSimulator({ seed: 4, dt: 0.1 });
  const pop = sim.create('iaf_psc_exp', 80);
  const noise = sim.create('poisson_generator', 1, { rate: 20000 });
  sim.connect(noise, pop, 'all_to_all', { weight: 45, delay: 1 });
  sim.connect(pop, pop, { rule: 'fixed_indegree', indegree: 10 }, { weight: -20, delay: 1.5 });
  const mem = sim.create('spike_recorder');
  const ascii = sim.create('spike_recorder', 1, {}, { record_to: 'ascii', path: dir });
  const bin = sim.create('spike_recorder', 1, { start: 0 }, { record_to: 'binary', label: 'spikes', path: dir });
  const arrow = sim.create('spike_recorder', 1, { record_to: 'arrow', path: dir });
  for (const r of [mem, ascii, bin, arrow]) sim.connect(pop, r);
  return { sim, pop, mem, ascii, bin, arrow };
}

const rt = (d: Device) => d.runtime as SpikeRecorderRuntime;

describe('spike_recorder files', () => {
  it('ascii (NEST format and file name) and binary files read back identical to the in-memory record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-rec-'));
    const { sim, mem, ascii, bin, arrow } = drivenNetwork(dir);
    sim.simulate(300);
    sim.close();
    const arr = readSpikeArrow(rt(arrow).filename!);
    expect(rt(arrow).filename).toBe(join(dir, `spike_recorder-${arrow.gid}-0.arrow`));
    const m = mem.events<SpikeEvents>();
    expect(m.senders.length).toBeGreaterThan(500);
    expect(Array.from(arr.senders)).toEqual(Array.from(m.senders));
    expect(Array.from(arr.times)).toEqual(Array.from(m.times));
    // 80 neurons + 1 generator + 4 recorders = 85 nodes: node ids padded to 2 digits, one VP: 1 digit.
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
    const { sim, mem, ascii, bin, arrow } = drivenNetwork(dir);
    sim.simulate(300);
    // No close: what is on disk now is what an interrupted run leaves.
    const a = readSpikeAscii(rt(ascii).filename!);
    const b = readSpikeBinary(rt(bin).filename!);
    const n = mem.events<SpikeEvents>().senders.length;
    expect(a.senders.length).toBeLessThanOrEqual(n);
    expect(b.senders.length).toBeLessThanOrEqual(n);
    expect(Array.from(b.senders)).toEqual(Array.from(mem.events<SpikeEvents>().senders.subarray(0, b.senders.length)));
    // The Arrow stream has no end-of-stream marker yet and still reads.
    const c = readSpikeArrow(rt(arrow).filename!);
    expect(c.senders.length).toBeLessThanOrEqual(n);
    expect(Array.from(c.senders)).toEqual(Array.from(mem.events<SpikeEvents>().senders.subarray(0, c.senders.length)));
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
    expect(() => sim.create('spike_recorder', 1, {}, { record_to: 'hdf5' })).toThrow(/record_to' = "hdf5".*'memory', 'ascii', 'binary', 'arrow'/);
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

describe('weight_recorder on changing weights', () => {
  // A user plasticity plugin: every delivered spike adds 1 to the weights of its row.
  const makeRamp = (withWeightAt: boolean): SynapseModel => ({
    kind: 'synapse', name: withWeightAt ? 'ramp_at' : 'ramp_copy', doc: 'test rule', params: {}, plastic: true, perSynapseWeight: true,
    create(p) {
      const t = p.table;
      const w = t.weight!.slice();
      return {
        deliver(src: number) {
          for (let k = t.rowStart[src]; k < t.rowStart[src + 1]; k++) w[k] += 1;
        },
        bytesPerSynapse: () => 8,
        weights: () => w.slice(),
        ...(withWeightAt ? { weightAt: (k: number) => w[k] } : {}),
      };
    },
  });
  for (const withWeightAt of [true, false]) {
    it(`samples track the runtime's weights (${withWeightAt ? 'weightAt' : 'weights() copy'})`, () => {
      const sim = createSimulator({ seed: 10, dt: 0.1, plugins: [...builtinPlugins, makeRamp(withWeightAt)] });
      const src = sim.create('poisson_population', 10, { rate: 300 });
      const dst = sim.create('iaf_psc_exp', 10);
      const proj = sim.connect(src, dst, { rule: 'fixed_indegree', indegree: 3 }, { synapse_model: withWeightAt ? 'ramp_at' : 'ramp_copy', weight: 0.5, delay: 1.0 })!;
      const wr = sim.create('weight_recorder', 1, { interval: 2 }, { projections: [proj] });
      // Weights after each 1 ms slice's propagation; the sample at the end of slice j sees slice j-1's.
      const afterSlice: Float32Array[] = [proj.weights()];
      sim.events.on('slice', () => afterSlice.push(proj.weights()));
      sim.simulate(40);
      const ev = wr.events<WeightEvents>();
      expect(ev.times.length).toBe(20 * proj.count);
      for (let r = 0; r < ev.times.length; r++) {
        const j = Math.round(ev.times[r]) - 1; // slice index whose last step was sampled
        expect(ev.weights[r]).toBe(afterSlice[j][r % proj.count]);
      }
      expect(Math.max(...ev.weights)).toBeGreaterThan(1.5);
    });
  }
});

describe('Arrow spike stream', () => {
  it('many batches, read back before (no end-of-stream marker) and after close', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-arrow-'));
    const file = new ChunkedFile(join(dir, 'x.arrow'), 'test', false);
    const w = new ArrowSpikeWriter(file, 100, Infinity);
    const gids = Int32Array.from({ length: 1050 }, (_, i) => 1 + (i % 37));
    const steps = Int32Array.from({ length: 1050 }, (_, i) => i);
    w.push(gids, steps, 1050, 0.1);
    file.flush();
    const partial = readSpikeArrow(join(dir, 'x.arrow'));
    expect(partial.senders.length).toBe(1000); // ten full batches on disk, 50 rows pending
    w.close();
    file.close();
    const all = readSpikeArrow(join(dir, 'x.arrow'));
    expect(Array.from(all.senders)).toEqual(Array.from(gids));
    expect(Array.from(all.times)).toEqual(Array.from(steps, (s) => (s + 1) * 0.1));
  });
});

describe('multimeter to a NEST ASCII file', () => {
  it('writes sender, time_ms and the variables; reads back as the in-memory trace to the precision', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-mm-'));
    const sim = createSimulator({ seed: 6, dt: 0.1 });
    const pop = sim.create('iaf_psc_exp', 4);
    const noise = sim.create('poisson_generator', 1, { rate: 10000 });
    sim.connect(noise, pop, 'all_to_all', { weight: 30, delay: 0.1 });
    const mem = sim.create('multimeter', 1, { interval: 0.2, record_from: ['V_m', 'I_syn_ex'] });
    const txt = sim.create('multimeter', 1, { interval: 0.2, record_from: ['V_m', 'I_syn_ex'], record_to: 'ascii', path: dir, precision: 6 });
    sim.connect(mem, pop);
    sim.connect(txt, pop);
    sim.simulate(50);
    sim.close();
    const filename = (txt.runtime as unknown as { filename: string }).filename;
    expect(filename).toBe(join(dir, `multimeter-${txt.gid}-0.dat`));
    const lines = readFileSync(filename, 'utf8').split('\n');
    expect(lines[1]).toBe('# RecordingBackendASCII version: 2');
    expect(lines[2]).toBe('sender\ttime_ms\tV_m\tI_syn_ex');
    const a = mem.events<MultimeterEvents>();
    const b = txt.events<MultimeterEvents>();
    expect(b.times.length).toBe(250 * 4);
    expect(Array.from(b.senders)).toEqual(Array.from(a.senders));
    for (let i = 0; i < a.times.length; i++) {
      expect(Math.abs(b.times[i] - a.times[i])).toBeLessThan(1e-6);
      expect(Math.abs((b.V_m as Float64Array)[i] - (a.V_m as Float64Array)[i])).toBeLessThan(1e-6);
      expect(Math.abs((b.I_syn_ex as Float64Array)[i] - (a.I_syn_ex as Float64Array)[i])).toBeLessThan(1e-6);
    }
  });
});

describe('ChunkedFile', () => {
  it('never holds more than its flush size in memory: the file grows while writing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-chunk-'));
    const f = new ChunkedFile(join(dir, 'c.txt'), 'test', false, 1000, Infinity);
    let written = 0;
    for (let i = 0; i < 50; i++) {
      const line = `${i}\t${'x'.repeat(290)}\n`;
      f.write(line);
      written += line.length;
      const onDisk = statSync(join(dir, 'c.txt')).size;
      expect(written - onDisk).toBeLessThan(1000);
    }
    f.close();
    expect(statSync(join(dir, 'c.txt')).size).toBe(written);
  });
});

describe('multimeter through components', () => {
  /** A user model: x relaxes to its input sum with time constant 1 ms (forward Euler), y counts steps. */
  const relax: NeuronModel = {
    kind: 'neuron', name: 'test_relax', doc: 'test', params: {},
    state: { x: { unit: '', doc: 'relaxing variable', initial: () => 0 } },
    defaultIntegrator: 'euler',
    integrators: {
      euler: {
        internal: { steps: { type: 'i32', doc: 'steps taken' } },
        create({ n, dt, state }) {
          const x = state.x;
          const steps = state.steps;
          return {
            update(_s, ring, off) {
              for (let i = 0; i < n; i++) {
                x[i] += dt * (ring.ex[off + i] - x[i]);
                steps[i]++;
              }
              return 0;
            },
          };
        },
      },
    },
  };

  it("records a user model's state and a scheme's internal variable (component.field) without knowing the model", () => {
    const sim = createSimulator({ plugins: [...builtinPlugins, relax] });
    const pop = sim.create('test_relax', 2);
    const lif = sim.create('iaf_psc_exp', 1, { I_e: 1000 });
    const mm = sim.create('multimeter', 1, { interval: 0.1, record_from: ['x', 'test_relax/euler.steps'] });
    sim.connect(mm, pop);
    const mm2 = sim.create('multimeter', 1, { interval: 0.5, record_from: ['iaf_psc_exp/exact.r', 'V_m'] });
    sim.connect(mm2, lif);
    sim.simulate(10);
    const ev = mm.events<MultimeterEvents>();
    expect(ev.times.length).toBe(2 * 100);
    // Sample k (time (k+1)·dt) sees k + 1 steps.
    expect(Array.from(ev['test_relax/euler.steps'].slice(0, 4))).toEqual([1, 1, 2, 2]);
    expect(Array.from(ev.x.slice(0, 2))).toEqual([0, 0]);
    // The LIF's refractory count is nonzero right after each spike: the internal counter is what is sampled.
    const r = mm2.events<MultimeterEvents>()['iaf_psc_exp/exact.r'];
    expect(Math.max(...r)).toBeGreaterThan(0);
    expect(() => {
      const s2 = createSimulator();
      const p2 = s2.create('iaf_psc_exp', 1);
      s2.connect(s2.create('multimeter', 1, { record_from: ['nope'] }), p2);
    }).toThrow(/record_from' = "nope" is invalid; allowed: a state variable of iaf_psc_exp: V_m, I_syn_ex, I_syn_in, I0, r/);
  });
});

describe('multimeter and weight_recorder to the output folder table (record_to tsv)', () => {
  function network(dir: string) {
    const sim = createSimulator({ seed: 8, dt: 0.1 });
    const pop = sim.create('iaf_psc_exp', 6);
    const noise = sim.create('poisson_generator', 1, { rate: 12000 });
    sim.connect(noise, pop, 'all_to_all', { weight: 30, delay: 0.1 });
    const proj = sim.connect(pop, pop, { rule: 'fixed_indegree', indegree: 2 }, { weight: { distribution: 'normal', mean: 5, std: 1 }, delay: 1 })!;
    const mems = [sim.create('multimeter', 1, { interval: 0.3, record_from: ['V_m', 'I_syn_ex'] }), sim.create('weight_recorder', 1, { interval: 2 }, { projections: [proj] })];
    const tables = [
      sim.create('multimeter', 1, { interval: 0.3, record_from: ['V_m', 'I_syn_ex'], record_to: 'tsv', path: dir }),
      sim.create('weight_recorder', 1, { interval: 2 }, { projections: [proj], record_to: 'tsv', path: dir }),
    ];
    for (const m of [mems[0], tables[0]]) {
      sim.connect(m, pop.slice(4, 6));
      sim.connect(m, pop.slice(0, 2));
    }
    return { sim, mems, tables };
  }

  it('streams exact values, in the in-memory order, to <model>-<gid>.tsv; every row is whole while the run goes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-tsv-'));
    const { sim, mems, tables } = network(dir);
    sim.simulate(30);
    // Not closed: what is on disk so far is whole rows after the header.
    const name = (d: Device) => (d.runtime as unknown as { filename: string }).filename;
    expect(name(tables[0])).toBe(join(dir, `multimeter-${tables[0].gid}.tsv`));
    expect(name(tables[1])).toBe(join(dir, `weight_recorder-${tables[1].gid}.tsv`));
    sim.simulate(30);
    sim.close();
    const mm = readFileSync(name(tables[0]), 'utf8').split('\n');
    expect(mm[0]).toBe(`# spikeworks multimeter (node ${tables[0].gid})`);
    expect(mm[1]).toBe('senders\ttimes\tV_m\tI_syn_ex');
    const wr = readFileSync(name(tables[1]), 'utf8').split('\n');
    expect(wr[1]).toBe('senders\ttargets\ttimes\tweights');
    for (const [k, cols] of [[0, ['senders', 'times', 'V_m', 'I_syn_ex']], [1, ['senders', 'targets', 'times', 'weights']]] as const) {
      const a = mems[k].events<Record<string, ArrayLike<number>>>();
      const b = tables[k].events<Record<string, ArrayLike<number>>>();
      expect(a.times.length).toBeGreaterThan(100);
      for (const c of cols) expect(Array.from(b[c])).toEqual(Array.from(a[c]));
    }
    // Two watches per sample (neurons 5, 6, then 1, 2): the in-memory order, kept in the file.
    expect(Array.from(mems[0].events<MultimeterEvents>().senders.slice(0, 4))).toEqual([5, 6, 1, 2]);
  });

  it('a file cut in the middle of a row reads back its whole rows only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-tsv-'));
    const { sim, tables } = network(dir);
    sim.simulate(10);
    sim.close();
    const file = (tables[0].runtime as unknown as { filename: string }).filename;
    const text = readFileSync(file, 'utf8');
    const rows = text.split('\n').length - 3;
    writeFileSync(file, text.slice(0, text.length - 7));
    expect(existsSync(file)).toBe(true);
    const back = readTable(new FileSink(), file, ['senders']);
    expect(back.senders.length).toBe(rows - 1);
    expect(() => createSimulator().create('weight_recorder', 1, {}, { record_to: 'ascii' })).toThrow(/record_to' = "ascii".*'memory', 'tsv'/);
  });
});
