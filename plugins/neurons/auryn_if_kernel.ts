import type { NeuronKernel, KernelContext } from '../../core/plugin.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import { NO_PRIVATE_STATE } from '../../core/contracts/base.js';
import type { Params } from '../../core/schema.js';
import { F32_FLUSH_BELOW } from '../schemes/simd_program.js';

/*
 * IFGroup's hand-written float32 kernel, apart from the model (auryn_if.ts) so that the WebAssembly kernel
 * (plugins/integrators/wasm/auryn_if_f32x4.ts), which the model registers too, can share its constants
 * without an import cycle.
 */

/**
 * One step of IFGroup::evolve() for all neurons, then this step's spike input (Auryn delivers spikes in
 * propagate(), after evolve()). Every operation is rounded to float32 as Auryn's AurynFloat vector calls
 * are, in the order of integrate_linear_nmda_synapses, integrate_membrane and check_thresholds; the values
 * are in mV rather than V, which changes only the last bit of rounding. The decaying variables (conductances,
 * moving threshold) are flushed to zero when they fall below the float32 normal range, as Auryn's build
 * (-ffast-math: flush-to-zero) does: a subnormal operand costs a CPU ~100 cycles, 30× the whole step in
 * the vector kernel, and one that small moves no spike (it is far below half an ulp of V and thr_rest).
 */

export function stepAurynIF(
  n: number, V: Float32Array, thr: Float32Array, gAmpa: Float32Array, gNmda: Float32Array, gGaba: Float32Array,
  ex: Float64Array, inh: Float64Array, off: number, spikes: Int32Array,
  negAmpa: number, negNmda: number, mulNmda: number, negMulNmda: number, scaleAmpa: number, scaleGaba: number, scaleThr: number,
  mulTauMem: number, negMulTauMem: number, uRest: number, uReset: number, uInhRev: number, thrRest: number, dthr: number, invGL: number,
): number {
  const f = Math.fround;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = V[i];
    const ga = gAmpa[i];
    let gn = gNmda[i];
    const gg = gGaba[i];
    const tExc = f(f(f(ga * negAmpa) + f(negNmda * gn)) * v);
    const tInh = f(f(v - uInhRev) * gg);
    gn = f(gn + f(mulNmda * ga));
    gn = f(gn + f(negMulNmda * gn));
    gNmda[i] = Math.abs(gn) < F32_FLUSH_BELOW ? 0 : gn;
    let gaNext = f(ga * scaleAmpa);
    let ggNext = f(gg * scaleGaba);
    let th = f(thr[i] * scaleThr);
    th = Math.abs(th) < F32_FLUSH_BELOW ? 0 : th;
    const tLeak = f(v - uRest);
    let u = f(v + f(mulTauMem * tExc));
    u = f(u + f(negMulTauMem * tInh));
    u = f(u + f(negMulTauMem * tLeak));
    u = u < uInhRev ? uInhRev : u > 0 ? 0 : u;
    if (u > f(thrRest + th)) {
      spikes[count++] = i;
      u = uReset;
      th = dthr;
    }
    V[i] = u;
    thr[i] = th;
    gaNext = f(gaNext + f(ex[off + i] * invGL));
    ggNext = f(ggNext - f(inh[off + i] * invGL));
    gAmpa[i] = Math.abs(gaNext) < F32_FLUSH_BELOW ? 0 : gaNext;
    gGaba[i] = Math.abs(ggNext) < F32_FLUSH_BELOW ? 0 : ggNext;
  }
  return count;
}

/** The kernel's constants, each rounded to float32 as Auryn stores them (AurynFloat); 1/g_L stays a double. */
export function aurynConstants(p: Params, h: number) {
  const f = Math.fround;
  const r = p.ampa_nmda_ratio;
  return {
    negAmpa: f(-f(r / (r + 1))),
    negNmda: f(-f(1 / (r + 1))),
    mulNmda: f(1 - Math.exp(-h / p.tau_nmda)),
    scaleAmpa: f(Math.exp(-h / p.tau_ampa)),
    scaleGaba: f(Math.exp(-h / p.tau_gaba)),
    scaleThr: f(Math.exp(-h / p.tau_thr)),
    mulTauMem: f(h / f(p.tau_mem)),
    uRest: f(p.u_rest),
    uReset: f(p.u_reset),
    uInhRev: f(p.u_inh_rev),
    thrRest: f(p.thr_rest),
    dthr: f(p.dthr),
    invGL: 1 / p.g_L,
  };
}

export function createAurynIF(ctx: KernelContext): NeuronKernel {
  const { n } = ctx;
  const V = ctx.state.V_m as Float32Array;
  const thr = ctx.state.thr as Float32Array;
  const gAmpa = ctx.state.g_ampa as Float32Array;
  const gNmda = ctx.state.g_nmda as Float32Array;
  const gGaba = ctx.state.g_gaba as Float32Array;
  const k = aurynConstants(ctx.params, ctx.dt);
  return {
    ...NO_PRIVATE_STATE,
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      return stepAurynIF(n, V, thr, gAmpa, gNmda, gGaba, ring.ex, ring.inh, off, spikes,
        k.negAmpa, k.negNmda, k.mulNmda, -k.mulNmda, k.scaleAmpa, k.scaleGaba, k.scaleThr, k.mulTauMem, -k.mulTauMem,
        k.uRest, k.uReset, k.uInhRev, k.thrRest, k.dthr, k.invGL);
    },
  };
}
