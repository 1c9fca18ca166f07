import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, mkdirSync, copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinPlugins } from '../../plugins/index.js';
import { presets, findPreset, runPreset, type RunResult } from '../../presets/index.js';
import { writePresetOutput } from '../../cli/output.js';
import { readNestAscii, parseNestAscii } from '../../analysis/spikefile.js';
import { loadOutputFolder } from '../../analysis/folder.js';
import { compareFolders } from '../../analysis/compare.js';
import { spikeStatistics } from '../../analysis/spikestats.js';
import { checkXml } from './xml.js';

const preset = findPreset(presets, 'cuba-static');
let dir: string;
let result: RunResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spikeworks-out-'));
  result = runPreset(preset, { scale: 0.05, simtime: 300, seed: 3 }, { plugins: builtinPlugins });
  await writePresetOutput(join(dir, 'a'), preset, result);
});

describe('output folder', () => {
  it('holds the spike files, log, summary, statistics and figures', () => {
    const files = readdirSync(join(dir, 'a')).sort();
    for (const f of ['summary.json', 'log_0.dat', 'raster.svg', 'rate_histogram.svg', 'distributions.svg', 'distributions.json', 'stats_E.csv', 'stats_I.csv']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^spikes_[EI]-\d+-0\.dat$/.test(f))).toHaveLength(2);
    const log = readFileSync(join(dir, 'a', 'log_0.dat'), 'utf8').trim().split('\n');
    const keys = log.map((l) => l.split(' # ')[1]);
    for (const k of ['build_time_nodes', 'virt_mem_after_nodes', 'build_edge_time', 'virt_mem_after_edges', 'sim_time', 'average rate']) expect(keys).toContain(k);
    // `<counter> <rank> <value> # <key>`, counters in order.
    log.forEach((l, i) => expect(l).toMatch(new RegExp(`^${i} 0 [-+0-9.e]+ # `)));
    const rate = Number(log.find((l) => l.endsWith('# average rate'))!.split(' ')[2]);
    const s = JSON.parse(readFileSync(join(dir, 'a', 'summary.json'), 'utf8'));
    // Every neuron recorded and no presimulation: the seed's average rate is the mean rate of E and I.
    expect(rate).toBeCloseTo((s.rate_e_hz * 450 + s.rate_i_hz * 113) / 563, 3);
    expect(s.groups.map((g: { label: string }) => g.label)).toEqual(['E', 'I']);
    expect(s.window_ms).toEqual([0, 300]);
    expect(s.cv_isi_e_mean).toBeCloseTo(result.groups[0].stats.cvMean, 3);
  });

  it('the ASCII spike files parse back to the recorded spikes', () => {
    const s = JSON.parse(readFileSync(join(dir, 'a', 'summary.json'), 'utf8'));
    let total = 0;
    for (const [k, g] of (s.groups as { file: string }[]).entries()) {
      const text = readFileSync(join(dir, 'a', g.file), 'utf8');
      expect(text.split('\n').slice(0, 3)).toEqual(['# NEST version: spikeworks', '# RecordingBackendASCII version: 2', 'sender\ttime_ms']);
      const rec = readNestAscii(join(dir, 'a', g.file));
      const ev = result.net.recorders[k].events<{ senders: Int32Array; times: Float64Array }>();
      expect(Array.from(rec.senders)).toEqual(Array.from(ev.senders));
      for (let i = 0; i < rec.times.length; i++) expect(Math.abs(rec.times[i] - ev.times[i])).toBeLessThan(5e-4);
      total += rec.senders.length;
    }
    expect(total).toBe(result.summary.spike_count);
    // NEST 2 .gdf rows (no header) read too.
    expect(Array.from(parseNestAscii('12\t3.4\n15   7.25\n').times)).toEqual([3.4, 7.25]);
  });

  it('the SVG figures are well-formed XML with a title and labelled axes', () => {
    for (const f of ['raster.svg', 'rate_histogram.svg', 'distributions.svg']) {
      const { root, texts } = checkXml(readFileSync(join(dir, 'a', f), 'utf8'));
      expect(root).toBe('svg');
      const all = texts.join(' | ');
      if (f === 'raster.svg') {
        expect(all).toContain('spike raster');
        expect(all).toContain('time (ms)');
        expect(all).toContain('neuron index');
      } else expect(all).toContain('firing rate (Hz)');
      expect(all).toContain(preset.name);
    }
  });

  it('statistics: rates count silent neurons, CVs need three spikes', () => {
    const st = spikeStatistics([1, 1, 1, 2, 2, 1], [10, 20, 40, 5, 15, 60], [1, 2, 3], 0, 1000);
    expect(Array.from(st.rates)).toEqual([4, 2, 0]);
    expect(Array.from(st.isis).sort((a, b) => a - b)).toEqual([10, 10, 20, 20]);
    // Neuron 1: ISIs 10, 20, 20 → mean 50/3, population sd sqrt(200/9).
    expect(st.cvs).toHaveLength(1);
    expect(st.cvs[0]).toBeCloseTo(Math.sqrt(200 / 9) / (50 / 3), 12);
  });

  it('compare: a folder against itself gives D = 0; NEST-style folders without summary load', () => {
    // compare takes a spikeworks folder only when its run.json says complete (`spikeworks run --out` writes it).
    const manifest = join(dir, 'a', 'run.json');
    if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ format: 'spikeworks-run', version: 1, status: 'complete', network: preset.name, t_ms: 300, t_stop_ms: 300 }));
    const same = compareFolders(join(dir, 'a'), join(dir, 'a'));
    expect(same.map((r) => r.labelA)).toEqual(['E', 'I']);
    for (const r of same) {
      expect(r.rate.D).toBe(0);
      expect(r.isi.D).toBe(0);
      expect(r.cv_isi.D).toBe(0);
    }
    // The same spike files alone, as NEST would leave them: neurons are those that spiked.
    const nestDir = join(dir, 'nest');
    mkdirSync(nestDir);
    for (const f of readdirSync(join(dir, 'a')).filter((x) => x.endsWith('.dat') && x.startsWith('spikes_'))) copyFileSync(join(dir, 'a', f), join(nestDir, f.replace('spikes_', '')));
    expect(existsSync(join(nestDir, 'summary.json'))).toBe(false);
    const groups = loadOutputFolder(nestDir, { tStart: 0, tStop: 300 });
    expect(groups.map((g) => g.label).sort()).toEqual(['E', 'I']);
    const rows = compareFolders(join(dir, 'a'), nestDir, {}, { tStart: 0, tStop: 300 });
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      // Same spikes: identical ISIs and CVs; rates differ only by the silent neurons NEST files cannot list.
      expect(r.isi.D).toBe(0);
      expect(r.cv_isi.D).toBe(0);
      const silent = result.groups.find((g) => g.group.label === r.labelA)!.stats.counts.filter((c) => c === 0).length;
      expect(r.rate.D).toBeCloseTo(silent / r.rate.n, 12);
    }
  });
});
