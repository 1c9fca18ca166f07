import type { NeuronKernel, KernelContext } from '../../core/plugin.js';
import type { ModelDef } from '../../core/equations/model.js';
import { defineModel } from '../schemes/index.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import { NO_PRIVATE_STATE } from '../../core/contracts/base.js';
import { defineScheme, onlyUnder, CURRENT_INPUT, type SchemeDef } from './scheme.js';
import { archivingParams } from './iaf_psc_exp.js';

/** NEST's izhikevich (Izhikevich 2003): names, units, defaults (regular spiking). */
export const izhikevichParams = {
  a: { unit: '1/ms', default: 0.02, doc: 'time scale of the recovery variable U_m' },
  b: { unit: '', default: 0.2, doc: 'sensitivity of U_m to V_m' },
  c: { unit: 'mV', default: -65, doc: 'after-spike reset value of V_m' },
  d: { unit: 'mV', default: 8, doc: 'after-spike increment of U_m' },
  I_e: { unit: 'pA', default: 0, doc: 'constant input current (enters dV/dt as is, as in NEST)' },
  V_th: { unit: 'mV', default: 30, doc: 'spike threshold' },
  V_min: { unit: 'mV', default: -Infinity, allowInfinity: true, doc: 'absolute lower bound of V_m (default: none, -Infinity)' },
  consistent_integration: {
    unit: '', default: 1, min: 0, max: 1, integer: true,
    doc: "1 (NEST's default): forward Euler on (V_m, U_m) from the old values; 0: the published scheme (two half steps for V_m, then U_m from the new V_m)",
  },
  ...archivingParams,
} as const;

/**
 * One step of NEST's izhikevich for all neurons: spike input (mV) adds to V_m in the step it arrives,
 * no refractory period, V_m bounded below by V_min, reset V_m = c and U_m += d at V_m >= V_th.
 */
function stepIzhikevich(
  n: number, V: Float64Array, U: Float64Array, I: Float64Array, ex: Float64Array, inh: Float64Array, cur: Float64Array,
  off: number, spikes: Int32Array, h: number, a: number, b: number, c: number, d: number, Ie: number, Vth: number, Vmin: number,
  consistent: boolean, inputScale: number,
): number {
  let count = 0;
  const halfH = h / 2;
  for (let i = 0; i < n; i++) {
    const input = inputScale * (ex[off + i] + inh[off + i]);
    let v = V[i];
    let u = U[i];
    if (consistent) {
      const v0 = v;
      v += h * (0.04 * v0 * v0 + 5 * v0 + 140 - u + I[i] + Ie) + input;
      u += h * a * (b * v0 - u);
    } else {
      // As NEST writes the published scheme: the spike input sits inside both half steps.
      v += halfH * (0.04 * v * v + 5 * v + 140 - u + I[i] + Ie + input);
      v += halfH * (0.04 * v * v + 5 * v + 140 - u + I[i] + Ie + input);
      u += h * a * (b * v - u);
    }
    if (v < Vmin) v = Vmin;
    if (v >= Vth) {
      v = c;
      u += d;
      spikes[count++] = i;
    }
    V[i] = v;
    U[i] = u;
    I[i] = cur[off + i];
  }
  return count;
}

export function createIzhikevich(ctx: KernelContext, inputScale = 1): NeuronKernel {
  const { n, params: p, dt: h } = ctx;
  const V = ctx.state.V_m as Float64Array;
  const U = ctx.state.U_m as Float64Array;
  const I = ctx.state.I0 as Float64Array;
  const consistent = p.consistent_integration === 1;
  return {
    ...NO_PRIVATE_STATE,
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      return stepIzhikevich(n, V, U, I, ring.ex, ring.inh, ring.cur, off, spikes, h, p.a, p.b, p.c, p.d, p.I_e, p.V_th, p.V_min, consistent, inputScale);
    },
  };
}

/** Forward Euler at the simulation step, as NEST integrates it. */
export const izhikevichEuler: SchemeDef = { internal: { I0: CURRENT_INPUT }, kernel: createIzhikevich };

/**
 * izhikevich's dynamics (models/izhikevich.cpp) as equations, in the order of NEST's sum; V_m, U_m and
 * I_e enter as numbers (mV, pA: NEST's convention), so the unit factors below are exact ones. Spike input
 * moves V_m by w mV; V_min bounds V_m after it; no refractoriness. NEST's update is forward Euler from
 * the old values (consistent_integration = 1), which the generated euler reproduces; the published
 * scheme (consistent_integration = 0: two half steps, input inside them) is the hand kernel's alone.
 */
export const izhikevichDef: ModelDef = {
  name: 'izhikevich',
  doc: 'Izhikevich (2003) simple model, forward Euler at the simulation step as NEST integrates it (NEST izhikevich; PyNN Izhikevich)',
  params: izhikevichParams,
  state: {
    // NEST's initial state: V_m = -65 mV, U_m = 0.
    V_m: { unit: 'mV', initial: -65, doc: 'membrane potential' },
    U_m: { unit: 'mV', initial: 0, doc: 'recovery variable' },
  },
  equations: [
    'dV_m/dt = (0.04 * V_m * V_m / mV + 5 * V_m + 140 * mV - U_m + I_stim * (mV / pA) + I_e * (mV / pA)) / ms : mV',
    'dU_m/dt = a * (b * V_m - U_m) : mV',
  ],
  threshold: 'V_m >= V_th',
  reset: ['V_m = c', 'U_m += d'],
  lowerBounds: { V_m: 'V_min' },
  receptors: { ex: { kind: 'delta', variable: 'V_m' } },
  defaultIntegrator: 'euler',
};

// The generated schemes integrate the equations, not the published scheme.
export const izhikevich = onlyUnder(defineModel(izhikevichDef, {
  overrides: {
    euler: {
      kernel: defineScheme(izhikevichEuler),
      equivalence: {
        kind: 'tolerance', rel: 1e-10,
        why: "NEST adds the spike input to the Euler increment before V_m, and multiplies h·a first; the generated kernel adds the increment, then each port's input. The upswing (0.04·V_m²) amplifies the last-bit differences for a few steps before each reset: 2e-12 relative seen",
      },
      // Regular spiking (NEST's defaults), chattering (c = -50, d = 2) with a floor, fast spiking (a = 0.1).
      probe: {
        params: [{ I_e: 10 }, { c: -50, d: 2, I_e: 10, V_min: -75 }, { a: 0.1, d: 2, I_e: 12 }],
        wEx: 4, wIn: 4, current: 5,
        initial: { V_m: [-70, -55], U_m: [-14, -10] },
      },
      doc: "NEST's update written out, and the published scheme (consistent_integration = 0)",
    },
  },
}), 'euler', 'consistent_integration', 0, '1 under this integrator');
