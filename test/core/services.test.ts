import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { createSimulator, SERVICE, MemorySink, Clock, RandomStreams, spikeRecorder, localBackend, type CommRuntime, type SpikeBatch, parseSpikeAscii } from '../../index.js';

/** A transport that records what the exchange phase hands it and adds one spike of a neuron no rank simulated. */
class FakeTransport implements CommRuntime {
  readonly rank = 0;
  readonly size = 1;
  readonly seen: { count: number; steps: number[] }[] = [];
  reductions = 0;
  constructor(private readonly injectGid: number | null) {}
  exchange(local: SpikeBatch): SpikeBatch {
    this.seen.push({ count: local.count, steps: Array.from(local.steps.subarray(0, local.count)) });
    if (this.injectGid === null) return local;
    const step = local.count > 0 ? local.steps[local.count - 1] : 0;
    const gids = Int32Array.from([...local.gids.subarray(0, local.count), this.injectGid]);
    const steps = Int32Array.from([...local.steps.subarray(0, local.count), step]);
    return { gids, steps, count: gids.length };
  }
  allreduceSum(values: Float64Array): Float64Array {
    this.reductions++;
    return values;
  }
  close(): void {}
}

describe('services resolved from the simulator\'s container', () => {
  it('the standard services are the container\'s: registry, world, clock, random streams, transport', () => {
    const sim = createSimulator({ dt: 0.25, seed: 9 });
    expect(sim.container.resolve(SERVICE.world)).toBe(sim.world);
    expect(sim.container.resolve(SERVICE.registry)).toBe(sim.registry);
    const clock = sim.container.resolve<Clock>(SERVICE.clock);
    expect(clock.dt).toBe(0.25);
    expect(sim.container.resolve<RandomStreams>(SERVICE.random).seed).toBe(9);
    expect(sim.services.transport.size).toBe(1);
  });

  it('a fake transport replaces the backend: the exchange phase hands it each slice\'s spikes, propagation delivers what it returns', () => {
    const fake = new FakeTransport(1);
    const sim = createSimulator({ seed: 2, services: [{ token: SERVICE.transport, value: fake }] });
    expect(sim.comm).toBe(fake);
    const silent = sim.create('iaf_psc_exp', 4); // gids 1..4, no input: never fires
    const target = sim.create('iaf_psc_delta', 4, { V_th: -69 });
    sim.connect(silent, target, 'one_to_one', { weight: 5, delay: 1 });
    sim.simulate(10);
    // Slices of 10 steps (min delay 1 ms): one exchange per slice.
    expect(fake.seen.length).toBe(10);
    // The spike the transport invented (gid 1, neuron 0) reached neuron 0 of the target only, 10 steps later.
    const counts = sim.spikeCounts();
    expect(counts[silent.id]).toBe(0);
    expect(counts[target.id]).toBeGreaterThan(0);
    expect(fake.reductions).toBeGreaterThan(0);
    // Every local spike came in (step, gid) order.
    for (const s of fake.seen) for (let k = 1; k < s.steps.length; k++) expect(s.steps[k]).toBeGreaterThanOrEqual(s.steps[k - 1]);
  });

  it('an in-memory output sink replaces the file system: recorders write there, and read their events back from it', () => {
    const sink = new MemorySink();
    const sim = createSimulator({ seed: 3, services: [{ token: SERVICE.output, value: sink }] });
    const pop = sim.create('iaf_psc_exp', 20, { I_e: 400 });
    const dir = '/no/such/directory';
    const rec = sim.create('spike_recorder', 1, { record_to: 'ascii', path: dir, label: 'spikes' });
    sim.connect(pop, rec);
    sim.simulate(100);
    const [name] = [...sink.files.keys()];
    expect(name).toMatch(/^\/no\/such\/directory\/spikes-21-0\.dat$/);
    expect(existsSync(dir)).toBe(false);
    const file = parseSpikeAscii(sink.text(name), name);
    const ev = rec.events<{ senders: Int32Array; times: Float64Array }>();
    expect(file.senders.length).toBe(sim.spikeCounts()[pop.id]);
    expect(Array.from(ev.senders)).toEqual(Array.from(file.senders));
  });

  it('without an output sink a recorder that writes files says what to add', () => {
    const sim = createSimulator({ plugins: [spikeRecorder, localBackend] });
    expect(() => sim.create('spike_recorder', 1, { record_to: 'ascii' })).toThrow(/no output sink; add the fileSink plugin or pass one in createSimulator\(\{ services \}\)/);
  });
});
