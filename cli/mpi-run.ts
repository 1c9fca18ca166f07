import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Preset } from '../presets/preset.js';
import { PresetRun, type RunOutput, type RunSummary } from '../presets/run.js';
import { ParameterError } from '../core/errors.js';
import type { Plugin } from '../core/plugin.js';
import { mpiWorld, type MpiComm } from '../plugins/backends/mpi.js';
import { allgatherRankResults, localSpikeRecords } from '../parallel/gather.js';
import { protocolCheckpointFile } from '../parallel/launch.js';
import { wholeCheckpoint } from '../parallel/workers.js';
import { RunFolder, checkOutputFolder, type SpikeFormat } from './run-folder.js';
import type { StopRequest } from './signals.js';
import { printParallelSummary } from './parallel.js';
import { writePresetOutput } from './output.js';

/** What `spikeworks run --comm mpi` (or `resume` of an MPI run) needs; every rank computes the same. */
export interface MpiRunOptions {
  /** The output folder (absolute), or null with --no-out. */
  dir: string | null;
  /** Replace the folder's files (--force, or the same run's default folder). */
  replace: boolean;
  format: SpikeFormat;
  tStopMs: number;
  target: string;
  params: Record<string, number | string>;
  checkpointEveryMs: number | null;
  json: boolean;
  spikeDir?: string;
  /** `spikeworks resume`: go on from the newest checkpoint generation every rank wrote. */
  resume?: boolean;
  progress: ((done: number, total: number) => void) | null;
  stopProgress: () => void;
  log: (line: string) => void;
  stop: StopRequest;
}

const WALL_PIECE_MS = 100;
const SIGNAL_OF_EXIT: Record<number, string> = { 130: 'SIGINT', 143: 'SIGTERM', 129: 'SIGHUP' };

/**
 * One MPI rank of `spikeworks run --comm mpi`. Rank 0 writes the folder's run.json before the build and keeps
 * it up to date; every rank streams its own spike files and tables into ranks/. The run advances in pieces
 * whose length rank 0 picks, and between pieces the ranks agree (one sum) on whether any was signalled and
 * on the next piece, so that all stop, or checkpoint, at the same step. At the end the ranks merge and rank 0
 * writes the folder as one process would.
 */
export async function runMpiRank(preset: Preset, plugins: readonly Plugin[], overrides: Record<string, unknown>, o: MpiRunOptions): Promise<void> {
  const comm: MpiComm = mpiWorld();
  const rank0 = comm.rank === 0;
  const stop = o.stop;
  let folder: RunFolder | null = null;
  try {
    if (rank0 && o.dir) folder = openFolder(preset, overrides, o, comm.size);
    // The other ranks open their files in the folder rank 0 made.
    comm.barrier();
    const rankDir = o.dir ? join(o.dir, 'ranks') : null;
    // Ranks on other machines see it only on a shared file system; elsewhere each makes its own.
    if (rankDir) mkdirSync(rankDir, { recursive: true });
    const prefix = o.dir ? join(o.dir, 'checkpoint') : '';
    let resumeFrom: string | undefined;
    if (o.resume) {
      const whole = wholeCheckpoint(prefix, comm.size);
      if (!whole) throw new ParameterError('resume', 'folder', o.dir, `a folder with checkpoints that all ${comm.size} MPI ranks wrote at the same step (run with --checkpoint-every MS, and resume with as many ranks)`);
      resumeFrom = whole.files[comm.rank];
      folder?.resumed(whole.timeMs);
    }
    const run = new PresetRun(preset, overrides, {
      plugins, comm, gather: (local) => allgatherRankResults(comm, local),
      output: rankDir ? { dir: rankDir, format: o.format } : undefined,
      onLog: rank0 ? (line) => {
        folder?.log(line);
        o.log(line);
      } : undefined, onProgress: rank0 ? o.progress ?? undefined : undefined,
    }, resumeFrom);
    if (resumeFrom && folder) folder.rewriteLog(run.log);
    const dt = run.sim.dt;
    const minDelay = run.sim.delays.minDelaySteps;
    const every = o.checkpointEveryMs === null ? 0 : Math.max(minDelay, Math.round(o.checkpointEveryMs / dt / minDelay) * minDelay);
    let nextCheckpoint = every ? (Math.floor(run.stepsDone / every) + 1) * every : Infinity;
    let generation = 0;
    let piece = minDelay;
    let exitCode = 0;
    for (;;) {
      // Let a signal's handler run, then agree: any rank signalled ends every rank here.
      await new Promise((r) => setTimeout(r, 0));
      await new Promise((r) => setImmediate(r));
      const signalled = stop.requested;
      const agreed = comm.allreduceSum(Float64Array.of(signalled ? 1 : 0, signalled ? stop.exitCode : 0, rank0 ? piece : 0));
      if (agreed[0] > 0) {
        // The signal the signalled ranks got (mpirun passes one on to every rank).
        exitCode = Math.round(agreed[1] / agreed[0]);
        break;
      }
      if (run.done) break;
      const t0 = performance.now();
      run.advance(Infinity, Math.min(run.stepsDone + agreed[2], nextCheckpoint));
      if (rank0) {
        // Pieces of about WALL_PIECE_MS of wall time, in whole min-delay slices.
        const took = performance.now() - t0;
        const scale = took > 0 ? WALL_PIECE_MS / took : 2;
        piece = Math.max(minDelay, Math.round((agreed[2] * Math.min(2, Math.max(0.5, scale))) / minDelay) * minDelay);
        folder?.progress(run.stepsDone * dt);
      }
      if (o.dir && run.stepsDone >= nextCheckpoint && !run.done) {
        run.checkpoint(protocolCheckpointFile(prefix, generation, comm.rank));
        generation = 1 - generation;
        nextCheckpoint += every;
        comm.barrier();
        if (folder) {
          const whole = wholeCheckpoint(prefix, comm.size);
          folder.manifest.checkpoint = whole ? { file: 'checkpoint-g*-rank*.spkw', t_ms: whole.timeMs, every_steps: every } : null;
          folder.write();
        }
      }
    }
    if (!run.done) {
      o.stopProgress();
      run.sim.close();
      const tMs = run.stepsDone * dt;
      const signal = SIGNAL_OF_EXIT[exitCode] ?? `exit ${exitCode}`;
      if (folder) {
        folder.finish('interrupted', { signal, tMs });
        const resume = folder.manifest.checkpoint ? `; \`mpirun -np ${comm.size} spikeworks resume ${relative(process.cwd(), folder.dir) || '.'}\` goes on from t = ${folder.manifest.checkpoint.t_ms} ms` : '';
        console.error(`spikeworks: ${signal}: ended at t = ${tMs.toFixed(1)} of ${o.tStopMs} ms on ${comm.size} MPI ranks; ranks/ holds each rank's files so far (run.json: interrupted)${resume}`);
      } else if (rank0) console.error(`spikeworks: ${signal}: ended at t = ${tMs.toFixed(1)} of ${o.tStopMs} ms on ${comm.size} MPI ranks`);
      comm.finalize();
      process.exit(exitCode);
    }
    const r = run.finish();
    o.stopProgress();
    const summary: RunSummary = { ...r.summary };
    if (o.spikeDir) summary.spike_files = writeLegacyRankFile(preset, r, comm, o.spikeDir);
    if (rank0) {
      r.merged.times.forEach((t, q) => {
        summary[`rank${q}_update_s`] = t.update;
        summary[`rank${q}_propagate_s`] = t.propagate;
        summary[`rank${q}_exchange_s`] = t.exchange;
      });
      if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
      else printParallelSummary(summary, 'rank');
    }
    r.sim.close();
    // Every rank has closed its files before rank 0 removes them.
    comm.barrier();
    if (folder) await finishFolder(folder, preset, { ...r, summary }, o);
  } catch (e) {
    // Other ranks would wait forever in the next collective: take the whole job down.
    console.error(`spikeworks (rank ${comm.rank}): ${(e as Error).message}`);
    folder?.finish('failed', { error: (e as Error).message });
    comm.abort(2);
  } finally {
    stop.dispose();
  }
  comm.finalize();
}

function openFolder(preset: Preset, overrides: Record<string, unknown>, o: MpiRunOptions, size: number): RunFolder {
  if (o.resume) {
    const folder = RunFolder.reopen(o.dir!);
    if (folder.manifest.mpi_ranks !== size) throw new ParameterError('resume', 'mpirun -np', size, `${folder.manifest.mpi_ranks} ranks, as many as the run had`);
    return folder;
  }
  const folder = new RunFolder(checkOutputFolder(o.dir!, o.replace), { network: preset.name, params: o.params, tStopMs: o.tStopMs, format: o.format, command: process.argv.slice(2), target: o.target, overrides, mpiRanks: size }, o.replace);
  mkdirSync(join(folder.dir, 'ranks'));
  folder.addFile('ranks/');
  folder.write();
  return folder;
}

/** The folder of a finished MPI run, from the merged record, as one process writes it; the ranks' files go. */
async function finishFolder(folder: RunFolder, preset: Preset, result: RunOutput, o: MpiRunOptions): Promise<void> {
  const files = await writePresetOutput(folder.dir, preset, result);
  folder.manifest.groups = (JSON.parse(readFileSync(join(folder.dir, 'summary.json'), 'utf8')) as { groups: NonNullable<RunFolder['manifest']['groups']> }).groups;
  rmSync(join(folder.dir, 'ranks'), { recursive: true, force: true });
  for (const f of readdirSync(folder.dir)) if (/^checkpoint-g\d-rank\d+\.spkw$/.test(f)) rmSync(join(folder.dir, f), { force: true });
  folder.manifest.files = folder.manifest.files.filter((f) => !f.startsWith('ranks/'));
  folder.manifest.checkpoint = null;
  for (const f of files) folder.addFile(f);
  folder.finish('complete', { tMs: o.tStopMs });
  (o.json ? console.error : console.log)(`output: ${relative(process.cwd(), folder.dir) || '.'}/ (${files.length} files)`);
}

/** `--spike-dir`: each rank's own spikes in one tab-separated file, as earlier versions wrote them. */
function writeLegacyRankFile(preset: Preset, r: ReturnType<PresetRun['finish']>, comm: MpiComm, dirIn: string): string {
  const dir = resolve(dirIn);
  mkdirSync(dir, { recursive: true });
  const dt = r.sim.dt;
  const lines: string[] = ['# sender\ttime_ms'];
  for (const rec of localSpikeRecords(r.sim)) {
    for (let i = 0; i < rec.senders.length; i++) lines.push(`${rec.senders[i]}\t${String(Math.round((rec.steps[i] + 1) * dt * 1e6) / 1e6)}`);
  }
  writeFileSync(join(dir, `${preset.name}-spikes-rank${comm.rank}-of-${comm.size}.tsv`), lines.join('\n') + '\n');
  return join(dirIn, `${preset.name}-spikes-rank*-of-${comm.size}.tsv`);
}

