import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, type SynapseModel } from '../../../index.js';

/** A synapse model that logs every delivery (projection id, source, step) and stores nothing but the table. */
function loggingSynapse(log: string[], batch: boolean): SynapseModel {
  return {
    kind: 'synapse', name: batch ? 'log_batch' : 'log_each', doc: 'test', params: {}, plastic: false, perSynapseWeight: false,
    create(p) {
      const deliver = (src: number, step: number) => void log.push(`${p.id}:${src}@${step}`);
      return {
        deliver,
        bytesPerSynapse: () => 4,
        weights: () => new Float32Array(p.table.count),
        capabilities: batch ? { batch: (srcs: Int32Array, steps: Int32Array, n: number) => void log.push(`${p.id}:batch ${Array.from(srcs.subarray(0, n)).join(',')}`) } : undefined,
      };
    },
  };
}

function network(batchOn: number | null) {
  const log: string[] = [];
  const sim = createSimulator({ plugins: [...builtinPlugins, loggingSynapse(log, false), loggingSynapse(log, true)] });
  const a = sim.create('iaf_psc_exp', 2, { I_e: 2000 });
  const b = sim.create('iaf_psc_exp', 2, { I_e: 2000, V_th: -56 });
  const syn = (id: number) => ({ synapse_model: batchOn === id ? 'log_batch' : 'log_each', weight: 1, delay: 1 });
  sim.connect(a, b, 'one_to_one', syn(0));
  sim.connect(b, a, 'one_to_one', syn(1));
  sim.connect(a, a, 'one_to_one', syn(2));
  sim.simulate(20);
  return { log, counts: sim.spikeCounts() };
}

describe('propagation', () => {
  it('spike by spike: each spike of the slice, in (step, gid) order, goes to each projection leaving its population', () => {
    const { log, counts } = network(null);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
    // Spikes of population 0 reach projections 0 and 2 (in creation order), those of population 1 projection 1.
    for (let k = 0; k < log.length; k++) {
      const [proj] = log[k].split(':');
      if (proj === '0') expect(log[k + 1].startsWith('2:')).toBe(true);
    }
    const steps = log.map((l) => Number(l.split('@')[1]));
    for (let k = 1; k < steps.length; k++) expect(steps[k]).toBeGreaterThanOrEqual(steps[k - 1]);
    expect(log.filter((l) => l.startsWith('0:')).length).toBe(counts[0]);
  });

  it('a runtime that takes batches gets its source population\'s spikes of a slice in one call, the others one by one', () => {
    const { log, counts } = network(0);
    const batches = log.filter((l) => l.includes('batch'));
    expect(batches.length).toBeGreaterThan(0);
    const delivered = batches.flatMap((l) => l.split('batch ')[1].split(','));
    expect(delivered.length).toBe(counts[0]);
    expect(log.filter((l) => l.startsWith('2:')).length).toBe(counts[0]);
  });
});
