import { describe, it, expect } from 'vitest';
import { createSimulator, RunStats, localSynapses, meanBytesPerSynapse } from '../../index.js';

describe('run statistics', () => {
  it('counts spikes per population; synapses and bytes per synapse over projections weighted by count', () => {
    const sim = createSimulator({ seed: 4 });
    const a = sim.create('iaf_psc_exp', 30, { I_e: 600 });
    const b = sim.create('iaf_psc_exp', 10);
    const hom = sim.connect(a, b, { rule: 'fixed_indegree', indegree: 3 }, { weight: 2, delay: 1 })!;
    const drawn = sim.connect(a, a, { rule: 'fixed_indegree', indegree: 2 }, { weight: { distribution: 'uniform', min: 1, max: 2 }, delay: 1 })!;
    sim.simulate(50);
    expect(sim.spikeCounts()[a.id]).toBe(sim.stats.localSpikes[a.id]);
    expect(sim.spikeCounts()[a.id]).toBeGreaterThanOrEqual(30);
    expect(localSynapses(sim.projections)).toBe(30 + 60);
    expect(sim.synapseCount()).toBe(90);
    expect(hom.bytesPerSynapse()).toBe(2);
    expect(drawn.bytesPerSynapse()).toBe(6);
    expect(meanBytesPerSynapse(sim.projections)).toBeCloseTo((30 * 2 + 60 * 6) / 90, 12);
    expect(sim.times.update).toBeGreaterThan(0);
  });

  it('grows its counters with the populations, keeping the counts', () => {
    const s = new RunStats();
    s.size(2);
    s.localSpikes[1] = 5;
    s.size(3);
    expect(Array.from(s.localSpikes)).toEqual([0, 5, 0]);
  });
});
