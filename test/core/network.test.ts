import { describe, it, expect } from 'vitest';
import { createSimulator, ParameterError, SpikeworksError, defineResource, CoreComponents as C } from '../../index.js';

describe('the network: build-time description and validation', () => {
  it('refuses a handle of another simulator, undefined or a plain object, naming the argument', () => {
    const a = createSimulator();
    const b = createSimulator();
    const pa = a.create('iaf_psc_exp', 10);
    const pb = b.create('iaf_psc_exp', 10);
    // The same ids exist in both: without the check, a's population 0 would silently land on b's.
    expect(pa.id).toBe(pb.id);
    expect(() => b.connect(pa, pb)).toThrow(/connect: parameter 'pre' = "a population of another simulator" is invalid; allowed: a population, a population slice or a device created by this simulator/);
    expect(() => b.connect(pb, pa.slice(0, 2))).toThrow(/parameter 'post' = "a population slice of another simulator"/);
    expect(() => b.connect(undefined as never, pb)).toThrow(/parameter 'pre' = undefined is invalid/);
    const plain = { id: 0, eid: pb.eid, model: 'iaf_psc_exp', size: 10, firstGid: 1, localStart: 0, localCount: 10 };
    expect(() => b.connect(plain as never, pb)).toThrow(ParameterError);
    const rec = a.create('spike_recorder');
    expect(() => b.connect(pb, rec)).toThrow(/a device of another simulator/);
  });

  it('gives nodes NEST ids in creation order, neurons and devices alike', () => {
    const sim = createSimulator();
    const e = sim.create('iaf_psc_exp', 5);
    const g = sim.create('poisson_generator', 1, { rate: 5 });
    const i = sim.create('iaf_psc_alpha', 3);
    expect([e.firstGid, g.gid, i.firstGid, i.lastGid]).toEqual([1, 6, 7, 9]);
    expect(sim.network.nodeCount).toBe(9);
  });

  it('emits a build event per node and projection, and freezes once compiled', () => {
    const sim = createSimulator();
    const seen: string[] = [];
    sim.events.on('build', (w) => seen.push(`${w.kind}:${w.name}`));
    const p = sim.create('iaf_psc_exp', 4);
    sim.connect(p, p, { rule: 'fixed_indegree', indegree: 1 });
    sim.create('spike_recorder');
    expect(seen).toEqual(['population:iaf_psc_exp', 'projection:static_synapse', 'device:spike_recorder']);
    sim.simulate(1);
    expect(() => sim.create('iaf_psc_exp', 1)).toThrow(SpikeworksError);
    expect(() => sim.connect(p, p)).toThrow(/frozen/);
  });

  it('attaches a component to one of its handles only, before the network is compiled', () => {
    const sim = createSimulator();
    const p = sim.create('iaf_psc_exp', 4);
    const Note = defineResource<{ text: string }>('note');
    sim.attach(p, Note, { text: 'hello' });
    expect(sim.world.get(p.eid, Note).text).toBe('hello');
    expect(sim.world.query([C.population, Note])).toEqual([p.eid]);
    const other = createSimulator().create('iaf_psc_exp', 1);
    expect(() => sim.attach(other, Note, { text: 'x' })).toThrow(/attach note: parameter 'handle'/);
    sim.prepare();
    expect(() => sim.attach(p, Note, { text: 'late' })).toThrow(/frozen/);
  });

  it('a population offers its model state and aliases by name, and lists them when the name is wrong', () => {
    const sim = createSimulator();
    const p = sim.create('IF_cond_exp', 3, { v_rest: -62 });
    expect(p.get('v')).toBe(p.get('V_m'));
    expect(Array.from(p.get('v'))).toEqual([-62, -62, -62]);
    expect(() => p.get('I0')).toThrow(/a state variable of IF_cond_exp: V_m, g_ex, g_in, v/);
  });

  it('a running device takes new parameters through its schema (NEST SetStatus)', () => {
    const sim = createSimulator();
    const dc = sim.create('dc_generator', 1, { amplitude: 10 });
    const pop = sim.create('iaf_psc_exp', 1, { V_th: 1e6 });
    sim.connect(dc, pop);
    sim.simulate(5);
    dc.set({ amplitude: 500 });
    expect(dc.params.amplitude).toBe(500);
    expect(() => dc.set({ amplitude: NaN })).toThrow(/parameter 'amplitude' = NaN/);
    expect(() => dc.set({ amplitud: 1 })).toThrow(/parameter 'amplitud'/);
    const pg = sim.network.devices[0];
    expect(pg).toBe(dc);
    // A generator without run-time parameters says so.
    const pois = createSimulator().create('poisson_generator', 1, { rate: 5 });
    expect(() => pois.set({ rate: 6 })).toThrow(/poisson_generator takes no new parameters while the simulation runs/);
  });
});
