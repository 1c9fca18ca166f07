import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, Simulator, builtinPlugins, type Device, type Projection } from '../../../index.js';
import { runSpecWorkers } from '../../../parallel/workers.js';
import type { WeightEvents } from '../../../plugins/recorders/weight_recorder.js';
import type { SpikeEvents } from '../../../plugins/recorders/spike_recorder.js';

/**
 * Driven E neurons with recurrent stdp_synapse connections whose every transmission a weight_recorder logs
 * (NEST: the synapse model's weight_recorder), plus a static projection logged by a second recorder.
 */
function build(sim: Simulator, opts: { recordTo?: string; path?: string } = {}) {
  const E = sim.create('iaf_psc_alpha', 40, { I_e: 360 });
  E.set('V_m', { distribution: 'uniform', min: -70, max: -56 });
  const noise = sim.create('poisson_generator', 1, { rate: 6000 });
  sim.connect(noise, E, 'all_to_all', { weight: 30, delay: 0.5 });
  const file = opts.recordTo ? { record_to: opts.recordTo, path: opts.path } : {};
  const wrPlastic = sim.create('weight_recorder', 1, {}, file);
  const wrStatic = sim.create('weight_recorder');
  const plastic = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 5 }, { synapse_model: 'stdp_synapse', weight: 40, Wmax: 100, delay: 1.5, weight_recorder: wrPlastic })!;
  const fixed = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 2 }, { weight: { distribution: 'uniform', min: 5, max: 10 }, delay: 1, weight_recorder: wrStatic })!;
  const rec = sim.create('spike_recorder');
  sim.connect(E, rec);
  return { E, wrPlastic, wrStatic, plastic, fixed, rec };
}

/** The table's (sender, target) of synapse k. */
function pairOf(p: Projection, k: number): [number, number] {
  const t = p.table;
  let src = 0;
  while (t.rowStart[src + 1] <= k) src++;
  return [p.source.firstGid + src, p.target.firstGid + t.target[k]];
}

describe("weight_recorder as NEST's: every transmission through the synapses of a projection (syn_spec weight_recorder)", () => {
  it('one row per synapse of the sender at each of its spikes, stamped with the spike time; static weights as in the table', () => {
    const sim = createSimulator({ seed: 3, dt: 0.1 });
    const { wrStatic, fixed, rec } = build(sim);
    sim.simulate(200);
    const spikes = rec.events<SpikeEvents>();
    const ev = wrStatic.events<WeightEvents>();
    const rowLength = (gid: number) => fixed.table.rowStart[gid - fixed.source.firstGid + 1] - fixed.table.rowStart[gid - fixed.source.firstGid];
    // Every spike is sent through its synapses in the slice it was emitted (propagation at the slice's end).
    let expected = 0;
    for (let i = 0; i < spikes.senders.length; i++) expected += rowLength(spikes.senders[i]);
    expect(ev.times.length).toBe(expected);
    expect(expected).toBeGreaterThan(200);
    const spikeTimes = new Set(Array.from(spikes.times, (t, i) => `${spikes.senders[i]}@${t.toFixed(4)}`));
    const w = fixed.weights();
    const byPair = new Map<string, number>();
    for (let k = 0; k < w.length; k++) byPair.set(pairOf(fixed, k).join('-'), w[k]);
    for (let r = 0; r < ev.times.length; r++) {
      expect(spikeTimes.has(`${ev.senders[r]}@${ev.times[r].toFixed(4)}`)).toBe(true);
      expect(ev.weights[r]).toBe(byPair.get(`${ev.senders[r]}-${ev.targets[r]}`));
    }
  });

  it("stdp_synapse: the logged weight is the one the spike is sent with, so each synapse's last one is its final weight", () => {
    const sim = createSimulator({ seed: 4, dt: 0.1 });
    const { wrPlastic, plastic } = build(sim);
    sim.simulate(300);
    const ev = wrPlastic.events<WeightEvents>();
    expect(ev.times.length).toBeGreaterThan(500);
    // NEST's stdp_synapse changes a weight only when a spike goes through it: the last logged value stays.
    const last = new Map<string, number>();
    for (let r = 0; r < ev.times.length; r++) last.set(`${ev.senders[r]}-${ev.targets[r]}`, ev.weights[r]);
    const w = plastic.weights();
    let checked = 0;
    let moved = 0;
    for (let k = 0; k < w.length; k++) {
      const key = pairOf(plastic, k).join('-');
      if (!last.has(key)) continue;
      expect(last.get(key)).toBe(w[k]);
      checked++;
      if (w[k] !== 40) moved++;
    }
    expect(checked).toBeGreaterThan(100);
    expect(moved).toBeGreaterThan(50);
  });

  it("record_to 'tsv' streams the same rows to weight_recorder-<gid>.tsv", () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-wr-'));
    const a = createSimulator({ seed: 5, dt: 0.1 });
    const inMemory = build(a);
    a.simulate(150);
    const b = createSimulator({ seed: 5, dt: 0.1 });
    const toFile = build(b, { recordTo: 'tsv', path: dir });
    b.simulate(150);
    b.close();
    const m = inMemory.wrPlastic.events<WeightEvents>();
    const f = toFile.wrPlastic.events<WeightEvents>();
    for (const c of ['senders', 'targets', 'times', 'weights'] as const) expect(Array.from(f[c])).toEqual(Array.from(m[c]));
    expect(readFileSync(join(dir, `weight_recorder-${toFile.wrPlastic.gid}.tsv`), 'utf8').split('\n')[1]).toBe('senders\ttargets\ttimes\tweights');
  });

  it('on 2 worker threads: the same events as one process', async () => {
    const describe = new Simulator({ plugins: builtinPlugins, dt: 0.1, seed: 6, describeOnly: true });
    const { wrPlastic, wrStatic } = build(describe);
    const spec = describe.toSpec({ run: { simtime: 150 } });
    const one = Simulator.fromSpec(spec, builtinPlugins);
    one.simulate(150);
    const two = await runSpecWorkers(spec, { workers: 2 });
    for (const d of [wrPlastic, wrStatic] as Device[]) {
      const a = one.devices.find((x) => x.gid === d.gid)!.events<WeightEvents>();
      const b = two.merged.events.get(d.gid) as unknown as WeightEvents;
      expect(a.times.length).toBeGreaterThan(100);
      for (const c of ['senders', 'targets', 'times', 'weights'] as const) expect(Array.from(b[c])).toEqual(Array.from(a[c]));
    }
  }, 60_000);

  it('refuses a syn_spec weight_recorder that is not one, naming it', () => {
    const sim = createSimulator();
    const E = sim.create('iaf_psc_exp', 3);
    const sr = sim.create('spike_recorder');
    expect(() => sim.connect(E, E, 'all_to_all', { weight: 1, weight_recorder: sr })).toThrow(/parameter 'weight_recorder'.*a weight_recorder created by this simulator/);
  });
});
