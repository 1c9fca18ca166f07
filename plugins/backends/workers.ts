import { Worker, type ResourceLimits } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CommBackend } from '../../core/plugin.js';
import { ParameterError, SpikeworksError } from '../../core/errors.js';
import { spikeDigest } from '../../core/digest.js';
import type { RunSummary } from '../../presets/preset.js';
import { SharedComm, createSharedCommBuffers, abortSharedComm, type SharedCommBuffers, type SharedCommOptions } from './shared_comm.js';
import { mergeRankResults, type MergedResult, type RankResult } from './gather.js';

/**
 * The `workers` backend as a plugin: the CommRuntime of one worker thread. It only makes sense inside a
 * worker started by `runWorkers`/`runPresetWorkers`, which hand each worker its shared buffers and rank.
 */
export const workersBackend: CommBackend = {
  kind: 'backend',
  name: 'workers',
  doc: 'Worker threads on one machine: spikes exchanged through SharedArrayBuffer at one barrier per min-delay slice',
  create(options) {
    const buffers = options.buffers as SharedCommBuffers | undefined;
    const rank = options.rank as number | undefined;
    if (!buffers || !(buffers.control instanceof SharedArrayBuffer) || typeof rank !== 'number') {
      throw new ParameterError('backend workers', 'backendOptions', 'no shared buffers', "the workers started by runWorkers({ workers, module, ... }) or runPresetWorkers(); a Simulator in the main thread cannot pick 'workers' by name");
    }
    return new SharedComm(buffers, rank, options as SharedCommOptions);
  },
};

/** What a worker thread is asked to do (structured-cloned into it). */
export type WorkerJob = {
  rank: number;
  buffers: SharedCommBuffers;
  commOptions: SharedCommOptions;
  /** Extra plugins: an ES module (path or URL) and the name of its exported plugin array. */
  plugins?: { module: string; export: string };
  weights: boolean;
} & (
  | { kind: 'preset'; preset: string; overrides: Record<string, unknown> }
  | { kind: 'module'; module: string; export: string; params: unknown; simtime: number; seed: number; dt: number }
);

export type WorkerReply =
  | { type: 'result'; result: RankResult; summary?: RunSummary }
  | { type: 'error'; name: string; message: string; stack?: string; spikeworks: boolean };

export interface LaunchOptions {
  /** Spikes per worker per exchange round (more spikes in a slice take several rounds). */
  spikeCapacity?: number;
  /** Longest wait at one barrier before the run fails, ms (default 10 min: builds of big networks are slow). */
  barrierTimeoutMs?: number;
  /** Busy-wait iterations at a barrier before sleeping. */
  spin?: number;
  /** Heap limits per worker (a worker past them fails with ERR_WORKER_OUT_OF_MEMORY, and the run with it). */
  resourceLimits?: ResourceLimits;
}

function toUrl(m: string | URL): string {
  if (m instanceof URL) return m.href;
  if (/^[a-z]+:/i.test(m) && !/^[a-z]:[\\/]/i.test(m)) return m;
  return pathToFileURL(m).href;
}

/**
 * Start one worker thread. Built code (dist/) starts `worker.js` next to itself; run from TypeScript
 * sources (vitest, tsx), the worker first registers tsx's loader and then imports `worker_entry.ts`.
 */
function spawn(job: WorkerJob, limits: ResourceLimits | undefined): Worker {
  const here = import.meta.url;
  const fromSource = /\.[cm]?ts$/.test(new URL(here).pathname);
  const entry = new URL(fromSource ? './worker_entry.ts' : './worker.js', here).href;
  const userTs = [job.kind === 'module' ? job.module : '', job.plugins?.module ?? ''].some((m) => /\.[cm]?ts$/.test(m));
  if (!fromSource && !userTs) return new Worker(new URL(entry), { workerData: job, resourceLimits: limits });
  let tsx: string;
  try {
    // The ESM build of tsx's API (require.resolve would give the CommonJS one).
    const pkgPath = createRequire(here).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
    tsx = pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api'].import.default)).href;
  } catch {
    throw new SpikeworksError('worker threads: a TypeScript module was given, but the tsx package (its loader) is not installed; install tsx or pass compiled JavaScript');
  }
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: job, resourceLimits: limits });
}

/**
 * Run one job per rank in worker threads and collect their replies. The first failure (an error a worker
 * reports, an uncaught error, an out-of-memory, an unexpected exit) raises the abort flag, which makes
 * every rank waiting at a barrier throw, and terminates every worker; the promise settles only once all
 * workers have exited, so none outlives the call.
 */
export function launchWorkers(
  size: number,
  makeJob: (rank: number, buffers: SharedCommBuffers) => WorkerJob,
  options: LaunchOptions = {},
): Promise<Extract<WorkerReply, { type: 'result' }>[]> {
  if (!Number.isInteger(size) || size < 1 || size > 256) throw new ParameterError('workers', 'workers', size, 'an integer in [1, 256]');
  const buffers = createSharedCommBuffers(size, options.spikeCapacity ?? 1 << 16);
  return new Promise((resolve, reject) => {
    const replies: Extract<WorkerReply, { type: 'result' }>[] = new Array(size);
    const workers: Worker[] = [];
    let failure: Error | null = null;
    let exited = 0;
    const fail = (err: Error) => {
      if (failure) return;
      failure = err;
      abortSharedComm(buffers);
      for (const w of workers) void w.terminate();
    };
    for (let rank = 0; rank < size; rank++) {
      let w: Worker;
      try {
        w = spawn(makeJob(rank, buffers), options.resourceLimits);
      } catch (e) {
        fail(e as Error);
        // Workers already started still exit through the handlers below.
        if (workers.length === 0) reject(e);
        break;
      }
      workers.push(w);
      w.on('message', (m: WorkerReply) => {
        if (m.type === 'result') {
          replies[rank] = m;
          void w.terminate();
        } else {
          const e = m.spikeworks ? new SpikeworksError(`worker ${rank} of ${size}: ${m.message}`) : new Error(`worker ${rank} of ${size}: ${m.message}`);
          e.name = m.name;
          if (m.stack) e.stack = `${e.name}: ${e.message}\n${m.stack.split('\n').slice(1).join('\n')}`;
          fail(e);
        }
      });
      w.on('error', (e: Error) => {
        const err = new Error(`worker ${rank} of ${size}: ${e.message}`);
        err.name = e.name;
        (err as Error & { code?: unknown }).code = (e as Error & { code?: unknown }).code;
        fail(err);
      });
      w.on('exit', (code) => {
        exited++;
        if (!replies[rank] && !failure) fail(new Error(`worker ${rank} of ${size} exited with code ${code} before reporting a result`));
        if (exited === workers.length) {
          if (failure) reject(failure);
          else resolve(replies);
        }
      });
    }
  });
}

export interface RunWorkersOptions extends LaunchOptions {
  /** Number of worker threads (ranks). */
  workers: number;
  /** ES module (path or URL) whose export builds the network: `build(sim, params)`. */
  module: string | URL;
  /** Name of the build function among the module's exports (default 'build'). */
  export?: string;
  /** Structured-cloneable parameters handed to the build function in every worker. */
  params?: unknown;
  /** Simulated time in ms, run after the build. */
  simtime: number;
  seed?: number;
  dt?: number;
  /** Also gather the final weights of every projection (for plastic networks). */
  weights?: boolean;
  /** Plugins beyond the built-in ones: an ES module and the name of its exported array (default 'plugins'). */
  plugins?: { module: string | URL; export?: string };
}

/**
 * Run a network in N worker threads. Every worker imports `module`, calls its build function on its own
 * Simulator (rank i of N; each builds only its block of every population, drawing the same random
 * numbers a single process would), simulates `simtime` ms, and hands back its recorders' spikes; the
 * result is what one process would give: spikes per recorder sorted by (step, sender), global spike
 * counts, final weights when asked, and per-worker phase times.
 */
export async function runWorkers(options: RunWorkersOptions): Promise<MergedResult> {
  const where = 'runWorkers';
  if (typeof options.simtime !== 'number' || !(options.simtime >= 0)) throw new ParameterError(where, 'simtime', options.simtime, 'a time in ms >= 0');
  if (!options.module) throw new ParameterError(where, 'module', options.module, 'a path or URL of an ES module exporting build(sim, params)');
  const module = toUrl(options.module);
  const plugins = options.plugins ? { module: toUrl(options.plugins.module), export: options.plugins.export ?? 'plugins' } : undefined;
  const replies = await launchWorkers(
    options.workers,
    (rank, buffers) => ({
      kind: 'module', rank, buffers, module, export: options.export ?? 'build', params: options.params ?? {},
      simtime: options.simtime, seed: options.seed ?? 1, dt: options.dt ?? 0.1,
      commOptions: commOptions(options), plugins, weights: options.weights ?? false,
    }),
    options,
  );
  return mergeRankResults(replies.map((r) => r.result));
}

function commOptions(o: LaunchOptions): SharedCommOptions {
  return { barrierTimeoutMs: o.barrierTimeoutMs, spin: o.spin };
}

export interface PresetWorkersResult {
  summary: RunSummary;
  merged: MergedResult;
}

/**
 * Run a preset in N worker threads (what `spikeworks run <preset> --workers N` does). Each worker imports
 * the preset by name and builds it from the same resolved parameters.
 */
export async function runPresetWorkers(
  preset: string, overrides: Record<string, unknown>, options: LaunchOptions & { workers: number; plugins?: { module: string | URL; export?: string } },
): Promise<PresetWorkersResult> {
  const plugins = options.plugins ? { module: toUrl(options.plugins.module), export: options.plugins.export ?? 'plugins' } : undefined;
  const replies = await launchWorkers(
    options.workers,
    (rank, buffers) => ({ kind: 'preset', rank, buffers, preset, overrides, commOptions: commOptions(options), plugins, weights: false }),
    options,
  );
  const merged = mergeRankResults(replies.map((r) => r.result));
  return { summary: combineSummaries(replies.map((r) => r.summary!), merged), merged };
}

/**
 * One summary for a run over several ranks: the collective figures (rates, synapse counts) from rank 0,
 * spike count and digest over every rank's spikes, wall times as the slowest rank's, and the phase times
 * of each rank as `rank<r>_update_s` / `_propagate_s` / `_exchange_s`.
 */
export function combineSummaries(summaries: readonly RunSummary[], merged: MergedResult): RunSummary {
  const s0 = summaries[0];
  const senders: number[] = [];
  const steps: number[] = [];
  for (const rec of merged.recorders) {
    for (let i = 0; i < rec.senders.length; i++) {
      senders.push(rec.senders[i]);
      steps.push(rec.steps[i]);
    }
  }
  const max = (key: string) => Math.max(...summaries.map((s) => s[key] as number));
  const out: RunSummary = {
    ...s0,
    build_time_s: max('build_time_s'),
    build_time_nodes_s: max('build_time_nodes_s'),
    build_edge_time_s: max('build_edge_time_s'),
    sim_time_s: max('sim_time_s'),
    real_time_factor: max('real_time_factor'),
    spike_count: senders.length,
    spike_digest: spikeDigest(senders, steps),
    time_update_s: max('time_update_s'),
    time_propagate_s: max('time_propagate_s'),
    time_exchange_s: max('time_exchange_s'),
    // Each worker measured the whole process (threads share it) while its network was still alive.
    rss_mib: max('rss_mib'),
    ranks: summaries.length,
  };
  summaries.forEach((s, r) => {
    out[`rank${r}_update_s`] = s.time_update_s;
    out[`rank${r}_propagate_s`] = s.time_propagate_s;
    out[`rank${r}_exchange_s`] = s.time_exchange_s;
    out[`rank${r}_sim_cpu_s`] = Math.round(merged.simCpu[r] * 100) / 100;
  });
  return out;
}
