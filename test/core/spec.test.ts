import { describe, it, expect } from 'vitest';
import {
  Simulator, createSimulator, builtinPlugins, presets, resolvePresetParams, spikeDigest, encodeSpecJson, decodeSpecJson, validateSpec,
  ParameterError, SpikeworksError, type RecorderRuntime, type NetworkSpec,
} from '../../index.js';
import { synapticScalingSystem, SynapticScaling } from '../../docs/examples/synaptic-scaling.js';

function digest(sim: Simulator): string {
  const senders: number[] = [];
  const steps: number[] = [];
  for (const d of sim.devices) {
    const r = (d.runtime as RecorderRuntime).spikeRecord?.();
    if (r) {
      senders.push(...r.senders);
      steps.push(...r.steps);
    }
  }
  return `${spikeDigest(senders, steps)} ${senders.length}`;
}

describe('network specs', () => {
  for (const preset of presets) {
    it(`${preset.name}: built through the API or from its spec (through JSON) gives the same spikes`, () => {
      const p = resolvePresetParams(preset, { scale: 0.1, simtime: 50, ...(preset.name === 'hpc-benchmark' ? { Nrec: 100 } : {}) });
      const api = new Simulator({ plugins: builtinPlugins, dt: p.dt as number, seed: p.seed as number });
      preset.build(api, p);
      const spec = api.toSpec();
      api.simulate(50);
      const again = Simulator.fromSpec(decodeSpecJson(encodeSpecJson(spec)), builtinPlugins);
      again.simulate(50);
      const d = digest(api);
      expect(Number(d.split(' ')[1])).toBeGreaterThan(0);
      expect(digest(again)).toBe(d);
      expect(again.synapseCount()).toBe(api.synapseCount());
    });
  }

  it('lists nodes in creation order, connections in call order, explicit arrays as typed arrays, handles as references', () => {
    const sim = createSimulator({ seed: 5, dt: 0.1 });
    const a = sim.create('iaf_psc_exp', 3, { I_e: 100 });
    const gen = sim.create('dc_generator', 1, { amplitude: 10 });
    const b = sim.create('iaf_psc_alpha', 2, {}, { integrator: 'exact' });
    a.set('V_m', Float64Array.of(-70, -65, -60));
    b.set('V_m', { distribution: 'uniform', min: -70, max: -60 });
    const ab = sim.connect(a, b, 'all_to_all', { weight: Float32Array.of(1, 2, 3, 4, 5, 6), delay: 1.5 })!;
    sim.connect(gen, a.slice(1, 3));
    const wr = sim.create('weight_recorder', 1, { interval: 1 }, { projections: [ab] });
    const spec = sim.toSpec({ run: { simtime: 100 } });
    expect(spec.nodes.map((n) => `${n.kind}:${n.model}`)).toEqual(['population:iaf_psc_exp', 'device:dc_generator', 'population:iaf_psc_alpha', 'device:weight_recorder']);
    expect(spec.nodes[0]).toMatchObject({ n: 3, params: { I_e: 100 }, state: [{ variable: 'V_m', value: Float64Array.of(-70, -65, -60) }] });
    expect(spec.connections[0]).toMatchObject({ pre: { node: 0 }, post: { node: 2 }, conn: 'all_to_all' });
    expect((spec.connections[0].syn as { weight: Float32Array }).weight).toBeInstanceOf(Float32Array);
    expect(spec.connections[1]).toEqual({ pre: { node: 1 }, post: { node: 0, start: 1, end: 3 } });
    expect(spec.nodes[3]).toMatchObject({ options: { projections: [{ $projection: 0 }] } });
    expect(spec.plugins.names).toContainEqual({ kind: 'neuron', name: 'iaf_psc_exp' });
    expect(spec.run).toEqual({ simtime: 100 });
    expect(wr.gid).toBe(7);
    const json = encodeSpecJson(spec);
    expect(json).toContain('"$array": "float32"');
    const back = decodeSpecJson(json);
    expect((back.connections[0].syn as { weight: Float32Array }).weight).toEqual(Float32Array.of(1, 2, 3, 4, 5, 6));
    const rebuilt = Simulator.fromSpec(back, builtinPlugins);
    expect(rebuilt.devices[1].gid).toBe(7);
    // NEST's layout of all_to_all arrays is by target; weights() is CSR by source: the same either way.
    expect(Array.from(rebuilt.projections[0].weights())).toEqual(Array.from(ab.weights()));
  });

  it('writes Infinity and NaN as $number (JSON would make them null), and a checkpoint of a device with stop = Infinity restores', () => {
    const sim = createSimulator({ seed: 3 });
    const pop = sim.create('iaf_psc_alpha', 5);
    const drive = sim.create('poisson_generator', 1, { rate: 20000, stop: Infinity });
    sim.connect(drive, pop, 'all_to_all', { weight: 30 });
    const json = encodeSpecJson(sim.toSpec());
    expect(json).toContain('"$number": "Infinity"');
    expect(decodeSpecJson(json).nodes[1]).toMatchObject({ params: { stop: Infinity } });
    expect(() => decodeSpecJson(json.replace('"$number": "Infinity"', '"$number": "1e400"'))).toThrow(/'\$number' = "1e400".*"Infinity", "-Infinity", "NaN"/);
    sim.simulate(20);
    const restored = Simulator.fromCheckpoint(sim.toCheckpoint(), { plugins: builtinPlugins });
    restored.simulate(20);
    sim.simulate(20);
    expect(restored.spikeCounts()).toEqual(sim.spikeCounts());
    expect(sim.spikeCounts()[pop.id]).toBeGreaterThan(0);
  });

  it('carries the components of user systems, by name', () => {
    const plugins = [...builtinPlugins, synapticScalingSystem];
    const sim = createSimulator({ plugins, seed: 2 });
    const input = sim.create('poisson_population', 50, { rate: 10 });
    const pop = sim.create('iaf_psc_alpha', 20);
    const proj = sim.connect(input, pop, { rule: 'fixed_indegree', indegree: 10 }, { weight: { distribution: 'uniform', min: 20, max: 60 }, delay: 1 })!;
    sim.attach(proj, SynapticScaling, { target: 8, period: 200, eta: 0.1 });
    const spec = sim.toSpec();
    expect(spec.components).toEqual([{ target: { $projection: 0 }, component: 'synaptic_scaling', value: { target: 8, period: 200, eta: 0.1 } }]);
    sim.simulate(1000);
    const again = Simulator.fromSpec(spec, plugins);
    again.simulate(1000);
    expect(Array.from(again.projections[0].weights())).toEqual(Array.from(sim.projections[0].weights()));
    expect(() => Simulator.fromSpec(spec, builtinPlugins)).toThrow(/components\[0\]\.component' = "synaptic_scaling" is invalid; allowed: a component one of the simulator's systems queries/);
  });

  it('refuses a bad spec before building anything, naming the path', () => {
    const good = createSimulator().toSpec();
    const bad = (patch: (s: NetworkSpec) => void) => {
      const s = structuredClone(good);
      patch(s);
      return () => validateSpec(s);
    };
    expect(bad((s) => ((s as { format: string }).format = 'nest'))).toThrow(/parameter 'format' = "nest" is invalid; allowed: 'spikeworks-network'/);
    expect(bad((s) => (s.simulator.dt = -1))).toThrow(/simulator\.dt/);
    expect(bad((s) => s.nodes.push({ kind: 'population', model: 'iaf_psc_exp', n: 0 }))).toThrow(/parameter 'nodes\[0\]\.n' = 0 is invalid; allowed: an integer >= 1/);
    expect(bad((s) => {
      s.nodes.push({ kind: 'population', model: 'iaf_psc_exp', n: 2 });
      s.connections.push({ pre: { node: 0 }, post: { node: 3 } });
    })).toThrow(/connections\[0\]\.post\.node' = 3 is invalid; allowed: the index of a node, in \[0, 1\)/);
    expect(bad((s) => s.nodes.push({ kind: 'neuron' } as never))).toThrow(/nodes\[0\]\.kind/);
    expect(() => decodeSpecJson('{ nope')).toThrow(ParameterError);
    // The model itself is checked as the network is built.
    const unknown = structuredClone(good);
    unknown.nodes.push({ kind: 'population', model: 'iaf_nope', n: 1 });
    expect(() => Simulator.fromSpec(unknown, builtinPlugins)).toThrow(/unknown neuron model 'iaf_nope'/);
  });

  it('says which value is not data', () => {
    const sim = createSimulator();
    sim.create('spike_recorder', 1, {}, { callback: () => 1 });
    expect(() => sim.toSpec()).toThrow(SpikeworksError);
    expect(() => sim.toSpec()).toThrow(/options: a function/);
  });
});
