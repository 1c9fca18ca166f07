import { describe, it, expect } from 'vitest';
import { createSimulator, CoreComponents } from '../../../index.js';
import type { Projection } from '../../../core/handles.js';
import type { RingBuffer } from '../../../core/ringbuffer.js';

/** What delivering `src`'s spike at `step` must add: every synapse's weight at its target, ring row step + delay. */
function expected(p: Projection, ring: RingBuffer, src: number, step: number): { ex: Float64Array; inh: Float64Array } {
  const t = p.table;
  const ex = new Float64Array(ring.ex.length);
  const inh = new Float64Array(ring.inh.length);
  for (let k = t.rowStart[src]; k < t.rowStart[src + 1]; k++) {
    const w = t.weight ? t.weight[k] : t.homWeight;
    const d = t.delay ? t.delay[k] : t.homDelay;
    const at = ((step + d) % ring.slots) * ring.n + t.target[k];
    if (w >= 0) ex[at] += w;
    else inh[at] += w;
  }
  return { ex, inh };
}

describe('static_synapse delivery kernels', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['homogeneous excitatory weight', { weight: 2.5, delay: 1.5 }],
    ['homogeneous inhibitory weight', { weight: -4, delay: 0.8 }],
    ['per-synapse excitatory weights', { weight: { distribution: 'uniform', min: 0.5, max: 3 }, delay: 1 }],
    ['per-synapse inhibitory weights', { weight: { distribution: 'uniform', min: -3, max: -0.5 }, delay: 1 }],
    ['mixed signs', { weight: { distribution: 'normal', mean: 0, std: 2 }, delay: 1.2 }],
    ['per-synapse delays', { weight: { distribution: 'normal', mean: 0, std: 2 }, delay: { distribution: 'uniform', min: 0.1, max: 3 } }],
  ];
  for (const [name, syn] of cases) {
    it(`adds each synapse's weight at its target and delay: ${name}`, () => {
      const sim = createSimulator({ seed: 9 });
      const pre = sim.create('iaf_psc_exp', 50);
      const post = sim.create('iaf_psc_exp', 301);
      const proj = sim.connect(pre, post, { rule: 'fixed_indegree', indegree: 20 }, syn)!;
      sim.prepare();
      const ring = sim.world.get(post.eid, CoreComponents.ring) as RingBuffer;
      const want = { ex: new Float64Array(ring.ex.length), inh: new Float64Array(ring.inh.length) };
      let step = 7;
      for (let k = 0; k < 400; k++) {
        const src = (k * 37) % 50;
        const e = expected(proj, ring, src, step);
        for (let i = 0; i < e.ex.length; i++) {
          want.ex[i] += e.ex[i];
          want.inh[i] += e.inh[i];
        }
        proj.runtime!.deliver(src, step);
        if (k % 9 === 8) step++;
      }
      // Same additions in the same order: equal to the last bit.
      expect(Array.from(ring.ex)).toEqual(Array.from(want.ex));
      expect(Array.from(ring.inh)).toEqual(Array.from(want.inh));
      expect(want.ex.some((x) => x !== 0) || want.inh.some((x) => x !== 0)).toBe(true);
    });
  }
});
