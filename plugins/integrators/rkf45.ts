import { restoreArray, savedNumber } from '../../core/saved-state.js';
import { nextDown } from '../../core/equations/kernel.js';
import type { SavedState } from '../../core/contracts/base.js';

/**
 * Adaptive Runge–Kutta–Fehlberg 4(5) with error control, reproducing what NEST's GSL models do per
 * neuron (GSL's gsl_odeiv_step_rkf45 + gsl_odeiv_control_standard + gsl_odeiv_evolve_apply):
 * - the fifth-order solution is propagated, the embedded fourth-order one only estimates the error;
 * - the error per component is compared with D = eps_abs + eps_rel (a_y |y| + a_dydt h |y'|); above 1.1×
 *   the step is retried with h·max(0.2, 0.9 r^{-1/5}), below 0.5× the next step grows by
 *   min(5, max(1, 0.9 r^{-1/6}));
 * - the step size is carried from one simulation step to the next (NEST's IntegrationStep_): after every
 *   evolve_apply it is the controller's suggestion from the step just taken, the last one clipped to land on
 *   the end of the interval included (gsl_odeiv_evolve_apply ends with `*h = h0`);
 * - that last step is backed off with nextafter until t0 + h0 no longer passes the end;
 * - the first stage is the derivative at the start of each evolve_apply, evaluated afresh (GSL's ode-initval
 *   evaluates dydt_in at every call), so a jump of the state between steps (spike input, reset) is seen at once;
 * - a decrease that cannot change the time by an ulp keeps the step and accepts it, as GSL does.
 */

export interface OdeSystem {
  readonly dim: number;
  /** dy/dt at `y`, written into `f`. Autonomous: the models' right-hand sides do not depend on t. */
  derivs(y: Float64Array, f: Float64Array): void;
}

/** GSL's standard control: control_y_new(eps_abs, eps_rel) is (a_y 1, a_dydt 0), control_yp_new is (0, 1). */
export interface ErrorControl {
  epsAbs: number;
  epsRel: number;
  aY: number;
  aDydt: number;
}

export const controlY = (epsAbs: number, epsRel: number): ErrorControl => ({ epsAbs, epsRel, aY: 1, aDydt: 0 });
export const controlYp = (epsAbs: number, epsRel: number): ErrorControl => ({ epsAbs, epsRel, aY: 0, aDydt: 1 });

/** Fehlberg's tableau as GSL's rkf45.c writes it (E: fifth- minus fourth-order weights). */
export const A2 = 1 / 4;
export const B31 = 3 / 32, B32 = 9 / 32;
export const B41 = 1932 / 2197, B42 = -7200 / 2197, B43 = 7296 / 2197;
export const B51 = 8341 / 4104, B52 = -32832 / 4104, B53 = 29440 / 4104, B54 = -845 / 4104;
export const B61 = -6080 / 20520, B62 = 41040 / 20520, B63 = -28352 / 20520, B64 = 9295 / 20520, B65 = -5643 / 20520;
export const C1 = 902880 / 7618050, C3 = 3953664 / 7618050, C4 = 3855735 / 7618050, C5 = -1371249 / 7618050, C6 = 277020 / 7618050;
export const E1 = 1 / 360, E3 = -128 / 4275, E4 = -2197 / 75240, E5 = 1 / 50, E6 = 2 / 55;
const ORDER = 5;
const SAFETY = 0.9;

/** The tableau as one object, for kernels in other modules to copy into module-level constants. */
export const FEHLBERG = { A2, B31, B32, B41, B42, B43, B51, B52, B53, B54, B61, B62, B63, B64, B65, C1, C3, C4, C5, C6, E1, E3, E4, E5, E6 } as const;

/**
 * GSL's standard step adjustment from the largest error ratio: the factor to apply to the step, and
 * whether the step must be retried (ratio above 1.1). Below 0.5 the step may grow, by at most 5.
 */
export function stepFactor(rmax: number): number {
  if (rmax > 1.1) {
    const f = SAFETY / Math.pow(rmax, 1 / ORDER);
    return f < 0.2 ? 0.2 : f;
  }
  if (rmax < 0.5) {
    // 0.9 r^{-1/6} >= 5 for r <= (0.9/5)^6: skip the pow in the common case of a tiny error.
    if (rmax < 3.4012224e-5) return 5;
    const f = SAFETY / Math.pow(rmax, 1 / (ORDER + 1));
    return f > 5 ? 5 : f < 1 ? 1 : f;
  }
  return 1;
}

/** GSL's last step of an interval: h0 = t1 - t0, backed off until t0 + h0 does not pass t1. */
export function finalStepSize(t0: number, t1: number): number {
  let h0 = t1 - t0;
  while (t0 + h0 > t1) h0 = nextDown(h0);
  return h0;
}

/** Per-neuron integrator state of one group plus the scratch one neuron's step needs. */
export class Rkf45 {
  /** Carried integration step per neuron (ms). */
  readonly h: Float64Array;
  /** GSL's dydt_out of the neuron being integrated (the control's a_dydt term). */
  private readonly dydt: Float64Array;
  /** The state of the neuron being integrated: load it before `apply`, store it after. */
  readonly y: Float64Array;
  private readonly y0: Float64Array;
  private readonly yerr: Float64Array;
  private readonly ytmp: Float64Array;
  private readonly k1: Float64Array;
  private readonly k2: Float64Array;
  private readonly k3: Float64Array;
  private readonly k4: Float64Array;
  private readonly k5: Float64Array;
  private readonly k6: Float64Array;
  private readonly dim: number;
  /** Accepted and rejected steps so far (diagnostics: NEST's e->count and e->failed_steps summed over neurons). */
  steps = 0;
  failedSteps = 0;

  constructor(
    readonly sys: OdeSystem,
    n: number,
    initialStep: number,
    readonly control: ErrorControl,
  ) {
    const d = (this.dim = sys.dim);
    this.h = new Float64Array(n).fill(initialStep);
    this.dydt = new Float64Array(d);
    this.y = new Float64Array(d);
    this.y0 = new Float64Array(d);
    this.yerr = new Float64Array(d);
    this.ytmp = new Float64Array(d);
    this.k1 = new Float64Array(d);
    this.k2 = new Float64Array(d);
    this.k3 = new Float64Array(d);
    this.k4 = new Float64Array(d);
    this.k5 = new Float64Array(d);
    this.k6 = new Float64Array(d);
  }

  /** The carried steps and the step counts (a checkpoint); the rest is scratch of one neuron's step. */
  saveState(): SavedState {
    return { h: this.h, steps: this.steps, failedSteps: this.failedSteps };
  }

  loadState(s: SavedState): void {
    restoreArray(s, 'h', this.h, 'rkf45');
    this.steps = savedNumber(s, 'steps', 'rkf45');
    this.failedSteps = savedNumber(s, 'failedSteps', 'rkf45');
  }

  /**
   * One gsl_odeiv_evolve_apply for neuron `i` from `t` towards `t1` on `this.y`: a single accepted step
   * (after as many retries as the error control asks for). Returns the time reached.
   */
  apply(i: number, t: number, t1: number): number {
    const d = this.dim;
    const { y, y0, k1, dydt } = this;
    const dt = t1 - t;
    let h0 = this.h[i];
    for (let j = 0; j < d; j++) y0[j] = y[j];
    this.sys.derivs(y, k1);
    for (;;) {
      const finalStep = h0 >= dt;
      if (finalStep) h0 = finalStepSize(t, t1);
      this.step(h0);
      this.steps++;
      const tNew = finalStep ? t1 : t + h0;
      const hOld = h0;
      const c = this.control;
      let rmax = 2.2250738585072014e-308;
      for (let j = 0; j < d; j++) {
        const D0 = c.epsRel * (c.aY * Math.abs(y[j]) + c.aDydt * Math.abs(hOld * dydt[j])) + c.epsAbs;
        const r = Math.abs(this.yerr[j]) / Math.abs(D0);
        if (r > rmax) rmax = r;
      }
      h0 = stepFactor(rmax) * hOld;
      if (rmax > 1.1) {
        if (Math.abs(h0) < Math.abs(hOld) && tNew + h0 !== tNew) {
          for (let j = 0; j < d; j++) y[j] = y0[j];
          this.failedSteps++;
          continue;
        }
        h0 = hOld;
      }
      this.h[i] = h0;
      return tNew;
    }
  }

  /** One Fehlberg step of size h from y0 (first stage in k1): y, yerr and dydt_out. */
  private step(h: number): void {
    const d = this.dim;
    const { y, y0, ytmp, k1, k2, k3, k4, k5, k6, yerr, sys, dydt } = this;
    for (let j = 0; j < d; j++) ytmp[j] = y0[j] + A2 * h * k1[j];
    sys.derivs(ytmp, k2);
    for (let j = 0; j < d; j++) ytmp[j] = y0[j] + h * (B31 * k1[j] + B32 * k2[j]);
    sys.derivs(ytmp, k3);
    for (let j = 0; j < d; j++) ytmp[j] = y0[j] + h * (B41 * k1[j] + B42 * k2[j] + B43 * k3[j]);
    sys.derivs(ytmp, k4);
    for (let j = 0; j < d; j++) ytmp[j] = y0[j] + h * (B51 * k1[j] + B52 * k2[j] + B53 * k3[j] + B54 * k4[j]);
    sys.derivs(ytmp, k5);
    for (let j = 0; j < d; j++) ytmp[j] = y0[j] + h * (B61 * k1[j] + B62 * k2[j] + B63 * k3[j] + B64 * k4[j] + B65 * k5[j]);
    sys.derivs(ytmp, k6);
    for (let j = 0; j < d; j++) y[j] = y0[j] + h * (C1 * k1[j] + C3 * k3[j] + C4 * k4[j] + C5 * k5[j] + C6 * k6[j]);
    for (let j = 0; j < d; j++) yerr[j] = h * (E1 * k1[j] + E3 * k3[j] + E4 * k4[j] + E5 * k5[j] + E6 * k6[j]);
    // dydt_out at the new state: the control's a_dydt term.
    if (this.control.aDydt !== 0) sys.derivs(y, dydt);
  }
}
