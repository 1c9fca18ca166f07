/**
 * Generated kernels against hand-written ones, per neuron and step: iaf_cond_exp written as equations
 * (defineModel) under the generated `euler-f32x4-wasm-simd`, against the hand-written WebAssembly kernel
 * of the same name and against the TypeScript `euler-f32`, on the same random input at va-coba's size.
 *
 *   npx tsx bench/equation-kernels.ts [n=4000] [steps=20000]
 *
 * Prints ns per neuron-step of the update calls alone (best of 3), each kernel stepping one step per call through
 * its own ring. The hand-written kernel's multi-step slices (docs/wasm-f32x4.md) are not used here.
 */
import { standaloneKernel } from '../core/kernels.js';
import { resolveParams } from '../core/schema.js';
import { RingBuffer, type AnyRing } from '../core/ringbuffer.js';
import type { NeuronKernel, NeuronModel, NeuronScheme } from '../core/plugin.js';
import { iafCondExp } from '../plugins/neurons/iaf_cond_exp.js';
import { iafCondExpF32x4Wasm } from '../plugins/integrators/wasm/iaf_cond_exp_f32x4.js';
import { condExpEquations } from './cond-exp-equations.js';

const n = Number(process.argv[2] ?? 4000);
const steps = Number(process.argv[3] ?? 20000);

// va-coba's cell (iaf_cond_exp with Auryn's parameters), as equations.
const cell = { C_m: 200, g_L: 10, E_L: -60, V_th: -50, V_reset: -60, t_ref: 5, E_ex: 0, E_in: -80, tau_syn_ex: 5, tau_syn_in: 10, I_e: 200 };
const condExp = condExpEquations('bench_cond_exp', cell);

function time(model: NeuronModel, name: string, scheme: NeuronScheme): { ns: number; spikes: number } {
  const params = resolveParams('bench', model.params, cell);
  const { kernel } = standaloneKernel(model, name, { n, params, dt: 0.1, firstGid: 1, seed: 1 }, scheme);
  const ring = (kernel.capabilities?.ownRing?.(10) ?? new RingBuffer(n, 10)) as AnyRing;
  const spikes = new Int32Array(n);
  let seed = 9;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
  // The same input for every kernel: about va-coba's rate of spikes per neuron and step.
  const input = Float64Array.from({ length: n * 10 }, () => (rand() < 0.03 ? 4 * rand() : 0));
  let best = Infinity;
  let count = 0;
  for (let rep = 0; rep < 3; rep++) {
    // Only the update is timed: filling and clearing the rows is the same for every kernel.
    let spent = 0;
    for (let s = 0; s < steps; s++) {
      const off = ring.offset(s);
      const row = (s % 10) * n;
      for (let i = 0; i < n; i++) ring.ex[off + i] = input[row + i];
      const t0 = performance.now();
      count += (kernel as NeuronKernel).update(s, ring as RingBuffer, off, spikes);
      spent += performance.now() - t0;
      if (!ring.readerClears) (ring as RingBuffer).clear(off);
    }
    best = Math.min(best, (spent * 1e6) / (steps * n));
  }
  return { ns: best, spikes: count / 3 };
}

const rows: [string, { ns: number; spikes: number }][] = [
  ['hand-written euler-f32 (TypeScript)', time(iafCondExp, 'euler-f32', iafCondExp.integrators['euler-f32'])],
  ['hand-written euler-f32x4-wasm-simd', time(iafCondExp, 'euler-f32x4-wasm-simd', iafCondExpF32x4Wasm)],
  ['generated euler-f32 (equations)', time(condExp, 'euler-f32', condExp.integrators['euler-f32'])],
  ['generated euler-f32x4-wasm-simd (equations)', time(condExp, 'euler-f32x4-wasm-simd', condExp.integrators['euler-f32x4-wasm-simd'])],
];
const ref = rows[1][1].ns;
console.log(`iaf_cond_exp, n = ${n}, ${steps} steps, one step per call (ns per neuron-step, best of 3; ratio to the hand-written f32x4 kernel)`);
for (const [label, r] of rows) console.log(`${label.padEnd(46)} ${r.ns.toFixed(2).padStart(7)}  ×${(r.ns / ref).toFixed(2)}  (${Math.round(r.spikes)} spikes per pass)`);
