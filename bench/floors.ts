/**
 * The machine's floors in JavaScript, the same loops as bench/floors.c:
 *  - scatter-add: float64 += w into one ring row at 11250 random targets per row (hpc_benchmark's
 *    indegree), targets sorted per row as the CSR tables store them; unsorted and a 10× wider row for contrast;
 *    Uint16 targets beside Uint32 (what a narrower target index would buy);
 *  - streaming: a triad a[i] = b[i] * s + c[i] over float64 arrays, in cache (11250) and in DRAM (8·10^6).
 * Each kernel is a small function over typed-array parameters, as the simulator's own kernels are.
 */

/**
 * CPU time of this process in ms. The micro-benchmarks time with it rather than the wall clock: the machine
 * is shared, and CPU time leaves out the slices other processes hold the core (not their cache pollution).
 */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface Floors {
  scatter_sorted_11250_ns: number;
  scatter_unsorted_11250_ns: number;
  scatter_sorted_112500_ns: number;
  scatter_sorted_u16_11250_ns: number;
  triad_cache_gbs: number;
  triad_dram_gbs: number;
}

function scatterU32(target: Uint32Array, start: number, end: number, buf: Float64Array, off: number, w: number): void {
  for (let k = start; k < end; k++) buf[off + target[k]] += w;
}

function scatterU16(target: Uint16Array, start: number, end: number, buf: Float64Array, off: number, w: number): void {
  for (let k = start; k < end; k++) buf[off + target[k]] += w;
}

function triad(n: number, a: Float64Array, b: Float64Array, c: Float64Array, s: number): void {
  for (let i = 0; i < n; i++) a[i] = b[i] * s + c[i];
}

/** xorshift32: the floors need arbitrary targets, not a statistically vetted stream. */
function makeRng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function targets(width: number, perRow: number, rows: number, sorted: boolean, rng: () => number): Uint32Array {
  const t = new Uint32Array(perRow * rows);
  for (let r = 0; r < rows; r++) {
    const row = t.subarray(r * perRow, (r + 1) * perRow);
    for (let k = 0; k < perRow; k++) row[k] = rng() % width;
    if (sorted) row.sort();
  }
  return t;
}

/** Best-of-`reps` ns per event over rows visited in a random order, ring of 16 rows as a short delay. */
function scatterNs(width: number, perRow: number, rows: number, sorted: boolean, reps: number, u16: boolean): number {
  const rng = makeRng(2463534242);
  const t32 = targets(width, perRow, rows, sorted, rng);
  const t16 = u16 ? Uint16Array.from(t32) : null;
  const slots = 16;
  const ring = new Float64Array(width * slots);
  let best = Infinity;
  for (let rep = 0; rep < reps; rep++) {
    const t0 = cpuMs();
    let events = 0;
    for (let s = 0; s < 64; s++) {
      const off = (s % slots) * width;
      for (let r = 0; r < rows; r += 1 + (rng() & 3)) {
        if (t16) scatterU16(t16, r * perRow, (r + 1) * perRow, ring, off, 0.5);
        else scatterU32(t32, r * perRow, (r + 1) * perRow, ring, off, 0.5);
        events += perRow;
      }
    }
    const ns = ((cpuMs() - t0) * 1e6) / events;
    if (ns < best) best = ns;
  }
  if (ring[0] === 42) console.log('#');
  return best;
}

function triadGbs(n: number, reps: number): number {
  const a = new Float64Array(n);
  const b = Float64Array.from({ length: n }, (_, i) => i);
  const c = new Float64Array(n).fill(1);
  const passes = n > 1_000_000 ? 8 : 4000;
  let best = Infinity;
  for (let rep = 0; rep < reps; rep++) {
    const t0 = cpuMs();
    for (let p = 0; p < passes; p++) triad(n, a, b, c, 1.0000001);
    const t = (cpuMs() - t0) / 1000 / passes;
    if (t < best) best = t;
  }
  if (a[n >> 1] === 42) console.log('#');
  return (24 * n) / best / 1e9;
}

export function measureFloors(quick = false): Floors {
  const reps = quick ? 2 : 5;
  const rows = quick ? 60 : 200;
  // Warm the kernels up so the measured reps run optimised code.
  scatterNs(11250, 11250, 20, true, 1, false);
  scatterNs(11250, 11250, 20, true, 1, true);
  triadGbs(11250, 1);
  return {
    scatter_sorted_11250_ns: scatterNs(11250, 11250, rows, true, reps, false),
    scatter_unsorted_11250_ns: scatterNs(11250, 11250, rows, false, reps, false),
    scatter_sorted_112500_ns: scatterNs(112500, 11250, rows, true, reps, false),
    scatter_sorted_u16_11250_ns: scatterNs(11250, 11250, rows, true, reps, true),
    triad_cache_gbs: triadGbs(11250, reps),
    triad_dram_gbs: triadGbs(quick ? 2_000_000 : 8_000_000, quick ? 2 : 3),
  };
}
