/**
 * Exact-integration propagators of Rotter & Diesmann (1999) as NEST computes them
 * (libnestutil/iaf_propagator): the response of a leaky membrane to an exponentially decaying current.
 */

/**
 * Membrane response after `h` to a unit exponential current with time constant tauSyn:
 * (β/C)(e^{-h/τm} − e^{-h/τs}) with β = τs τm/(τm − τs), written as γ e^{-h/τs} expm1(h/β) to keep
 * precision. When τm ≈ τs the expression is 0/0; NEST then uses the limit h/C e^{-h/τm}.
 */
export function propagatorExp(tauSyn: number, tauM: number, C: number, h: number): number {
  const diff = tauM - tauSyn;
  if (diff !== 0 && h > (1e-7 * tauM * tauM) / Math.abs(diff)) {
    const beta = (tauSyn * tauM) / diff;
    const gamma = beta / C;
    const p = gamma * Math.exp(-h / tauSyn) * Math.expm1(h / beta);
    if (Number.isFinite(p) && p !== 0 && Math.abs(p) >= Number.MIN_VALUE * 2 ** 52) return p;
  }
  return (h / C) * Math.exp(-h / tauM);
}

/** NEST's `Time(t_ref).get_steps()`: refractory time in whole steps (rounded to the grid). */
export function refractorySteps(tRef: number, h: number): number {
  return Math.round(tRef / h);
}

/**
 * Membrane response after `h` to an alpha-shaped current (NEST's IAFPropagatorAlpha): with the current's
 * state (dI, I) obeying dI' = −dI/τs, I' = dI − I/τs, `P32` is V's response to I = 1 and `P31` to dI = 1.
 * Written through expm1(h/β) as NEST does; near τm = τs the expressions cancel, and NEST falls back on
 * the limits P32 = h/C e^{−h/τm}, P31 = h²/(2C) e^{−h/τm}.
 */
export function propagatorAlpha(tauSyn: number, tauM: number, C: number, h: number): { P31: number; P32: number } {
  const diff = tauM - tauSyn;
  const singularP32 = (h / C) * Math.exp(-h / tauM);
  const singularP31 = ((0.5 * h * h) / C) * Math.exp(-h / tauM);
  if (diff === 0 || h <= (1e-7 * tauM * tauM) / Math.abs(diff)) return { P31: singularP31, P32: singularP32 };
  const beta = (tauSyn * tauM) / diff;
  const gamma = beta / C;
  const expSyn = Math.exp(-h / tauSyn);
  const em1 = Math.expm1(h / beta);
  const P32 = gamma * expSyn * em1;
  const P31 = gamma * expSyn * (beta * em1 - h);
  const normal = (x: number) => Number.isFinite(x) && x > 0 && x >= 2.2250738585072014e-308;
  if (!normal(P32) || !normal(P31)) return { P31: singularP31, P32: singularP32 };
  return { P31, P32 };
}
