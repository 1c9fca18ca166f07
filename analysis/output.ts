import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tableFileName, tableHeader } from '../plugins/recorders/tables.js';
import { nestAsciiFileName, writeNestAscii } from './spikefile.js';
import type { SpikeStatistics } from './spikestats.js';
import { writeFolderFigures } from './folder.js';

/** One recorded group as the output folder describes it (summary.json `groups`). */
export interface GroupInfo {
  label: string;
  file: string;
  first_gid: number;
  n: number;
}

/** What writeRunOutput needs from a run: kept structural so analysis/ does not depend on presets/. */
export interface RunOutputInput {
  preset: string;
  title: string;
  summary: Record<string, number | string>;
  params: Record<string, number | string>;
  log: string[];
  windowMs: [number, number];
  /** Number of nodes in the network (spike file names pad device ids to its digits). */
  nodeCount: number;
  groups: { label: string; fileLabel?: string; recorderGid: number; firstGid: number; n: number; senders: Int32Array; times: Float64Array; stats: SpikeStatistics }[];
  /** Every other recorder's events (multimeters, weight recorders): one tab-separated file each. */
  records?: { model: string; gid: number; columns: Record<string, ArrayLike<number>> }[];
}

export const OUTPUT_FILES = {
  summary: 'summary.json',
  log: 'log_0.dat',
  raster: 'raster.svg',
  rateHistogram: 'rate_histogram.svg',
  distributions: 'distributions.svg',
  distributionsJson: 'distributions.json',
} as const;

/**
 * Write the output folder of a run held in memory (worker and MPI runs): spike files in NEST's ASCII format
 * (one per recorded group), the log, the other recorders' files, summary.json, then the statistics and
 * figures computed from the spike files, as for a run that streamed them (writeFolderFigures).
 */
export async function writeRunOutput(dir: string, run: RunOutputInput): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    written.push(name);
  };
  const groups: GroupInfo[] = [];
  for (const g of run.groups) {
    const file = nestAsciiFileName(g.fileLabel ?? `spikes_${g.label}`, g.recorderGid, run.nodeCount);
    // Several groups may share a recorder, and so a file: write it once.
    if (!written.includes(file)) {
      writeNestAscii(join(dir, file), g.senders, g.times);
      written.push(file);
    }
    groups.push({ label: g.label, file, first_gid: g.firstGid, n: g.n });
  }
  writeRecords(run.records ?? [], put);
  put(OUTPUT_FILES.log, run.log.join('\n') + '\n');
  put(OUTPUT_FILES.summary, JSON.stringify({ ...run.summary, title: run.title, window_ms: run.windowMs, params: run.params, groups }, null, 2) + '\n');
  written.push(...(await writeFolderFigures(dir, { asComplete: true })));
  return written;
}

/** What a streamed run hands the folder writer: its spike files are already in the folder. */
export interface StreamedRunInput {
  preset: string;
  title: string;
  summary: Record<string, number | string>;
  params: Record<string, number | string>;
  windowMs: [number, number];
  groups: GroupInfo[];
  records?: RunOutputInput['records'];
}

/**
 * Finish the folder of a run whose recorders wrote their spike files into it: the other recorders' files,
 * summary.json, then the statistics and figures computed from the spike files (writeFolderFigures).
 */
export async function writeStreamedRunOutput(dir: string, run: StreamedRunInput): Promise<string[]> {
  const written: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    written.push(name);
  };
  writeRecords(run.records ?? [], put);
  put(OUTPUT_FILES.summary, JSON.stringify({ ...run.summary, title: run.title, window_ms: run.windowMs, params: run.params, groups: run.groups }, null, 2) + '\n');
  // The manifest still says running: the spike files are complete, the run is being finished.
  written.push(...(await writeFolderFigures(dir, { asComplete: true })));
  return written;
}

function writeRecords(records: NonNullable<RunOutputInput['records']>, put: (name: string, text: string) => void): void {
  for (const r of records) {
    const names = Object.keys(r.columns);
    const rows = names.length ? r.columns[names[0]].length : 0;
    // Shortest round-trip decimals: the file holds the exact values, whatever the rank count.
    let text = tableHeader(r.model, r.gid, names);
    for (let i = 0; i < rows; i++) text += names.map((n) => String(r.columns[n][i])).join('\t') + '\n';
    put(basename(tableFileName('', r.model, r.gid, 0, 1)), text);
  }
}


export { loadOutputFolder, type LoadedGroup, type LoadOptions } from './folder.js';
