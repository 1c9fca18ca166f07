import { describe, it, expect } from 'vitest';
import { query } from 'bitecs';
import { createSimulator } from '../../index.js';
import { countNeuronEntities, populationEntities, deviceEntities } from '../../core/world.js';

describe('the ECS world', () => {
  it('holds one entity per population, per local neuron and per device, with their indices', () => {
    const sim = createSimulator();
    const a = sim.create('iaf_psc_exp', 30);
    const gen = sim.create('poisson_generator', 1, { rate: 100 });
    const b = sim.create('iaf_psc_alpha', 12);
    const rec = sim.create('spike_recorder');
    const w = sim.world;
    expect(countNeuronEntities(w)).toBe(42);
    const pops = populationEntities(w).map((eid) => [w.components.Population.popIndex[eid], w.components.Population.firstGid[eid], w.components.Population.size[eid]]);
    expect(pops).toEqual([[a.id, a.firstGid, 30], [b.id, b.firstGid, 12]]);
    // Neuron entities point back to their population and dense index (never sized by entity id).
    const neurons = Array.from(query(w, [w.components.Neuron]));
    const ofB = neurons.filter((eid) => w.neuronPop[eid] === b.id).map((eid) => w.neuronIndex[eid]);
    expect(ofB).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(deviceEntities(w, 'generator').map((eid) => sim.devices[w.components.Generator.deviceIndex[eid]])).toEqual([gen]);
    expect(deviceEntities(w, 'recorder').map((eid) => sim.devices[w.components.Recorder.deviceIndex[eid]])).toEqual([rec]);
  });

  it('the scheduler runs the devices it finds in the world: a generator and a recorder created in either order work', () => {
    const sim = createSimulator({ seed: 2 });
    const rec = sim.create('spike_recorder');
    const pop = sim.create('iaf_psc_exp', 20);
    const gen = sim.create('poisson_generator', 1, { rate: 20000 });
    sim.connect(gen, pop, 'all_to_all', { weight: 60, delay: 1 });
    sim.connect(pop, rec);
    sim.simulate(100);
    expect(rec.events<{ senders: Int32Array }>().senders.length).toBe(sim.spikeCounts()[pop.id]);
    expect(sim.spikeCounts()[pop.id]).toBeGreaterThan(20);
  });
});
