import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

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

export interface RasterPopulation {
  label: string;
  senders: ArrayLike<number>;
  times: ArrayLike<number>;
  /** First gid of the recorded neurons and how many of them to plot (the first `show`). */
  firstGid: number;
  show: number;
}

/**
 * Spike raster of the first neurons of each population in a time window: one dot per spike, neuron index
 * on y (populations stacked), time on x, coloured by population.
 */
export function rasterSpec(title: string, pops: RasterPopulation[], t0: number, t1: number, maxPoints = 60000): TopLevelSpec {
  const values: { t: number; n: number; pop: string }[] = [];
  let offset = 0;
  for (const p of pops) {
    for (let i = 0; i < p.senders.length && values.length < maxPoints; i++) {
      const k = p.senders[i] - p.firstGid;
      const t = p.times[i];
      if (k < 0 || k >= p.show || t <= t0 || t > t1) continue;
      values.push({ t: Math.round(t * 1000) / 1000, n: offset + k, pop: p.label });
    }
    offset += p.show;
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, fontSize: 14 },
    width: 720,
    height: 360,
    background: 'white',
    data: { values },
    mark: { type: 'square', size: 3, opacity: 0.9 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time (ms)', scale: { domain: [t0, t1], nice: false } },
      y: { field: 'n', type: 'quantitative', title: 'neuron index', scale: { domain: [0, Math.max(1, offset)], nice: false } },
      color: { field: 'pop', type: 'nominal', title: 'population', scale: { range: ['#1f4e9c', '#c0392b', '#2e8b57', '#8e44ad'] } },
    },
  };
}

/** Histograms of the per-neuron rate, the pooled ISI and the per-neuron CV-ISI, side by side. */
export function distributionSpec(
  title: string,
  series: { label: string; rates: ArrayLike<number>; isis: ArrayLike<number>; cvs: ArrayLike<number> }[],
  maxIsi = 200000,
): TopLevelSpec {
  const rateRows: { v: number; pop: string }[] = [];
  const isiRows: { v: number; pop: string }[] = [];
  const cvRows: { v: number; pop: string }[] = [];
  for (const s of series) {
    for (let i = 0; i < s.rates.length; i++) rateRows.push({ v: s.rates[i], pop: s.label });
    // Thin the pooled ISIs evenly when there are very many (the histogram shape is unchanged) and leave
    // out the longest 1 %, whose tail would squeeze the bulk of the distribution into one bin.
    const stride = Math.max(1, Math.ceil(s.isis.length / maxIsi));
    const cut = quantile(s.isis, 0.99);
    for (let i = 0; i < s.isis.length; i += stride) if (s.isis[i] <= cut) isiRows.push({ v: s.isis[i], pop: s.label });
    for (let i = 0; i < s.cvs.length; i++) cvRows.push({ v: s.cvs[i], pop: s.label });
  }
  const panel = (rows: { v: number; pop: string }[], xTitle: string, sub: string) => ({
    title: sub,
    width: 260,
    height: 200,
    data: { values: rows },
    mark: { type: 'bar' as const, opacity: 0.6 },
    encoding: {
      x: { field: 'v', type: 'quantitative' as const, bin: { maxbins: 40 }, title: xTitle },
      y: { aggregate: 'count' as const, type: 'quantitative' as const, title: 'count', stack: null },
      color: { field: 'pop', type: 'nominal' as const, title: 'population', scale: { range: ['#1f4e9c', '#c0392b', '#2e8b57', '#8e44ad'] } },
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, fontSize: 14 },
    background: 'white',
    hconcat: [panel(rateRows, 'firing rate (Hz)', 'rate per neuron'), panel(isiRows, 'inter-spike interval (ms)', 'ISI (pooled, up to the 99th percentile)'), panel(cvRows, 'CV of the ISI', 'CV-ISI per neuron')],
  } as TopLevelSpec;
}

/** Histogram of the per-neuron firing rates, one colour per population. */
export function rateHistogramSpec(title: string, series: { label: string; rates: ArrayLike<number> }[]): TopLevelSpec {
  const rows: { v: number; pop: string }[] = [];
  for (const s of series) for (let i = 0; i < s.rates.length; i++) rows.push({ v: s.rates[i], pop: s.label });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, fontSize: 14 },
    width: 480,
    height: 280,
    background: 'white',
    data: { values: rows },
    mark: { type: 'bar', opacity: 0.6 },
    encoding: {
      x: { field: 'v', type: 'quantitative', bin: { maxbins: 50 }, title: 'firing rate (Hz)' },
      y: { aggregate: 'count', type: 'quantitative', title: 'number of neurons', stack: null },
      color: { field: 'pop', type: 'nominal', title: 'population', scale: { range: ['#1f4e9c', '#c0392b', '#2e8b57', '#8e44ad'] } },
    },
  };
}

function quantile(x: ArrayLike<number>, q: number): number {
  if (x.length === 0) return 0;
  const sorted = Float64Array.from(x).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
}
