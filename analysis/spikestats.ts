import { readSpikeFileChunks } from './spikefile.js';
import { Float64Column } from '../plugins/recorders/sampling.js';

/**
 * The network statistics seed 003 compares between simulators (Zenke & Gerstner 2014, Fig. 2B/3): the
 * distribution over neurons of the firing rate, the pooled inter-spike intervals, and the distribution
 * over neurons of the coefficient of variation of the ISI.
 */
export interface SpikeStatistics {
  /** Global ids of the neurons, in the order of `rates` and `cv` rows. */
  gids: Int32Array;
  /** Spikes of each neuron within the window. */
  counts: Int32Array;
  /** Rate of every neuron (Hz), silent ones included. */
  rates: Float64Array;
  /** Every ISI of every neuron (ms), pooled. */
  isis: Float64Array;
  /** CV of the ISIs (std / mean, population std) of every neuron with at least 3 spikes; NaN for the others. */
  cvPerNeuron: Float64Array;
  /** The finite entries of cvPerNeuron. */
  cvs: Float64Array;
  rateMean: number;
  isiMean: number;
  cvMean: number;
  windowMs: [number, number];
}

/**
 * Statistics of the spikes (senders, times in ms) of the neurons `gids` that fall in (t0, t1].
 * Spikes from other senders are ignored.
 */
export function spikeStatistics(senders: ArrayLike<number>, times: ArrayLike<number>, gids: ArrayLike<number>, t0: number, t1: number): SpikeStatistics {
  const nNeurons = gids.length;
  const ids = Int32Array.from(gids);
  const index = new Map<number, number>();
  for (let k = 0; k < nNeurons; k++) index.set(ids[k], k);
  const counts = new Int32Array(nNeurons);
  const rowOf = new Int32Array(senders.length).fill(-1);
  for (let s = 0; s < senders.length; s++) {
    const t = times[s];
    if (!(t > t0 && t <= t1)) continue;
    const k = index.get(senders[s]);
    if (k === undefined) continue;
    rowOf[s] = k;
    counts[k]++;
  }
  // Group spike times by neuron (counting sort), then sort each neuron's times.
  const start = new Int32Array(nNeurons + 1);
  for (let k = 0; k < nNeurons; k++) start[k + 1] = start[k] + counts[k];
  const fill = start.slice(0, nNeurons);
  const byNeuron = new Float64Array(start[nNeurons]);
  for (let s = 0; s < senders.length; s++) if (rowOf[s] >= 0) byNeuron[fill[rowOf[s]]++] = times[s];
  const durS = (t1 - t0) * 1e-3;
  const rates = new Float64Array(nNeurons);
  const cvPerNeuron = new Float64Array(nNeurons).fill(NaN);
  let isiTotal = 0;
  for (let k = 0; k < nNeurons; k++) if (counts[k] > 1) isiTotal += counts[k] - 1;
  const isis = new Float64Array(isiTotal);
  let nIsi = 0;
  const cvs: number[] = [];
  for (let k = 0; k < nNeurons; k++) {
    rates[k] = durS > 0 ? counts[k] / durS : 0;
    const a = start[k];
    const b = start[k + 1];
    if (b - a < 2) continue;
    const row = byNeuron.subarray(a, b).sort();
    let sum = 0;
    let sum2 = 0;
    for (let i = 1; i < row.length; i++) {
      const d = row[i] - row[i - 1];
      isis[nIsi++] = d;
      sum += d;
      sum2 += d * d;
    }
    const m = row.length - 1;
    if (m >= 2) {
      const mean = sum / m;
      const variance = Math.max(0, sum2 / m - mean * mean);
      cvPerNeuron[k] = Math.sqrt(variance) / mean;
      cvs.push(cvPerNeuron[k]);
    }
  }
  const isiArr = isis.subarray(0, nIsi);
  return {
    gids: ids,
    counts,
    rates,
    isis: isiArr,
    cvPerNeuron,
    cvs: Float64Array.from(cvs),
    rateMean: mean(rates),
    isiMean: mean(isiArr),
    cvMean: mean(cvs),
    windowMs: [t0, t1],
  };
}

export function mean(x: ArrayLike<number>): number {
  if (x.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Histogram with `bins` equal bins over [lo, hi]; values outside are clamped into the edge bins. */
export function histogram(x: ArrayLike<number>, bins: number, lo: number, hi: number): { edges: number[]; counts: number[] } {
  const counts = new Array<number>(bins).fill(0);
  const w = (hi - lo) / bins || 1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / w)));
    counts[b]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * w);
  return { edges, counts };
}

// ---------------------------------------------------------------------------------------------------------
// Streaming statistics: the same rates, ISIs and CV-ISIs, accumulated chunk by chunk in O(neurons) memory.
// ---------------------------------------------------------------------------------------------------------

/** A histogram over logarithmically spaced bins (ms); values outside [edges[0], edges[bins]] are counted apart. */
export interface LogHistogram {
  edges: number[];
  counts: number[];
  /** Values below the first edge (ISIs of 0, i.e. two spikes in one step, included). */
  below: number;
  /** Values above the last edge. */
  above: number;
}

/** Default ISI bins: 0.1 ms to 100 s, 10 per decade (NEST's dt is 0.1 ms; an ISI is a multiple of it). */
export const ISI_LOG_BINS = { lo: 0.1, hi: 1e5, perDecade: 10 } as const;

export function logBinEdges(lo = ISI_LOG_BINS.lo, hi = ISI_LOG_BINS.hi, perDecade = ISI_LOG_BINS.perDecade): number[] {
  const decades = Math.log10(hi / lo);
  const bins = Math.max(1, Math.round(decades * perDecade));
  return Array.from({ length: bins + 1 }, (_, i) => lo * 10 ** ((i * decades) / bins));
}

/** Histogram of x over log-spaced bins (see LogHistogram). */
export function logHistogram(x: ArrayLike<number>, edges: number[] = logBinEdges()): LogHistogram {
  const h: LogHistogram = { edges, counts: new Array<number>(edges.length - 1).fill(0), below: 0, above: 0 };
  const lo = Math.log10(edges[0]);
  const step = (Math.log10(edges[edges.length - 1]) - lo) / (edges.length - 1);
  for (let i = 0; i < x.length; i++) addLog(h, x[i], lo, step);
  return h;
}

function addLog(h: LogHistogram, v: number, lo: number, step: number): void {
  if (!(v >= h.edges[0])) {
    if (!Number.isNaN(v)) h.below++;
    return;
  }
  const bins = h.counts.length;
  if (v > h.edges[bins]) {
    h.above++;
    return;
  }
  let b = Math.floor((Math.log10(v) - lo) / step);
  // Rounding of the logarithm: put edge values in the bin they start.
  if (b > 0 && v < h.edges[b]) b--;
  else if (b < bins - 1 && v >= h.edges[b + 1]) b++;
  h.counts[Math.min(bins - 1, Math.max(0, b))]++;
}

/** Statistics accumulated from streamed spikes: spikeStatistics' fields, the pooled ISIs only when kept. */
export interface StreamedStatistics extends SpikeStatistics {
  /** Number of ISIs (pooled over neurons). */
  isiCount: number;
  /**
   * Every ISI (ms), pooled in arrival order, when the accumulator keeps them (keepIsis); EMPTY otherwise
   * (O(neurons) memory): `isiCount` is then the number of ISIs and `isiHistogram` their distribution.
   */
  isis: Float64Array;
  /** Whether `isis` holds every ISI (keepIsis). */
  isisKept: boolean;
  /** Log-binned histogram of the pooled ISIs. */
  isiHistogram: LogHistogram;
  /** Spikes of the neurons counted in the window. */
  spikeCount: number;
  /** Latest spike time seen, any neuron of the group, in the window or not (NaN without spikes). */
  lastSpikeMs: number;
  /** Whether the spikes came in time order per neuron; if not, streamGroupStatistics re-read them sorted. */
  sorted: boolean;
  /** Bytes of partial last records left out of the files (dropTruncatedEnd); 0 otherwise. */
  droppedBytes: number;
}

export interface AccumulatorOptions {
  /** Keep every ISI (O(spikes) memory), e.g. for the K-S tests of compare. */
  keepIsis?: boolean;
  /** Edges of the ISI histogram (default logBinEdges()). */
  isiEdges?: number[];
}


/**
 * Accumulates spikeStatistics' quantities from spikes fed in chunks (file order), keeping per neuron the
 * count, the last spike time and the sum and sum of squares of its ISIs, plus a fixed log-binned ISI
 * histogram. Spikes must come in time order per neuron (as recorders write them); a spike earlier than its
 * neuron's previous one makes `sorted` false and the result is then not that of spikeStatistics
 * (streamGroupStatistics re-reads such files sorted).
 *
 * `gids` lists the neurons (silent ones count, with rate 0); null discovers them: every sender seen (in the
 * window or not) becomes a neuron, ordered by gid at the end, as for folders of NEST files. `t1` may be
 * Infinity while feeding, then given to finish() (e.g. the last spike rounded up).
 */
export class SpikeStatsAccumulator {
  private n: number;
  private first = 0;
  private contiguous = false;
  private index: Map<number, number> | null = null;
  private ids: Int32Array;
  private counts: Int32Array;
  private last: Float64Array;
  private sum: Float64Array;
  private sum2: Float64Array;
  private readonly discover: boolean;
  private isiKept: Float64Column | null;
  private hist: LogHistogram;
  private histLo: number;
  private histStep: number;
  private isiCount = 0;
  private spikeCount = 0;
  private lastSpike = NaN;
  sorted = true;
  /** Latest spike time seen of the group's neurons, in the window or not (NaN before any). */
  get lastSpikeMs(): number {
    return this.lastSpike;
  }

  constructor(
    gids: ArrayLike<number> | null,
    readonly t0: number,
    readonly t1: number,
    opts: AccumulatorOptions = {},
  ) {
    this.discover = gids === null;
    const ids = gids === null ? new Int32Array(0) : Int32Array.from(gids);
    this.n = ids.length;
    this.ids = gids === null ? new Int32Array(256) : ids;
    const cap = Math.max(this.n, gids === null ? 256 : 0);
    this.counts = new Int32Array(cap);
    this.last = new Float64Array(cap).fill(NaN);
    this.sum = new Float64Array(cap);
    this.sum2 = new Float64Array(cap);
    if (gids !== null) {
      this.first = ids.length ? ids[0] : 0;
      this.contiguous = ids.every((g, k) => g === this.first + k);
      if (!this.contiguous) {
        this.index = new Map();
        for (let k = 0; k < ids.length; k++) if (!this.index.has(ids[k])) this.index.set(ids[k], k);
      }
    } else this.index = new Map();
    this.isiKept = opts.keepIsis ? new Float64Column() : null;
    const edges = opts.isiEdges ?? logBinEdges();
    this.hist = { edges, counts: new Array<number>(edges.length - 1).fill(0), below: 0, above: 0 };
    this.histLo = Math.log10(edges[0]);
    this.histStep = (Math.log10(edges[edges.length - 1]) - this.histLo) / (edges.length - 1);
  }

  /** Row of a sender, or -1 when it is not one of the neurons. */
  private row(g: number): number {
    if (this.contiguous) {
      const k = g - this.first;
      return k >= 0 && k < this.n ? k : -1;
    }
    const k = this.index!.get(g);
    if (k !== undefined) return k;
    if (!this.discover) return -1;
    if (this.n === this.counts.length) this.grow();
    const r = this.n++;
    this.ids[r] = g;
    this.index!.set(g, r);
    return r;
  }

  private grow(): void {
    const cap = this.counts.length * 2;
    const g = <T extends Int32Array | Float64Array>(a: T, fill = 0): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      if (fill !== 0) b.fill(fill, a.length);
      return b;
    };
    this.ids = g(this.ids);
    this.counts = g(this.counts);
    this.last = g(this.last, NaN);
    this.sum = g(this.sum);
    this.sum2 = g(this.sum2);
  }

  /** Feed `count` spikes (senders, times in ms). */
  add(senders: ArrayLike<number>, times: ArrayLike<number>, count = senders.length): void {
    const { t0, t1 } = this;
    for (let i = 0; i < count; i++) {
      const k = this.row(senders[i]);
      if (k < 0) continue;
      const t = times[i];
      if (!(t <= this.lastSpike)) this.lastSpike = t;
      if (!(t > t0 && t <= t1)) continue;
      this.spikeCount++;
      const c = this.counts[k]++;
      if (c > 0) {
        const d = t - this.last[k];
        if (d < 0) this.sorted = false;
        this.sum[k] += d;
        this.sum2[k] += d * d;
        this.isiCount++;
        this.isiKept?.push(d);
        addLog(this.hist, d, this.histLo, this.histStep);
      }
      this.last[k] = t;
    }
  }

  /** The statistics over (t0, t1], t1 being the constructor's or, when that was Infinity, the one given here. */
  finish(t1 = this.t1): StreamedStatistics {
    if (this.t1 !== Infinity && t1 !== this.t1) throw new Error('SpikeStatsAccumulator.finish: t1 was fixed at construction');
    const t0 = this.t0;
    const n = this.n;
    // Rows in gid order (discovered neurons come in arrival order).
    let order: Int32Array | null = null;
    if (this.discover) {
      order = Int32Array.from({ length: n }, (_, k) => k).sort((a, b) => this.ids[a] - this.ids[b]);
    }
    const at = (k: number) => (order ? order[k] : k);
    const gids = new Int32Array(n);
    const counts = new Int32Array(n);
    const rates = new Float64Array(n);
    const cvPerNeuron = new Float64Array(n).fill(NaN);
    const cvs: number[] = [];
    const durS = (t1 - t0) * 1e-3;
    let isiSum = 0;
    let isiComp = 0;
    for (let j = 0; j < n; j++) {
      const k = at(j);
      gids[j] = this.ids[k];
      counts[j] = this.counts[k];
      rates[j] = durS > 0 ? counts[j] / durS : 0;
      // Neumaier summation of the neurons' ISI sums: as close to spikeStatistics' pooled mean as rounding allows.
      const x = this.sum[k];
      const y = isiSum + x;
      isiComp += Math.abs(isiSum) >= Math.abs(x) ? isiSum - y + x : x - y + isiSum;
      isiSum = y;
      const m = counts[j] - 1;
      if (m >= 2) {
        const mu = this.sum[k] / m;
        const variance = Math.max(0, this.sum2[k] / m - mu * mu);
        cvPerNeuron[j] = Math.sqrt(variance) / mu;
        cvs.push(cvPerNeuron[j]);
      }
    }
    return {
      gids,
      counts,
      rates,
      cvPerNeuron,
      cvs: Float64Array.from(cvs),
      rateMean: mean(rates),
      isiMean: this.isiCount ? (isiSum + isiComp) / this.isiCount : NaN,
      cvMean: mean(cvs),
      windowMs: [t0, t1],
      isiCount: this.isiCount,
      isis: this.isiKept ? this.isiKept.view().slice() : new Float64Array(0),
      isisKept: this.isiKept !== null,
      isiHistogram: { ...this.hist, counts: this.hist.counts.slice() },
      spikeCount: this.spikeCount,
      lastSpikeMs: this.lastSpike,
      sorted: this.sorted,
      droppedBytes: 0,
    };
  }
}

/** The streamed statistics as spikeStatistics returns them, checked to hold the pooled ISIs (keepIsis). */
export function asSpikeStatistics(s: StreamedStatistics): SpikeStatistics {
  if (!s.isisKept) throw new Error('asSpikeStatistics: the pooled ISIs were not kept (AccumulatorOptions.keepIsis)');
  return {
    gids: s.gids,
    counts: s.counts,
    rates: s.rates,
    isis: s.isis,
    cvPerNeuron: s.cvPerNeuron,
    cvs: s.cvs,
    rateMean: s.rateMean,
    isiMean: s.isiMean,
    cvMean: s.cvMean,
    windowMs: s.windowMs,
  };
}

/** A source of spike chunks: calls back with each chunk in order (e.g. readSpikeFileChunks over files). */
export type SpikeSource = (onChunk: (senders: ArrayLike<number>, times: ArrayLike<number>, count: number) => void) => void;

/**
 * Statistics of a group streamed from a source that may be read twice: accumulated in one pass; when a
 * neuron's spikes turn out not to be in time order, a second pass collects the spikes and feeds them sorted
 * by time (O(spikes) memory then, as spikeStatistics). `t1` = Infinity: the window ends at the last spike
 * rounded up to 1 ms (as for folders of NEST files, which do not say how long the run was).
 */
export function streamStatistics(source: SpikeSource, gids: ArrayLike<number> | null, t0: number, t1: number, opts: AccumulatorOptions = {}): StreamedStatistics {
  const acc = new SpikeStatsAccumulator(gids, t0, t1, opts);
  source((s, t, c) => acc.add(s, t, c));
  const tEnd = t1 === Infinity ? (Number.isNaN(acc.lastSpikeMs) ? 0 : Math.ceil(acc.lastSpikeMs)) : t1;
  if (acc.sorted) return acc.finish(tEnd);
  // Second pass: every spike, sorted by time (stable), fed again.
  const ss: number[] = [];
  const ts = new Float64Column();
  source((s, t, c) => {
    for (let i = 0; i < c; i++) {
      ss.push(s[i]);
      ts.push(t[i]);
    }
  });
  const t = ts.view();
  const idx = Uint32Array.from({ length: ss.length }, (_, i) => i).sort((a, b) => t[a] - t[b] || a - b);
  const S = new Int32Array(idx.length);
  const T = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    S[i] = ss[idx[i]];
    T[i] = t[idx[i]];
  }
  const again = new SpikeStatsAccumulator(gids, t0, t1, opts);
  again.add(S, T, S.length);
  const out = again.finish(tEnd);
  out.sorted = false;
  return out;
}

/**
 * Statistics of one group from its spike files (any format readSpikeFileChunks reads; several files of one
 * recorder, e.g. one per virtual process, are read in turn), streamed chunk by chunk in O(neurons) memory:
 * the same rates, rateMean, isiMean and cvMean as spikeStatistics over the same spikes (up to rounding of
 * the ISI sum). `gids`: the group's neurons (silent ones count), or null for the senders found in the files.
 * Spikes in (t0, t1]; t1 = Infinity ends the window at the last spike rounded up to 1 ms.
 */
export function streamGroupStatistics(files: string | readonly string[], gids: ArrayLike<number> | null, t0: number, t1: number, opts?: StreamGroupOptions): StreamedStatistics;
/** The same for the `n` neurons firstGid, firstGid + 1, ... */
export function streamGroupStatistics(files: string | readonly string[], firstGid: number, n: number, t0: number, t1: number, opts?: StreamGroupOptions): StreamedStatistics;
export function streamGroupStatistics(
  files: string | readonly string[],
  gids: ArrayLike<number> | null | number,
  a: number,
  b: number,
  c?: number | StreamGroupOptions,
  d?: StreamGroupOptions,
): StreamedStatistics {
  let ids: ArrayLike<number> | null;
  let t0: number;
  let t1: number;
  let opts: StreamGroupOptions;
  if (typeof gids === 'number') {
    ids = Int32Array.from({ length: a }, (_, k) => gids + k);
    t0 = b;
    t1 = c as number;
    opts = d ?? {};
  } else {
    ids = gids;
    t0 = a;
    t1 = b;
    opts = (c as StreamGroupOptions | undefined) ?? {};
  }
  const list = typeof files === 'string' ? [files] : files;
  let dropped = 0;
  let pass = 0;
  const out = streamStatistics(
    (on) => {
      pass++;
      for (const f of list) {
        const r = readSpikeFileChunks(f, (ch) => on(ch.senders, ch.times, ch.count), { chunkBytes: opts.chunkBytes, dropTruncatedEnd: opts.dropTruncatedEnd });
        if (pass === 1) dropped += r.droppedBytes ?? 0;
      }
    },
    ids,
    t0,
    t1,
    opts,
  );
  out.droppedBytes = dropped;
  return out;
}

export type StreamGroupOptions = AccumulatorOptions & {
  chunkBytes?: number;
  /** Drop a partial last record of each file (an interrupted run's) instead of refusing it: see readSpikeFileChunks. */
  dropTruncatedEnd?: boolean;
};
