import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { logHistogram, type LogHistogram } from './spikestats.js';

/** Render a vega-lite spec to an SVG string with vega's headless view (no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const COLORS = ['#1f4e9c', '#c0392b', '#2e8b57', '#8e44ad', '#d68910', '#17a589'];
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

export interface RasterPopulation {
  label: string;
  senders: ArrayLike<number>;
  times: ArrayLike<number>;
  /** First gid of the recorded neurons and how many of them to plot (the first `show`). */
  firstGid: number;
  show: number;
  /** Neurons in the population (for the subtitle: "first 400 of 4000 E neurons"); without it: "first 400 E neurons". */
  n?: number;
  /**
   * The gids shown, when they are not firstGid .. firstGid + show - 1 (a folder of NEST files lists only
   * the neurons that spiked): row k of the population is gids[k].
   */
  gids?: ArrayLike<number>;
}

export interface RasterOptions {
  /** Subtitle; default rasterSubtitle(): which neurons and which time span are shown. */
  subtitle?: string;
  /** Bin width of the population-rate panel (ms); nest.raster_plot's hist_binwidth, 5 ms. */
  binMs?: number;
}

function fmtMs(t: number): string {
  return String(Math.round(t * 1000) / 1000);
}

/** "first 400 of 4000 E neurons, 100 of 1000 I neurons; last 1000 ms (9000–10000 ms)". */
export function rasterSubtitle(pops: readonly Pick<RasterPopulation, 'label' | 'show' | 'n'>[], t0: number, t1: number): string {
  const who = pops.map((p, i) => {
    // Without the population size, say only what is certain: the first `show` neurons.
    const what = p.n === undefined ? `${i === 0 ? 'first ' : ''}${p.show}` : p.show >= p.n ? `all ${p.n}` : `${i === 0 ? 'first ' : ''}${p.show} of ${p.n}`;
    return `${what} ${p.label} neurons`;
  });
  return `${who.join(', ')}; last ${fmtMs(t1 - t0)} ms (${fmtMs(t0)}–${fmtMs(t1)} ms)`;
}

/**
 * Spike raster of the first neurons of each population in a time window, as nest.raster_plot draws it: one
 * dot per spike (neuron index on y, populations stacked, time on x, coloured by population) and, under it,
 * the population rate of the neurons shown (spikes per `binMs` bin / (bin width · neurons shown), in Hz).
 * The subtitle says which neurons and which time span are shown. At most `maxPoints` dots are drawn; the
 * rate panel counts every spike of the shown neurons.
 */
export function rasterSpec(title: string, pops: RasterPopulation[], t0: number, t1: number, maxPoints = 60000, opts: RasterOptions = {}): TopLevelSpec {
  const binMs = opts.binMs ?? 5;
  const nBins = Math.max(1, Math.ceil((t1 - t0) / binMs - 1e-9));
  const values: { t: number; n: number; pop: string }[] = [];
  const rateRows: { t: number; t2: number; rate: number; pop: string }[] = [];
  let offset = 0;
  for (const p of pops) {
    const counts = new Float64Array(nBins);
    let row: (g: number) => number;
    if (p.gids) {
      const m = new Map<number, number>();
      for (let k = 0; k < Math.min(p.show, p.gids.length); k++) m.set(p.gids[k], k);
      row = (g) => m.get(g) ?? -1;
    } else row = (g) => g - p.firstGid;
    for (let i = 0; i < p.senders.length; i++) {
      const k = row(p.senders[i]);
      const t = p.times[i];
      if (k < 0 || k >= p.show || !(t > t0 && t <= t1)) continue;
      // Bins (lo, hi], as the window: a spike stamped at the end of a step belongs to the bin that ends there.
      counts[Math.min(nBins - 1, Math.max(0, Math.ceil((t - t0) / binMs - 1e-9) - 1))]++;
      if (values.length < maxPoints) values.push({ t: Math.round(t * 1000) / 1000, n: offset + k, pop: p.label });
    }
    for (let b = 0; b < nBins; b++) {
      const lo = t0 + b * binMs;
      const hi = Math.min(t1, lo + binMs);
      rateRows.push({ t: lo, t2: hi, rate: p.show > 0 && hi > lo ? counts[b] / ((hi - lo) * 1e-3 * p.show) : 0, pop: p.label });
    }
    offset += p.show;
  }
  const color = { field: 'pop', type: 'nominal', title: 'population', scale: { range: COLORS } };
  const x = { field: 't', type: 'quantitative', scale: { domain: [t0, t1], nice: false } };
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: opts.subtitle ?? rasterSubtitle(pops, t0, t1), fontSize: 14 },
    background: 'white',
    spacing: 6,
    vconcat: [
      {
        name: 'raster',
        width: 720,
        height: 320,
        data: { values },
        mark: { type: 'square', size: 3, opacity: 0.9 },
        encoding: {
          x: { ...x, title: null, axis: { labels: false, ticks: true } },
          y: { field: 'n', type: 'quantitative', title: 'neuron index', scale: { domain: [0, Math.max(1, offset)], nice: false } },
          color,
        },
      },
      pops.length > 1
        ? {
            // Several populations: one step line each (overlapping bars would hide each other).
            name: 'population_rate',
            width: 720,
            height: 110,
            data: { values: stepRows(rateRows, t1) },
            mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.2 },
            encoding: { x: { ...x, title: 'time (ms)' }, y: { field: 'rate', type: 'quantitative', title: `rate (Hz, ${fmtMs(binMs)} ms bins)` }, color },
          }
        : {
            name: 'population_rate',
            width: 720,
            height: 110,
            data: { values: rateRows },
            mark: { type: 'rect', opacity: 0.85 },
            encoding: {
              x: { ...x, title: 'time (ms)' },
              x2: { field: 't2' },
              y: { field: 'rate', type: 'quantitative', title: `rate (Hz, ${fmtMs(binMs)} ms bins)`, stack: null },
              y2: { datum: 0 },
              color,
            },
          },
    ],
  } as TopLevelSpec;
}

/** Step-line rows of binned rates: each bin's start, plus the end of the last bin. */
function stepRows(rows: { t: number; t2: number; rate: number; pop: string }[], t1: number): { t: number; rate: number; pop: string }[] {
  const out: { t: number; rate: number; pop: string }[] = [];
  for (let i = 0; i < rows.length; i++) {
    out.push({ t: rows[i].t, rate: rows[i].rate, pop: rows[i].pop });
    if (i === rows.length - 1 || rows[i + 1].pop !== rows[i].pop) out.push({ t: t1, rate: rows[i].rate, pop: rows[i].pop });
  }
  return out;
}

/** One population's distributions: the ISI histogram from the raw ISIs, or already log-binned (streamed). */
export interface DistributionSeries {
  label: string;
  rates: ArrayLike<number>;
  /** The pooled ISIs (ms); or give isiHist. */
  isis?: ArrayLike<number>;
  /** The ISIs binned over log-spaced edges (logHistogram, or a StreamedStatistics' isiHistogram). */
  isiHist?: LogHistogram;
  cvs: ArrayLike<number>;
}

/**
 * Histograms of the per-neuron rate, the pooled ISI and the per-neuron CV-ISI, side by side. The ISI panel
 * has a log time axis and log-spaced bins (logBinEdges: 0.1 ms to 100 s, 10 per decade), so that bursts
 * and long pauses both show; ISIs outside the bins are counted in its subtitle. `maxIsi` is ignored (kept
 * for callers of the former signature).
 */
export function distributionSpec(title: string, series: DistributionSeries[], maxIsi?: number): TopLevelSpec {
  void maxIsi;
  const rateRows: { v: number; pop: string }[] = [];
  const isiRows: { lo: number; hi: number; count: number; pop: string }[] = [];
  const cvRows: { v: number; pop: string }[] = [];
  const notes: string[] = [];
  for (const s of series) {
    for (let i = 0; i < s.rates.length; i++) rateRows.push({ v: s.rates[i], pop: s.label });
    const h = s.isiHist ?? logHistogram(s.isis ?? []);
    for (let b = 0; b < h.counts.length; b++) if (h.counts[b] > 0) isiRows.push({ lo: h.edges[b], hi: h.edges[b + 1], count: h.counts[b], pop: s.label });
    if (h.below) notes.push(`${s.label}: ${h.below} ISIs < ${h.edges[0]} ms`);
    if (h.above) notes.push(`${s.label}: ${h.above} ISIs > ${h.edges[h.edges.length - 1]} ms`);
    for (let i = 0; i < s.cvs.length; i++) cvRows.push({ v: s.cvs[i], pop: s.label });
  }
  const color = { field: 'pop', type: 'nominal', title: 'population', scale: { range: COLORS } };
  const panel = (rows: { v: number; pop: string }[], xTitle: string, sub: string) => ({
    title: sub,
    width: 260,
    height: 200,
    data: { values: rows },
    mark: { type: 'bar', opacity: 0.6 },
    encoding: {
      x: { field: 'v', type: 'quantitative', bin: { maxbins: 40 }, title: xTitle },
      y: { aggregate: 'count', type: 'quantitative', title: 'count', stack: null },
      color,
    },
  });
  // Log axis: the domain spans the occupied bins (whole decades), or 1-1000 ms without ISIs.
  let lo = Infinity;
  let hi = 0;
  for (const r of isiRows) {
    lo = Math.min(lo, r.lo);
    hi = Math.max(hi, r.hi);
  }
  const domain = isiRows.length ? [10 ** Math.floor(Math.log10(lo) + 1e-9), 10 ** Math.ceil(Math.log10(hi) - 1e-9)] : [1, 1000];
  const isiPanel = {
    title: notes.length ? { text: 'ISI (pooled, log-spaced bins)', subtitle: notes.join('; ') } : 'ISI (pooled, log-spaced bins)',
    width: 260,
    height: 200,
    data: { values: isiRows },
    mark: { type: 'rect', opacity: 0.6 },
    encoding: {
      x: { field: 'lo', type: 'quantitative', scale: { type: 'log', domain, nice: false }, title: 'inter-spike interval (ms, log scale)' },
      x2: { field: 'hi' },
      y: { field: 'count', type: 'quantitative', title: 'count', stack: null },
      y2: { datum: 0 },
      color,
    },
  };
  return {
    $schema: SCHEMA,
    title: { text: title, fontSize: 14 },
    background: 'white',
    hconcat: [panel(rateRows, 'firing rate (Hz)', 'rate per neuron'), isiPanel, panel(cvRows, 'CV of the ISI', 'CV-ISI per neuron')],
  } as TopLevelSpec;
}

/** Histogram of the per-neuron firing rates, one colour per population. */
export function rateHistogramSpec(title: string, series: { label: string; rates: ArrayLike<number> }[]): TopLevelSpec {
  const rows: { v: number; pop: string }[] = [];
  for (const s of series) for (let i = 0; i < s.rates.length; i++) rows.push({ v: s.rates[i], pop: s.label });
  return {
    $schema: SCHEMA,
    title: { text: title, fontSize: 14 },
    width: 480,
    height: 280,
    background: 'white',
    data: { values: rows },
    mark: { type: 'bar', opacity: 0.6 },
    encoding: {
      x: { field: 'v', type: 'quantitative', bin: { maxbins: 50 }, title: 'firing rate (Hz)' },
      y: { aggregate: 'count', type: 'quantitative', title: 'number of neurons', stack: null },
      color: { field: 'pop', type: 'nominal', title: 'population', scale: { range: COLORS } },
    },
  };
}

/** One neuron's membrane potential (or any sampled value) over time. */
export interface Trace {
  label: string;
  times: ArrayLike<number>;
  values: ArrayLike<number>;
}

export interface VmOptions {
  /** Time span shown (ms); default the span of the samples. */
  t0?: number;
  t1?: number;
  yTitle?: string;
  subtitle?: string;
  /** About this many points per trace are drawn (min/max decimation). */
  maxPoints?: number;
}

/**
 * Membrane potential against time for a few neurons (multimeter data), one line per neuron, as
 * nest.voltage_trace draws it. Long traces are thinned to about `maxPoints` points each by min/max
 * decimation, which keeps spikes and resets.
 */
export function vmSpec(title: string, traces: Trace[], opts: VmOptions = {}): TopLevelSpec {
  const rows: { t: number; v: number; neuron: string }[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const tr of traces) {
    const idx: number[] = [];
    for (let i = 0; i < tr.times.length; i++) {
      const t = tr.times[i];
      if ((opts.t0 === undefined || t >= opts.t0) && (opts.t1 === undefined || t <= opts.t1) && Number.isFinite(tr.values[i])) idx.push(i);
    }
    for (const i of decimate(idx, tr.values, opts.maxPoints ?? 3000)) {
      rows.push({ t: tr.times[i], v: tr.values[i], neuron: tr.label });
      if (tr.times[i] < lo) lo = tr.times[i];
      if (tr.times[i] > hi) hi = tr.times[i];
    }
  }
  const t0 = opts.t0 ?? (Number.isFinite(lo) ? lo : 0);
  const t1 = opts.t1 ?? (Number.isFinite(hi) && hi > t0 ? hi : t0 + 1);
  return {
    $schema: SCHEMA,
    title: opts.subtitle ? { text: title, subtitle: opts.subtitle, fontSize: 14 } : { text: title, fontSize: 14 },
    width: 720,
    height: 300,
    background: 'white',
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time (ms)', scale: { domain: [t0, t1], nice: false } },
      y: { field: 'v', type: 'quantitative', title: opts.yTitle ?? 'membrane potential V_m (mV)', scale: { zero: false } },
      color: { field: 'neuron', type: 'nominal', title: 'neuron', scale: { range: COLORS } },
    },
  };
}

/** Indices kept by min/max decimation: per bucket its first sample, its minimum and its maximum, in order. */
function decimate(idx: number[], values: ArrayLike<number>, maxPoints: number): number[] {
  if (idx.length <= maxPoints) return idx;
  const buckets = Math.max(1, Math.floor(maxPoints / 3));
  const per = idx.length / buckets;
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const a = Math.floor(b * per);
    const e = Math.min(idx.length, Math.floor((b + 1) * per));
    if (e <= a) continue;
    let mi = a;
    let ma = a;
    for (let j = a; j < e; j++) {
      if (values[idx[j]] < values[idx[mi]]) mi = j;
      if (values[idx[j]] > values[idx[ma]]) ma = j;
    }
    for (const j of [...new Set([a, mi, ma])].sort((x, y) => x - y)) out.push(idx[j]);
  }
  if (out[out.length - 1] !== idx[idx.length - 1]) out.push(idx[idx.length - 1]);
  return out;
}
