import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { builtinPlugins } from '../plugins/index.js';
import { presets } from '../presets/index.js';
import { findPreset, runPreset, resolvePresetParams, type RunSummary } from '../presets/preset.js';
import { ParameterError, SpikeworksError } from '../core/errors.js';
import { spikeDigest } from '../core/digest.js';
import { runPresetWorkers } from '../parallel/workers.js';
import { mpiWorld, type MpiComm } from '../plugins/backends/mpi.js';
import { localSpikeRecords } from '../parallel/gather.js';

/** The options `spikeworks run` gets for parallel runs. */
export interface ParallelCliOptions {
  workers?: string;
  comm?: string;
  spikeDir?: string;
  /** `--out DIR` of the single-process run: with --comm mpi the ranks' spike files go there unless --spike-dir says otherwise. */
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

/** Run a preset with the workers or mpi backend; errors are printed and set the exit code. */
export async function runParallel(presetName: string, overrides: Record<string, unknown>, o: ParallelCliOptions): Promise<void> {
  try {
    const comm = o.comm ?? 'workers';
    if (!(COMM_CHOICES as readonly string[]).includes(comm)) throw new ParameterError('run', '--comm', comm, COMM_CHOICES.join(', '));
    if (comm === 'mpi' && o.workers !== undefined) throw new ParameterError('run', '--workers', o.workers, 'nothing with --comm mpi (mpirun -np N sets the rank count)');
    if (comm === 'local' && o.workers !== undefined) throw new ParameterError('run', '--workers', o.workers, "nothing with --comm local (use --comm workers)");
    const preset = findPreset(presets, presetName);
    resolvePresetParams(preset, overrides);
    if (comm === 'mpi') {
      runMpi(presetName, overrides, o);
      return;
    }
    const { summary } = await runPresetWorkers(presetName, overrides, { workers: workerCount(o) });
    if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else printParallelSummary(summary, 'worker');
  } catch (e) {
    if (e instanceof SpikeworksError || (e instanceof Error && /^worker \d+ of \d+/.test(e.message))) {
      console.error(`spikeworks: ${e.message}`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}

/**
 * One MPI rank's part of `spikeworks run --comm mpi`: build and simulate this rank's block, write this
 * rank's spike file (NEST writes one per virtual process), and let rank 0 print the summary with the
 * digest over every rank's spikes and each rank's phase times.
 */
function runMpi(presetName: string, overrides: Record<string, unknown>, o: ParallelCliOptions): void {
  const comm: MpiComm = mpiWorld();
  try {
    const preset = findPreset(presets, presetName);
    const r = runPreset(preset, overrides, { plugins: builtinPlugins, comm });
    const records = localSpikeRecords(r.sim);
    const dt = r.sim.dt;
    const dir = o.spikeDir ?? (typeof o.out === 'string' ? o.out : 'out');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${preset.name}-spikes-rank${comm.rank}-of-${comm.size}.tsv`);
    const lines: string[] = ['# sender\ttime_ms'];
    const localGids: number[] = [];
    const localSteps: number[] = [];
    for (const rec of records) {
      for (let i = 0; i < rec.senders.length; i++) {
        lines.push(`${rec.senders[i]}\t${fmtTime((rec.steps[i] + 1) * dt)}`);
        localGids.push(rec.senders[i]);
        localSteps.push(rec.steps[i]);
      }
    }
    writeFileSync(file, lines.join('\n') + '\n');
    // Every rank's recorded spikes for the digest: sort locally, then the slice exchange's gather + merge.
    const order = localGids.map((_, i) => i).sort((a, b) => localSteps[a] - localSteps[b] || localGids[a] - localGids[b]);
    const all = comm.exchange({ gids: Int32Array.from(order, (i) => localGids[i]), steps: Int32Array.from(order, (i) => localSteps[i]), count: order.length });
    const times = new Float64Array(5 * comm.size);
    const s = r.summary;
    [s.time_update_s, s.time_propagate_s, s.time_exchange_s, s.sim_time_s, s.build_time_s].forEach((v, k) => (times[k * comm.size + comm.rank] = v));
    const allTimes = comm.allreduceSum(times);
    if (comm.rank === 0) {
      const at = (k: number, rank: number) => allTimes[k * comm.size + rank];
      const maxOf = (k: number) => Math.max(...Array.from({ length: comm.size }, (_, q) => at(k, q)));
      const summary: RunSummary = {
        ...s,
        spike_count: all.count,
        spike_digest: spikeDigest(all.gids.subarray(0, all.count), all.steps.subarray(0, all.count)),
        time_update_s: maxOf(0),
        time_propagate_s: maxOf(1),
        time_exchange_s: maxOf(2),
        sim_time_s: maxOf(3),
        build_time_s: maxOf(4),
        ranks: comm.size,
        spike_files: join(dir, `${preset.name}-spikes-rank*-of-${comm.size}.tsv`),
      };
      for (let q = 0; q < comm.size; q++) {
        summary[`rank${q}_update_s`] = at(0, q);
        summary[`rank${q}_propagate_s`] = at(1, q);
        summary[`rank${q}_exchange_s`] = at(2, q);
      }
      if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
      else printParallelSummary(summary, 'rank');
    }
    r.sim.close();
  } catch (e) {
    // Other ranks would wait forever in the next collective: take the whole job down.
    console.error(`spikeworks (rank ${comm.rank}): ${(e as Error).message}`);
    comm.abort(2);
  }
  comm.finalize();
}

function fmtTime(t: number): string {
  return String(Math.round(t * 1e6) / 1e6);
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
  if (s.spike_files) lines.push(['spike files', String(s.spike_files)]);
  lines.push(['peak RSS', `${s.rss_mib.toFixed(0)} MiB${unit === 'rank' ? ' (rank 0)' : ''}`]);
  const w = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) console.log(`${k.padEnd(w)}  ${v}`);
}
