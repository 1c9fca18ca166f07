import type { Command } from 'commander';
import { relative } from 'node:path';
import { writeRunOutput, writeStreamedRunOutput } from '../analysis/output.js';
import { writeFolderFigures } from '../analysis/folder.js';
import { compareFolders, type GroupComparison } from '../analysis/compare.js';
import type { Preset } from '../presets/preset.js';
import type { RunOutput } from '../presets/run.js';
import { SpikeworksError } from '../core/errors.js';

/** Write a finished run's output folder (spike files, log, summary, statistics, SVG figures). */
export async function writePresetOutput(dir: string, preset: Preset, result: RunOutput): Promise<string[]> {
  return writeRunOutput(dir, {
    preset: preset.name,
    title: preset.title,
    summary: result.summary,
    params: result.params,
    log: result.log,
    windowMs: result.windowMs,
    nodeCount: result.nodeCount,
    records: result.records,
    groups: result.groups.map((g) => ({
      label: g.group.label,
      fileLabel: g.group.fileLabel,
      recorderGid: g.group.recorder.gid,
      firstGid: g.firstGid,
      n: g.group.end - g.group.start,
      senders: g.senders,
      times: g.times,
      stats: g.stats,
    })),
  });
}

/**
 * Finish the output folder of a run that streamed its spike files into it: the other recorders' files,
 * summary.json, and the statistics and figures computed from the spike files.
 */
export async function writeStreamedOutput(dir: string, preset: Preset, result: RunOutput): Promise<string[]> {
  return writeStreamedRunOutput(dir, {
    preset: preset.name,
    title: preset.title,
    summary: result.summary,
    params: result.params,
    windowMs: result.windowMs,
    records: result.records,
    groups: result.groups.map((g) => ({ label: g.group.label, file: relative(dir, g.file!), first_gid: g.firstGid, n: g.group.end - g.group.start })),
  });
}

/** The figures and statistics of an interrupted run's folder, from the spike files written so far. */
export async function writeInterruptedFigures(dir: string): Promise<string[]> {
  return writeFolderFigures(dir, { allowIncomplete: true });
}

function fmtP(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  if (p === 0) return '< 1e-300';
  return p < 1e-4 ? p.toExponential(2) : p.toFixed(4);
}

export function printComparison(rows: GroupComparison[]): void {
  console.log('group      distribution  n_A      n_B      D        p          mean A      mean B');
  for (const r of rows) {
    const name = r.labelA === r.labelB ? r.labelA : `${r.labelA}/${r.labelB}`;
    const lines: [string, typeof r.rate, number, number, string][] = [
      ['rate (Hz)', r.rate, r.means.a.rate, r.means.b.rate, ''],
      ['ISI (ms)', r.isi, r.means.a.isi, r.means.b.isi, ''],
      ['CV-ISI', r.cv_isi, r.means.a.cv, r.means.b.cv, ''],
    ];
    for (const [what, ks, ma, mb] of lines) {
      console.log(
        `${name.padEnd(10)} ${what.padEnd(13)} ${String(ks.n).padEnd(8)} ${String(ks.m).padEnd(8)} ${ks.D.toFixed(4).padEnd(8)} ${fmtP(ks.p).padEnd(10)} ${ma.toFixed(3).padEnd(11)} ${mb.toFixed(3)}`,
      );
    }
  }
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new SpikeworksError(`--${name} expects a number (ms), got '${v}'`);
  return x;
}

/** `spikeworks compare A B`: two-sample K-S tests of the rate, ISI and CV-ISI distributions. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('two-sample Kolmogorov-Smirnov D and p of the rate, ISI and CV-ISI distributions between two output folders (or folders of NEST ASCII spike files)')
    .argument('<a>', 'output folder (spikeworks run --out) or folder of NEST spike files')
    .argument('<b>', 'the other folder')
    .option('--t-start <ms>', 'start of the window (exclusive) for both folders; default: each folder\'s measured window, or 0')
    .option('--t-stop <ms>', 'end of the window (inclusive); default: each folder\'s window, or the last spike')
    .option('--allow-incomplete', 'also compare a folder whose run.json says the run did not complete (interrupted, failed, still running): over the time it reached')
    .option('--json', 'print the comparison as JSON')
    .action((a: string, b: string, opts: { tStart?: string; tStop?: string; json?: boolean; allowIncomplete?: boolean }) => {
      const w = { tStart: num('t-start', opts.tStart), tStop: num('t-stop', opts.tStop), allowIncomplete: opts.allowIncomplete === true };
      let rows: GroupComparison[];
      try {
        rows = compareFolders(a, b, w, w);
      } catch (e) {
        if (e instanceof SpikeworksError) throw e;
        throw new SpikeworksError((e as Error).message);
      }
      if (!rows.length) throw new SpikeworksError(`no recorded groups to compare between ${a} and ${b}`);
      if (opts.json) process.stdout.write(JSON.stringify(rows) + '\n');
      else printComparison(rows);
    });
}
