import { describe, it, expect } from 'vitest';
import { createSimulator, CoreComponents as C, SimWorld, defineState, defineResource, allocateState } from '../../index.js';

describe('the ECS world', () => {
  it('populations, projections and devices are entities; relations tie projections and devices to populations', () => {
    const sim = createSimulator();
    const a = sim.create('iaf_psc_exp', 30);
    const gen = sim.create('poisson_generator', 1, { rate: 100 });
    const b = sim.create('iaf_psc_alpha', 12);
    const rec = sim.create('spike_recorder');
    const ab = sim.connect(a, b, { rule: 'fixed_indegree', indegree: 3 }, { weight: 1, delay: 1 })!;
    sim.connect(gen, b);
    sim.connect(a, rec);
    const w = sim.world;
    // No entity per neuron: nothing queries one.
    expect(w.entities('population')).toEqual([a.eid, b.eid]);
    expect(w.entities('device')).toEqual([gen.eid, rec.eid]);
    expect(w.entities('projection')).toEqual([ab.eid]);
    expect(w.query([C.population]).map((e) => w.get(e, C.population))).toEqual([a, b]);
    expect(w.related(ab.eid, w.Pre)).toEqual([a.eid]);
    expect(w.related(ab.eid, w.Post)).toEqual([b.eid]);
    expect(w.relating(w.Pre, a.eid)).toEqual([ab.eid]);
    expect(w.related(gen.eid, w.Targets)).toEqual([b.eid]);
    expect(w.related(rec.eid, w.Targets)).toEqual([a.eid]);
    // The synapse table is the projection's component.
    expect(w.get(ab.eid, C.synapses).count).toBe(12 * 3);
  });

  it("a population's state is a component allocated and initialised from the model's declaration", () => {
    const sim = createSimulator();
    const pop = sim.create('iaf_psc_exp', 5, { E_L: -65 });
    const { component } = sim.world.get(pop.eid, C.scheme);
    expect(component.name).toBe('iaf_psc_exp/exact');
    const state = sim.world.get(pop.eid, component);
    // The model's variables (V_m starts at E_L) and the scheme's own (refractory count, as int32).
    expect(Object.keys(state)).toEqual(['V_m', 'I_syn_ex', 'I_syn_in', 'I0', 'r']);
    expect(Array.from(state.V_m)).toEqual([-65, -65, -65, -65, -65]);
    expect(state.r).toBeInstanceOf(Int32Array);
    // Handles read and write the same arrays.
    expect(pop.get('V_m')).toBe(state.V_m);
    pop.set('V_m', -60);
    expect(state.V_m[4]).toBe(-60);
    const f32 = sim.create('iaf_cond_exp', 3, {}, { integrator: 'euler-f32' });
    expect(f32.get('V_m')).toBeInstanceOf(Float32Array);
  });

  it('components are declared once and queried by what an entity has', () => {
    const w = new SimWorld();
    const Pos = defineState('pos', { x: { initial: 1 }, n: { type: 'i32', initial: (p) => p.k } });
    const Tag = defineResource<{ label: string }>('tag');
    const e1 = w.create('population', 'p1');
    const e2 = w.create('population', 'p2');
    w.attach(e1, Pos, allocateState(Pos, 3, { k: 7 }, 0.1));
    w.attach(e2, Pos, allocateState(Pos, 2, { k: 1 }, 0.1));
    w.attach(e2, Tag, { label: 'two' });
    expect(w.query([Pos])).toEqual([e1, e2]);
    expect(w.query([Pos, Tag])).toEqual([e2]);
    expect(Array.from(w.get(e1, Pos).n)).toEqual([7, 7, 7]);
    expect(w.findField(e1, 'x')).toEqual(Float64Array.of(1, 1, 1));
    expect(w.findField(e2, 'pos.n')).toEqual(Int32Array.of(1, 1));
    expect(() => w.get(e1, Tag)).toThrow(/p1 has no component 'tag'/);
    expect(() => w.attach(e1, defineResource('tag'), {})).toThrow(/two different components are named 'tag'/);
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
