import { describe, it, expect } from 'vitest';
import { createSimulator } from '../index.js';

describe('end to end', () => {
  it('a Poisson-driven population fires and the recorder sees every spike the kernel counted', () => {
    const sim = createSimulator({ seed: 3 });
    const pop = sim.create('iaf_psc_exp', 50);
    const noise = sim.create('poisson_generator', 1, { rate: 20000 });
    const rec = sim.create('spike_recorder');
    sim.connect(noise, pop, 'all_to_all', { weight: 50, delay: 1 });
    sim.connect(pop, rec);
    sim.simulate(200);
    const ev = rec.events<{ senders: Int32Array; times: Float64Array }>();
    expect(ev.senders.length).toBeGreaterThan(0);
    expect(ev.senders.length).toBe(sim.spikeCounts()[pop.id]);
  });
});
