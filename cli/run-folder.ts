import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, statfsSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ParameterError, SpikeworksError } from '../core/errors.js';
import { peakRssMiB } from '../analysis/memory.js';

/** What a run's manifest says of it: `running` from the start, then how it ended. */
export type RunStatus = 'running' | 'complete' | 'interrupted' | 'failed';

/** run.json: written before the network is built, rewritten as the run advances and when it ends. */
export interface RunManifest {
  format: 'spikeworks-run';
  version: 1;
  status: RunStatus;
  network: string;
  /** What `spikeworks run` was given: a preset name, or the absolute path of a spec file or module. */
  target?: string;
  /** The parameters given on the command line (--set, --simtime, --seed, --scale), as given. */
  overrides?: Record<string, unknown>;
  params: Record<string, number | string>;
  command: string[];
  started: string;
  finished: string | null;
  /** Simulated time reached (ms), presimulation included. */
  t_ms: number;
  /** Simulated time the run was asked for (ms), presimulation included. */
  t_stop_ms: number;
  signal: string | null;
  error: string | null;
  spike_format: SpikeFormat;
  /** Files of the folder, relative to it, as they are written. */
  files: string[];
  /** The process writing the folder (a resume refuses a folder whose run is still going). */
  pid?: number;
  /** When and from which simulated time the run was resumed (spikeworks resume). */
  resumed?: { at: string; t_ms: number }[];
  /** Peak resident memory of the process when the run ended (MiB). */
  peak_rss_mib?: number;
  /** The recorded groups and their spike files (as summary.json lists them), known once the network is built. */
  groups?: { label: string; file: string; first_gid: number; n: number }[];
  /** The checkpoint to resume from, when the run wrote one. */
  checkpoint?: { file: string; t_ms: number; every_steps?: number } | null;
  /** Worker threads the run used (spikeworks resume restarts as many). */
  workers?: number;
  /** MPI ranks the run used (resume it under mpirun with as many). */
  mpi_ranks?: number;
}

export const MANIFEST_FILE = 'run.json';
export const SPIKE_FORMATS = ['ascii', 'binary', 'arrow'] as const;
export type SpikeFormat = (typeof SPIKE_FORMATS)[number];

// statfs magic numbers of kernel filesystems that are not storage (linux/magic.h).
const SPECIAL_FS: Record<number, string> = {
  0x9fa0: 'proc', 0x62656572: 'sysfs', 0x1cd1: 'devpts', 0x27e0eb: 'cgroup', 0x63677270: 'cgroup2',
  0x64626720: 'debugfs', 0x73636673: 'securityfs', 0x74726163: 'tracefs', 0x6e736673: 'nsfs', 0xcafe4a11: 'bpf',
};

/** Whether a process of this machine is alive (signal 0 checks, sends nothing). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function nearestExisting(path: string): string {
  let p = path;
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  return p;
}

/**
 * Check an output folder before anything is built: a non-empty path, not a file, not on a kernel filesystem
 * (/proc, /sys, /dev), inside a writable folder; an existing folder that holds files is refused unless
 * `replace` (--force, or a default folder of the same network and parameters).
 */
export function checkOutputFolder(dirIn: string, replace: boolean): string {
  const where = 'run';
  if (typeof dirIn !== 'string' || dirIn.trim() === '') throw new ParameterError(where, '--out', dirIn, 'a folder path (or --no-out)');
  const dir = resolve(dirIn);
  const base = nearestExisting(dir);
  let st;
  try {
    st = statSync(base);
  } catch (e) {
    throw new ParameterError(where, '--out', dirIn, `a folder that can be created (${(e as Error).message})`);
  }
  if (base === dir && !st.isDirectory()) throw new ParameterError(where, '--out', dirIn, 'a folder; this path is an existing file');
  if (!st.isDirectory()) throw new ParameterError(where, '--out', dirIn, `a folder path; ${base} is a file, not a folder`);
  if (/^\/(proc|sys|dev)(\/|$)/.test(dir)) throw new ParameterError(where, '--out', dirIn, 'a folder on a storage filesystem, not under /proc, /sys or /dev');
  try {
    const fs = SPECIAL_FS[statfsSync(base).type];
    if (fs) throw new ParameterError(where, '--out', dirIn, `a folder on a storage filesystem (${base} is on ${fs})`);
  } catch (e) {
    if (e instanceof SpikeworksError) throw e;
  }
  if (base === dir) {
    const entries = readdirSync(dir);
    if (entries.length && !replace) {
      let what = `${entries.length} files`;
      try {
        const m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as RunManifest;
        what = `a run of ${m.network} (${m.status})`;
      } catch { /* not a spikeworks folder, or no manifest */ }
      throw new ParameterError(where, '--out', dirIn, `a new or empty folder; it holds ${what} (pass --force to replace it)`);
    }
  }
  return dir;
}

/** The default folder name: the network, its seed and every parameter given on the command line. */
export function defaultFolderName(network: string, seed: number | string, given: Record<string, unknown>): string {
  const parts = Object.keys(given).filter((k) => k !== 'seed').sort().map((k) => `${k}${String(given[k])}`.replace(/[^A-Za-z0-9.+_-]/g, '_'));
  let name = [network.replace(/[^A-Za-z0-9._-]/g, '_'), String(seed), ...parts].join('-');
  if (name.length > 120) name = name.slice(0, 120);
  return join('out', name);
}

/** Is this default folder a previous run of the same network with the same parameters (so it may be replaced)? */
export function sameRun(dir: string, network: string, params: Record<string, number | string>): boolean {
  try {
    const m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as RunManifest;
    return m.network === network && JSON.stringify(m.params) === JSON.stringify(params);
  } catch {
    return false;
  }
}

/**
 * A run's output folder: created with its manifest before the build, the log appended line by line, the
 * manifest rewritten (atomically) as the run advances and when it ends.
 */
export class RunFolder {
  readonly manifest: RunManifest;
  private logFd = -1;
  private lastWrite = 0;

  constructor(
    readonly dir: string,
    init: { network: string; params: Record<string, number | string>; tStopMs: number; format: SpikeFormat; command: string[]; target?: string; overrides?: Record<string, unknown>; mpiRanks?: number } | RunManifest,
    replace: boolean,
  ) {
    if ('format' in init && init.format === 'spikeworks-run') {
      // Reopened (resume): the folder and its manifest are there.
      this.manifest = init;
      return;
    }
    const fresh = init as Exclude<typeof init, RunManifest>;
    if (replace && existsSync(dir)) for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new ParameterError('run', '--out', dir, `a folder that can be created (${(e as Error).message})`);
    }
    this.manifest = {
      format: 'spikeworks-run', version: 1, status: 'running', network: fresh.network, target: fresh.target, overrides: fresh.overrides, params: fresh.params,
      command: fresh.command, started: new Date().toISOString(), finished: null, t_ms: 0, t_stop_ms: fresh.tStopMs, signal: null, error: null,
      spike_format: fresh.format as SpikeFormat, files: [MANIFEST_FILE], checkpoint: null, pid: process.pid,
    };
    // In the first write: a reader polling for the manifest must not see an MPI run's without its rank count.
    if (fresh.mpiRanks !== undefined) this.manifest.mpi_ranks = fresh.mpiRanks;
    this.write();
  }

  /** An existing run's folder, to resume it: refused unless its manifest says it did not complete. */
  static reopen(dirIn: string): RunFolder {
    const dir = resolve(dirIn);
    let m: RunManifest;
    try {
      m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as RunManifest;
    } catch (e) {
      throw new ParameterError('resume', 'folder', dirIn, `an output folder with its ${MANIFEST_FILE} (${(e as Error).message})`);
    }
    if (m.format !== 'spikeworks-run' || m.version !== 1) throw new ParameterError('resume', 'folder', dirIn, `a folder whose ${MANIFEST_FILE} is a spikeworks run manifest, version 1`);
    if (m.status === 'complete') throw new ParameterError('resume', 'folder', dirIn, 'a run that did not complete (this one did: nothing to resume)');
    if (m.status === 'running' && m.pid !== undefined && alive(m.pid)) {
      throw new ParameterError('resume', 'folder', dirIn, `a run that has ended (process ${m.pid} is still writing this one)`);
    }
    return new RunFolder(dir, m, false);
  }

  /** Replace log_0.dat with these lines (a resumed run's log up to its checkpoint). */
  rewriteLog(lines: readonly string[]): void {
    if (this.logFd >= 0) closeSync(this.logFd);
    this.logFd = openSync(join(this.dir, 'log_0.dat'), 'w');
    this.addFile('log_0.dat');
    for (const l of lines) writeSync(this.logFd, l + '\n');
  }

  /** The run goes on from a checkpoint: running again, from that time. */
  resumed(tMs: number): void {
    Object.assign(this.manifest, { status: 'running', finished: null, signal: null, error: null, t_ms: tMs, pid: process.pid });
    this.manifest.resumed = [...(this.manifest.resumed ?? []), { at: new Date().toISOString(), t_ms: tMs }];
    this.write();
  }

  /** Record a file of the folder in the manifest (written with the next update). */
  addFile(name: string): void {
    if (!this.manifest.files.includes(name)) this.manifest.files.push(name);
  }

  /** Append one line to log_0.dat (opened on the first line). */
  log(line: string): void {
    if (this.logFd < 0) {
      this.logFd = openSync(join(this.dir, 'log_0.dat'), 'a');
      this.addFile('log_0.dat');
    }
    writeSync(this.logFd, line + '\n');
  }

  /** The simulated time reached; the manifest is rewritten at most once a second. */
  progress(tMs: number): void {
    this.manifest.t_ms = tMs;
    const now = performance.now();
    if (now - this.lastWrite >= 1000) this.write();
  }

  /** End the run's record: complete, interrupted (by a signal) or failed (with its error). */
  finish(status: Exclude<RunStatus, 'running'>, detail: { signal?: string; error?: string; tMs?: number } = {}): void {
    this.manifest.status = status;
    this.manifest.finished = new Date().toISOString();
    if (detail.tMs !== undefined) this.manifest.t_ms = detail.tMs;
    this.manifest.signal = detail.signal ?? null;
    this.manifest.error = detail.error ?? null;
    this.manifest.peak_rss_mib = Math.round(peakRssMiB());
    if (this.logFd >= 0) {
      closeSync(this.logFd);
      this.logFd = -1;
    }
    this.write();
  }

  /** Write run.json through a temporary file and a rename: a reader never sees half a manifest. */
  write(): void {
    this.lastWrite = performance.now();
    const tmp = join(this.dir, `.${MANIFEST_FILE}.tmp`);
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(this.manifest, null, 2) + '\n');
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.dir, MANIFEST_FILE));
  }
}
