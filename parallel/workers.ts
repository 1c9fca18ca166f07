import { ParameterError } from '../core/errors.js';
import { Simulator } from '../core/simulator.js';
import { validateSpec, type NetworkSpec } from '../core/spec.js';
import { mergeRankResults, type MergedResult } from '../core/gather.js';
import type { Plugin } from '../core/plugin.js';
import { describePreset, findPreset, type Preset } from '../presets/preset.js';
import { summarizeRun, specNeurons, specNodeCount, specRecords, streamRecorders, streamTables, type RunOutput, type StreamedOutput } from '../presets/run.js';
import { presets } from '../presets/index.js';
import { builtinPlugins } from '../plugins/index.js';
import { peakRssMiB, virtualMemoryKiB } from '../analysis/memory.js';
import { launchWorkers, protocolCheckpointFile, type LaunchOptions, type WorkerResult } from './launch.js';
import { existsSync } from 'node:fs';
import { checkBarrierTimeout } from '../plugins/backends/shared_comm.js';
import { importPlugins, loadSpecPlugins, moduleUrl } from './plugins.js';

export interface SpecWorkersOptions extends LaunchOptions {
  /** Number of worker threads (ranks). */
  workers: number;
  /** Gather the final weights of every projection (true) or of those listed by id. */
  weights?: boolean | number[];
  /** Called about every 100 ms with the steps simulated (rank 0) and the steps of the whole protocol. */
  onProgress?: (stepsDone: number, stepsTotal: number) => void;
  /** Every rank checkpoints its protocol every `everySteps` into files named from `prefix` (protocolCheckpointFile). */
  checkpoints?: { prefix: string; everySteps: number };
  /** Go on from the newest whole generation of those checkpoints instead of building. */
  resume?: boolean;
}

/**
 * The newest generation of protocol checkpoints that every rank wrote at the same step: the files each rank
 * resumes from, and that step; null when there is none.
 */
export function wholeCheckpoint(prefix: string, ranks: number): { files: string[]; step: number; timeMs: number } | null {
  let best: { files: string[]; step: number; timeMs: number } | null = null;
  if (!(ranks >= 1)) return null;
  for (const g of [0, 1]) {
    const files = Array.from({ length: ranks }, (_, r) => protocolCheckpointFile(prefix, g, r));
    if (!files.every((f) => existsSync(f))) continue;
    let infos;
    try {
      infos = files.map((f) => Simulator.checkpointInfo(f));
    } catch {
      continue; // a rank's file cut off mid-write: this generation is not whole
    }
    if (infos.some((i) => i.step !== infos[0].step || i.size !== ranks)) continue;
    if (!best || infos[0].step > best.step) best = { files, step: infos[0].step, timeMs: infos[0].time_ms };
  }
  return best;
}

export interface SpecWorkersResult {
  merged: MergedResult;
  /** Each rank's figures (build, presimulation, simulated time), in rank order. */
  ranks: WorkerResult[];
  plugins: Plugin[];
}

/**
 * Run a spec on N worker threads: each builds its block of every population (and its targets' synapses) with
 * the spec's plugin set, runs the spec's protocol (`run`: presimulation, then simulation), and hands back its
 * part; the parts merge through the recorders' own merge into what one process gives.
 */
export async function runSpecWorkers(specIn: NetworkSpec, options: SpecWorkersOptions): Promise<SpecWorkersResult> {
  const spec = validateSpec(specIn);
  if (!spec.run) throw new ParameterError('run on workers', 'spec.run', spec.run, '{ simtime, presimtime? }: how long to simulate');
  checkBarrierTimeout('run on workers', options.barrierTimeoutMs);
  // The main thread merges the recorders: it needs their models, from the same plugin set.
  const plugins = await loadSpecPlugins(spec.plugins);
  const progress = options.onProgress ? new SharedArrayBuffer(4) : undefined;
  const total = Math.round(((spec.run.presimtime ?? 0) + spec.run.simtime) / spec.simulator.dt);
  const { checkpoints } = options;
  let resumeFiles: string[] | null = null;
  if (options.resume) {
    if (!checkpoints) throw new ParameterError('run on workers', 'resume', true, 'a run with checkpoints (options.checkpoints names their files)');
    const whole = wholeCheckpoint(checkpoints.prefix, options.workers);
    if (!whole) throw new ParameterError('run on workers', 'resume', checkpoints.prefix, `the prefix of checkpoint files that all ${options.workers} ranks wrote at the same step (none found)`);
    resumeFiles = whole.files;
  }
  const timer = progress ? setInterval(() => options.onProgress!(Atomics.load(new Int32Array(progress), 0), total), 100) : null;
  try {
    const replies = await launchWorkers(
      options.workers,
      (rank, buffers) => ({
        rank, buffers, spec, weights: options.weights ?? false, progress, checkpoints, resumeFrom: resumeFiles?.[rank],
        commOptions: { barrierTimeoutMs: options.barrierTimeoutMs, spin: options.spin },
      }),
      options,
    );
    options.onProgress?.(total, total);
    const merged = mergeRankResults(replies.map((r) => r.result), (name) => plugins.find((p) => p.kind === 'recorder' && p.name === name) as never);
    return { merged, ranks: replies, plugins };
  } finally {
    if (timer) clearInterval(timer);
  }
}

export interface RunWorkersOptions extends LaunchOptions {
  workers: number;
  /** ES module (path or URL) whose export builds the network through the API: `build(sim, params)`. */
  module: string | URL;
  /** Name of the build function among the module's exports (default 'build'). */
  export?: string;
  /** Parameters handed to the build function. */
  params?: unknown;
  /** Simulated time in ms. */
  simtime: number;
  seed?: number;
  dt?: number;
  /** Also gather the final weights of every projection. */
  weights?: boolean;
  /** Plugins beyond the built-in ones: an ES module and the name of its exported array (default 'plugins'). */
  plugins?: { module: string | URL; export?: string };
}

/**
 * Run a network written as a build function on N worker threads: the function runs once here on a simulator
 * that only describes, and its spec (with the plugin set it was built with) is what every worker builds.
 */
export async function runWorkers(options: RunWorkersOptions): Promise<MergedResult> {
  const where = 'runWorkers';
  if (typeof options.simtime !== 'number' || !(options.simtime >= 0)) throw new ParameterError(where, 'simtime', options.simtime, 'a time in ms >= 0');
  if (!options.module) throw new ParameterError(where, 'module', options.module, 'a path or URL of an ES module exporting build(sim, params)');
  const extra = options.plugins ? await importPlugins(moduleUrl(options.plugins.module), options.plugins.export ?? 'plugins') : [];
  const mod = (await import(moduleUrl(options.module))) as Record<string, unknown>;
  const name = options.export ?? 'build';
  const build = mod[name];
  if (typeof build !== 'function') throw new ParameterError(where, 'export', name, `the name of a function exported by ${options.module} (found: ${Object.keys(mod).join(', ')})`);
  const sim = new Simulator({ plugins: [...builtinPlugins, ...extra], seed: options.seed ?? 1, dt: options.dt ?? 0.1, describeOnly: true });
  await (build as (sim: Simulator, params: unknown) => unknown)(sim, options.params ?? {});
  const modules = options.plugins ? [{ url: moduleUrl(options.plugins.module), export: options.plugins.export ?? 'plugins' }] : undefined;
  const spec = sim.toSpec({ modules, run: { simtime: options.simtime } });
  return (await runSpecWorkers(spec, { ...options, weights: options.weights ?? false })).merged;
}

export interface PresetWorkersResult extends RunOutput {
  merged: MergedResult;
}

/**
 * Run a preset on N worker threads (what `spikeworks run <preset> --workers N` does): its spec is described
 * here, built by every worker, and the summary and statistics come from the merged data of every rank.
 */
export async function runPresetWorkers(
  presetIn: string | Preset, overrides: Record<string, unknown>,
  options: Omit<SpecWorkersOptions, 'weights'> & { plugins?: readonly Plugin[]; /** Each rank streams its spike files (NEST's one per process) into this folder. */ output?: StreamedOutput },
): Promise<PresetWorkersResult> {
  const preset = typeof presetIn === 'string' ? findPreset(presets, presetIn) : presetIn;
  checkBarrierTimeout(`run ${preset.name} on workers`, options.barrierTimeoutMs);
  const described = describePreset(preset, overrides, options.plugins ?? builtinPlugins, options.workers);
  const { spec, params: p, net } = described;
  if (options.output) {
    streamRecorders(spec, described, options.output);
    // Each rank's table in the rank folder; the merged one is written from what the ranks gather.
    streamTables(spec, options.output);
  }
  const run = await runSpecWorkers(spec, { ...options, weights: net.measures !== undefined });
  const max = (f: (r: WorkerResult) => number) => Math.max(...run.ranks.map(f));
  const out = summarizeRun(preset, p, net, {
    merged: run.merged, countsBefore: run.ranks[0].countsBefore, endMs: run.ranks[0].endMs,
    buildTime: max((r) => r.result.buildTime), buildTimeNodes: max((r) => r.buildTimeNodes), presimTime: max((r) => r.presimTime),
    simTime: max((r) => r.result.simTime),
    // The workers are threads of this process: its resident size is theirs.
    rssMiB: peakRssMiB(), ranks: run.ranks.length, neurons: specNeurons(spec),
  });
  const { averageRate, ...rest } = out;
  run.merged.times.forEach((t, r) => {
    // Milliseconds are what a wall-clock phase time resolves on this machine.
    const ms = (x: number) => Math.round(x * 1000) / 1000;
    rest.summary[`rank${r}_update_s`] = ms(t.update);
    rest.summary[`rank${r}_propagate_s`] = ms(t.propagate);
    rest.summary[`rank${r}_exchange_s`] = ms(t.exchange);
    rest.summary[`rank${r}_sim_cpu_s`] = Math.round(run.merged.simCpu[r] * 100) / 100;
  });
  const s = rest.summary;
  const log = [
    [virtualMemoryKiB(), 'virt_mem_0'], [s.build_time_nodes_s, 'build_time_nodes'], [s.build_edge_time_s, 'build_edge_time'],
    ...(s.presim_time_s > 0 ? [[s.presim_time_s, 'presim_time']] : []), [s.sim_time_s, 'sim_time'], [virtualMemoryKiB(), 'virt_mem_after_sim'],
    [averageRate, 'average rate'],
  ].map(([v, k], i) => `${i} 0 ${v} # ${k}`);
  return { ...rest, spec, log, nodeCount: specNodeCount(spec), records: specRecords(spec, run.merged), merged: run.merged };
}
