import { availableParallelism } from 'node:os';
import { resolvePresetParams, type Preset } from '../presets/preset.js';
import type { RunOutput, RunSummary } from '../presets/run.js';
import { ParameterError, SpikeworksError } from '../core/errors.js';
import type { Plugin } from '../core/plugin.js';
import { runPresetWorkers } from '../parallel/workers.js';
import type { StopRequest } from './signals.js';

/** The options `spikeworks run` gets for parallel runs. */
export interface ParallelCliOptions {
  workers?: string;
  comm?: string;
  spikeDir?: string;
  out?: string | boolean;
  json?: boolean;
}

export const COMM_CHOICES = ['local', 'workers', 'mpi'] as const;

/** Whether the run should go through `runParallel` rather than the single-process path. */
export function parallelRequested(o: ParallelCliOptions): boolean {
  return (o.comm !== undefined && o.comm !== 'local') || o.workers !== undefined;
}

function workerCount(o: ParallelCliOptions): number {
  if (o.workers === undefined) return availableParallelism();
  const n = Number(o.workers);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new ParameterError('run', '--workers', o.workers, 'an integer in [1, 256]');
  return n;
}

/**
 * Run a preset (or a spec file, as a preset) with the workers or mpi backend. The summary and the output
 * folder are computed from the merged data of every rank; `write` writes the folder, `progress` drives a bar.
 */
export async function runParallel(
  preset: Preset, plugins: readonly Plugin[], overrides: Record<string, unknown>, o: ParallelCliOptions,
  report: {
    progress?: (done: number, total: number) => void; stopProgress?: () => void; write: (result: RunOutput) => Promise<void>;
    /** A signal ends the run: the workers are terminated and the promise rejects. */
    stop?: StopRequest; workerTimeoutS?: string;
    /** Where each worker streams its spike files while it runs (NEST's per-process files). */
    rankFiles?: { dir: string; format: 'ascii' | 'binary' | 'arrow' };
    /** Every worker checkpoints its protocol (runSpecWorkers' checkpoints); `resume` goes on from them. */
    checkpoints?: { prefix: string; everySteps: number };
    resume?: boolean;
  },
): Promise<void> {
  const comm = o.comm ?? 'workers';
  if (!(COMM_CHOICES as readonly string[]).includes(comm)) throw new ParameterError('run', '--comm', comm, COMM_CHOICES.join(', '));
  if (comm === 'mpi') throw new SpikeworksError('runParallel runs worker threads; an MPI rank runs through runMpiRank (cli/mpi-run.ts)');
  if (comm === 'local' && o.workers !== undefined) throw new ParameterError('run', '--workers', o.workers, 'nothing with --comm local (use --comm workers)');
  resolvePresetParams(preset, overrides);
  let barrierTimeoutMs: number | undefined;
  if (report.workerTimeoutS !== undefined) {
    const s = Number(report.workerTimeoutS);
    if (!/^\d+(\.\d+)?$/.test(report.workerTimeoutS.trim()) || !(s > 0)) throw new ParameterError('run', '--worker-timeout', report.workerTimeoutS, 'a number of seconds > 0');
    barrierTimeoutMs = s * 1000;
  }
  // Signals reach this thread while the workers run: poll the request and end the workers on one.
  const abort = new AbortController();
  const poll = report.stop ? setInterval(() => { if (report.stop!.requested) abort.abort(new SpikeworksError(`ended by ${report.stop!.signal}`)); }, 50) : null;
  let result;
  try {
    result = await runPresetWorkers(preset, overrides, { workers: workerCount(o), plugins, onProgress: report.progress, barrierTimeoutMs, abort: abort.signal, output: report.rankFiles, checkpoints: report.checkpoints, resume: report.resume });
  } finally {
    if (poll) clearInterval(poll);
  }
  report.stopProgress?.();
  if (o.json) process.stdout.write(JSON.stringify(result.summary) + '\n');
  else printParallelSummary(result.summary, 'worker');
  await report.write(result);
}

/** The single-process summary lines plus each rank's update / propagate / exchange times. */
export function printParallelSummary(s: RunSummary, unit: 'worker' | 'rank'): void {
  const lines: [string, string][] = [
    ['preset', s.preset],
    [unit === 'worker' ? 'workers' : 'MPI ranks', String(s.ranks)],
    ['neurons', String(s.neurons)],
    ['synapses', s.synapses.toLocaleString('en-US')],
    ['bytes per synapse', s.bytes_per_synapse.toFixed(2)],
    ['build time', `${s.build_time_s.toFixed(2)} s (slowest ${unit})`],
    ['simulation time', `${s.sim_time_s.toFixed(2)} s for ${s.simtime_ms} ms (real-time factor ${s.real_time_factor.toFixed(3)})`],
  ];
  for (let r = 0; r < s.ranks; r++) {
    const u = s[`rank${r}_update_s`] as number;
    const p = s[`rank${r}_propagate_s`] as number;
    const x = s[`rank${r}_exchange_s`] as number;
    const cpu = s[`rank${r}_sim_cpu_s`];
    const cpuText = typeof cpu === 'number' && Number.isFinite(cpu) ? ` (thread CPU ${cpu.toFixed(2)} s)` : '';
    lines.push([`  ${unit} ${r} update / propagate / exchange`, `${u.toFixed(2)} / ${p.toFixed(2)} / ${x.toFixed(2)} s${cpuText}`]);
  }
  lines.push(
    ['excitatory rate', `${s.rate_e_hz.toFixed(2)} Hz`],
    ['inhibitory rate', `${s.rate_i_hz.toFixed(2)} Hz`],
    ['recorded spikes', String(s.spike_count)],
    ['spike digest', s.spike_digest],
  );
  for (const [k, v] of Object.entries(s)) if (/_pa$|_weight_/.test(k)) lines.push([k.replace(/_/g, ' '), String(v)]);
  if (s.spike_files) lines.push(['spike files', String(s.spike_files)]);
  lines.push(['peak RSS', `${s.rss_mib.toFixed(0)} MiB${unit === 'rank' ? ' (rank 0)' : ''}`]);
  const w = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) console.log(`${k.padEnd(w)}  ${v}`);
}

export { SpikeworksError };
