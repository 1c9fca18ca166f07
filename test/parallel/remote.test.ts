import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, ParameterError, type Simulator, type Device } from '../../index.js';
import { build, plugins as userPlugins } from './fixtures/user-network.js';
import { plugins as failingPlugins } from './fixtures/failing-system.js';

// A user's network (its own neuron model and STDP rule) through the API, on worker threads and in one process.
const userModule = { url: new URL('./fixtures/user-network.ts', import.meta.url).href };
const plugins = [...builtinPlugins, ...userPlugins];

interface Recorded {
  events: Record<string, Record<string, number[]>>;
  counts: number[];
  synapses: number;
  time: number;
}

/** Build the fixture, simulate in two calls (state carries over between them), read every recorder back. */
function record(sim: Simulator): Recorded {
  build(sim);
  sim.simulate(120);
  sim.simulate(80);
  const events: Recorded['events'] = {};
  for (const d of sim.devices.filter((x: Device) => x.kind === 'recorder')) {
    const ev = d.events<Record<string, ArrayLike<number>>>();
    events[`${d.model}-${d.gid}`] = Object.fromEntries(Object.entries(ev).map(([k, v]) => [k, Array.from(v)]));
  }
  const out = { events, counts: Array.from(sim.spikeCounts()), synapses: sim.synapseCount(), time: sim.time };
  sim.close();
  return out;
}

describe("createSimulator({ backend: 'workers' })", () => {
  const single = record(createSimulator({ plugins, seed: 7 }));

  it('the single-process run records spikes, traces and weights (the reference)', () => {
    expect(single.events['spike_recorder-202'].senders.length).toBeGreaterThan(500);
    expect(single.events['multimeter-204'].V_m.length).toBe(20 * 200);
    expect(single.events['weight_recorder-205'].weights.length).toBeGreaterThan(1000);
    expect(single.time).toBe(200);
  });

  it.each([1, 2, 3])('on %i workers: every recorder gives the events of one process, in the same order', (workers) => {
    const remote = record(createSimulator({ plugins, seed: 7, backend: 'workers', workers, pluginModules: [userModule] }));
    expect(remote).toEqual(single);
  }, 60_000);

  it("a plugin the workers cannot load is named when the network is built", () => {
    const sim = createSimulator({ plugins, seed: 7, backend: 'workers', workers: 2 });
    build(sim);
    expect(() => sim.simulate(10)).toThrow(/user_lif.*plugins\.modules/);
    expect(() => sim.simulate(10)).toThrow(/workers stopped after an error/);
    sim.close();
  }, 60_000);

  it('an error on one rank mid-run stops every rank at once and reports that error', () => {
    const sim = createSimulator({
      plugins: [...plugins, ...failingPlugins], seed: 7, backend: 'workers', workers: 2,
      pluginModules: [userModule, { url: new URL('./fixtures/failing-system.ts', import.meta.url).href }],
      workerOptions: { barrierTimeoutMs: 60_000 },
    });
    build(sim);
    const t0 = performance.now();
    expect(() => sim.simulate(100)).toThrow(/worker 1 of 2: fail_at_50ms: the failure this test expects/);
    // Without the abort the other rank would wait out its 60 s barrier timeout.
    expect(performance.now() - t0).toBeLessThan(30_000);
    sim.close();
  }, 60_000);

  it('state lives in the workers: reading it is refused with what to do instead', () => {
    const sim = createSimulator({ plugins, backend: 'workers', workers: 1, pluginModules: [userModule] });
    const pop = sim.create('iaf_psc_alpha', 10);
    expect(() => pop.get('V_m')).toThrow(/simulated on other ranks.*multimeter/);
    sim.close();
  });

  it('worker options without the workers backend are refused, naming the option', () => {
    expect(() => createSimulator({ workers: 2 })).toThrow(ParameterError);
    expect(() => createSimulator({ workers: 2 })).toThrow(/workers.*backend is 'workers'/);
    expect(() => createSimulator({ backend: 'workers', workers: 0 })).toThrow(/workers.*integer in \[1, 256\]/);
  });
});
