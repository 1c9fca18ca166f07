/**
 * exp(-k * dt / tau) for integer step counts k. The handlers need one such factor per synapse and per
 * event; a table over the first few time constants turns most of them into a load instead of an exp.
 * Entries are computed with the same expression as the fallback, so both paths give the same bits.
 */
export class DecayTable {
  readonly table: Float64Array;
  /** dt / tau; Infinity when the trace is switched off (tau = 0): it then forgets every jump after one step. */
  readonly rate: number;
  constructor(dt: number, tau: number) {
    if (tau > 0) {
      this.rate = dt / tau;
      // Past 30 time constants a factor is below 1e-13 of a jump: beyond the table, exp is rare.
      const len = Math.min(1 << 16, Math.ceil((30 * tau) / dt) + 1);
      this.table = new Float64Array(len);
      for (let k = 0; k < len; k++) this.table[k] = Math.exp(-k * this.rate);
    } else {
      this.rate = Infinity;
      this.table = Float64Array.of(1);
    }
  }
}

/** exp(-k dt / tau) for k >= 0 (negative k, before t = 0, counts as 0 steps). */
export function decayFactor(table: Float64Array, rate: number, k: number): number {
  if (k <= 0) return 1;
  if (k < table.length) return table[k];
  return rate === Infinity ? 0 : Math.exp(-k * rate);
}
