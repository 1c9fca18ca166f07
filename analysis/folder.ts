import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SpikeworksError } from '../core/errors.js';
import { readColumnFileChunks, readSpikeFileChunks } from './spikefile.js';
import {
  SpikeStatsAccumulator,
  asSpikeStatistics,
  histogram,
  streamGroupStatistics,
  type SpikeStatistics,
  type StreamedStatistics,
} from './spikestats.js';
import { distributionSpec, rasterSpec, rasterSubtitle, rateHistogramSpec, renderSvg, vmSpec, type RasterPopulation, type Trace } from './plots.js';

export { streamGroupStatistics, type StreamedStatistics } from './spikestats.js';

/** The manifest of an output folder, written when the run starts and finished when it ends. */
export const RUN_MANIFEST = 'run.json';
export const SUMMARY_FILE = 'summary.json';

export type RunStatus = 'running' | 'complete' | 'interrupted' | 'failed';
const STATUSES: readonly RunStatus[] = ['running', 'complete', 'interrupted', 'failed'];

export interface RunManifest {
  format: 'spikeworks-run';
  version: number;
  status: RunStatus;
  network?: string;
  params?: Record<string, unknown>;
  started?: string;
  finished?: string | null;
  t_ms?: number | null;
  t_stop_ms?: number | null;
  signal?: string | null;
  error?: string | null;
  spike_format?: 'ascii' | 'binary' | 'arrow';
  files?: string[];
  /** Optional: the recorded groups (as summary.json lists them), so an interrupted folder knows its silent neurons. */
  groups?: FolderGroupInfo[];
}

/** One recorded group as summary.json (`groups`) describes it. */
export interface FolderGroupInfo {
  label: string;
  file?: string;
  /** Several files of one group (one per virtual process). */
  files?: string[];
  first_gid: number;
  n: number;
}

interface FolderSummary {
  window_ms?: [number, number];
  groups?: FolderGroupInfo[];
  title?: string;
  preset?: string;
  seed?: number | string;
  [k: string]: unknown;
}

/** A recorded group of a folder: its spike files and neurons (null: the senders found in the files). */
export interface FolderGroup {
  label: string;
  files: string[];
  gids: Int32Array | null;
}

/** What an output folder holds, as the loader and writeFolderFigures read it. */
export interface OutputFolder {
  dir: string;
  /** 'spikeworks': summary.json, run.json or spikeworks-named files; 'nest': a folder of NEST spike files. */
  kind: 'spikeworks' | 'nest';
  manifest: RunManifest | null;
  summary: FolderSummary | null;
  /** run.json's status; 'unknown' without run.json. */
  status: RunStatus | 'unknown';
  /** The window (t0, t1] in ms; t1 = Infinity where the folder does not say (NEST files: the last spike, rounded up). */
  window: [number, number];
  groups: FolderGroup[];
  /** Multimeter files (multimeter-<gid>.tsv, NEST ASCII files with value columns such as V_m). */
  multimeters: string[];
}

/** A loaded output folder: per group, the statistics recomputed from its spike files. */
export interface LoadedGroup {
  label: string;
  stats: SpikeStatistics;
  source: string;
  /** run.json's status of the folder ('unknown' without run.json, e.g. NEST files). */
  status?: RunStatus | 'unknown';
  /** Bytes of partial last records left out of an incomplete run's spike files (allowIncomplete). */
  droppedBytes?: number;
}

export interface LoadOptions {
  /** Window (ms): default summary.json's window; (0, t_ms] of run.json for a run without summary; (0, last spike rounded up to 1 ms] for NEST files. */
  tStart?: number;
  tStop?: number;
  /**
   * Accept a spikeworks folder whose run.json is missing or not `complete` (an interrupted run); its spike
   * files may then end in a partial record (a run killed mid-write), which is left out.
   */
  allowIncomplete?: boolean;
  /** Read size of the spike files (default 1 MiB). */
  chunkBytes?: number;
  /**
   * The caller vouches that the run completed although run.json does not say so yet: the run's own output
   * writer, which finishes run.json after its figures. The folder is then read as a complete one.
   */
  asComplete?: boolean;
}

const SPIKE_EXT = /\.(dat|gdf|bin|arrow)$/;

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SpikeworksError(`${path}: cannot read ${what}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SpikeworksError(`${path}: ${what} is not valid JSON (${(e as Error).message}); was the run killed while writing it?`);
  }
}

/** run.json of a folder, checked; null when there is none. */
export function readRunManifest(dir: string): RunManifest | null {
  const path = join(dir, RUN_MANIFEST);
  if (!existsSync(path)) return null;
  const m = readJson(path, 'the run manifest') as Partial<RunManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== 'spikeworks-run') throw new SpikeworksError(`${path}: not a spikeworks run manifest (format ${JSON.stringify((m as { format?: unknown } | null)?.format)}, expected "spikeworks-run")`);
  if (typeof m.version !== 'number' || m.version > 1) throw new SpikeworksError(`${path}: run manifest version ${m.version}; this spikeworks reads version 1`);
  if (!STATUSES.includes(m.status as RunStatus)) throw new SpikeworksError(`${path}: status ${JSON.stringify(m.status)} is not one of ${STATUSES.join(', ')}`);
  return m as RunManifest;
}

function fmtT(t: number | null | undefined): string {
  return typeof t === 'number' && Number.isFinite(t) ? String(Math.round(t * 1000) / 1000) : '?';
}

/** The refusal of an incomplete folder, e.g. "run.json says interrupted at t = 1234.5 ms of 10000 ms". */
function incompleteMessage(dir: string, m: RunManifest | null, purpose: string): string {
  const how = `pass --allow-incomplete (allowIncomplete: true) to ${purpose} anyway`;
  if (!m) {
    return `${dir}: a spikeworks output folder without ${RUN_MANIFEST}: cannot tell whether its run completed (written by a spikeworks before run manifests, or killed before it started); ${how}`;
  }
  let s = `${dir}: ${RUN_MANIFEST} says ${m.status} at t = ${fmtT(m.t_ms)} ms of ${fmtT(m.t_stop_ms)} ms`;
  if (m.signal) s += ` (${m.signal})`;
  if (m.error) s += ` (error: ${m.error})`;
  if (m.status === 'running') s += ' (the run is still going, or was killed without finishing its manifest)';
  return `${s}; ${how}`;
}

/** The column line of a text file (first non-comment line, split), or null for binary / empty files. */
function peekColumns(path: string): string[] | null {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const n = readSync(fd, buf, 0, buf.length, 0);
    if (n === 0) return null;
    if (buf.subarray(0, 8).toString('latin1') === 'SPKWSPK1' || buf[0] === 0xff || buf.subarray(0, 6).toString('latin1') === 'ARROW1') return null;
    for (const line of buf.toString('latin1', 0, n).split('\n')) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      return t.split(/\s+/);
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** A text recorder file with value columns (a multimeter's or weight recorder's), not a spike file. */
function isValueFile(path: string): boolean {
  const cols = peekColumns(path);
  return !!cols && (cols[0] === 'sender' || cols[0] === 'senders') && cols.length > 2;
}

function labelOf(file: string, spikeworks: boolean): string {
  const l = basename(file).replace(/(-\d+)?-\d+\.(dat|gdf|bin|arrow)$/, '').replace(SPIKE_EXT, '');
  return spikeworks ? l.replace(/^spikes_/, '') : l;
}

function groupsFromFiles(dir: string, names: string[], spikeworks: boolean): FolderGroup[] {
  const byLabel = new Map<string, FolderGroup>();
  for (const f of names) {
    const label = labelOf(f, spikeworks);
    const g = byLabel.get(label) ?? { label, files: [], gids: null };
    g.files.push(join(dir, f));
    byLabel.set(label, g);
  }
  return [...byLabel.values()];
}

/** Largest element (no spread: arrays of 100 000 neurons would overflow the call stack). */
function maxOf(x: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > m) m = x[i];
  return m;
}

function rangeGids(first: number, n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, k) => first + k);
}

/**
 * Read what an output folder holds and which window to use, refusing (SpikeworksError) a spikeworks folder
 * whose run.json is missing or not `complete` unless `allowIncomplete`, and an empty window. The window:
 * tStart/tStop, else summary.json's, else (0, t_ms] of run.json, else (0, Infinity) for NEST files (the
 * last spike, rounded up, once read).
 */
export function describeOutputFolder(dir: string, opts: LoadOptions & { purpose?: string } = {}): OutputFolder {
  if (!existsSync(dir)) throw new SpikeworksError(`no such folder: ${dir}`);
  if (!statSync(dir).isDirectory()) throw new SpikeworksError(`${dir}: not a folder`);
  const purpose = opts.purpose ?? 'compare it';
  const names = readdirSync(dir).sort();
  const manifest = readRunManifest(dir);
  const summaryPath = join(dir, SUMMARY_FILE);
  const summary = existsSync(summaryPath) ? (readJson(summaryPath, 'summary.json') as FolderSummary) : null;
  const spikeworks =
    !!manifest || !!summary || names.some((f) => /^spikes_.*\.(dat|bin|arrow)$/.test(f) || f === 'distributions.json' || /^stats_.*\.csv$/.test(f));
  const multimeters = names.filter((f) => /^multimeter-.*\.(tsv|dat)$/.test(f) || (f.endsWith('.dat') && !f.startsWith('log_') && isValueFile(join(dir, f)))).map((f) => join(dir, f));
  const status: RunStatus | 'unknown' = opts.asComplete ? 'complete' : (manifest?.status ?? 'unknown');
  const complete = status === 'complete';
  if (spikeworks && !complete && !opts.allowIncomplete) throw new SpikeworksError(incompleteMessage(dir, manifest, purpose));

  let groups: FolderGroup[];
  const listed = summary?.groups ?? manifest?.groups;
  if (listed && listed.length) {
    groups = listed.map((g) => {
      const files = (g.files ?? (g.file ? [g.file] : [])).map((f) => join(dir, f));
      if (!files.length) throw new SpikeworksError(`${dir}: group ${g.label} names no spike file`);
      for (const f of files) if (!existsSync(f)) throw new SpikeworksError(`${dir}: ${summary?.groups ? SUMMARY_FILE : RUN_MANIFEST} names the spike file ${basename(f)} of group ${g.label}, which is missing`);
      return { label: g.label, files, gids: rangeGids(g.first_gid, g.n) };
    });
  } else if (manifest?.files?.length) {
    const spikeFiles = manifest.files.filter((f) => isSpikeFileName(f) && !isValueFileSafe(join(dir, f)));
    for (const f of spikeFiles) if (!existsSync(join(dir, f))) throw new SpikeworksError(`${dir}: ${RUN_MANIFEST} names the spike file ${f}, which is missing`);
    groups = groupsFromFiles(dir, spikeFiles, true);
  } else {
    const spikeFiles = names.filter((f) => isSpikeFileName(f) && statSync(join(dir, f)).isFile() && !isValueFile(join(dir, f)));
    groups = groupsFromFiles(dir, spikeFiles, spikeworks);
  }
  if (!groups.length) {
    throw new SpikeworksError(spikeworks ? `${dir}: no spike files (neither summary.json's groups nor run.json's files name any)` : `${dir}: neither summary.json nor spike files (*.dat, *.gdf, *.bin, *.arrow)`);
  }

  const tMs = manifest?.t_ms;
  let t0 = 0;
  let t1 = Infinity;
  if (summary?.window_ms) [t0, t1] = summary.window_ms;
  else if (typeof tMs === 'number' && Number.isFinite(tMs) && tMs >= 0) t1 = tMs;
  if (opts.tStart !== undefined) t0 = opts.tStart;
  if (opts.tStop !== undefined) t1 = opts.tStop;
  // summary.json is written once the simulation is over: its window was simulated whatever run.json says.
  if (!complete && !summary && manifest && typeof tMs === 'number' && Number.isFinite(tMs) && t1 > tMs + 1e-9 && t1 !== Infinity) {
    throw new SpikeworksError(`${dir}: the window (${fmtT(t0)}, ${fmtT(t1)}] ms ends after the run stopped (${RUN_MANIFEST}: ${status} at t = ${fmtT(tMs)} ms): its rates would count time that was not simulated`);
  }
  if (!(t1 > t0)) {
    const why = !complete && manifest && tMs === t1 ? `${RUN_MANIFEST} says ${status} at t = ${fmtT(tMs)} ms: nothing to read before it` : 't_stop must be after t_start';
    throw new SpikeworksError(`${dir}: empty window (${fmtT(t0)}, ${fmtT(t1)}] ms: ${why}`);
  }
  return { dir, kind: spikeworks ? 'spikeworks' : 'nest', manifest, summary, status, window: [t0, t1], groups, multimeters };
}

/** Names a spike file may have: not the log, not a multimeter's or weight recorder's file. */
function isSpikeFileName(f: string): boolean {
  return SPIKE_EXT.test(f) && !/^log_\d*\.dat$/.test(f) && !/^(multimeter|weight_recorder)-/.test(f);
}

function isValueFileSafe(path: string): boolean {
  return existsSync(path) && isValueFile(path);
}

/** A run that did not complete may leave a partial last record; a complete run's truncated file is corrupt. */
function dropTail(folder: OutputFolder, opts: LoadOptions): boolean {
  return !!opts.allowIncomplete && folder.status !== 'complete';
}

/**
 * Load an output folder written by spikeworks (summary.json names every group, its neurons and the window;
 * run.json says whether the run completed) or a folder of NEST spike files (`*.dat`, `*.gdf`; the neurons
 * are those that spiked, the group label is the file name before `-<gid>-<vp>`). Spike files are read
 * strictly and streamed (any of the ASCII, binary and Arrow formats); the pooled ISIs are kept for the K-S
 * tests. A spikeworks folder whose run is not complete is refused unless `allowIncomplete`.
 */
export function loadOutputFolder(dir: string, opts: LoadOptions = {}): LoadedGroup[] {
  const folder = describeOutputFolder(dir, opts);
  const [t0, t1] = folder.window;
  const dropTruncatedEnd = dropTail(folder, opts);
  return folder.groups.map((g) => {
    const stats = streamGroupStatistics(g.files, g.gids, t0, t1, { keepIsis: true, chunkBytes: opts.chunkBytes, dropTruncatedEnd });
    const out: LoadedGroup = { label: g.label, stats: asSpikeStatistics(stats), source: g.files.join(', '), status: folder.status };
    if (stats.droppedBytes) out.droppedBytes = stats.droppedBytes;
    return out;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Figures of a folder, streamed from its files.
// ---------------------------------------------------------------------------------------------------------

export interface FigureOptions extends LoadOptions {
  /** Neurons in the raster, over all groups (each group gets its share); default 500. */
  rasterNeurons?: number;
  /** Time span of the raster and of the V_m plot: the last `rasterMs` ms of the window; default 1000. */
  rasterMs?: number;
  /** Bin of the raster's population-rate panel (ms); default 5 (nest.raster_plot). */
  binMs?: number;
  /** Neurons in the V_m plot; default 5. */
  vmNeurons?: number;
  /** Title of the figures; default summary.json's title, else the network name, else the folder name. */
  title?: string;
}

export const FIGURE_FILES = {
  raster: 'raster.svg',
  rateHistogram: 'rate_histogram.svg',
  distributions: 'distributions.svg',
  distributionsJson: 'distributions.json',
  vm: 'vm.svg',
} as const;

/** Spikes of the raster's neurons within its time span, kept while the files stream by. */
class RasterCollector {
  senders: number[] = [];
  times: number[] = [];
  constructor(
    private readonly keep: (gid: number) => boolean,
    private readonly t0: number,
    private readonly t1: number,
  ) {}
  add(s: ArrayLike<number>, t: ArrayLike<number>, n: number): void {
    for (let i = 0; i < n; i++) {
      const ti = t[i];
      if (ti > this.t0 && ti <= this.t1 && this.keep(s[i])) {
        this.senders.push(s[i]);
        this.times.push(ti);
      }
    }
  }
}

interface GroupResult {
  label: string;
  stats: StreamedStatistics;
  raster: RasterCollector | null;
  show: number;
}

/**
 * Write the figures and per-neuron statistics of an output folder from its files, for any output folder
 * (a preset's, a user script's with a manifest, or a folder of NEST spike files): raster.svg (raster of
 * the first neurons over the last second, with the population rate under it), rate_histogram.svg,
 * distributions.svg (rate, log-binned ISI, CV-ISI), distributions.json, vm.svg when a multimeter file is
 * there, and stats_<label>.csv per group. The spike files are streamed chunk by chunk: memory is O(neurons)
 * plus the raster's spikes. An incomplete run's folder needs `allowIncomplete`. Returns the file names.
 */
export async function writeFolderFigures(dir: string, opts: FigureOptions = {}): Promise<string[]> {
  const folder = describeOutputFolder(dir, { ...opts, purpose: 'plot it' });
  const [t0, t1Given] = folder.window;
  const rasterMs = opts.rasterMs ?? 1000;
  const budget = opts.rasterNeurons ?? 500;
  const chunkBytes = opts.chunkBytes;
  const dropTruncatedEnd = dropTail(folder, opts);
  const known = folder.groups.every((g) => g.gids !== null) && t1Given !== Infinity;
  const totalKnown = folder.groups.reduce((a, g) => a + (g.gids?.length ?? 0), 0);
  const shareOf = (n: number, total: number) => Math.max(1, Math.min(n, Math.round((budget * n) / Math.max(1, total))));

  // Pass 1: statistics (with the raster's spikes when the neurons and the window are known up front).
  const results: GroupResult[] = folder.groups.map((g) => {
    let raster: RasterCollector | null = null;
    let show = 0;
    if (known) {
      show = shareOf(g.gids!.length, totalKnown);
      const first = g.gids![0];
      raster = new RasterCollector((s) => s - first >= 0 && s - first < show, Math.max(t0, t1Given - rasterMs), t1Given);
    }
    const acc = new SpikeStatsAccumulator(g.gids, t0, t1Given);
    for (const f of g.files) {
      readSpikeFileChunks(
        f,
        (c) => {
          acc.add(c.senders, c.times, c.count);
          raster?.add(c.senders, c.times, c.count);
        },
        { chunkBytes, dropTruncatedEnd },
      );
    }
    const tEnd = t1Given === Infinity ? (Number.isNaN(acc.lastSpikeMs) ? 0 : Math.ceil(acc.lastSpikeMs)) : t1Given;
    // Out of time order for some neuron: the sorted second pass of streamGroupStatistics.
    const stats = acc.sorted ? acc.finish(tEnd) : streamGroupStatistics(g.files, g.gids, t0, t1Given, { chunkBytes, dropTruncatedEnd });
    return { label: g.label, stats, raster, show };
  });
  const t1 = known ? t1Given : Math.max(...results.map((r) => r.stats.windowMs[1]));
  if (!(t1 > t0)) throw new SpikeworksError(`${dir}: empty window (${fmtT(t0)}, ${fmtT(t1)}] ms: no spikes to plot`);
  const rasterT0 = Math.max(t0, t1 - rasterMs);
  if (!known) {
    // Pass 2: the raster's spikes, now that the neurons (those that spiked) and the window are known.
    const total = results.reduce((a, r) => a + r.stats.gids.length, 0);
    results.forEach((r, i) => {
      r.show = r.stats.gids.length ? shareOf(r.stats.gids.length, total) : 0;
      const shown = new Set(Array.from(r.stats.gids.subarray(0, r.show)));
      r.raster = new RasterCollector((s) => shown.has(s), rasterT0, t1);
      for (const f of folder.groups[i].files) readSpikeFileChunks(f, (c) => r.raster!.add(c.senders, c.times, c.count), { chunkBytes, dropTruncatedEnd });
    });
  }

  const written: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    written.push(name);
  };
  for (const r of results) {
    const s = r.stats;
    let csv = 'gid,n_spikes,rate_hz,cv_isi\n';
    for (let k = 0; k < s.gids.length; k++) csv += `${s.gids[k]},${s.counts[k]},${s.rates[k]},${Number.isNaN(s.cvPerNeuron[k]) ? '' : s.cvPerNeuron[k]}\n`;
    put(`stats_${r.label}.csv`, csv);
  }

  const sm = folder.summary;
  const network = (sm?.preset as string | undefined) ?? folder.manifest?.network ?? basename(dir);
  const seed = sm?.seed ?? (folder.manifest?.params?.seed as number | string | undefined);
  const title = opts.title ?? sm?.title ?? network;
  const state = folder.status === 'complete' || folder.status === 'unknown' ? null : `${folder.status} at t = ${fmtT(folder.manifest?.t_ms)} of ${fmtT(folder.manifest?.t_stop_ms)} ms`;
  const seedPart = seed !== undefined ? `seed ${seed}` : null;
  const sub = [network, seedPart, state].filter(Boolean).join(', ');
  const distSub = [seedPart, state].filter(Boolean).join(', ');

  const dists: Record<string, unknown> = {};
  for (const r of results) {
    const s = r.stats;
    const maxRate = Math.max(1, maxOf(s.rates));
    const maxCv = s.cvs.length ? Math.max(0.1, maxOf(s.cvs)) : 1;
    dists[r.label] = {
      neurons: s.gids.length,
      window_ms: s.windowMs,
      rate_mean_hz: s.rateMean,
      isi_mean_ms: s.isiMean,
      cv_isi_mean: s.cvMean,
      isi_count: s.isiCount,
      cv_count: s.cvs.length,
      rate_hist: histogram(s.rates, 50, 0, maxRate),
      isi_log_hist: s.isiHistogram,
      cv_hist: histogram(s.cvs, 50, 0, maxCv),
    };
  }
  put(FIGURE_FILES.distributionsJson, JSON.stringify(dists) + '\n');

  const pops: RasterPopulation[] = results.map((r) => ({
    label: r.label,
    senders: r.raster!.senders,
    times: r.raster!.times,
    firstGid: r.stats.gids[0] ?? 0,
    show: r.show,
    n: r.stats.gids.length,
    gids: r.stats.gids,
  }));
  const who = rasterSubtitle(pops, rasterT0, t1) + (folder.kind === 'nest' ? ' (neurons that spiked)' : '');
  put(FIGURE_FILES.raster, await renderSvg(rasterSpec(`${title} — spike raster (${sub})`, pops, rasterT0, t1, 60000, { subtitle: who, binMs: opts.binMs })));
  put(FIGURE_FILES.rateHistogram, await renderSvg(rateHistogramSpec(`${title} — firing rates (${sub})`, results.map((r) => ({ label: r.label, rates: r.stats.rates })))));
  put(
    FIGURE_FILES.distributions,
    await renderSvg(
      distributionSpec(
        `${network}: rate, ISI and CV-ISI distributions${distSub ? ` (${distSub})` : ''}`,
        results.map((r) => ({ label: r.label, rates: r.stats.rates, isiHist: r.stats.isiHistogram, cvs: r.stats.cvs })),
      ),
    ),
  );
  if (folder.multimeters.length) {
    const traces = readTraces(folder.multimeters, opts.vmNeurons ?? 5, t1, rasterMs, { chunkBytes, dropTruncatedEnd });
    if (traces.traces.length) {
      const [a, b] = traces.span;
      put(
        FIGURE_FILES.vm,
        await renderSvg(
          vmSpec(`${title} — membrane potential (${sub})`, traces.traces, {
            t0: a,
            t1: b,
            yTitle: traces.column === 'V_m' ? 'membrane potential V_m (mV)' : traces.column,
            subtitle: `${traces.traces.length} neurons (${traces.traces.map((t) => t.label).join(', ')}), last ${fmtT(b - a)} ms (${fmtT(a)}–${fmtT(b)} ms), ${basename(traces.file)}`,
          }),
        ),
      );
    }
  }
  return written;
}

/**
 * The traces of the first `count` senders of the first multimeter file that has them, streamed: only their
 * samples of the last `spanMs` before `tMax` are kept (older ones are dropped as the file goes by).
 */
function readTraces(files: string[], count: number, tMax: number, spanMs: number, readOpts: { chunkBytes?: number; dropTruncatedEnd?: boolean }): { traces: Trace[]; span: [number, number]; column: string; file: string } {
  for (const file of files) {
    const bySender = new Map<number, { t: number[]; v: number[] }>();
    let column = '';
    let latest = -Infinity;
    readColumnFileChunks(
      file,
      (c) => {
        const si = c.names.findIndex((n) => n === 'sender' || n === 'senders');
        const ti = c.names.findIndex((n) => n === 'time_ms' || n === 'times');
        if (si < 0 || ti < 0) return;
        let vi = c.names.indexOf('V_m');
        if (vi < 0) vi = c.names.findIndex((_, k) => k !== si && k !== ti);
        if (vi < 0) return;
        column = c.names[vi];
        const S = c.columns[si];
        const T = c.columns[ti];
        const V = c.columns[vi];
        for (let i = 0; i < c.count; i++) {
          const t = T[i];
          if (t > tMax) continue;
          let tr = bySender.get(S[i]);
          if (!tr) {
            if (bySender.size >= count) continue;
            tr = { t: [], v: [] };
            bySender.set(S[i], tr);
          }
          tr.t.push(t);
          tr.v.push(V[i]);
          if (t > latest) latest = t;
        }
        // Keep the memory bounded: drop samples older than the span before the latest one.
        for (const tr of bySender.values()) {
          if (tr.t.length > 4096 && tr.t[0] < latest - spanMs) {
            let k = 0;
            while (k < tr.t.length && tr.t[k] < latest - spanMs) k++;
            tr.t.splice(0, k);
            tr.v.splice(0, k);
          }
        }
      },
      readOpts,
    );
    if (!bySender.size) continue;
    const b = latest;
    const a = Math.max(Math.min(...[...bySender.values()].map((tr) => tr.t[0] ?? b)), b - spanMs);
    const traces = [...bySender.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([gid, tr]) => ({ label: `neuron ${gid}`, times: tr.t, values: tr.v }));
    return { traces, span: [a, b > a ? b : a + 1], column, file };
  }
  return { traces: [], span: [0, 1], column: '', file: '' };
}
