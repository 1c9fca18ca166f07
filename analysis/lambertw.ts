/**
 * Lambert W: the inverse of w ↦ w·e^w on its two real branches, W0 on [-1/e, ∞) and W−1 on [-1/e, 0).
 * Halley's iteration from a branch-specific first guess; converges to double precision in a few steps.
 */

const INV_E = Math.exp(-1);

function halley(x: number, w: number): number {
  for (let i = 0; i < 64; i++) {
    const ew = Math.exp(w);
    const f = w * ew - x;
    const wp1 = w + 1;
    // At the branch point w = -1 the derivative vanishes: the first guess is already exact there.
    if (wp1 === 0) return w;
    const step = f / (ew * wp1 - ((w + 2) * f) / (2 * wp1));
    const next = w - step;
    if (!Number.isFinite(next)) return w;
    if (Math.abs(step) <= 1e-15 * (1 + Math.abs(next))) return next;
    w = next;
  }
  return w;
}

/** Series of W around the branch point in p = ±sqrt(2(1 + e·x)) (+ for W0, − for W−1). */
function branchPointGuess(x: number, sign: 1 | -1): number {
  const p = sign * Math.sqrt(Math.max(0, 2 * (1 + Math.E * x)));
  return -1 + p - (p * p) / 3 + (11 / 72) * p * p * p;
}

/** Principal branch W0(x), x >= -1/e. */
export function lambertW0(x: number): number {
  if (Number.isNaN(x) || x < -INV_E - 1e-15) throw new RangeError(`lambertW0: x = ${x} is below -1/e`);
  if (x === 0) return 0;
  if (x === Infinity) return Infinity;
  let w: number;
  if (x < -0.25) w = branchPointGuess(x, 1);
  else if (x < 3) w = Math.log1p(x) * 0.9; // W0(x) ≈ log(1 + x) on this range, and never overshoots far
  else {
    const l1 = Math.log(x);
    w = l1 - Math.log(l1);
  }
  return halley(x, w);
}

/** Lower branch W−1(x), -1/e <= x < 0 (GSL's gsl_sf_lambert_Wm1 on that range). */
export function lambertWm1(x: number): number {
  if (Number.isNaN(x) || x < -INV_E - 1e-15 || x >= 0) throw new RangeError(`lambertWm1: x = ${x} is outside [-1/e, 0)`);
  let w: number;
  if (x < -0.25) w = branchPointGuess(x, -1);
  else {
    const l1 = Math.log(-x);
    w = l1 - Math.log(-l1);
  }
  return halley(x, w);
}
