import { describe, it, expect } from 'vitest';
import { RingBuffer, type AnyRing } from '../../../../core/ringbuffer.js';
import { resolveParams } from '../../../../core/schema.js';
import { standaloneKernel } from '../../../../core/kernels.js';
import type { NeuronKernel } from '../../../../core/contracts/neuron.js';
import { iafCondExp } from '../../../../plugins/neurons/iaf_cond_exp.js';
import { iafCondExpF32x4Wasm, condExpF32x4Available } from '../../../../plugins/integrators/wasm/iaf_cond_exp_f32x4.js';
import { aurynIfF32x4Wasm } from '../../../../plugins/integrators/wasm/auryn_if_f32x4.js';
import { aurynIF } from '../../../../plugins/neurons/auryn_if.js';
import { iafPscExp } from '../../../../plugins/neurons/iaf_psc_exp.js';
import { iafPscExpWasm } from '../../../../plugins/integrators/wasm/iaf_psc_exp_simd.js';
import { simdAvailable } from '../../../../plugins/schemes/simd.js';
import { adaptiveLif } from '../../../core/equations/fixtures/adaptive_lif.js';
import { kernelOf } from '../../../support/kernels.js';

const cell = { C_m: 200, g_L: 10, E_L: -60, V_th: -50, V_reset: -60, t_ref: 5, E_ex: 0, E_in: -80, tau_syn_ex: 5, tau_syn_in: 10 };

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

/**
 * The WebAssembly neuron kernels that take static tables into their memory (TableAdopter), n neurons each, and
 * their ring's value type: float32 rows, or float64 ones (IFGroup's kernel reads the core's float64 input).
 */
const kernels: [string, 'f32' | 'f64', (n: number) => NeuronKernel][] = [
  ["iaf_cond_exp's hand-written euler-f32x4-wasm-simd", 'f32', (n) =>
    kernelOf(iafCondExp, iafCondExpF32x4Wasm, { n, params: resolveParams('test', iafCondExp.params, cell), dt: 0.1, firstGid: 1, seed: 1 })],
  ['a generated euler-f32x4-wasm-simd (the adaptive LIF user model)', 'f32', (n) => {
    const m = adaptiveLif();
    return standaloneKernel(m, 'euler-f32x4-wasm-simd', { n, params: resolveParams('t', m.params, {}), dt: 0.1, firstGid: 1, seed: 1 }).kernel;
  }],
  ["iaf_psc_exp's exact-wasm-simd (float64 ring)", 'f64', (n) =>
    kernelOf(iafPscExp, iafPscExpWasm, { n, params: resolveParams('test', iafPscExp.params, {}), dt: 0.1, firstGid: 1, seed: 1 })],
  ["IFGroup's hand-written euler-f32x4-wasm-simd (float64 ring)", 'f64', (n) =>
    standaloneKernel(aurynIF, 'euler-f32x4-wasm-simd', { n, params: resolveParams('t', aurynIF.params, {}), dt: 0.1, firstGid: 1, seed: 1 }, aurynIfF32x4Wasm).kernel],
];

describe('TableAdopter: static tables scattered in WebAssembly into a kernel\'s own ring', () => {
  it('both WebAssembly kernels can run here', () => {
    expect(condExpF32x4Available()).toBe(true);
    expect(simdAvailable()).toBe(true);
  });

  for (const [label, lane, make] of kernels) for (const Index of [Uint32Array, Uint16Array]) {
    const adds = lane === 'f32' ? 'f32 adds of the float32 weight' : 'float64 adds of the weight';
    it(`${label}, ${Index.BYTES_PER_ELEMENT * 8}-bit targets: delivers an adopted table exactly as the TypeScript scatter into its ring does (${adds})`, () => {
      const n = 90;
      const slots = 17;
      const group = make(n);
      const ring = group.capabilities!.ownRing!(slots)! as AnyRing;
      const rnd = lcg(41);
      // 30 sources, rows of 0..20 sorted distinct targets
      const rowStart = new Uint32Array(31);
      const targets: number[] = [];
      for (let s = 0; s < 30; s++) {
        const row = new Set<number>();
        const len = Math.floor(rnd() * 21);
        while (row.size < len) row.add(Math.floor(rnd() * n));
        targets.push(...[...row].sort((a, b) => a - b));
        rowStart[s + 1] = targets.length;
      }
      const base = { rowStart, target: Index.from(targets), weight: null, delay: null, homDelay: 8, count: targets.length, sourceCount: 30 };
      const ex = group.capabilities!.adoptTable!({ ...base, homWeight: 0.37, sign: 'ex' as const }, ring)!;
      const inh = group.capabilities!.adoptTable!({ ...base, homWeight: -51, sign: 'in' as const }, ring)!;
      expect(ex.table.target).toEqual(base.target);
      // Only its own ring, and only tables of one weight and one delay.
      expect(group.capabilities!.adoptTable!({ ...base, homWeight: 1, sign: 'ex' as const }, new RingBuffer(n, slots))).toBeUndefined();
      expect(group.capabilities!.adoptTable!({ ...base, homWeight: 1, sign: 'ex' as const, delay: new Uint16Array(base.count).fill(8) }, ring)).toBeUndefined();
      const Ring = lane === 'f32' ? Float32Array : Float64Array;
      const round = lane === 'f32' ? Math.fround : (x: number) => x;
      const refEx = new Ring(ring.n * slots);
      const refInh = new Ring(ring.n * slots);
      const srcs = new Int32Array(5000);
      const steps = new Int32Array(5000);
      // More spikes than one scatter call takes, so deliverBatch splits them.
      for (let k = 0; k < 5000; k++) {
        srcs[k] = Math.floor(rnd() * 30);
        steps[k] = Math.floor(k / 10);
      }
      ex.deliverBatch(srcs, steps, 5000);
      for (let k = 0; k < 100; k++) inh.deliver(srcs[k], steps[k]);
      for (let k = 0; k < 5000; k++) {
        const s = srcs[k];
        const off = ((steps[k] + 8) % slots) * ring.n;
        for (let j = rowStart[s]; j < rowStart[s + 1]; j++) {
          refEx[off + targets[j]] = round(refEx[off + targets[j]] + round(0.37));
          if (k < 100) refInh[off + targets[j]] = round(refInh[off + targets[j]] - 51);
        }
      }
      expect(Array.from(ring.ex)).toEqual(Array.from(refEx));
      expect(Array.from(ring.inh)).toEqual(Array.from(refInh));
      expect(refEx.some((v) => v > 1)).toBe(true);
    });
  }
});
