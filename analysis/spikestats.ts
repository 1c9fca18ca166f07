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
