import type { SpikeBatch } from '../../core/plugin.js';

/** A reusable spike batch that grows by doubling and never shrinks (one per backend, no allocation per slice). */
export class GrowableBatch implements SpikeBatch {
  gids: Int32Array;
  steps: Int32Array;
  count = 0;
  constructor(capacity = 1024) {
    this.gids = new Int32Array(capacity);
    this.steps = new Int32Array(capacity);
  }
  ensure(total: number): void {
    if (total <= this.gids.length) return;
    let cap = Math.max(1024, this.gids.length * 2);
    while (cap < total) cap *= 2;
    const g = new Int32Array(cap);
    g.set(this.gids.subarray(0, this.count));
    const s = new Int32Array(cap);
    s.set(this.steps.subarray(0, this.count));
    this.gids = g;
    this.steps = s;
  }
  append(gids: Int32Array, steps: Int32Array, from: number, n: number): void {
    this.ensure(this.count + n);
    this.gids.set(gids.subarray(from, from + n), this.count);
    this.steps.set(steps.subarray(from, from + n), this.count);
    this.count += n;
  }
}

/**
 * k-way merge of per-rank spike lists into canonical order (step, then gid). Every rank's list is
 * already in that order (the kernel appends a step's spikes population by population, each population's
 * in ascending local index, and population gids ascend), and ranks own disjoint gids, so the merge is
 * exact and ties cannot occur. Linear selection of the smallest head: the rank count is small, and it
 * keeps the loop free of allocation.
 *
 * `gids[r]`/`steps[r]` hold rank r's spikes at `offsets[r]`..`offsets[r] + counts[r]`.
 */
export function mergeCanonical(
  gids: readonly Int32Array[], steps: readonly Int32Array[], offsets: Int32Array, counts: Int32Array, heads: Int32Array, out: GrowableBatch,
): void {
  const ranks = counts.length;
  let total = 0;
  for (let r = 0; r < ranks; r++) {
    total += counts[r];
    heads[r] = 0;
  }
  out.count = 0;
  out.ensure(total);
  const og = out.gids;
  const os = out.steps;
  for (let k = 0; k < total; k++) {
    let best = -1;
    let bestStep = 0;
    let bestGid = 0;
    for (let r = 0; r < ranks; r++) {
      const h = heads[r];
      if (h === counts[r]) continue;
      const i = offsets[r] + h;
      const s = steps[r][i];
      const g = gids[r][i];
      if (best < 0 || s < bestStep || (s === bestStep && g < bestGid)) {
        best = r;
        bestStep = s;
        bestGid = g;
      }
    }
    og[k] = bestGid;
    os[k] = bestStep;
    heads[best]++;
  }
  out.count = total;
}
