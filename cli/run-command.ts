import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { wholeCheckpoint } from '../parallel/workers.js';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { describePreset, resolvePresetParams, type Preset } from '../presets/preset.js';
import { formatBytes, systemMemory } from '../core/memory.js';
import { PresetRun, type RunOutput, type RunSummary } from '../presets/run.js';
import { ParameterError, SpikeworksError } from '../core/errors.js';
import type { Plugin } from '../core/plugin.js';
import { loadTarget, isFileTarget } from './targets.js';
import { COMM_CHOICES, parallelRequested, runParallel } from './parallel.js';
import { writeInterruptedFigures, writePresetOutput, writeStreamedOutput } from './output.js';
import { RunFolder, SPIKE_FORMATS, checkOutputFolder, defaultFolderName, sameRun, type SpikeFormat } from './run-folder.js';
import { StopRequest } from './signals.js';
import { runMpiRank } from './mpi-run.js';

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parseSets(sets: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new SpikeworksError(`--set expects key=value, got '${s}'`);
    out[s.slice(0, eq).trim()] = s.slice(eq + 1).trim();
  }
  return out;
}

function printSummary(s: RunSummary): void {
  const lines: [string, string][] = [
    ['preset', s.preset],
    ['neurons', String(s.neurons)],
    ['synapses', s.synapses.toLocaleString('en-US')],
    ['bytes per synapse', s.bytes_per_synapse.toFixed(2)],
    ['build time', `${s.build_time_s.toFixed(2)} s (nodes ${s.build_time_nodes_s.toFixed(2)} s, edges ${s.build_edge_time_s.toFixed(2)} s)`],
    ['simulation time', `${s.sim_time_s.toFixed(2)} s for ${s.simtime_ms} ms (real-time factor ${s.real_time_factor.toFixed(3)})`],
    ['  update / propagate / exchange', `${s.time_update_s.toFixed(2)} / ${s.time_propagate_s.toFixed(2)} / ${s.time_exchange_s.toFixed(2)} s`],
    ['excitatory rate', `${s.rate_e_hz.toFixed(2)} Hz`],
    ['inhibitory rate', `${s.rate_i_hz.toFixed(2)} Hz`],
    ['recorded spikes', String(s.spike_count)],
    ['spike digest', s.spike_digest],
    ['peak RSS', `${s.rss_mib.toFixed(0)} MiB`],
  ];
  // Statistics means and preset-specific figures: every key the fixed lines above do not show.
  const shown = new Set(['preset', 'neurons', 'synapses', 'bytes_per_synapse', 'build_time_s', 'build_time_nodes_s', 'build_edge_time_s', 'sim_time_s', 'simtime_ms', 'real_time_factor', 'time_update_s', 'time_propagate_s', 'time_exchange_s', 'rate_e_hz', 'rate_i_hz', 'spike_count', 'spike_digest', 'rss_mib']);
  for (const [k, v] of Object.entries(s)) if (!shown.has(k)) lines.push([k.replace(/_/g, ' '), String(v)]);
  const w = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) console.log(`${k.padEnd(w)}  ${v}`);
}

interface RunCliOptions {
  simtime?: string; seed?: string; scale?: string; set: string[]; json?: boolean; progress: boolean; out?: string | boolean; force?: boolean;
  format: SpikeFormat; verbose?: boolean; workers?: string; comm?: string; workerTimeout?: string; spikeDir?: string; checkpointEvery?: string;
}

/** What the in-process loop needs from either command (run, resume). */
interface InProcess {
  preset: Preset;
  run: PresetRun;
  folder: RunFolder | null;
  outName: string;
  tStopMs: number;
  json: boolean;
  checkpointEveryMs: number | null;
  stop: StopRequest;
  progress: ReturnType<typeof progressBar> | null;
}

export const CHECKPOINT_FILE = 'checkpoint.spkw';

function checkpointEvery(v: string | undefined, folder: boolean): number | null {
  if (v === undefined) return null;
  const ms = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v.trim()) || !(ms > 0)) throw new ParameterError('run', '--checkpoint-every', v, 'a simulated time in ms > 0');
  if (!folder) throw new ParameterError('run', '--checkpoint-every', v, 'a run with an output folder (the checkpoint is written there; not with --no-out)');
  return ms;
}

/**
 * Advance a run in pieces of about 100 ms of wall time: between them the event loop delivers signals, the
 * manifest notes the time reached, and every `checkpointEveryMs` of simulated time a checkpoint replaces the
 * last. Then the summary and the folder's figures, or, on a signal, an interrupted folder and exit 128 + n.
 */
async function runInProcess(x: InProcess): Promise<void> {
  const { run, folder, stop, progress, tStopMs } = x;
  const dt = run.sim.dt;
  const minDelay = run.sim.delays.minDelaySteps;
  const every = x.checkpointEveryMs === null ? 0 : Math.max(minDelay, Math.round(x.checkpointEveryMs / dt / minDelay) * minDelay);
  let nextCheckpoint = every ? (Math.floor(run.stepsDone / every) + 1) * every : Infinity;
  for (;;) {
    // A timer, then an immediate: between them the event loop polls, and a signal that came during the
    // build (or the last piece) has run its handler by the check below.
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setImmediate(r));
    if (run.done || stop.requested) break;
    run.advance(100, nextCheckpoint);
    folder?.progress(run.stepsDone * dt);
    if (folder && run.stepsDone >= nextCheckpoint && !run.done) {
      run.checkpoint(join(folder.dir, CHECKPOINT_FILE));
      folder.addFile(CHECKPOINT_FILE);
      folder.manifest.checkpoint = { file: CHECKPOINT_FILE, t_ms: run.stepsDone * dt };
      folder.write();
      nextCheckpoint += every;
    }
  }
  if (stop.requested) {
    progress?.stop();
    run.sim.close();
    const tMs = run.stepsDone * dt;
    folder?.finish('interrupted', { signal: stop.signal!, tMs });
    if (folder) await writeInterruptedFigures(folder.dir).catch(() => undefined);
    const resume = folder?.manifest.checkpoint ? `; \`spikeworks resume ${x.outName}\` goes on from t = ${folder.manifest.checkpoint.t_ms} ms` : '';
    console.error(`spikeworks: ${stop.signal}: ended at t = ${tMs.toFixed(1)} of ${tStopMs} ms${folder ? `; the files in ${x.outName}/ hold the run so far (run.json: interrupted)${resume}` : ''}`);
    process.exit(stop.exitCode);
  }
  const result = run.finish();
  progress?.stop();
  if (x.json) process.stdout.write(JSON.stringify(result.summary) + '\n');
  else printSummary(result.summary);
  result.sim.close();
  if (folder) {
    const files = await writeStreamedOutput(folder.dir, x.preset, result);
    for (const f of files) folder.addFile(f);
    if (stop.requested) {
      folder.finish('interrupted', { signal: stop.signal!, tMs: tStopMs, error: 'interrupted while the figures were written' });
      console.error(`spikeworks: ${stop.signal}: ended while writing the output; ${x.outName}/run.json says interrupted`);
      process.exit(stop.exitCode);
    }
    // A finished run needs no checkpoint to resume from.
    if (folder.manifest.checkpoint) {
      rmSync(join(folder.dir, CHECKPOINT_FILE), { force: true });
      folder.manifest.files = folder.manifest.files.filter((f) => f !== CHECKPOINT_FILE);
      folder.manifest.checkpoint = null;
    }
    folder.finish('complete', { tMs: tStopMs });
    (x.json ? console.error : console.log)(`output: ${x.outName}/ (${folder.manifest.files.length} files)`);
  }
  stop.dispose();
}

/** The recorded groups of a streamed run and their spike files, relative to the folder (run.json `groups`). */
function streamedGroups(run: PresetRun, dir: string): NonNullable<RunFolder['manifest']['groups']> {
  return run.groups().map((g) => ({ label: g.label, file: relative(dir, g.file), first_gid: g.firstGid, n: g.n }));
}

function logTo(folder: RunFolder | null, verbose: boolean | undefined, progress: ReturnType<typeof progressBar> | null): (line: string) => void {
  return (line) => {
    folder?.log(line);
    if (verbose) progress ? progress.log(line) : console.error(line);
  };
}

async function runCommand(name: string, opts: RunCliOptions): Promise<void> {
  const { preset, plugins } = await loadTarget(name);
  const overrides: Record<string, unknown> = parseSets(opts.set);
  if (opts.simtime !== undefined) overrides.simtime = opts.simtime;
  if (opts.seed !== undefined) overrides.seed = opts.seed;
  if (opts.scale !== undefined) overrides.scale = opts.scale;
  const params = resolvePresetParams(preset, overrides); // fails on bad input before building anything
  const dt = params.dt as number;
  const say = opts.json ? console.error : console.log;
  const tStopMs = (typeof params.presimtime === 'number' ? params.presimtime : 0) + (params.simtime as number);
  const mpi = opts.comm === 'mpi';
  if (!mpi) {
    // The whole network is described (nothing allocated) and its memory checked before anything is built.
    const ranks = parallelRequested(opts) ? Number(opts.workers ?? availableParallelism()) : 1;
    const { memoryEstimate } = describePreset(preset, overrides, plugins, ranks);
    say(`memory estimate: ${formatBytes(memoryEstimate)} for the network's tables and state; ${systemMemory.describe()}`);
  }
  const every = checkpointEvery(opts.checkpointEvery, opts.out !== false);
  const target = isFileTarget(name) && !isAbsolute(name) ? resolve(name) : name;
  // Signals from here on end the run cleanly (the build, which cannot be cut, first ends).
  const stop = new StopRequest();
  // The folder is checked and its manifest written before anything is built.
  let folder: RunFolder | null = null;
  if (opts.out !== false && !mpi) {
    const given = typeof opts.out === 'string';
    const dir = given ? (opts.out as string) : defaultFolderName(preset.name, params.seed, overrides);
    const replace = opts.force === true || (!given && sameRun(dir, preset.name, params));
    folder = new RunFolder(checkOutputFolder(dir, replace), { network: preset.name, params, tStopMs, format: opts.format, command: process.argv.slice(2), target, overrides }, replace);
  }
  const outName = folder ? (typeof opts.out === 'string' ? opts.out : relative(process.cwd(), folder.dir)) : '';
  const progress = opts.progress && process.stderr.isTTY !== false ? progressBar(dt) : null;
  const onLog = logTo(folder, opts.verbose, progress);
  if (mpi) {
    if (opts.workers !== undefined) throw new ParameterError('run', '--workers', opts.workers, 'nothing with --comm mpi (mpirun -np N sets the rank count)');
    const given = typeof opts.out === 'string';
    const dir = opts.out === false ? null : resolve(given ? (opts.out as string) : defaultFolderName(preset.name, params.seed, overrides));
    const replace = opts.force === true || (!given && dir !== null && sameRun(dir, preset.name, params));
    return runMpiRank(preset, plugins, overrides, {
      dir, replace, format: opts.format, tStopMs, target, params, checkpointEveryMs: every, json: opts.json === true, spikeDir: opts.spikeDir,
      progress: progress?.update ?? null, stopProgress: () => progress?.stop(), log: (line) => (opts.verbose ? (progress ? progress.log(line) : console.error(line)) : undefined), stop,
    });
  }
  if (parallelRequested(opts)) {
    if (folder) folder.manifest.workers = Number(opts.workers ?? availableParallelism());
    return runWithRanks(preset, plugins, overrides, opts, { folder, outName, progress, stop, dt, tStopMs, say, target, checkpointEveryMs: every });
  }
  let run: PresetRun;
  try {
    run = new PresetRun(preset, overrides, { plugins, onLog, onProgress: progress?.update, output: folder ? { dir: folder.dir, format: opts.format } : undefined });
  } catch (e) {
    folder?.finish('failed', { error: (e as Error).message });
    throw e;
  }
  if (folder) {
    folder.manifest.groups = streamedGroups(run, folder.dir);
    for (const g of folder.manifest.groups) folder.addFile(g.file);
    for (const f of run.tableFiles()) folder.addFile(relative(folder.dir, f));
    folder.write();
  }
  await runInProcess({ preset, run, folder, outName, tStopMs, json: opts.json === true, checkpointEveryMs: every, stop, progress });
}

/** Worker threads: each streams its own spike files and tables (ranks/), merged into the folder at the end. */
async function runWithRanks(
  preset: Preset, plugins: readonly Plugin[], overrides: Record<string, unknown>, opts: RunCliOptions,
  x: {
    folder: RunFolder | null; outName: string; progress: ReturnType<typeof progressBar> | null; stop: StopRequest; dt: number; tStopMs: number;
    say: (s: string) => void; target: string; checkpointEveryMs: number | null; resume?: boolean;
  },
): Promise<void> {
  const { progress, stop } = x;
  let folder = x.folder;
  const write = async (result: RunOutput) => {
    if (!folder) return;
    const dir = folder.dir;
    const files = await writePresetOutput(dir, preset, result);
    folder.manifest.groups = (JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { groups: NonNullable<RunFolder['manifest']['groups']> }).groups;
    // The merged files hold every rank's spikes: the per-rank files were the record of a run that could stop.
    rmSync(join(dir, 'ranks'), { recursive: true, force: true });
    // A finished run needs no checkpoint to resume from.
    for (const f of readdirSync(dir)) if (/^checkpoint-g\d-rank\d+\.spkw$/.test(f)) rmSync(join(dir, f), { force: true });
    folder.manifest.files = folder.manifest.files.filter((f) => !f.startsWith('ranks/'));
    folder.manifest.checkpoint = null;
    for (const f of files) folder.addFile(f);
    for (const line of result.log) folder.log(line);
    folder.finish('complete', { tMs: x.tStopMs });
    x.say(`output: ${x.outName}/ (${files.length} files)`);
  };
  const rankDir = folder ? join(folder.dir, 'ranks') : null;
  if (rankDir && !x.resume) {
    mkdirSync(rankDir);
    folder!.addFile('ranks/');
    folder!.write();
  }
  // Each worker checkpoints its own part; the newest generation every rank wrote is the one to resume from.
  const everySteps = x.checkpointEveryMs === null ? 0 : Math.max(1, Math.round(x.checkpointEveryMs / x.dt));
  const checkpoints = folder && (everySteps > 0 || x.resume) ? { prefix: join(folder.dir, 'checkpoint'), everySteps } : undefined;
  const noteCheckpoint = () => {
    if (!folder || !checkpoints) return;
    const whole = wholeCheckpoint(checkpoints.prefix, folder.manifest.workers ?? 0);
    folder.manifest.checkpoint = whole ? { file: 'checkpoint-g*-rank*.spkw', t_ms: whole.timeMs, every_steps: checkpoints.everySteps || undefined } : null;
  };
  try {
    await runParallel(preset, plugins, overrides, opts, {
      rankFiles: rankDir ? { dir: rankDir, format: folder!.manifest.spike_format } : undefined, checkpoints, resume: x.resume,
      progress: (d, t) => {
        progress?.update(d, t);
        folder?.progress(d * x.dt);
      },
      stopProgress: progress?.stop, write, stop, workerTimeoutS: opts.workerTimeout,
    });
  } catch (e) {
    progress?.stop();
    if (stop.signal) {
      noteCheckpoint();
      folder?.finish('interrupted', { signal: stop.signal, tMs: folder.manifest.t_ms });
      const resume = folder?.manifest.checkpoint ? `; \`spikeworks resume ${x.outName}\` goes on from t = ${folder.manifest.checkpoint.t_ms} ms` : '';
      console.error(`spikeworks: ${stop.signal}: the run was ended${folder ? `; ${x.outName}/run.json says interrupted, ${x.outName}/ranks/ holds each worker's spike files so far${resume}` : ''}`);
      process.exit(stop.exitCode);
    }
    folder?.finish('failed', { error: (e as Error).message });
    if (e instanceof SpikeworksError || (e instanceof Error && /^worker \d+ of \d+/.test(e.message))) {
      console.error(`spikeworks: ${e.message}`);
      process.exitCode = 2;
      return;
    }
    throw e;
  } finally {
    stop.dispose();
  }
}

/** `spikeworks resume DIR`: restore the folder's checkpoint and go on to the end, into the same folder. */
async function resumeCommand(dirIn: string, opts: { json?: boolean; progress: boolean; verbose?: boolean; checkpointEvery?: string }): Promise<void> {
  const folder = RunFolder.reopen(dirIn);
  const m = folder.manifest;
  if (m.workers !== undefined) return resumeOnWorkers(folder, dirIn, opts);
  if (m.mpi_ranks !== undefined) return resumeUnderMpi(folder, dirIn, opts);
  if (!m.checkpoint || !existsSync(join(folder.dir, m.checkpoint.file))) {
    throw new ParameterError('resume', 'folder', dirIn, `a folder of an interrupted run with a checkpoint (this one's run.json says ${m.status} and names no checkpoint: run with --checkpoint-every MS)`);
  }
  if (!m.target) throw new ParameterError('resume', 'folder', dirIn, 'a folder whose run.json names the network it ran (target)');
  const { preset, plugins } = await loadTarget(m.target);
  const every = checkpointEvery(opts.checkpointEvery, true);
  const progress = opts.progress && process.stderr.isTTY !== false ? progressBar(m.params.dt as number) : null;
  const stop = new StopRequest();
  const ckpt = join(folder.dir, m.checkpoint.file);
  const run = new PresetRun(preset, m.overrides ?? {}, { plugins, onLog: logTo(folder, opts.verbose, progress), onProgress: progress?.update, output: { dir: folder.dir, format: m.spike_format } }, ckpt);
  // The log up to the checkpoint; what the interrupted run wrote after it is written again as the run goes.
  folder.rewriteLog(run.log);
  folder.resumed(m.checkpoint.t_ms);
  await runInProcess({ preset, run, folder, outName: dirIn, tStopMs: m.t_stop_ms, json: opts.json === true, checkpointEveryMs: every, stop, progress });
}

/** `mpirun -np N spikeworks resume DIR` of an MPI run: every rank restores its part of the newest whole generation. */
async function resumeUnderMpi(folder: RunFolder, dirIn: string, opts: { json?: boolean; progress: boolean; verbose?: boolean; checkpointEvery?: string }): Promise<void> {
  const m = folder.manifest;
  if (!m.target) throw new ParameterError('resume', 'folder', dirIn, 'a folder whose run.json names the network it ran (target)');
  const { preset, plugins } = await loadTarget(m.target);
  const dt = m.params.dt as number;
  const every = opts.checkpointEvery !== undefined ? checkpointEvery(opts.checkpointEvery, true) : (m.checkpoint?.every_steps ?? 0) * dt || null;
  const progress = opts.progress && process.stderr.isTTY !== false ? progressBar(dt) : null;
  return runMpiRank(preset, plugins, m.overrides ?? {}, {
    dir: folder.dir, replace: false, format: m.spike_format, tStopMs: m.t_stop_ms, target: m.target, params: m.params, checkpointEveryMs: every, json: opts.json === true,
    resume: true, progress: progress?.update ?? null, stopProgress: () => progress?.stop(), log: (line) => (opts.verbose ? console.error(line) : undefined), stop: new StopRequest(),
  });
}

/** `spikeworks resume DIR` of a run on worker threads: the workers restore the newest whole generation. */
async function resumeOnWorkers(folder: RunFolder, dirIn: string, opts: { json?: boolean; progress: boolean; checkpointEvery?: string }): Promise<void> {
  const m = folder.manifest;
  const prefix = join(folder.dir, 'checkpoint');
  const whole = wholeCheckpoint(prefix, m.workers!);
  if (!whole) throw new ParameterError('resume', 'folder', dirIn, `a folder with checkpoints that all ${m.workers} workers wrote at the same step (run with --checkpoint-every MS)`);
  if (!m.target) throw new ParameterError('resume', 'folder', dirIn, 'a folder whose run.json names the network it ran (target)');
  const { preset, plugins } = await loadTarget(m.target);
  const every = opts.checkpointEvery !== undefined ? checkpointEvery(opts.checkpointEvery, true) : (m.checkpoint?.every_steps ?? 0) * (m.params.dt as number) || null;
  const dt = m.params.dt as number;
  const progress = opts.progress && process.stderr.isTTY !== false ? progressBar(dt) : null;
  const stop = new StopRequest();
  folder.resumed(whole.timeMs);
  const cliOpts = { set: [], progress: opts.progress, format: m.spike_format, json: opts.json, workers: String(m.workers), out: folder.dir } as RunCliOptions;
  await runWithRanks(preset, plugins, m.overrides ?? {}, cliOpts, {
    folder, outName: dirIn, progress, stop, dt, tStopMs: m.t_stop_ms, say: opts.json ? console.error : console.log, target: m.target, checkpointEveryMs: every, resume: true,
  });
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('build and simulate a preset network, a spec file (.json) or a network module (.ts, .js), then print its summary')
    .argument('<network>', 'preset name (see `spikeworks list`), spec file or module')
    .option('--simtime <ms>', 'simulated time in ms')
    .option('--seed <n>', 'seed of every random stream')
    .option('--scale <x>', 'multiply the neuron counts')
    .option('--set <key=value>', 'override a preset parameter (repeatable)', collect, [])
    .option('--json', 'print the summary as one JSON object on stdout')
    .option('--out <dir>', 'output folder: run.json, spike files, log_0.dat, summary.json, statistics, SVG figures (default out/<network>-<seed>[-<parameters given>])')
    .addOption(new Option('--no-out', 'write no output folder'))
    .option('--force', 'replace an existing output folder')
    .addOption(new Option('--format <format>', 'spike files in the output folder: NEST ASCII, spikeworks binary or Arrow IPC').choices(SPIKE_FORMATS).default('ascii'))
    .option('--checkpoint-every <ms>', `write ${CHECKPOINT_FILE} into the output folder every <ms> of simulated time (spikeworks resume DIR goes on from it)`)
    .option('--verbose', 'also print the log lines, on stderr')
    .addOption(new Option('--no-progress', 'no progress bar'))
    .option('--workers <n>', 'run in n worker threads (implies --comm workers)')
    .addOption(new Option('--comm <backend>', 'communication backend; mpi: start with mpirun -np N').choices(COMM_CHOICES))
    .option('--worker-timeout <s>', 'with --workers: seconds a worker may take to reach the next slice before the run is ended (default 600)')
    .option('--spike-dir <dir>', 'with --comm mpi: also write each rank\'s own spikes there, one tab-separated file per rank')
    .action(runCommand);

  program
    .command('resume')
    .description('go on with an interrupted run from the checkpoint in its output folder (spikeworks run --checkpoint-every): the same spikes as a run never interrupted')
    .argument('<dir>', 'the output folder of the interrupted run')
    .option('--json', 'print the summary as one JSON object on stdout')
    .option('--checkpoint-every <ms>', `go on writing ${CHECKPOINT_FILE} every <ms> of simulated time`)
    .option('--verbose', 'also print the log lines, on stderr')
    .addOption(new Option('--no-progress', 'no progress bar'))
    .action(resumeCommand);
}

/** Seconds as 42s, 3m05s or 2h07m; '-' before there is an estimate. */
function clock(s: number): string {
  if (!Number.isFinite(s)) return '-';
  const r = Math.round(s);
  if (r < 60) return `${r}s`;
  if (r < 3600) return `${Math.floor(r / 60)}m${String(r % 60).padStart(2, '0')}s`;
  return `${Math.floor(r / 3600)}h${String(Math.floor((r % 3600) / 60)).padStart(2, '0')}m`;
}

/** A progress bar on stderr with the real-time factor so far; drawn at most every 100 ms, within 80 columns. */
function progressBar(dt: number): { update: (done: number, total: number) => void; stop: () => void; log: (line: string) => void } {
  const columns = process.stderr.columns || 80;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr, format: ' {bar} {percentage}% | {t}/{T} s | RTF {rtf} | ETA {left}', hideCursor: true, etaBuffer: 50,
      barsize: Math.max(10, Math.min(40, columns - 52)),
    },
    cliProgress.Presets.shades_classic,
  );
  let started = 0;
  let lastDraw = 0;
  const seconds = (steps: number) => (steps * dt * 1e-3).toFixed(1);
  return {
    update(done, total) {
      const t = performance.now();
      if (started === 0) {
        started = t;
        bar.start(total, 0, { rtf: '-', left: '-', t: seconds(0), T: seconds(total) });
      }
      if (t - lastDraw < 100 && done < total) return;
      lastDraw = t;
      const simulatedS = done * dt * 1e-3;
      const rtf = simulatedS > 0 ? ((t - started) / 1000 / simulatedS).toFixed(3) : '-';
      // Our own estimate: cli-progress prints a garbled ETA before it has a rate.
      const left = done > 0 ? ((t - started) / 1000 / done) * (total - done) : NaN;
      bar.update(done, { rtf, left: clock(left), t: seconds(done) });
    },
    stop() {
      if (started) bar.stop();
      started = 0;
    },
    log(line) {
      // Above the bar: clear its line, print, and let the next update draw it again.
      process.stderr.write(`\r\x1b[K${line}\n`);
      lastDraw = 0;
    },
  };
}
