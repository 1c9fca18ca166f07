/**
 * How a population is split over ranks: rank r of R holds the contiguous block [n·r/R, n·(r+1)/R). Each rank
 * builds and updates its block, and draws only its targets' incoming synapses.
 */
export function blockOf(n: number, rank: number, size: number): { start: number; count: number } {
  const start = Math.floor((n * rank) / size);
  const end = Math.floor((n * (rank + 1)) / size);
  return { start, count: end - start };
}

/** The local part [lo, hi) of the population range [start, end), as indices into the rank's block. */
export function localRange(start: number, end: number, localStart: number, localCount: number): { lo: number; hi: number } {
  const lo = Math.max(start, localStart);
  const hi = Math.min(end, localStart + localCount);
  return { lo: lo - localStart, hi: Math.max(lo, hi) - localStart };
}
