import type { NeuronKernel, KernelContext } from '../../core/plugin.js';
import type { ModelDef } from '../../core/equations/model.js';
import type { OverrideProbe } from '../../core/equations/define.js';
import { defineModel } from '../schemes/index.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import { NO_PRIVATE_STATE } from '../../core/contracts/base.js';
import { pscParams, checkResetBelowThreshold, lifSpiking } from './iaf_psc_exp.js';
import { propagatorAlpha, refractorySteps } from './propagators.js';
import { defineScheme, CURRENT_INPUT, REFRACTORY_COUNT, type SchemeDef } from './scheme.js';

/** NEST's lower bound of the membrane potential; the default leaves it unbounded. */
export const vMinParam = {
  V_min: { unit: 'mV', default: -Infinity, allowInfinity: true, doc: 'absolute lower bound of the membrane potential (default: none, -Infinity)' },
} as const;

export const pscAlphaParams = { ...pscParams, ...vMinParam } as const;

/**
 * One exact step of iaf_psc_alpha (models/iaf_psc_alpha.cpp) for all neurons. The membrane works on
 * y3 = V_m − E_L as NEST does, so thresholds and bounds are relative to E_L. Order: membrane (unless
 * refractory) with the lower bound, alpha-current propagation, this step's spikes into dI (scaled by e/τ
 * so that a weight w gives a PSC peaking at w pA), threshold, and the current input for the next step.
 */
function stepPscAlpha(
  n: number, V: Float64Array, Iex: Float64Array, dIex: Float64Array, Iin: Float64Array, dIin: Float64Array,
  I0: Float64Array, r: Int32Array, ex: Float64Array, inh: Float64Array, cur: Float64Array, off: number, spikes: Int32Array,
  E_L: number, I_e: number, P30: number, P31ex: number, P32ex: number, P31in: number, P32in: number, expm1TauM: number,
  P11ex: number, P21ex: number, P11in: number, P21in: number, initEx: number, initIn: number,
  theta: number, lowerBound: number, resetRel: number, refr: number, inputScale: number,
): number {
  let count = 0;
  for (let i = 0; i < n; i++) {
    let y3 = V[i] - E_L;
    if (r[i] === 0) {
      y3 = P30 * (I0[i] + I_e) + P31ex * dIex[i] + P32ex * Iex[i] + P31in * dIin[i] + P32in * Iin[i] + expm1TauM * y3 + y3;
      if (y3 < lowerBound) y3 = lowerBound;
    } else r[i]--;
    Iex[i] = P21ex * dIex[i] + P11ex * Iex[i];
    dIex[i] = dIex[i] * P11ex + initEx * inputScale * ex[off + i];
    Iin[i] = P21in * dIin[i] + P11in * Iin[i];
    dIin[i] = dIin[i] * P11in + initIn * inputScale * inh[off + i];
    if (y3 >= theta) {
      r[i] = refr;
      y3 = resetRel;
      spikes[count++] = i;
    }
    V[i] = y3 + E_L;
    I0[i] = cur[off + i];
  }
  return count;
}

/**
 * The exact group, parameterised by NEST names. `inputScale` multiplies spike input (1 for NEST's pA;
 * 1000 for PyNN's nA weights).
 */
export function createPscAlphaExact(ctx: KernelContext, inputScale = 1): NeuronKernel {
  const { n, params: p, dt: h } = ctx;
  const V = ctx.state.V_m as Float64Array;
  const Iex = ctx.state.I_syn_ex as Float64Array;
  const dIex = ctx.state.dI_syn_ex as Float64Array;
  const Iin = ctx.state.I_syn_in as Float64Array;
  const dIin = ctx.state.dI_syn_in as Float64Array;
  const I0 = ctx.state.I0 as Float64Array;
  const r = ctx.state.r as Int32Array;
  const P11ex = Math.exp(-h / p.tau_syn_ex);
  const P11in = Math.exp(-h / p.tau_syn_in);
  const P21ex = h * P11ex;
  const P21in = h * P11in;
  const expm1TauM = Math.expm1(-h / p.tau_m);
  const P30 = (-p.tau_m / p.C_m) * expm1TauM;
  const ex = propagatorAlpha(p.tau_syn_ex, p.tau_m, p.C_m, h);
  const inh = propagatorAlpha(p.tau_syn_in, p.tau_m, p.C_m, h);
  const initEx = Math.E / p.tau_syn_ex;
  const initIn = Math.E / p.tau_syn_in;
  const theta = p.V_th - p.E_L;
  const lowerBound = p.V_min - p.E_L;
  const resetRel = p.V_reset - p.E_L;
  const refr = refractorySteps(p.t_ref, h);
  return {
    ...NO_PRIVATE_STATE,
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      return stepPscAlpha(n, V, Iex, dIex, Iin, dIin, I0, r, ring.ex, ring.inh, ring.cur, off, spikes,
        p.E_L, p.I_e, P30, ex.P31, ex.P32, inh.P31, inh.P32, expm1TauM, P11ex, P21ex, P11in, P21in, initEx, initIn,
        theta, lowerBound, resetRel, refr, inputScale);
    },
  };
}

/** The exact scheme: NEST's propagators, float64. */
export const pscAlphaExact: SchemeDef = { internal: { I0: CURRENT_INPUT, r: REFRACTORY_COUNT }, kernel: createPscAlphaExact };

export const pscAlphaState = {
  V_m: { unit: 'mV', doc: 'membrane potential', initial: (p: Record<string, number>) => p.E_L },
  I_syn_ex: { unit: 'pA', doc: 'excitatory synaptic current', initial: () => 0 },
  I_syn_in: { unit: 'pA', doc: 'inhibitory synaptic current', initial: () => 0 },
  dI_syn_ex: { unit: 'pA/ms', doc: 'derivative of the excitatory synaptic current', initial: () => 0 },
  dI_syn_in: { unit: 'pA/ms', doc: 'derivative of the inhibitory synaptic current', initial: () => 0 },
};

/** iaf_psc_alpha's dynamics (models/iaf_psc_alpha.h): each current is the alpha response I' = dI − I/τ, dI' = −dI/τ. */
export const iafPscAlphaDef: ModelDef = {
  name: 'iaf_psc_alpha',
  doc: 'Leaky integrate-and-fire, alpha-shaped current synapses, exact integration (NEST iaf_psc_alpha; PyNN IF_curr_alpha)',
  params: pscAlphaParams,
  state: {
    V_m: { unit: 'mV', initial: 'E_L', doc: pscAlphaState.V_m.doc },
    I_syn_ex: { unit: 'pA', initial: 0, doc: pscAlphaState.I_syn_ex.doc },
    I_syn_in: { unit: 'pA', initial: 0, doc: pscAlphaState.I_syn_in.doc },
    dI_syn_ex: { unit: 'pA/ms', initial: 0, doc: pscAlphaState.dI_syn_ex.doc },
    dI_syn_in: { unit: 'pA/ms', initial: 0, doc: pscAlphaState.dI_syn_in.doc },
  },
  equations: [
    'dV_m/dt = -(V_m - E_L) / tau_m + (I_syn_ex + I_syn_in + I_e + I_stim) / C_m : mV',
    'dI_syn_ex/dt = dI_syn_ex - I_syn_ex / tau_syn_ex : pA',
    'dI_syn_in/dt = dI_syn_in - I_syn_in / tau_syn_in : pA',
    'ddI_syn_ex/dt = -dI_syn_ex / tau_syn_ex : pA/ms',
    'ddI_syn_in/dt = -dI_syn_in / tau_syn_in : pA/ms',
  ],
  ...lifSpiking,
  lowerBounds: { V_m: 'V_min' },
  // A spike of w pA adds w·e/τ to dI, so that the current peaks at w pA (NEST's EPSCInitialValue).
  receptors: {
    ex: { kind: 'current', variable: 'dI_syn_ex', scale: 'e / tau_syn_ex' },
    in: { kind: 'current', variable: 'dI_syn_in', scale: 'e / tau_syn_in' },
  },
  defaultIntegrator: 'exact',
  check: checkResetBelowThreshold,
};

/** NEST's defaults, hpc-benchmark's synapses with a floor V_min that inhibition reaches, and τm = τsyn (the singular propagators). */
const pscAlphaProbe: OverrideProbe = {
  params: [
    { I_e: 360 },
    { t_ref: 0.5, tau_syn_ex: 0.3258, tau_syn_in: 0.3258, I_e: 420, V_min: -69.5 },
    { I_e: 380, tau_syn_ex: 10, tau_syn_in: 10, t_ref: 0.5 },
  ],
  wEx: 120, wIn: 120, current: 300,
  initial: { V_m: [-70, -50] },
};

export const iafPscAlpha = defineModel(iafPscAlphaDef, {
  overrides: {
    exact: {
      kernel: defineScheme(pscAlphaExact),
      equivalence: {
        kind: 'tolerance', rel: 1e-12,
        why: "NEST's propagators on y3 = V_m − E_L against the generated matrix exponential with its constant: the same map, other roundings",
      },
      probe: pscAlphaProbe,
      doc: "NEST's closed-form propagators (IAFPropagatorAlpha), one fused loop",
    },
  },
});
