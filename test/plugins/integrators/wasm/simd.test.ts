import { describe, it, expect } from 'vitest';
import { createSimulator } from '../../../../index.js';
import { RingBuffer } from '../../../../core/ringbuffer.js';
import { resolveParams } from '../../../../core/schema.js';
import { iafPscExp } from '../../../../plugins/neurons/iaf_psc_exp.js';
import { iafPscExpWasm, wasmSimdAvailable } from '../../../../plugins/integrators/wasm/iaf_psc_exp_simd.js';
import { uleb, sleb } from '../../../../plugins/integrators/wasm/assembler.js';
import { kernelOf } from '../../../support/kernels.js';

describe('WebAssembly SIMD integrator for iaf_psc_exp', () => {
  it('runs on this engine (SIMD module validates)', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  it('LEB128 encodings of the assembler match the spec examples', () => {
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(uleb(0)).toEqual([0]);
  });

  it('matches the TypeScript kernel bit for bit, step by step, with every input channel and refractoriness (odd n)', () => {
    const n = 257;
    const params = resolveParams('test', iafPscExp.params, { I_e: 420, t_ref: 2, tau_syn_in: 5, V_reset: -68 });
    const ts = kernelOf(iafPscExp, iafPscExp.integrators.exact, { n, params, dt: 0.1, firstGid: 1, seed: 1 });
    const wa = kernelOf(iafPscExp, iafPscExpWasm, { n, params, dt: 0.1, firstGid: 1, seed: 1 });
    for (let i = 0; i < n; i++) {
      const v = -70 + (i % 17);
      ts.state.V_m[i] = v;
      wa.state.V_m[i] = v;
    }
    const ringA = new RingBuffer(n, 7);
    const ringB = new RingBuffer(n, 7);
    const sa = new Int32Array(n);
    const sb = new Int32Array(n);
    let seed = 99;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 4294967296;
    };
    let spikes = 0;
    for (let step = 0; step < 3000; step++) {
      const off = ringA.offset(step);
      for (let i = 0; i < n; i++) {
        const ex = rnd() < 0.3 ? 80 * rnd() : 0;
        const inh = rnd() < 0.1 ? -30 * rnd() : 0;
        const cur = rnd() < 0.05 ? 300 * (rnd() - 0.3) : 0;
        ringA.ex[off + i] = ringB.ex[off + i] = ex;
        ringA.inh[off + i] = ringB.inh[off + i] = inh;
        ringA.cur[off + i] = ringB.cur[off + i] = cur;
      }
      const ca = ts.update(step, ringA, off, sa);
      const cb = wa.update(step, ringB, off, sb);
      expect(cb).toBe(ca);
      for (let k = 0; k < ca; k++) expect(sb[k]).toBe(sa[k]);
      spikes += ca;
      ringA.clear(off);
      ringB.clear(off);
    }
    // Tolerance 0: the same IEEE operations in the same order.
    for (const v of ['V_m', 'I_syn_ex', 'I_syn_in']) expect(Array.from(wa.state[v])).toEqual(Array.from(ts.state[v]));
    expect(spikes).toBeGreaterThan(1000); // the comparison covered many spikes and refractory periods
  });

  for (const current of [true, false]) {
    it(`reading its own ring in place (${current ? 'with' : 'without'} current input): the copying kernel's state bit for bit, every row it read zeroed`, () => {
      const n = 257;
      const params = resolveParams('test', iafPscExp.params, { I_e: 420, t_ref: 2, tau_syn_in: 5, V_reset: -68 });
      const copying = kernelOf(iafPscExp, iafPscExpWasm, { n, params, dt: 0.1, firstGid: 1, seed: 1 });
      const owning = kernelOf(iafPscExp, iafPscExpWasm, { n, params, dt: 0.1, firstGid: 1, seed: 1 });
      for (let i = 0; i < n; i++) copying.state.V_m[i] = owning.state.V_m[i] = -70 + (i % 17);
      const own = owning.capabilities!.ownRing!(7)!;
      expect(own.readerClears).toBe(true);
      expect(own.n).toBe(258);
      const plain = new RingBuffer(n, 7);
      const sa = new Int32Array(n);
      const sb = new Int32Array(n);
      let seed = 5;
      const rnd = () => {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        return seed / 4294967296;
      };
      let spikes = 0;
      for (let step = 0; step < 2000; step++) {
        const a = plain.offset(step);
        const b = own.offset(step);
        for (let i = 0; i < n; i++) {
          plain.ex[a + i] = own.ex[b + i] = rnd() < 0.3 ? 80 * rnd() : 0;
          plain.inh[a + i] = own.inh[b + i] = rnd() < 0.1 ? -30 * rnd() : 0;
          if (current) plain.cur[a + i] = own.cur[b + i] = rnd() < 0.05 ? 300 * (rnd() - 0.3) : 0;
        }
        const ca = copying.update(step, plain, a, sa);
        const cb = owning.update(step, own as RingBuffer, b, sb);
        expect(cb).toBe(ca);
        for (let k = 0; k < ca; k++) expect(sb[k]).toBe(sa[k]);
        spikes += ca;
        plain.clear(a);
        // (reading `cur` would mark the current channel used: only where it is)
        for (const row of current ? [own.ex, own.inh, own.cur] : [own.ex, own.inh]) expect(row.subarray(b, b + own.n).every((x) => x === 0)).toBe(true);
        expect(own.currentUsed).toBe(current);
      }
      for (const v of ['V_m', 'I_syn_ex', 'I_syn_in']) expect(Array.from(owning.state[v])).toEqual(Array.from(copying.state[v]));
      expect(spikes).toBeGreaterThan(500);
    });
  }

  it('gives the same spike train as the TypeScript path in a recurrent Poisson-driven network', () => {
    const run = (integrator: string) => {
      const sim = createSimulator({ seed: 3 });
      const E = sim.create('iaf_psc_exp', 401, { E_L: 0, V_reset: 0, V_th: 20, tau_m: 20, I_e: 50 }, { integrator });
      const noise = sim.create('poisson_generator', 1, { rate: 8000 });
      sim.connect(noise, E, 'all_to_all', { weight: 40, delay: 1 });
      sim.connect(E, E, { rule: 'fixed_indegree', indegree: 40 }, { weight: { distribution: 'normal', mean: 20, std: 30 }, delay: 1.5 });
      const rec = sim.create('spike_recorder');
      sim.connect(E, rec);
      sim.simulate(300);
      const ev = rec.events<{ senders: Int32Array; times: Float64Array }>();
      return { senders: Array.from(ev.senders), times: Array.from(ev.times), V: Array.from(E.get('V_m')) };
    };
    const a = run('exact');
    const b = run('exact-wasm-simd');
    expect(a.senders.length).toBeGreaterThan(1000);
    expect(b).toEqual(a);
  });
});

describe('WebAssembly SIMD integrator for iaf_cond_exp (euler-f32)', () => {
  it('matches the TypeScript euler-f32 kernel bit for bit, step by step (odd n, refractory clamp, current input)', async () => {
    const { iafCondExp } = await import('../../../../plugins/neurons/iaf_cond_exp.js');
    const { createCondExpEulerF32 } = await import('../../../../plugins/integrators/euler_f32.js');
    const { iafCondExpWasm, condExpSimdAvailable } = await import('../../../../plugins/integrators/wasm/iaf_cond_exp_simd.js');
    expect(condExpSimdAvailable()).toBe(true);
    const n = 333;
    // va-coba's cell: tau_m 20 ms, C 200 pF, E_L -60, V_th -50, t_ref 5, tau 5/10 ms, 200 pA drive
    const params = resolveParams('test', iafCondExp.params, {
      C_m: 200, g_L: 10, E_L: -60, V_th: -50, V_reset: -60, t_ref: 5, E_ex: 0, E_in: -80, tau_syn_ex: 5, tau_syn_in: 10, I_e: 200,
    });
    const ts = kernelOf(iafCondExp, iafCondExp.integrators['euler-f32'], { n, params, dt: 0.1, firstGid: 1, seed: 1 }, (c) => createCondExpEulerF32(c));
    const wa = kernelOf(iafCondExp, iafCondExpWasm, { n, params, dt: 0.1, firstGid: 1, seed: 1 });
    for (let i = 0; i < n; i++) ts.state.V_m[i] = wa.state.V_m[i] = -60 + ((i * 7) % 10);
    const ringA = new RingBuffer(n, 9);
    const ringB = new RingBuffer(n, 9);
    const sa = new Int32Array(n);
    const sb = new Int32Array(n);
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 4294967296;
    };
    let spikes = 0;
    for (let step = 0; step < 4000; step++) {
      const off = ringA.offset(step);
      for (let i = 0; i < n; i++) {
        const ex = rnd() < 0.05 ? 4 * Math.ceil(3 * rnd()) : 0;
        const inh = rnd() < 0.02 ? -51 : 0;
        const cur = rnd() < 0.01 ? 100 * (rnd() - 0.5) : 0;
        ringA.ex[off + i] = ringB.ex[off + i] = ex;
        ringA.inh[off + i] = ringB.inh[off + i] = inh;
        ringA.cur[off + i] = ringB.cur[off + i] = cur;
      }
      const ca = ts.update(step, ringA, off, sa);
      const cb = wa.update(step, ringB, off, sb);
      expect(cb).toBe(ca);
      for (let k = 0; k < ca; k++) expect(sb[k]).toBe(sa[k]);
      spikes += ca;
      ringA.clear(off);
      ringB.clear(off);
    }
    for (const v of ['V_m', 'g_ex', 'g_in']) expect(Array.from(wa.state[v])).toEqual(Array.from(ts.state[v]));
    expect(spikes).toBeGreaterThan(2000);
  });
});
