import type { NeuronKernel, KernelContext } from '../../core/plugin.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import { NO_PRIVATE_STATE } from '../../core/contracts/base.js';
import { refractorySteps } from '../neurons/propagators.js';
import { REFRACTORY_COUNT, type SchemeDef } from '../neurons/scheme.js';

/**
 * Auryn-style fast integration (Zenke & Gerstner 2014): forward Euler on the membrane, exact exponential
 * decay of the synaptic variables, state in Float32Array. Each kernel is a sequence of passes, one
 * arithmetic operation over all neurons before the next (Auryn's auryn_vector_float_* calls): every pass
 * is a flat loop with no branches but a select, the shape SIMD code generators and V8 handle best.
 * The passes run over blocks of BLOCK neurons (strip-mining, as a SIMD compiler would), so that the
 * block's arrays stay in L1 cache from one pass to the next instead of streaming 10^5-element arrays
 * through memory once per operation.
 * The order of the step is NEST's (membrane, synapses, this step's input, threshold, next current), so
 * the only difference from the exact models is the Euler step on V_m and single precision.
 */

/** Neurons per strip: 8 Float32/Int32 arrays of 1024 elements = 32 KiB, about one L1 data cache. */
const BLOCK = 1024;

function membraneLeakPsc(lo: number, hi: number, V: Float32Array, tmp: Float32Array, E_L: number, hOverTau: number): void {
  for (let i = lo; i < hi; i++) tmp[i] = (E_L - V[i]) * hOverTau;
}

function addCurrents(lo: number, hi: number, tmp: Float32Array, a: Float32Array, b: Float32Array, c: Float32Array, Ie: number, hOverC: number): void {
  for (let i = lo; i < hi; i++) tmp[i] += (a[i] + b[i] + c[i] + Ie) * hOverC;
}

/** V += dV where not refractory; refractory counts drop where they are. */
function applyUnlessRefractory(lo: number, hi: number, V: Float32Array, tmp: Float32Array, r: Int32Array): void {
  for (let i = lo; i < hi; i++) V[i] += r[i] === 0 ? tmp[i] : 0;
}

function countDown(lo: number, hi: number, r: Int32Array): void {
  for (let i = lo; i < hi; i++) r[i] = r[i] > 0 ? r[i] - 1 : 0;
}

function decayAndAdd(lo: number, hi: number, x: Float32Array, decay: number, input: Float64Array, off: number, scale: number): void {
  for (let i = lo; i < hi; i++) x[i] = x[i] * decay + scale * input[off + i];
}

function copyRow(lo: number, hi: number, dst: Float32Array, src: Float64Array, off: number): void {
  for (let i = lo; i < hi; i++) dst[i] = src[off + i];
}

function thresholdPsc(lo: number, hi: number, V: Float32Array, r: Int32Array, theta: number, Vreset: number, refr: number, spikes: Int32Array, count: number): number {
  for (let i = lo; i < hi; i++) {
    if (V[i] >= theta) {
      V[i] = Vreset;
      r[i] = refr;
      spikes[count++] = i;
    }
  }
  return count;
}

/** iaf_psc_exp, Euler on V_m in single precision. `inputScale` as in the exact model (1000 for PyNN nA). */
export function createPscExpEulerF32(ctx: KernelContext, inputScale = 1): NeuronKernel {
  const { n, params: p, dt: h } = ctx;
  const V = ctx.state.V_m as Float32Array;
  const Iex = ctx.state.I_syn_ex as Float32Array;
  const Iin = ctx.state.I_syn_in as Float32Array;
  const I0 = ctx.state.I0 as Float32Array;
  const tmp = new Float32Array(n);
  const r = ctx.state.r as Int32Array;
  const P11ex = Math.exp(-h / p.tau_syn_ex);
  const P11in = Math.exp(-h / p.tau_syn_in);
  const hOverTau = h / p.tau_m;
  const hOverC = h / p.C_m;
  const refr = refractorySteps(p.t_ref, h);
  const { E_L, I_e, V_th, V_reset } = p;
  return {
    // `tmp` is scratch within a step; the rest is in the state component.
    ...NO_PRIVATE_STATE,
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      let count = 0;
      for (let lo = 0; lo < n; lo += BLOCK) {
        const hi = lo + BLOCK < n ? lo + BLOCK : n;
        membraneLeakPsc(lo, hi, V, tmp, E_L, hOverTau);
        addCurrents(lo, hi, tmp, Iex, Iin, I0, I_e, hOverC);
        applyUnlessRefractory(lo, hi, V, tmp, r);
        countDown(lo, hi, r);
        decayAndAdd(lo, hi, Iex, P11ex, ring.ex, off, inputScale);
        decayAndAdd(lo, hi, Iin, P11in, ring.inh, off, inputScale);
        count = thresholdPsc(lo, hi, V, r, V_th, V_reset, refr, spikes, count);
        copyRow(lo, hi, I0, ring.cur, off);
      }
      return count;
    },
  };
}

function leakCond(lo: number, hi: number, V: Float32Array, tmp: Float32Array, E_L: number, gL: number): void {
  for (let i = lo; i < hi; i++) tmp[i] = (E_L - V[i]) * gL;
}

function addSynapticCurrent(lo: number, hi: number, V: Float32Array, tmp: Float32Array, g: Float32Array, E: number): void {
  for (let i = lo; i < hi; i++) tmp[i] += (E - V[i]) * g[i];
}

function addStimAndScale(lo: number, hi: number, tmp: Float32Array, I0: Float32Array, Ie: number, hOverC: number): void {
  for (let i = lo; i < hi; i++) tmp[i] = (tmp[i] + I0[i] + Ie) * hOverC;
}

/** Conductances take |w|: the inhibitory ring row holds a negative sum. */
function decayAndSubtract(lo: number, hi: number, x: Float32Array, decay: number, input: Float64Array, off: number, scale: number): void {
  for (let i = lo; i < hi; i++) x[i] = x[i] * decay - scale * input[off + i];
}

/** NEST's cond models: while refractory V_m is clamped to V_reset, else threshold and reset. */
function refractoryAndThresholdCond(lo: number, hi: number, V: Float32Array, r: Int32Array, theta: number, Vreset: number, refr: number, spikes: Int32Array, count: number): number {
  for (let i = lo; i < hi; i++) {
    if (r[i] > 0) {
      r[i]--;
      V[i] = Vreset;
    } else if (V[i] >= theta) {
      r[i] = refr;
      V[i] = Vreset;
      spikes[count++] = i;
    }
  }
  return count;
}

/** iaf_cond_exp, Euler on V_m with exact conductance decay, single precision (Auryn's IFGroup scheme). */
export function createCondExpEulerF32(ctx: KernelContext, inputScale = 1): NeuronKernel {
  const { n, params: p, dt: h } = ctx;
  const V = ctx.state.V_m as Float32Array;
  const gex = ctx.state.g_ex as Float32Array;
  const gin = ctx.state.g_in as Float32Array;
  const I0 = ctx.state.I0 as Float32Array;
  const tmp = new Float32Array(n);
  const r = ctx.state.r as Int32Array;
  const Pex = Math.exp(-h / p.tau_syn_ex);
  const Pin = Math.exp(-h / p.tau_syn_in);
  const hOverC = h / p.C_m;
  const refr = refractorySteps(p.t_ref, h);
  const { E_L, g_L, E_ex, E_in, I_e, V_th, V_reset } = p;
  return {
    // `tmp` is scratch within a step; the rest is in the state component.
    ...NO_PRIVATE_STATE,
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      let count = 0;
      for (let lo = 0; lo < n; lo += BLOCK) {
        const hi = lo + BLOCK < n ? lo + BLOCK : n;
        leakCond(lo, hi, V, tmp, E_L, g_L);
        addSynapticCurrent(lo, hi, V, tmp, gex, E_ex);
        addSynapticCurrent(lo, hi, V, tmp, gin, E_in);
        addStimAndScale(lo, hi, tmp, I0, I_e, hOverC);
        applyUnlessRefractory(lo, hi, V, tmp, r);
        decayAndAdd(lo, hi, gex, Pex, ring.ex, off, inputScale);
        decayAndSubtract(lo, hi, gin, Pin, ring.inh, off, inputScale);
        count = refractoryAndThresholdCond(lo, hi, V, r, V_th, V_reset, refr, spikes, count);
        copyRow(lo, hi, I0, ring.cur, off);
      }
      return count;
    },
  };
}

const F32_CURRENT_INPUT = { type: 'f32', unit: 'pA', doc: 'current input of the previous step, acting in this one' } as const;

/** iaf_psc_exp under Euler in float32 (state in Float32Array). */
export const pscExpEulerF32: SchemeDef = { precision: 'f32', internal: { I0: F32_CURRENT_INPUT, r: REFRACTORY_COUNT }, kernel: createPscExpEulerF32 };

/** iaf_cond_exp under Euler in float32 (Auryn's IFGroup scheme). */
export const condExpEulerF32: SchemeDef = { precision: 'f32', internal: { I0: F32_CURRENT_INPUT, r: REFRACTORY_COUNT }, kernel: createCondExpEulerF32 };
