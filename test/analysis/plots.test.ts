import { describe, it, expect } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { rasterSpec, distributionSpec, vmSpec, rasterSubtitle, renderSvg as render, rateHistogramSpec } from '../../analysis/plots.js';
import { logHistogram } from '../../analysis/spikestats.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const renderSvg = (spec: Any | TopLevelSpec) => render(spec as TopLevelSpec);

describe('figures as NEST users expect them', () => {
  it('raster: a population-rate panel under it, in Hz over the neurons shown; the subtitle says what is shown', async () => {
    // Neurons 11..14 shown of 10 (gids 11-20); 10 spikes of shown neurons in (0, 5], 2 in (5, 10], others not shown.
    const senders = [11, 12, 13, 14, 11, 12, 13, 14, 11, 12, 13, 11, 19, 20];
    const times = [1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 6.5, 4.9, 2, 3];
    const spec = rasterSpec('net — spike raster', [{ label: 'E', senders, times, firstGid: 11, show: 4, n: 10 }], 0, 10, 60000, { binMs: 5 }) as Any;
    expect(spec.title.subtitle).toBe('first 4 of 10 E neurons; last 10 ms (0–10 ms)');
    expect(spec.vconcat).toHaveLength(2);
    const [raster, rate] = spec.vconcat;
    expect(raster.data.values).toHaveLength(12);
    expect(rate.name).toBe('population_rate');
    // nest.raster_plot: spikes per bin / (bin width in s · neurons shown).
    expect(rate.data.values.map((r: Any) => r.rate)).toEqual([10 / (0.005 * 4), 2 / (0.005 * 4)]);
    expect(rate.encoding.y.title).toBe('rate (Hz, 5 ms bins)');
    const svg = await renderSvg(spec);
    expect(svg).toContain('rate (Hz, 5 ms bins)');
    expect(svg).toContain('first 4 of 10 E neurons');
    // Two populations: one step line each.
    const two = rasterSpec('t', [{ label: 'E', senders, times, firstGid: 11, show: 4, n: 8 }, { label: 'I', senders, times, firstGid: 19, show: 2, n: 2 }], 0, 10) as Any;
    expect(two.vconcat[1].mark.type).toBe('line');
    expect(rasterSubtitle([{ label: 'E', show: 400, n: 4000 }, { label: 'I', show: 100, n: 1000 }], 9000, 10000)).toBe('first 400 of 4000 E neurons, 100 of 1000 I neurons; last 1000 ms (9000–10000 ms)');
  });

  it('ISI histogram: log axis, log-spaced bins, from raw ISIs or a streamed histogram', async () => {
    const isis = Array.from({ length: 2000 }, (_, i) => 10 ** (-0.5 + (3.5 * i) / 2000));
    const spec = distributionSpec('d', [{ label: 'E', rates: [1, 2], isis, cvs: [0.5] }]) as Any;
    const isiPanel = spec.hconcat[1];
    expect(isiPanel.encoding.x.scale.type).toBe('log');
    expect(isiPanel.encoding.x.title).toBe('inter-spike interval (ms, log scale)');
    const rows = isiPanel.data.values as { lo: number; hi: number; count: number }[];
    expect(rows.length).toBeGreaterThan(30);
    for (const r of rows) expect(Math.log10(r.hi / r.lo)).toBeCloseTo(0.1, 10);
    expect(rows.reduce((a, r) => a + r.count, 0)).toBe(2000);
    const same = distributionSpec('d', [{ label: 'E', rates: [1, 2], isiHist: logHistogram(isis), cvs: [0.5] }]) as Any;
    expect(same.hconcat[1].data.values).toEqual(rows);
    const svg = await renderSvg(spec);
    expect(svg).toContain('inter-spike interval (ms, log scale)');
    // Decade tick labels of a log axis.
    for (const t of ['>1<', '>10<', '>100<', '>1,000<']) expect(svg).toContain(t);
  });

  it('membrane potential: one line per neuron, long traces thinned keeping spikes', async () => {
    const times = Array.from({ length: 20000 }, (_, i) => i * 0.1);
    const values = times.map((t, i) => (i % 997 === 0 ? 20 : -70 + (t % 10)));
    const spec = vmSpec('V_m', [{ label: 'neuron 1', times, values }, { label: 'neuron 2', times, values: values.map((v) => v - 1) }], { maxPoints: 900 }) as Any;
    const rows = spec.data.values as { t: number; v: number; neuron: string }[];
    expect(rows.filter((r) => r.neuron === 'neuron 1').length).toBeLessThan(1000);
    // Every spike peak (20 mV) is kept.
    expect(rows.filter((r) => r.neuron === 'neuron 1' && r.v === 20).length).toBe(Math.ceil(20000 / 997));
    expect(spec.encoding.y.title).toBe('membrane potential V_m (mV)');
    const svg = await renderSvg(spec);
    expect(svg).toContain('neuron 2');
    expect(await renderSvg(rateHistogramSpec('r', [{ label: 'E', rates: [1, 2, 3] }]))).toContain('firing rate (Hz)');
  });
});
