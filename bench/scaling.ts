/**
 * Strong scaling of the worker-thread backend on this machine, and seed 003's run-time model.
 *
 *   npx tsx bench/scaling.ts            full: cuba-static (scale 1, the preset's 1 s), hpc-benchmark (scale 0.2, 10 + 40 ms;
 *                                       and scale 1, 50 + 250 ms, on 1 and 2 workers only)
 *   npx tsx bench/scaling.ts --quick    reduced sizes, one repetition
 *
 * `node --import tsx/esm bench/…` instead of `npx tsx` keeps the single-process rows off tsx's CommonJS loader,
 * which slows the main thread's kernels by 16-22 % (docs/performance.md); worker threads are not affected.
 *
 * For each network and n = 1..4 workers: simulation wall time (best of the repetitions: other processes
 * share the cores, and the best run is the one they disturbed least), speed-up over 1 worker, each worker's
 * update / propagate / exchange split (seed 003's Evolve / Propagate / sync) and each worker thread's CPU
 * time. Then a non-negative least-squares fit of T(n) = α/n + β·log2 n + γ·(n−1)/n (seed 003, eq. 2) to
 * the points, and the balance of block versus round-robin partitioning measured on a single-process run.
 * `npm run bench` calls `scaling({ quick })` and tabulates the rows.
 */
import { pathToFileURL } from 'node:url';
import { availableParallelism, loadavg } from 'node:os';
import { runPresetWorkers } from '../parallel/workers.js';
import { findPreset } from '../presets/preset.js';
import { runPreset } from '../presets/run.js';
import { presets } from '../presets/index.js';
import { builtinPlugins } from '../plugins/index.js';
import type { Simulator } from '../core/simulator.js';

export type Row = Record<string, number | string>;

interface Case {
  network: string;
  preset: string;
  overrides: Record<string, unknown>;
  /** Worker counts to run (default 1..4). */
  ns?: number[];
}

function cases(quick: boolean): Case[] {
  // cuba-static runs the preset's 1 s: each worker's first slices run before V8 has optimised its kernels, a
  // fixed ≈ 45 ms per worker that does not split, so a 500 ms run understates the speed-up (1.71 against 1.88).
  const out: Case[] = [
    { network: quick ? 'cuba-static scale 0.2' : 'cuba-static', preset: 'cuba-static', overrides: quick ? { scale: 0.2, simtime: 200 } : { scale: 1, simtime: 1000 } },
  ];
  // The larger network: hpc-benchmark at scale 0.2 where the preset (and its models) are registered,
  // otherwise cuba-static at twice the size.
  const hpc = presets.find((p) => p.name === 'hpc-benchmark');
  // Its 11250 synapses per neuron make a scale-0.2 build 25·10^6 synapses; the simulated time is shortened
  // (presimulation 10 ms, 40 ms measured) so that eight runs fit in the bench's budget on 2 shared cores.
  if (hpc) {
    out.push({
      network: quick ? 'hpc-benchmark scale 0.05, 10+20 ms' : 'hpc-benchmark scale 0.2, 10+40 ms',
      preset: 'hpc-benchmark',
      overrides: quick ? { scale: 0.05, Nrec: 100, presimtime: 10, simtime: 20 } : { scale: 0.2, presimtime: 10, simtime: 40 },
    });
    // Issue 17 asks ≥ 1.8× on 2 workers at scale ≥ 1: the seed's protocol (250 ms after 50 ms) on 1 and 2 workers.
    if (!quick) out.push({ network: 'hpc-benchmark scale 1, 50+250 ms', preset: 'hpc-benchmark', overrides: { scale: 1 }, ns: [1, 2] });
  }
  else out.push({ network: quick ? 'cuba-static scale 0.4' : 'cuba-static scale 2', preset: 'cuba-static', overrides: quick ? { scale: 0.4, simtime: 200 } : { scale: 2, simtime: 300 } });
  return out;
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Least squares over the columns in `active` only (normal equations; 3 unknowns at most). */
function lsq(A: number[][], y: number[], active: number[]): number[] | null {
  const k = active.length;
  const M = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let i = 0; i < A.length; i++) {
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) M[a][b] += A[i][active[a]] * A[i][active[b]];
      M[a][k] += A[i][active[a]] * y[i];
    }
  }
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    if (Math.abs(M[piv][c]) < 1e-12) return null;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let j = c; j <= k; j++) M[r][j] -= f * M[c][j];
    }
  }
  const x = new Array<number>(A[0].length).fill(0);
  for (let a = 0; a < k; a++) x[active[a]] = M[a][k] / M[a][a];
  return x;
}

/**
 * Fit T(n) = α/n + β·log2 n + γ·(n−1)/n with α, β, γ ≥ 0 (the paper's constraint): the best of the
 * unconstrained fits over every subset of the three terms whose coefficients come out non-negative.
 */
export function fitRunTimeModel(ns: number[], T: number[]): { alpha: number; beta: number; gamma: number; rms: number } {
  const A = ns.map((n) => [1 / n, Math.log2(n), (n - 1) / n]);
  let best = { alpha: 0, beta: 0, gamma: 0, rms: Infinity };
  for (let mask = 1; mask < 8; mask++) {
    const active = [0, 1, 2].filter((j) => mask & (1 << j));
    if (active.length > ns.length) continue;
    const x = lsq(A, T, active);
    if (!x || x.some((v) => v < 0)) continue;
    let ss = 0;
    for (let i = 0; i < ns.length; i++) ss += (A[i][0] * x[0] + A[i][1] * x[1] + A[i][2] * x[2] - T[i]) ** 2;
    const rms = Math.sqrt(ss / ns.length);
    if (rms < best.rms) best = { alpha: x[0], beta: x[1], gamma: x[2], rms };
  }
  return best;
}

/**
 * How evenly block and round-robin partitions spread the work of a run: per rank, the neuron updates
 * and the synaptic events delivered to its neurons (each synapse lives with its target), from one
 * single-process run's spike counts and connectivity. Reported as max/mean over ranks (1 = perfect).
 */
export function partitionBalance(sim: Simulator, spikesPerGid: Float64Array, ranks: number): { block_events: number; rr_events: number; block_neurons: number; rr_neurons: number } {
  let total = 0;
  for (const p of sim.populations) total = Math.max(total, p.firstGid + p.size);
  const events = new Float64Array(total);
  for (const pr of sim.projections) {
    const t = pr.table;
    for (let s = 0; s < t.sourceCount; s++) {
      const c = spikesPerGid[pr.source.firstGid + s];
      if (c === 0) continue;
      const base = pr.target.firstGid + pr.target.localStart;
      for (let k = t.rowStart[s]; k < t.rowStart[s + 1]; k++) events[base + t.target[k]] += c;
    }
  }
  const blockEv = new Float64Array(ranks);
  const rrEv = new Float64Array(ranks);
  const blockN = new Float64Array(ranks);
  const rrN = new Float64Array(ranks);
  for (const p of sim.populations) {
    for (let i = 0; i < p.size; i++) {
      // Block: as core/simulator.ts partitions every population. Round-robin: NEST's gid modulo the VP count.
      let rb = Math.floor((i * ranks) / p.size);
      while (Math.floor((p.size * (rb + 1)) / ranks) <= i) rb++;
      const gid = p.firstGid + i;
      const rr = gid % ranks;
      blockEv[rb] += events[gid];
      rrEv[rr] += events[gid];
      blockN[rb]++;
      rrN[rr]++;
    }
  }
  const imb = (a: Float64Array) => Math.max(...a) / (a.reduce((x, y) => x + y, 0) / a.length);
  return { block_events: round(imb(blockEv), 4), rr_events: round(imb(rrEv), 4), block_neurons: round(imb(blockN), 4), rr_neurons: round(imb(rrN), 4) };
}

/** Rows for `npm run bench`: one per (network, n), one fit per network, one balance row per n. */
export async function scaling(opts: { quick?: boolean } = {}): Promise<Row[]> {
  const quick = opts.quick ?? false;
  const reps = quick ? 1 : 2;
  const rows: Row[] = [];
  for (const c of cases(quick)) {
    const ns = c.ns ?? [1, 2, 3, 4];
    // One single-process run (local backend, no threads) as the reference and for the balance figures.
    const local = runPreset(findPreset(presets, c.preset), c.overrides, { plugins: builtinPlugins });
    const digest = local.summary.spike_digest;
    rows.push({
      network: c.network, n: 0, backend: 'local', sim_s: local.summary.sim_time_s, speedup: NaN, update_s: local.summary.time_update_s,
      propagate_s: local.summary.time_propagate_s, exchange_s: local.summary.time_exchange_s, cpu_s: NaN, same_spikes: 'reference',
      synapses: local.summary.synapses, load1: round(loadavg()[0], 2),
    });
    const spikes = new Float64Array(local.sim.populations.reduce((m, p) => Math.max(m, p.firstGid + p.size), 0));
    for (const r of local.net.recorders) for (const g of r.events<{ senders: Int32Array }>().senders) spikes[g]++;
    for (const n of ns) if (n > 1) rows.push({ network: c.network, balance_ranks: n, ...partitionBalance(local.sim, spikes, n) });
    local.sim.close();
    const T: number[] = [];
    let t1 = NaN;
    let cpu1 = NaN;
    for (const n of ns) {
      let best: Awaited<ReturnType<typeof runPresetWorkers>> | null = null;
      for (let r = 0; r < reps; r++) {
        const run = await runPresetWorkers(c.preset, c.overrides, { workers: n });
        if (!best || run.summary.sim_time_s < best.summary.sim_time_s) best = run;
      }
      const s = best!.summary;
      if (n === 1) {
        t1 = s.sim_time_s;
        cpu1 = best!.merged.simCpu[0];
      }
      T.push(s.sim_time_s);
      const per = (k: string) => Array.from({ length: n }, (_, r) => s[`rank${r}_${k}`] as number);
      rows.push({
        network: c.network, n, backend: 'workers', sim_s: s.sim_time_s, speedup: round(t1 / s.sim_time_s, 3),
        update_s: per('update_s').join(' / '), propagate_s: per('propagate_s').join(' / '), exchange_s: per('exchange_s').join(' / '),
        cpu_s: per('sim_cpu_s').join(' / '),
        // CPU-time speed-up: 1 worker's thread CPU over the busiest worker's; insensitive to other load.
        cpu_speedup: round(cpu1 / Math.max(...best!.merged.simCpu), 3),
        cpu_total: round(best!.merged.simCpu.reduce((a, b) => a + b, 0), 2),
        same_spikes: s.spike_digest === digest ? 'yes' : 'NO',
        synapses: s.synapses, load1: round(loadavg()[0], 2),
      });
    }
    // Three coefficients need three points at least.
    if (ns.length < 3) continue;
    const fit = fitRunTimeModel(ns, T);
    rows.push({ network: c.network, fit: 'T = α/n + β·log2 n + γ·(n−1)/n', alpha_s: round(fit.alpha), beta_s: round(fit.beta), gamma_s: round(fit.gamma), rms_s: round(fit.rms), points: ns.map((n, i) => `${n}:${T[i]}`).join(' ') });
  }
  return rows;
}

export default scaling;

function table(rows: Row[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const lines = [`| ${keys.join(' | ')} |`, `|${keys.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${keys.map((k) => (r[k] === undefined ? '' : String(r[k]))).join(' | ')} |`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  console.log(`# bench/scaling.ts${quick ? ' --quick' : ''}: ${availableParallelism()} cores, load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const rows = await scaling({ quick });
  for (const part of ['backend', 'balance_ranks', 'fit']) {
    const sub = rows.filter((r) => part in r);
    console.log('\n' + table(sub));
  }
}
