import { describe, it, expect, afterEach } from 'vitest';
import { setAxonalPostHistory } from '../../../../plugins/synapses/plasticity/axonal.js';
import { setAxonalWasm, compiledArrivals } from '../../../../plugins/synapses/plasticity/axonal_wasm.js';
import { recurrent } from './recurrent.js';

afterEach(() => {
  setAxonalWasm(true);
  setAxonalPostHistory(16);
});

const bits = (w: Float32Array) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length));

/** triplet_auryn on the axonal handler, strong enough that both bounds and the homeostatic term act. */
function run(compiledOn: boolean, extra: Record<string, unknown> = {}, ms = 800) {
  setAxonalWasm(compiledOn);
  const before = compiledArrivals();
  const r = recurrent(
    { synapse_model: 'triplet_auryn', delay_handler: 'axonal', weight: 30, Wmax: 45, A3_plus: 0.8, tau_hom: 1000, kappa: 5, ...extra },
    { ms },
  );
  return { ...r, compiled: compiledArrivals() - before };
}

describe('axonal handler: the compiled arrival gives the JavaScript kernel\'s bits', () => {
  const cases: [string, Record<string, unknown>, number][] = [
    ['Auryn time constants, history 16', {}, 16],
    ['history 1 and 2 (full histories applied early)', {}, 1],
    ['history 2', {}, 2],
    // tau_minus 2 ms: post decays past its table (60 ms) between spikes; tau_plus 0.1 ms: pre past its 75 ms table.
    ['short traces: the exp fallbacks beyond the tables', { tau_minus: 2, tau_plus: 0.1 }, 16],
  ];
  for (const [name, extra, history] of cases) {
    it(`${name}: weights and spikes bit-identical`, () => {
      setAxonalPostHistory(history);
      const wasm = run(true, extra);
      const js = run(false, extra);
      expect(wasm.compiled).toBe(1);
      expect(js.compiled).toBe(0);
      expect(wasm.senders.length).toBeGreaterThan(500);
      expect(wasm.senders).toEqual(js.senders);
      expect(wasm.times).toEqual(js.times);
      expect(bits(wasm.weights)).toEqual(bits(js.weights));
      // Plasticity acted: weights moved away from 30 pA, and (with Auryn's time constants) some reached a bound.
      const moved = Array.from(wasm.weights).filter((w) => Math.abs(w - 30) > 1e-3).length;
      expect(moved).toBeGreaterThan(wasm.weights.length / 2);
      if (Object.keys(extra).length === 0) expect(Array.from(wasm.weights).some((w) => w === 45 || w === 0)).toBe(true);
    });
  }

  it('a rule without the closed form keeps the JavaScript arrival', () => {
    const r = recurrent({ synapse_model: 'stdp_synapse', delay_handler: 'axonal', weight: 30, Wmax: 60 }, { ms: 100 });
    expect(r.weights.length).toBeGreaterThan(0);
    const before = compiledArrivals();
    recurrent({ synapse_model: 'stdp_synapse', delay_handler: 'axonal', weight: 30, Wmax: 60 }, { ms: 100 });
    expect(compiledArrivals()).toBe(before);
  });
});
