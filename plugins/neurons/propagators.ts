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
