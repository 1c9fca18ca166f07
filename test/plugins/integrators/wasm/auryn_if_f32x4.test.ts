import { describe, it, expect } from 'vitest';
import { RingBuffer } from '../../../../core/ringbuffer.js';
import { resolveParams } from '../../../../core/schema.js';
import { standaloneKernel } from '../../../../core/kernels.js';
import { aurynIF } from '../../../../plugins/neurons/auryn_if.js';
import { aurynIfF32x4Wasm, aurynIfF32x4Available } from '../../../../plugins/integrators/wasm/auryn_if_f32x4.js';
import { runPreset } from '../../../../presets/run.js';
import { zenke25k, zenke25kStatic } from '../../../../presets/zenke.js';
import { builtinPlugins } from '../../../../index.js';
import { runPresetWorkers } from '../../../../parallel/workers.js';

function lcg(seed: number) {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
}

const FIELDS = ['V_m', 'thr', 'g_ampa', 'g_nmda', 'g_gaba'] as const;

describe("IFGroup's f32x4 WebAssembly kernel", () => {
  it('validates on this engine', () => {
    expect(aurynIfF32x4Available()).toBe(true);
  });

  // n not a multiple of 4: the padding lanes must neither spike nor take input.
  for (const n of [1, 7, 403]) {
    it(`is bit-identical to euler-f32 step by step (n = ${n}, random input on both channels, many spikes)`, () => {
      const params = resolveParams('test', aurynIF.params, { tau_mem: 10, g_L: 25 });
      const ctx = { n, params, dt: 0.1, firstGid: 1, seed: 1 };
      const a = standaloneKernel(aurynIF, 'euler-f32', ctx);
      const b = standaloneKernel(aurynIF, 'euler-f32x4-wasm-simd', ctx, aurynIfF32x4Wasm);
      const rand = lcg(n);
      for (const s of [a, b]) {
        const r = lcg(7);
        for (let i = 0; i < n; i++) (s.context.state.V_m as Float32Array)[i] = -70 + 25 * r();
      }
      const ringA = new RingBuffer(n, 4);
      const ringB = b.kernel.capabilities!.ownRing!(4) as RingBuffer;
      expect(ringB).toBeDefined();
      const spikesA = new Int32Array(n);
      const spikesB = new Int32Array(n);
      let total = 0;
      for (let step = 0; step < 3000; step++) {
        const offA = ringA.offset(step);
        const offB = ringB.offset(step);
        for (let i = 0; i < n; i++) {
          const ex = rand() < 0.3 ? 40 * rand() : 0;
          const inh = rand() < 0.1 ? -60 * rand() : 0;
          ringA.ex[offA + i] = ringB.ex[offB + i] = ex;
          ringA.inh[offA + i] = ringB.inh[offB + i] = inh;
        }
        const ca = a.kernel.update(step, ringA, offA, spikesA);
        const cb = b.kernel.update(step, ringB, offB, spikesB);
        expect(cb).toBe(ca);
        expect(Array.from(spikesB.subarray(0, cb))).toEqual(Array.from(spikesA.subarray(0, ca)));
        total += ca;
        ringA.clear(offA);
        ringB.clear(offB);
      }
      for (const f of FIELDS) expect(Array.from(b.context.state[f] as Float32Array)).toEqual(Array.from(a.context.state[f] as Float32Array));
      expect(total).toBeGreaterThan(n * 5);
    });
  }

  it('reads a ring it did not make (copied rows) the same way', () => {
    const n = 9;
    const params = resolveParams('test', aurynIF.params, {});
    const ctx = { n, params, dt: 0.1, firstGid: 1, seed: 1 };
    const a = standaloneKernel(aurynIF, 'euler-f32', ctx);
    const b = standaloneKernel(aurynIF, 'euler-f32x4-wasm-simd', ctx, aurynIfF32x4Wasm);
    const ring = new RingBuffer(n, 2);
    const spikes = new Int32Array(n);
    const rand = lcg(3);
    for (let step = 0; step < 500; step++) {
      const off = ring.offset(step);
      for (let i = 0; i < n; i++) ring.ex[off + i] = rand() < 0.5 ? 30 * rand() : 0;
      a.kernel.update(step, ring, off, spikes);
      b.kernel.update(step, ring, off, spikes);
      ring.clear(off);
    }
    for (const f of FIELDS) expect(Array.from(b.context.state[f] as Float32Array)).toEqual(Array.from(a.context.state[f] as Float32Array));
  });

  for (const preset of [zenke25kStatic, zenke25k]) {
    it(`${preset.name} at scale 0.05: the same spikes and digest with either integrator`, () => {
      const run = (integrator: string) => runPreset(preset, { scale: 0.05, simtime: 300, integrator }, { plugins: builtinPlugins }).summary;
      const js = run('euler-f32');
      const simd = run('euler-f32x4-wasm-simd');
      expect(js.spike_count).toBeGreaterThan(100);
      expect(simd.spike_digest).toBe(js.spike_digest);
      expect(simd.spike_count).toBe(js.spike_count);
    }, 120_000);
  }

  it('on 2 worker threads (the spec names the scheme as IFGroup/euler-f32x4-wasm-simd): the single-process digest', async () => {
    const overrides = { scale: 0.05, simtime: 200 };
    const one = runPreset(zenke25kStatic, overrides, { plugins: builtinPlugins }).summary;
    const two = (await runPresetWorkers(zenke25kStatic, overrides, { workers: 2 })).summary;
    expect(one.spike_count).toBeGreaterThan(50);
    expect(two.spike_digest).toBe(one.spike_digest);
  }, 120_000);
});
