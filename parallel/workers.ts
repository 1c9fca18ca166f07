import { ParameterError } from '../core/errors.js';
import { spikeDigest } from '../core/digest.js';
import type { RunSummary } from '../presets/preset.js';
import type { SharedCommOptions } from '../plugins/backends/shared_comm.js';
import { launchWorkers, toUrl, type LaunchOptions } from './launch.js';
import { mergeRankResults, type MergedResult } from './gather.js';

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
