import { SpikeworksError } from '../../core/errors.js';
import { FEHLBERG, finalStepSize as importedFinalStep, stepFactor as importedStepFactor } from '../integrators/rkf45.js';

// Module-level copies: some loaders turn imported bindings into getter calls (see iaf_cond_exp_rkf45.ts).
const { A2, B31, B32, B41, B42, B43, B51, B52, B53, B54, B61, B62, B63, B64, B65, C1, C3, C4, C5, C6, E1, E3, E4, E5, E6 } = FEHLBERG;
const stepFactor = importedStepFactor;
const finalStepSize = importedFinalStep;

/**
 * aeif_cond_exp's RKF45 step written out for its four state variables (V_m, g_ex, g_in, w): the same
 * arithmetic as the generic `Rkf45` driver with `AeifSystem` (tested to agree to 1e-9), without the
 * per-stage calls through an ODE-system object. Error control is NEST's control_yp_new(tol, tol): each
 * component's error against tol·(1 + h|dy/dt|).
 */

/** The membrane potential as it enters the right-hand side: held at V_reset while refractory, else bounded by V_peak. */
function effectiveV(V: number, refractory: boolean, Vreset: number, Vpeak: number): number {
  return refractory ? Vreset : V < Vpeak ? V : Vpeak;
}

function dVdt(
  V: number, ge: number, gi: number, w: number, refractory: boolean, Vreset: number, Vpeak: number,
  gL: number, EL: number, DT: number, Vth: number, Eex: number, Ein: number, Ie: number, Istim: number, C: number,
): number {
  if (refractory) return 0;
  const v = V < Vpeak ? V : Vpeak;
  const Ispike = DT === 0 ? 0 : gL * DT * Math.exp((v - Vth) / DT);
  return (-gL * (v - EL) + Ispike - ge * (v - Eex) - gi * (v - Ein) - w + Ie + Istim) / C;
}

export function stepAeifRkf45(
  n: number, V: Float64Array, gex: Float64Array, gin: Float64Array, w: Float64Array, Istim: Float64Array, r: Int32Array,
  hCarry: Float64Array,
  ex: Float64Array, inh: Float64Array, cur: Float64Array, off: number, spikes: Int32Array,
  h: number, C: number, gL: number, EL: number, Vth: number, DT: number, VpeakRhs: number, vPeakDetect: number, Vreset: number,
  a: number, b: number, invTauW: number, Eex: number, Ein: number, invTauEx: number, invTauIn: number, Ie: number,
  tol: number, refrSteps: number, inputScale: number, firstGid: number, stats: Float64Array,
): number {
  let count = 0;
  let accepted = 0;
  let failed = 0;
  for (let i = 0; i < n; i++) {
    let yv = V[i];
    let ye = gex[i];
    let yi = gin[i];
    let yw = w[i];
    const Is = Istim[i];
    let spiked = false;
    let t = 0;
    while (t < h) {
      const refractory = r[i] > 0;
      const dt = h - t;
      let h0 = hCarry[i];
      const y0v = yv, y0e = ye, y0i = yi, y0w = yw;
      const k1v = dVdt(y0v, y0e, y0i, y0w, refractory, Vreset, VpeakRhs, gL, EL, DT, Vth, Eex, Ein, Ie, Is, C);
      const k1e = -y0e * invTauEx;
      const k1i = -y0i * invTauIn;
      const k1w = (a * (effectiveV(y0v, refractory, Vreset, VpeakRhs) - EL) - y0w) * invTauW;
      for (;;) {
        const finalStep = h0 >= dt;
        if (finalStep) h0 = finalStepSize(t, h);
        let tv = y0v + A2 * h0 * k1v, te = y0e + A2 * h0 * k1e, ti = y0i + A2 * h0 * k1i, tw = y0w + A2 * h0 * k1w;
        const k2v = dVdt(tv, te, ti, tw, refractory, Vreset, VpeakRhs, gL, EL, DT, Vth, Eex, Ein, Ie, Is, C);
        const k2e = -te * invTauEx, k2i = -ti * invTauIn, k2w = (a * (effectiveV(tv, refractory, Vreset, VpeakRhs) - EL) - tw) * invTauW;
        tv = y0v + h0 * (B31 * k1v + B32 * k2v);
        te = y0e + h0 * (B31 * k1e + B32 * k2e);
        ti = y0i + h0 * (B31 * k1i + B32 * k2i);
        tw = y0w + h0 * (B31 * k1w + B32 * k2w);
        const k3v = dVdt(tv, te, ti, tw, refractory, Vreset, VpeakRhs, gL, EL, DT, Vth, Eex, Ein, Ie, Is, C);
        const k3e = -te * invTauEx, k3i = -ti * invTauIn, k3w = (a * (effectiveV(tv, refractory, Vreset, VpeakRhs) - EL) - tw) * invTauW;
        tv = y0v + h0 * (B41 * k1v + B42 * k2v + B43 * k3v);
        te = y0e + h0 * (B41 * k1e + B42 * k2e + B43 * k3e);
        ti = y0i + h0 * (B41 * k1i + B42 * k2i + B43 * k3i);
        tw = y0w + h0 * (B41 * k1w + B42 * k2w + B43 * k3w);
        const k4v = dVdt(tv, te, ti, tw, refractory, Vreset, VpeakRhs, gL, EL, DT, Vth, Eex, Ein, Ie, Is, C);
        const k4e = -te * invTauEx, k4i = -ti * invTauIn, k4w = (a * (effectiveV(tv, refractory, Vreset, VpeakRhs) - EL) - tw) * invTauW;
        tv = y0v + h0 * (B51 * k1v + B52 * k2v + B53 * k3v + B54 * k4v);
        te = y0e + h0 * (B51 * k1e + B52 * k2e + B53 * k3e + B54 * k4e);
        ti = y0i + h0 * (B51 * k1i + B52 * k2i + B53 * k3i + B54 * k4i);
        tw = y0w + h0 * (B51 * k1w + B52 * k2w + B53 * k3w + B54 * k4w);
        const k5v = dVdt(tv, te, ti, tw, refractory, Vreset, VpeakRhs, gL, EL, DT, Vth, Eex, Ein, Ie, Is, C);
        const k5e = -te * invTauEx, k5i = -ti * invTauIn, k5w = (a * (effectiveV(tv, refractory, Vreset, VpeakRhs) - EL) - tw) * invTauW;
        tv = y0v + h0 * (B61 * k1v + B62 * k2v + B63 * k3v + B64 * k4v + B65 * k5v);
        te = y0e + h0 * (B61 * k1e + B62 * k2e + B63 * k3e + B64 * k4e + B65 * k5e);
        ti = y0i + h0 * (B61 * k1i + B62 * k2i + B63 * k3i + B64 * k4i + B65 * k5i);
        tw = y0w + h0 * (B61 * k1w + B62 * k2w + B63 * k3w + B64 * k4w + B65 * k5w);
        const k6v = dVdt(tv, te, ti, tw, refractory, Vreset, VpeakRhs, gL, EL, DT, Vth, Eex, Ein, Ie, Is, C);
        const k6e = -te * invTauEx, k6i = -ti * invTauIn, k6w = (a * (effectiveV(tv, refractory, Vreset, VpeakRhs) - EL) - tw) * invTauW;
        yv = y0v + h0 * (C1 * k1v + C3 * k3v + C4 * k4v + C5 * k5v + C6 * k6v);
        ye = y0e + h0 * (C1 * k1e + C3 * k3e + C4 * k4e + C5 * k5e + C6 * k6e);
        yi = y0i + h0 * (C1 * k1i + C3 * k3i + C4 * k4i + C5 * k5i + C6 * k6i);
        yw = y0w + h0 * (C1 * k1w + C3 * k3w + C4 * k4w + C5 * k5w + C6 * k6w);
        const errV = h0 * (E1 * k1v + E3 * k3v + E4 * k4v + E5 * k5v + E6 * k6v);
        const errE = h0 * (E1 * k1e + E3 * k3e + E4 * k4e + E5 * k5e + E6 * k6e);
        const errI = h0 * (E1 * k1i + E3 * k3i + E4 * k4i + E5 * k5i + E6 * k6i);
        const errW = h0 * (E1 * k1w + E3 * k3w + E4 * k4w + E5 * k5w + E6 * k6w);
        const ov = dVdt(yv, ye, yi, yw, refractory, Vreset, VpeakRhs, gL, EL, DT, Vth, Eex, Ein, Ie, Is, C);
        const oe = -ye * invTauEx, oi = -yi * invTauIn, ow = (a * (effectiveV(yv, refractory, Vreset, VpeakRhs) - EL) - yw) * invTauW;
        accepted++;
        const tNew = finalStep ? h : t + h0;
        // control_yp_new(tol, tol): D = tol (0·|y| + |h·y'|) + tol.
        let rmax = 2.2250738585072014e-308;
        const rv = Math.abs(errV) / Math.abs(tol * (0 + Math.abs(h0 * ov)) + tol);
        const re = Math.abs(errE) / Math.abs(tol * (0 + Math.abs(h0 * oe)) + tol);
        const ri = Math.abs(errI) / Math.abs(tol * (0 + Math.abs(h0 * oi)) + tol);
        const rw = Math.abs(errW) / Math.abs(tol * (0 + Math.abs(h0 * ow)) + tol);
        if (rv > rmax) rmax = rv;
        if (re > rmax) rmax = re;
        if (ri > rmax) rmax = ri;
        if (rw > rmax) rmax = rw;
        const hOld = h0;
        h0 = stepFactor(rmax) * hOld;
        if (rmax > 1.1) {
          if (Math.abs(h0) < Math.abs(hOld) && tNew + h0 !== tNew) {
            failed++;
            continue;
          }
          h0 = hOld;
        }
        hCarry[i] = h0;
        t = tNew;
        break;
      }
      if (yv < -1e3 || yw < -1e6 || yw > 1e6) {
        throw new SpikeworksError(`aeif_cond_exp: numerical instability in neuron ${firstGid + i} (V_m = ${yv} mV, w = ${yw} pA)`);
      }
      if (r[i] > 0) yv = Vreset;
      else if (yv >= vPeakDetect) {
        yv = Vreset;
        yw += b;
        // One more than t_ref's steps: the count drops right after this loop.
        r[i] = refrSteps > 0 ? refrSteps + 1 : 0;
        spiked = true;
      }
    }
    if (r[i] > 0) r[i]--;
    if (spiked) spikes[count++] = i;
    V[i] = yv;
    gex[i] = ye + inputScale * ex[off + i];
    gin[i] = yi - inputScale * inh[off + i];
    w[i] = yw;
    Istim[i] = cur[off + i];
  }
  stats[0] += accepted;
  stats[1] += failed;
  return count;
}
