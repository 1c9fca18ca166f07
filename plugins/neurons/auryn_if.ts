import type { NeuronModel, NeuronKernel, KernelContext } from '../../core/plugin.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import { NO_PRIVATE_STATE } from '../../core/contracts/base.js';
import type { Params } from '../../core/schema.js';
import { ParameterError } from '../../core/errors.js';

/**
 * Auryn's IFGroup (src/auryn/IFGroup.cpp), the neuron of Zenke, Hennequin & Gerstner (2013) and of Auryn's
 * sim_background / sim_bg_static. Parameter names are Auryn's; Auryn works in V and s, here they are mV and
 * ms (same numbers × 1000), and conductances are in units of the leak conductance as in Auryn.
 *
 *   tau_mem dV/dt = (u_rest − V) − (A_ampa g_ampa + A_nmda g_nmda)(V − 0) − g_gaba (V − u_inh_rev)
 *   spike when V > thr_rest + thr; then V = u_reset and thr = dthr (the moving threshold, Auryn's only
 *   refractoriness), thr decaying to 0 with tau_thr. V is clipped to [u_inh_rev, 0] before the test.
 *   NMDA is a low-pass of AMPA: g_nmda += (1 − e^(−dt/tau_nmda)) (g_ampa − g_nmda) per step, so every
 *   excitatory spike drives AMPA (tau_ampa) and, with the same integral, NMDA (rise tau_ampa, decay
 *   tau_nmda), weighted A_ampa = r/(1+r) and A_nmda = 1/(1+r) for ampa_nmda_ratio r. No voltage dependence.
 */
export const aurynIfParams = {
  tau_mem: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'membrane time constant (Auryn tau_mem, 20e-3 s; set_tau_mem)' },
  u_rest: { unit: 'mV', default: -70, doc: 'resting potential (Auryn u_rest, -70e-3 V)' },
  u_reset: { unit: 'mV', default: -70, doc: 'reset potential (Auryn u_reset, -70e-3 V); must be below thr_rest' },
  u_inh_rev: { unit: 'mV', default: -80, doc: 'GABA reversal potential and lower clip of V (Auryn u_inh_rev, -80e-3 V)' },
  thr_rest: { unit: 'mV', default: -50, doc: 'threshold at rest (Auryn thr_rest, -50e-3 V)' },
  dthr: { unit: 'mV', default: 100, min: 0, doc: 'jump of the moving threshold at a spike (Auryn dthr, 100e-3 V)' },
  tau_thr: { unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'decay time constant of the moving threshold (Auryn tau_thr, 5e-3 s)' },
  tau_ampa: { unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'AMPA decay time constant (Auryn tau_ampa, 5e-3 s)' },
  tau_nmda: { unit: 'ms', default: 100, min: 0, exclusiveMin: true, doc: 'NMDA time constant, at least tau_ampa (Auryn tau_nmda, 100e-3 s)' },
  tau_gaba: { unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'GABA decay time constant (Auryn tau_gaba, 10e-3 s)' },
  ampa_nmda_ratio: { unit: '', default: 1, min: 0, doc: 'set_ampa_nmda_ratio: A_ampa = r/(r+1), A_nmda = 1/(r+1)' },
  g_L: {
    unit: 'nS', default: 10, min: 0, exclusiveMin: true,
    doc: 'leak conductance, only the unit of the input: a spike of weight w nS adds w/g_L to g_ampa (excitatory) or g_gaba (inhibitory, |w|), as Auryn\'s weights are in units of g_L',
  },
} as const;

/**
 * One step of IFGroup::evolve() for all neurons, then this step's spike input (Auryn delivers spikes in
 * propagate(), after evolve()). Every operation is rounded to float32 as Auryn's AurynFloat vector calls
 * are, in the order of integrate_linear_nmda_synapses, integrate_membrane and check_thresholds; the values
 * are in mV rather than V, which changes only the last bit of rounding. The decaying variables (conductances,
 * moving threshold) are flushed to zero when they fall below the float32 normal range, as Auryn's build
 * (-ffast-math: flush-to-zero) does: a subnormal operand costs a CPU ~100 cycles, 30× the whole step in
 * the vector kernel, and one that small moves no spike (it is far below half an ulp of V and thr_rest).
 */
/** The smallest normal float32 (2^-126): state below it is flushed to zero, as Auryn's -ffast-math build does. */
export const FLUSH_BELOW = 2 ** -126;

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
    gNmda[i] = Math.abs(gn) < FLUSH_BELOW ? 0 : gn;
    let gaNext = f(ga * scaleAmpa);
    let ggNext = f(gg * scaleGaba);
    let th = f(thr[i] * scaleThr);
    th = Math.abs(th) < FLUSH_BELOW ? 0 : th;
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
    gAmpa[i] = Math.abs(gaNext) < FLUSH_BELOW ? 0 : gaNext;
    gGaba[i] = Math.abs(ggNext) < FLUSH_BELOW ? 0 : ggNext;
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

function checkAurynIF(p: Params, where: string): void {
  if (!(p.u_reset < p.thr_rest)) throw new ParameterError(where, 'u_reset', p.u_reset, `a value below thr_rest (${p.thr_rest} mV)`);
  if (!(p.tau_nmda >= p.tau_ampa)) throw new ParameterError(where, 'tau_nmda', p.tau_nmda, `a value of at least tau_ampa (${p.tau_ampa} ms), as Auryn requires`);
  if (!(p.u_inh_rev <= p.u_reset)) throw new ParameterError(where, 'u_inh_rev', p.u_inh_rev, `a value at most u_reset (${p.u_reset} mV): V is clipped to [u_inh_rev, 0]`);
  if (!(p.thr_rest < 0)) throw new ParameterError(where, 'thr_rest', p.thr_rest, 'a value below 0 mV: V is clipped at 0 mV (Auryn\'s excitatory reversal)');
}

export const aurynIF: NeuronModel = {
  kind: 'neuron',
  name: 'IFGroup',
  doc: 'Auryn\'s IFGroup: conductance LIF with AMPA+NMDA (low-pass of AMPA) and GABA, moving threshold, forward Euler in float32 (Zenke et al. 2013)',
  params: aurynIfParams,
  state: {
    V_m: { unit: 'mV', doc: 'membrane potential (Auryn mem)', initial: (p: Params) => p.u_rest },
    thr: { unit: 'mV', doc: 'moving threshold above thr_rest', initial: () => 0 },
    g_ampa: { unit: 'g_L', doc: 'AMPA conductance in units of the leak', initial: () => 0 },
    g_nmda: { unit: 'g_L', doc: 'NMDA conductance in units of the leak', initial: () => 0 },
    g_gaba: { unit: 'g_L', doc: 'GABA conductance in units of the leak', initial: () => 0 },
  },
  // Auryn's AurynFloat state: float32 throughout.
  integrators: { 'euler-f32': { precision: 'f32', create: createAurynIF } },
  defaultIntegrator: 'euler-f32',
  check: checkAurynIF,
};
