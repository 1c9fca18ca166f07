/**
 * A line-by-line transcription of GSL's ode-initval (evolve.c: gsl_odeiv_evolve_apply; rkf45.c: rkf45_apply;
 * cstd.c: std_control_hadjust with control_y_new, a_y = 1, a_dydt = 0), one system at a time, as NEST
 * calls it: `t = 0; while (t < h) evolve_apply(&t, h, &IntegrationStep_, y)`. Test reference only.
 */
const ah = [1 / 4, 3 / 8, 12 / 13, 1, 1 / 2];
const b3 = [3 / 32, 9 / 32];
const b4 = [1932 / 2197, -7200 / 2197, 7296 / 2197];
const b5 = [8341 / 4104, -32832 / 4104, 29440 / 4104, -845 / 4104];
const b6 = [-6080 / 20520, 41040 / 20520, -28352 / 20520, 9295 / 20520, -5643 / 20520];
const c1 = 902880 / 7618050, c3 = 3953664 / 7618050, c4 = 3855735 / 7618050, c5 = -1371249 / 7618050, c6 = 277020 / 7618050;
const ec = [0, 1 / 360, 0, -128 / 4275, -2197 / 75240, 1 / 50, 2 / 55];

function nextafterDown(x: number): number {
  const f = new Float64Array([x]);
  const u = new BigUint64Array(f.buffer);
  u[0] -= 1n;
  return f[0];
}

export type Rhs = (y: number[]) => number[];

/** rkf45_apply: y advanced in place, yerr and dydt_out written. */
function rkf45Apply(h: number, y: number[], yerr: number[], dydtIn: number[], dydtOut: number[], f: Rhs): void {
  const dim = y.length;
  const y0 = y.slice();
  const k1 = dydtIn.slice();
  const ytmp = new Array(dim);
  for (let i = 0; i < dim; i++) ytmp[i] = y[i] + ah[0] * h * k1[i];
  const k2 = f(ytmp);
  for (let i = 0; i < dim; i++) ytmp[i] = y[i] + h * (b3[0] * k1[i] + b3[1] * k2[i]);
  const k3 = f(ytmp);
  for (let i = 0; i < dim; i++) ytmp[i] = y[i] + h * (b4[0] * k1[i] + b4[1] * k2[i] + b4[2] * k3[i]);
  const k4 = f(ytmp);
  for (let i = 0; i < dim; i++) ytmp[i] = y[i] + h * (b5[0] * k1[i] + b5[1] * k2[i] + b5[2] * k3[i] + b5[3] * k4[i]);
  const k5 = f(ytmp);
  for (let i = 0; i < dim; i++) ytmp[i] = y[i] + h * (b6[0] * k1[i] + b6[1] * k2[i] + b6[2] * k3[i] + b6[3] * k4[i] + b6[4] * k5[i]);
  const k6 = f(ytmp);
  for (let i = 0; i < dim; i++) {
    const d_i = c1 * k1[i] + c3 * k3[i] + c4 * k4[i] + c5 * k5[i] + c6 * k6[i];
    y[i] = y0[i] + h * d_i;
  }
  const out = f(y);
  for (let i = 0; i < dim; i++) dydtOut[i] = out[i];
  for (let i = 0; i < dim; i++) yerr[i] = h * (ec[1] * k1[i] + ec[3] * k3[i] + ec[4] * k4[i] + ec[5] * k5[i] + ec[6] * k6[i]);
}

/** std_control_hadjust: returns -1 (decrease), 0, 1 (increase) and the new h. */
function hadjust(y: number[], yerr: number[], yp: number[], h: number, epsAbs: number, epsRel: number): [number, number] {
  const aY = 1, aDydt = 0, S = 0.9, ord = 5;
  const hOld = h;
  let rmax = 2.2250738585072014e-308;
  for (let i = 0; i < y.length; i++) {
    const D0 = epsRel * (aY * Math.abs(y[i]) + aDydt * Math.abs(hOld * yp[i])) + epsAbs;
    const r = Math.abs(yerr[i]) / Math.abs(D0);
    rmax = r > rmax ? r : rmax;
  }
  if (rmax > 1.1) {
    let r = S / Math.pow(rmax, 1.0 / ord);
    if (r < 0.2) r = 0.2;
    return [-1, r * hOld];
  } else if (rmax < 0.5) {
    let r = S / Math.pow(rmax, 1.0 / (ord + 1.0));
    if (r > 5.0) r = 5.0;
    if (r < 1.0) r = 1.0;
    return [1, r * hOld];
  }
  return [0, hOld];
}

/** gsl_odeiv_evolve_apply; returns the new t and the suggested step. */
export function evolveApply(t: number, t1: number, h: number, y: number[], f: Rhs, epsAbs: number, epsRel: number): [number, number] {
  const t0 = t;
  let h0 = h;
  let finalStep = false;
  const dt = t1 - t0;
  const y0 = y.slice();
  const dydtIn = f(y);
  const yerr = new Array(y.length), dydtOut = new Array(y.length);
  for (;;) {
    if (h0 >= dt) {
      h0 = dt;
      finalStep = true;
      while (t0 + h0 > t1) h0 = nextafterDown(h0);
    } else finalStep = false;
    rkf45Apply(h0, y, yerr, dydtIn, dydtOut, f);
    t = finalStep ? t1 : t0 + h0;
    const hOld = h0;
    const [status, hNew] = hadjust(y, yerr, dydtOut, h0, epsAbs, epsRel);
    h0 = hNew;
    if (status === -1) {
      if (Math.abs(h0) < Math.abs(hOld) && t + h0 !== t) {
        for (let i = 0; i < y.length; i++) y[i] = y0[i];
        continue;
      }
      h0 = hOld;
    }
    return [t, h0];
  }
}
