import { mkdirSync, writeFileSync, readdirSync, existsSync, readFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { nestAsciiFileName, readNestAscii, writeNestAscii } from './spikefile.js';
import { histogram, spikeStatistics, type SpikeStatistics } from './spikestats.js';
import { distributionSpec, rasterSpec, rateHistogramSpec, renderSvg } from './plots.js';

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
 * Write a run's output folder: spike files in NEST's ASCII format (one per recorded group), the log,
 * summary.json, per-neuron statistics (CSV), the distributions (JSON) and three SVG figures.
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
    writeNestAscii(join(dir, file), g.senders, g.times);
    written.push(file);
    groups.push({ label: g.label, file, first_gid: g.firstGid, n: g.n });
    let csv = 'gid,n_spikes,rate_hz,cv_isi\n';
    const s = g.stats;
    for (let k = 0; k < s.gids.length; k++) csv += `${s.gids[k]},${s.counts[k]},${s.rates[k]},${Number.isNaN(s.cvPerNeuron[k]) ? '' : s.cvPerNeuron[k]}\n`;
    put(`stats_${g.label}.csv`, csv);
  }
  for (const r of run.records ?? []) {
    const names = Object.keys(r.columns);
    const rows = names.length ? r.columns[names[0]].length : 0;
    // Shortest round-trip decimals: the file holds the exact values, whatever the rank count.
    let text = `# spikeworks ${r.model} (node ${r.gid})\n${names.join('\t')}\n`;
    for (let i = 0; i < rows; i++) text += names.map((n) => String(r.columns[n][i])).join('\t') + '\n';
    put(`${r.model}-${r.gid}.tsv`, text);
  }
  put(OUTPUT_FILES.log, run.log.join('\n') + '\n');
  put(
    OUTPUT_FILES.summary,
    JSON.stringify({ ...run.summary, title: run.title, window_ms: run.windowMs, params: run.params, groups }, null, 2) + '\n',
  );
  const dists: Record<string, unknown> = {};
  for (const g of run.groups) {
    const s = g.stats;
    const maxRate = Math.max(1, ...Array.from(s.rates));
    const maxIsi = s.isis.length ? Math.min(2000, Math.max(...sampleMax(s.isis))) : 1;
    const maxCv = s.cvs.length ? Math.max(0.1, ...Array.from(s.cvs)) : 1;
    dists[g.label] = {
      neurons: s.gids.length,
      rate_mean_hz: s.rateMean,
      isi_mean_ms: s.isiMean,
      cv_isi_mean: s.cvMean,
      isi_count: s.isis.length,
      cv_count: s.cvs.length,
      rate_hist: histogram(s.rates, 50, 0, maxRate),
      isi_hist: histogram(s.isis, 100, 0, maxIsi),
      cv_hist: histogram(s.cvs, 50, 0, maxCv),
    };
  }
  put(OUTPUT_FILES.distributionsJson, JSON.stringify(dists) + '\n');

  const [t0, t1] = run.windowMs;
  // The raster shows the last second (at most) of the measured window and at most 500 neurons.
  const rasterStart = Math.max(t0, t1 - 1000);
  const total = run.groups.reduce((a, g) => a + g.n, 0);
  const pops = run.groups.map((g) => ({
    label: g.label,
    senders: g.senders,
    times: g.times,
    firstGid: g.firstGid,
    show: Math.max(1, Math.min(g.n, Math.round((500 * g.n) / Math.max(1, total)))),
  }));
  const sub = `${run.preset}, seed ${run.summary.seed}`;
  put(OUTPUT_FILES.raster, await renderSvg(rasterSpec(`${run.title} — spike raster (${sub})`, pops, rasterStart, t1)));
  put(
    OUTPUT_FILES.rateHistogram,
    await renderSvg(rateHistogramSpec(`${run.title} — firing rates (${sub})`, run.groups.map((g) => ({ label: g.label, rates: g.stats.rates })))),
  );
  put(
    OUTPUT_FILES.distributions,
    await renderSvg(
      distributionSpec(
        `${run.preset}: rate, ISI and CV-ISI distributions (seed ${run.summary.seed})`,
        run.groups.map((g) => ({ label: g.label, rates: g.stats.rates, isis: g.stats.isis, cvs: g.stats.cvs })),
      ),
    ),
  );
  return written;
}

function sampleMax(x: Float64Array): number[] {
  let m = 0;
  for (let i = 0; i < x.length; i++) if (x[i] > m) m = x[i];
  return [m];
}

/** A loaded output folder: per group, the statistics recomputed from its spike file. */
export interface LoadedGroup {
  label: string;
  stats: SpikeStatistics;
  source: string;
}

export interface LoadOptions {
  /** Window (ms) for folders without summary.json; default (0, last spike time rounded up to 1 ms]. */
  tStart?: number;
  tStop?: number;
}

/**
 * Load an output folder written by spikeworks (summary.json names every group, its neurons and the
 * window) or a folder of NEST ASCII spike files (`*.dat`, `*.gdf`; the neurons are those that spiked,
 * the group label is the file name before `-<gid>-<vp>`).
 */
export function loadOutputFolder(dir: string, opts: LoadOptions = {}): LoadedGroup[] {
  if (!existsSync(dir)) throw new Error(`no such folder: ${dir}`);
  const summaryPath = join(dir, OUTPUT_FILES.summary);
  if (existsSync(summaryPath)) {
    const s = JSON.parse(readFileSync(summaryPath, 'utf8')) as { window_ms: [number, number]; groups: GroupInfo[] };
    const t0 = opts.tStart ?? s.window_ms[0];
    const t1 = opts.tStop ?? s.window_ms[1];
    return s.groups.map((g) => {
      const rec = readNestAscii(join(dir, g.file));
      const gids = Int32Array.from({ length: g.n }, (_, i) => g.first_gid + i);
      return { label: g.label, stats: spikeStatistics(rec.senders, rec.times, gids, t0, t1), source: join(dir, g.file) };
    });
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.dat') || f.endsWith('.gdf')).filter((f) => !f.startsWith('log_')).sort();
  if (!files.length) throw new Error(`${dir}: neither summary.json nor spike files (*.dat, *.gdf)`);
  // Files of one recorder written by several virtual processes share a label: merge them.
  const byLabel = new Map<string, { senders: number[]; times: number[]; files: string[] }>();
  for (const f of files) {
    const label = basename(f).replace(/(-\d+)?-\d+\.(dat|gdf)$/, '').replace(/\.(dat|gdf)$/, '');
    const rec = readNestAscii(join(dir, f));
    const e = byLabel.get(label) ?? { senders: [], times: [], files: [] };
    for (let i = 0; i < rec.senders.length; i++) {
      e.senders.push(rec.senders[i]);
      e.times.push(rec.times[i]);
    }
    e.files.push(f);
    byLabel.set(label, e);
  }
  const out: LoadedGroup[] = [];
  for (const [label, e] of byLabel) {
    let tMax = 0;
    for (const t of e.times) if (t > tMax) tMax = t;
    const gids = Int32Array.from(new Set(e.senders)).sort();
    const t0 = opts.tStart ?? 0;
    const t1 = opts.tStop ?? Math.ceil(tMax);
    out.push({ label, stats: spikeStatistics(e.senders, e.times, gids, t0, t1), source: e.files.map((f) => join(dir, f)).join(', ') });
  }
  return out;
}
