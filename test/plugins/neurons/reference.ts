/**
 * Independent reference integration for the tests: classical fixed-step RK4 at a step much finer than
 * the simulation's, with the same between-step events (input added, reset, refractory clamp) applied
 * at the simulation's step boundaries.
 */
export type Rhs = (y: Float64Array, f: Float64Array) => void;

export function rk4(rhs: Rhs, y: Float64Array, h: number, steps: number): void {
  const d = y.length;
  const k1 = new Float64Array(d), k2 = new Float64Array(d), k3 = new Float64Array(d), k4 = new Float64Array(d), t = new Float64Array(d);
  for (let s = 0; s < steps; s++) {
    rhs(y, k1);
    for (let j = 0; j < d; j++) t[j] = y[j] + 0.5 * h * k1[j];
    rhs(t, k2);
    for (let j = 0; j < d; j++) t[j] = y[j] + 0.5 * h * k2[j];
    rhs(t, k3);
    for (let j = 0; j < d; j++) t[j] = y[j] + h * k3[j];
    rhs(t, k4);
    for (let j = 0; j < d; j++) y[j] += (h / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
  }
}
