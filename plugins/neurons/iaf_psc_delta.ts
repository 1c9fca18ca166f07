import type { NeuronKernel, KernelContext } from '../../core/plugin.js';
import type { ModelDef } from '../../core/equations/model.js';
import { defineModel } from '../schemes/index.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import { NO_PRIVATE_STATE } from '../../core/contracts/base.js';
import { archivingParams, checkResetBelowThreshold, lifSpiking } from './iaf_psc_exp.js';
import { vMinParam } from './iaf_psc_alpha.js';
import { refractorySteps } from './propagators.js';
import { defineScheme, onlyUnder, CURRENT_INPUT, REFRACTORY_COUNT, type SchemeDef } from './scheme.js';

export const pscDeltaParams = {
  E_L: { unit: 'mV', default: -70, doc: 'resting membrane potential' },
  C_m: { unit: 'pF', default: 250, min: 0, exclusiveMin: true, doc: 'membrane capacitance' },
  tau_m: { unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'membrane time constant' },
  t_ref: { unit: 'ms', default: 2, min: 0, doc: 'duration of the refractory period' },
  V_th: { unit: 'mV', default: -55, doc: 'spike threshold' },
  V_reset: { unit: 'mV', default: -70, doc: 'reset potential (must be below V_th)' },
  I_e: { unit: 'pA', default: 0, doc: 'constant input current' },
  ...vMinParam,
  refractory_input: {
    unit: '', default: 0, min: 0, max: 1, integer: true,
    doc: "1: spikes arriving while refractory are added, discounted by e^{-remaining/tau_m}, when it ends; 0 (NEST's default): they are dropped",
  },
  ...archivingParams,
} as const;

/**
 * One exact step of iaf_psc_delta (models/iaf_psc_delta.cpp): a spike of weight w moves V_m by w mV in the
 * step it arrives. While refractory the input is dropped, or, with refractory_input, stored discounted
 * by the decay it would have undergone until the end of the refractory period.
 */
function stepPscDelta(
  n: number, V: Float64Array, I0: Float64Array, r: Int32Array, refrBuffer: Float64Array,
  ex: Float64Array, inh: Float64Array, cur: Float64Array, off: number, spikes: Int32Array,
  E_L: number, I_e: number, P30: number, P33: number, theta: number, lowerBound: number, resetRel: number,
  refr: number, withRefrInput: boolean, decayPerStep: number, inputScale: number,
): number {
  let count = 0;
  for (let i = 0; i < n; i++) {
    let y3 = V[i] - E_L;
    const input = inputScale * (ex[off + i] + inh[off + i]);
    if (r[i] === 0) {
      y3 = P30 * (I0[i] + I_e) + P33 * y3 + input;
      if (withRefrInput && refrBuffer[i] !== 0) {
        y3 += refrBuffer[i];
        refrBuffer[i] = 0;
      }
      if (y3 < lowerBound) y3 = lowerBound;
    } else {
      if (withRefrInput) refrBuffer[i] += input * Math.pow(decayPerStep, r[i]);
      r[i]--;
    }
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

export function createPscDeltaExact(ctx: KernelContext, inputScale = 1): NeuronKernel {
  const { n, params: p, dt: h } = ctx;
  const V = ctx.state.V_m as Float64Array;
  const I0 = ctx.state.I0 as Float64Array;
  const r = ctx.state.r as Int32Array;
  const refrBuffer = ctx.state.refractory_buffer as Float64Array;
  const P33 = Math.exp(-h / p.tau_m);
  const P30 = (-p.tau_m / p.C_m) * Math.expm1(-h / p.tau_m);
  const refr = refractorySteps(p.t_ref, h);
  const withRefrInput = p.refractory_input === 1;
  return {
    ...NO_PRIVATE_STATE,
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      return stepPscDelta(n, V, I0, r, refrBuffer, ring.ex, ring.inh, ring.cur, off, spikes,
        p.E_L, p.I_e, P30, P33, p.V_th - p.E_L, p.V_min - p.E_L, p.V_reset - p.E_L, refr, withRefrInput, P33, inputScale);
    },
  };
}

/** The exact scheme, float64; input arriving while refractory is kept discounted when refractory_input is 1. */
export const pscDeltaExact: SchemeDef = {
  internal: { I0: CURRENT_INPUT, r: REFRACTORY_COUNT, refractory_buffer: { unit: 'mV', doc: 'input received while refractory, discounted to its end' } },
  kernel: createPscDeltaExact,
};

/**
 * iaf_psc_delta's dynamics (models/iaf_psc_delta.cpp): a spike of w mV moves V_m by w in the step it
 * arrives, dropped while refractory (V_m is clamped); V_min bounds V_m after the input. NEST's
 * refractory_input = 1 (input kept while refractory, discounted to its end) is the hand kernel's alone.
 */
export const iafPscDeltaDef: ModelDef = {
  name: 'iaf_psc_delta',
  doc: 'Leaky integrate-and-fire, delta synapses (a spike moves V_m by its weight in mV), exact integration (NEST iaf_psc_delta)',
  params: pscDeltaParams,
  state: { V_m: { unit: 'mV', initial: 'E_L', doc: 'membrane potential' } },
  equations: ['dV_m/dt = -(V_m - E_L) / tau_m + (I_e + I_stim) / C_m : mV'],
  ...lifSpiking,
  lowerBounds: { V_m: 'V_min' },
  // One port takes both signs: inhibitory weights move V_m down.
  receptors: { ex: { kind: 'delta', variable: 'V_m' } },
  defaultIntegrator: 'exact',
  check: checkResetBelowThreshold,
};

// The generated schemes drop input while refractory.
export const iafPscDelta = onlyUnder(defineModel(iafPscDeltaDef, {
  overrides: {
    exact: {
      kernel: defineScheme(pscDeltaExact),
      equivalence: {
        kind: 'tolerance', rel: 1e-12,
        why: "NEST's propagators on V_m − E_L, both ports' input summed first, against the generated matrix exponential with its constant and one port after the other: other roundings",
      },
      // NEST's defaults; a floor V_min above V_reset, met after every refractory period; no refractoriness.
      probe: {
        params: [{ I_e: 400 }, { I_e: 400, V_min: -69.5 }, { I_e: 450, t_ref: 0 }],
        wEx: 3, wIn: 3, current: 200,
        initial: { V_m: [-70, -55] },
      },
      doc: "NEST's closed-form step, and refractory_input",
    },
  },
}), 'exact', 'refractory_input', 1, '0 under this integrator (it drops input while refractory)');
