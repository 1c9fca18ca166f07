import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, readdirSync, copyFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { createSimulator, type Device } from '../../index.js';
import type { SpikeRecorderRuntime } from '../../plugins/recorders/spike_recorder.js';
import type { Population } from '../../core/handles.js';
import { loadOutputFolder, writeFolderFigures, describeOutputFolder, streamGroupStatistics } from '../../analysis/folder.js';
import { compareFolders, compareGroups } from '../../analysis/compare.js';
import { readSpikeFile } from '../../analysis/spikefile.js';
import { spikeStatistics } from '../../analysis/spikestats.js';
import { SpikeworksError } from '../../core/errors.js';

type Format = 'ascii' | 'binary' | 'arrow';
let root: string;
const folders = {} as Record<Format, string>;

/** A spikeworks output folder as `spikeworks run --out` leaves it: spike files, a multimeter, summary.json, run.json. */
function makeFolder(dir: string, format: Format, tStop = 300): void {
  mkdirSync(dir, { recursive: true });
  const sim = createSimulator({ seed: 7, dt: 0.1 });
  const E = sim.create('iaf_psc_exp', 80) as unknown as Population;
  const I = sim.create('iaf_psc_exp', 20) as unknown as Population;
  const noise = sim.create('poisson_generator', 1, { rate: 18000 });
  sim.connect(noise, E, 'all_to_all', { weight: 45, delay: 1 });
  sim.connect(noise, I, 'all_to_all', { weight: 40, delay: 1 });
  sim.connect(E, I, { rule: 'fixed_indegree', indegree: 10 }, { weight: 20, delay: 1.5 });
  const recE = sim.create('spike_recorder', 1, { record_to: format, label: 'spikes_E', path: dir });
  const recI = sim.create('spike_recorder', 1, { record_to: format, label: 'spikes_I', path: dir });
  sim.connect(E, recE);
  sim.connect(I, recI);
  const mm = sim.create('multimeter', 1, { interval: 0.5, record_from: ['V_m'], record_to: 'ascii', path: dir });
  sim.connect(mm, E.slice(0, 3));
  sim.simulate(tStop);
  sim.close();
  const file = (d: Device) => basename((d.runtime as SpikeRecorderRuntime).filename!);
  const groups = [
    { label: 'E', file: file(recE), first_gid: E.firstGid, n: 80 },
    { label: 'I', file: file(recI), first_gid: I.firstGid, n: 20 },
  ];
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ title: 'Test network', preset: 'test-net', seed: 7, window_ms: [0, tStop], groups }, null, 2));
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({
      format: 'spikeworks-run', version: 1, status: 'complete', network: 'test-net', params: { seed: 7 }, started: new Date().toISOString(), finished: new Date().toISOString(),
      t_ms: tStop, t_stop_ms: tStop, signal: null, error: null, spike_format: format, files: groups.map((g) => g.file),
    }),
  );
}

function copyFolder(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from)) copyFileSync(join(from, f), join(to, f));
}

function setManifest(dir: string, patch: Record<string, unknown>): void {
  const m = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...m, ...patch }));
}

function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpikeworksError);
    return (e as Error).message;
  }
  throw new Error('expected a SpikeworksError');
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'spikeworks-folder-'));
  for (const f of ['ascii', 'binary', 'arrow'] as Format[]) makeFolder((folders[f] = join(root, f)), f);
});

describe('loadOutputFolder / compareFolders', () => {
  it('reads spike files of the three formats: the same spikes give the same statistics', () => {
    const a = loadOutputFolder(folders.ascii);
    const b = loadOutputFolder(folders.binary);
    const c = loadOutputFolder(folders.arrow);
    expect(a.map((g) => g.label)).toEqual(['E', 'I']);
    for (let k = 0; k < 2; k++) {
      expect(a[k].stats.gids.length).toBe(k === 0 ? 80 : 20);
      expect(Array.from(b[k].stats.counts)).toEqual(Array.from(a[k].stats.counts));
      expect(Array.from(c[k].stats.counts)).toEqual(Array.from(b[k].stats.counts));
      expect(c[k].stats.isiMean).toBe(b[k].stats.isiMean);
      expect(Math.abs(a[k].stats.isiMean - b[k].stats.isiMean)).toBeLessThan(1e-3);
      expect(a[k].stats.counts.reduce((x, y) => x + y, 0)).toBeGreaterThan(100);
      expect(a[k].status).toBe('complete');
    }
    // Same as spikeStatistics over the whole file.
    const s = JSON.parse(readFileSync(join(folders.binary, 'summary.json'), 'utf8'));
    const rec = readSpikeFile(join(folders.binary, s.groups[0].file));
    const ref = spikeStatistics(rec.senders, rec.times, Int32Array.from({ length: 80 }, (_, i) => s.groups[0].first_gid + i), 0, 300);
    expect(b[0].stats.rateMean).toBeCloseTo(ref.rateMean, 12);
    expect(b[0].stats.cvMean).toBeCloseTo(ref.cvMean, 12);
    for (const r of compareFolders(folders.binary, folders.arrow)) {
      expect(r.rate.D).toBe(0);
      expect(r.isi.D).toBe(0);
      expect(r.cv_isi.D).toBe(0);
    }
  });

  it('a folder whose run.json says interrupted (or running) is refused; accepted with allowIncomplete, window (0, t_ms]', () => {
    const dir = join(root, 'interrupted');
    copyFolder(folders.ascii, dir);
    rmSync(join(dir, 'summary.json'));
    setManifest(dir, { status: 'interrupted', t_ms: 150, t_stop_ms: 10000, signal: 'SIGINT', finished: null });
    expect(thrown(() => compareFolders(dir, folders.ascii))).toBe(
      `${dir}: run.json says interrupted at t = 150 ms of 10000 ms (SIGINT); pass --allow-incomplete (allowIncomplete: true) to compare it anyway`,
    );
    const groups = loadOutputFolder(dir, { allowIncomplete: true });
    expect(groups.map((g) => g.label).sort()).toEqual(['E', 'I']);
    for (const g of groups) {
      expect(g.stats.windowMs).toEqual([0, 150]);
      expect(g.status).toBe('interrupted');
    }
    const rows = compareFolders(dir, folders.ascii, { allowIncomplete: true }, {});
    expect(rows).toHaveLength(2);
    // The window cannot reach past where the run stopped.
    expect(thrown(() => loadOutputFolder(dir, { allowIncomplete: true, tStop: 200 }))).toMatch(/ends after the run stopped \(run.json: interrupted at t = 150 ms\)/);
    setManifest(dir, { t_ms: 0 });
    expect(thrown(() => loadOutputFolder(dir, { allowIncomplete: true }))).toMatch(/empty window \(0, 0\] ms: run.json says interrupted at t = 0 ms: nothing to read before it/);
    setManifest(dir, { status: 'running', signal: null, t_ms: 150 });
    expect(thrown(() => loadOutputFolder(dir))).toMatch(/run.json says running at t = 150 ms of 10000 ms \(the run is still going, or was killed/);
    setManifest(dir, { status: 'failed', error: 'out of memory' });
    expect(thrown(() => loadOutputFolder(dir))).toMatch(/run.json says failed at t = 150 ms of 10000 ms \(error: out of memory\); pass --allow-incomplete/);
  });

  it('a spikeworks folder without run.json is refused; a corrupt manifest too', () => {
    const dir = join(root, 'nomanifest');
    copyFolder(folders.binary, dir);
    rmSync(join(dir, 'run.json'));
    expect(thrown(() => loadOutputFolder(dir))).toMatch(new RegExp(`^${dir}: a spikeworks output folder without run.json: cannot tell whether its run completed.*pass --allow-incomplete`));
    expect(loadOutputFolder(dir, { allowIncomplete: true })).toHaveLength(2);
    writeFileSync(join(dir, 'run.json'), '{"format": "spikeworks-run", "vers');
    expect(thrown(() => loadOutputFolder(dir))).toMatch(/run.json: the run manifest is not valid JSON/);
  });

  it('a killed run: a partial last record is left out with allowIncomplete; in a complete folder it is refused, naming the file', () => {
    for (const f of ['ascii', 'binary', 'arrow'] as Format[]) {
      const dir = join(root, `cut-${f}`);
      copyFolder(folders[f], dir);
      const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      const p = join(dir, s.groups[0].file);
      const bytes = readFileSync(p);
      // Arrow: into the last record batch (the end-of-stream marker is the last 8 bytes).
      writeFileSync(p, bytes.subarray(0, bytes.length - (f === 'arrow' ? 20 : 3)));
      // run.json still says complete: the truncated file is corrupt.
      const msg = thrown(() => loadOutputFolder(dir));
      expect(msg).toContain(p);
      expect(msg).toMatch(/ends in the middle of/);
      expect(thrown(() => loadOutputFolder(dir, { allowIncomplete: true }))).toContain(p);
      // Killed (SIGKILL leaves 'running'): accepted with allowIncomplete, the partial record left out.
      setManifest(dir, { status: 'running', t_ms: 300 });
      expect(thrown(() => loadOutputFolder(dir))).toMatch(/run.json says running/);
      const g = loadOutputFolder(dir, { allowIncomplete: true });
      const full = loadOutputFolder(folders[f]);
      expect(g[0].droppedBytes).toBeGreaterThan(0);
      const n = g[0].stats.counts.reduce((a, b) => a + b, 0);
      const nFull = full[0].stats.counts.reduce((a, b) => a + b, 0);
      // ASCII and binary lose the one cut record; Arrow the cut record batch.
      if (f === 'arrow') expect(n).toBeLessThan(nFull);
      else expect(n).toBe(nFull - 1);
      expect(g[1].droppedBytes).toBeUndefined();
    }
  });

  it('run.json of a run that stopped early: groups (silent neurons known), log and multimeter files not spike files', () => {
    const dir = join(root, 'manifest-groups');
    copyFolder(folders.ascii, dir);
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    rmSync(join(dir, 'summary.json'));
    writeFileSync(join(dir, 'log_0.dat'), '0 0 1.5 # build_time_nodes\n');
    const mm = readdirSync(dir).find((f) => f.startsWith('multimeter'))!;
    setManifest(dir, { status: 'interrupted', t_ms: 200, groups: s.groups, files: ['run.json', 'log_0.dat', mm, ...s.groups.map((g: { file: string }) => g.file)] });
    const g = loadOutputFolder(dir, { allowIncomplete: true });
    expect(g.map((x) => x.label)).toEqual(['E', 'I']);
    expect(g[0].stats.gids.length).toBe(80);
    expect(g[0].stats.windowMs).toEqual([0, 200]);
    // Without groups: the spike files run.json names, the neurons that spiked.
    setManifest(dir, { groups: undefined });
    const h = loadOutputFolder(dir, { allowIncomplete: true });
    expect(h.map((x) => x.label)).toEqual(['E', 'I']);
    expect(h[0].stats.gids.length).toBeLessThanOrEqual(80);
  });

  it('empty, junk and random spike files are refused', () => {
    const s = JSON.parse(readFileSync(join(folders.ascii, 'summary.json'), 'utf8'));
    for (const [name, content, re] of [
      ['empty', '', /empty file \(0 bytes: not even a header\)/],
      ['junk', '# NEST version: x\nsender\ttime_ms\n1\t2.0\noops\n', /line 4: expected 2 numeric fields \(sender, time_ms\), got "oops"/],
      ['random', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256)), /is not text: not a spike file/],
    ] as [string, string | Buffer, RegExp][]) {
      const dir = join(root, `bad-${name}`);
      copyFolder(folders.ascii, dir);
      writeFileSync(join(dir, s.groups[1].file), content);
      const msg = thrown(() => compareFolders(dir, folders.ascii));
      expect(msg).toContain(join(dir, s.groups[1].file));
      expect(msg).toMatch(re);
    }
  });

  it('an empty window is refused: t_stop <= t_start, or no spikes of a group in the window', () => {
    expect(thrown(() => compareFolders(folders.ascii, folders.binary, { tStart: 200, tStop: 100 }))).toMatch(/empty window \(200, 100\] ms: t_stop must be after t_start/);
    expect(thrown(() => compareFolders(folders.ascii, folders.binary, { tStart: 100, tStop: 100 }))).toMatch(/empty window \(100, 100\] ms/);
    // A window after the run: every neuron silent (once D 0, p 1).
    expect(thrown(() => compareFolders(folders.ascii, folders.binary, { tStart: 1000, tStop: 2000 }))).toMatch(/group E \(.*\): no spikes in the window \(1000, 2000\] ms among its 80 neurons: nothing to compare/);
    const a = loadOutputFolder(folders.ascii);
    expect(() => compareGroups([{ ...a[0], stats: spikeStatistics([], [], [], 0, 10) }], a)).toThrow(/no neurons: nothing to compare/);
  });

  it('a folder of NEST files (no manifest, no summary) is accepted; its multimeter file is not a spike group', () => {
    const dir = join(root, 'nest');
    mkdirSync(dir);
    for (const f of readdirSync(folders.ascii)) {
      if (f.startsWith('spikes_')) copyFileSync(join(folders.ascii, f), join(dir, f.replace('spikes_', '')));
      if (f.startsWith('multimeter')) copyFileSync(join(folders.ascii, f), join(dir, f));
    }
    const d = describeOutputFolder(dir);
    expect(d.kind).toBe('nest');
    expect(d.groups.map((g) => g.label).sort()).toEqual(['E', 'I']);
    expect(d.multimeters).toHaveLength(1);
    const rows = compareFolders(dir, folders.ascii, { tStart: 0, tStop: 300 }, {});
    for (const r of rows) {
      expect(r.isi.D).toBe(0);
      expect(r.cv_isi.D).toBe(0);
    }
  });
});

describe('writeFolderFigures', () => {
  it('writes the figures and statistics of a complete folder, from the files', async () => {
    const dir = join(root, 'fig');
    copyFolder(folders.binary, dir);
    const written = await writeFolderFigures(dir);
    for (const f of ['raster.svg', 'rate_histogram.svg', 'distributions.svg', 'distributions.json', 'vm.svg', 'stats_E.csv', 'stats_I.csv']) {
      expect(written).toContain(f);
      expect(existsSync(join(dir, f))).toBe(true);
    }
    // stats_E.csv: the streamed per-neuron statistics, equal to spikeStatistics'.
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    const rec = readSpikeFile(join(dir, s.groups[0].file));
    const ref = spikeStatistics(rec.senders, rec.times, Int32Array.from({ length: 80 }, (_, i) => s.groups[0].first_gid + i), 0, 300);
    const rows = readFileSync(join(dir, 'stats_E.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('gid,n_spikes,rate_hz,cv_isi');
    expect(rows).toHaveLength(81);
    rows.slice(1).forEach((line, k) => {
      const [gid, n, rate] = line.split(',').map(Number);
      expect(gid).toBe(ref.gids[k]);
      expect(n).toBe(ref.counts[k]);
      expect(rate).toBeCloseTo(ref.rates[k], 10);
    });
    const raster = readFileSync(join(dir, 'raster.svg'), 'utf8');
    // The population-rate panel under the raster, and the subtitle saying what is shown.
    expect(raster).toContain('rate (Hz, 5 ms bins)');
    expect(raster).toContain('neuron index');
    expect(raster).toContain('time (ms)');
    expect(raster).toContain('all 80 E neurons, all 20 I neurons; last 300 ms (0–300 ms)');
    expect(raster).toContain('Test network — spike raster (test-net, seed 7)');
    const dist = readFileSync(join(dir, 'distributions.svg'), 'utf8');
    expect(dist).toContain('inter-spike interval (ms, log scale)');
    expect(dist).toContain('firing rate (Hz)');
    const vm = readFileSync(join(dir, 'vm.svg'), 'utf8');
    expect(vm).toContain('membrane potential V_m (mV)');
    expect(vm).toMatch(/3 neurons \(neuron \d+, neuron \d+, neuron \d+\)/);
    const dj = JSON.parse(readFileSync(join(dir, 'distributions.json'), 'utf8'));
    expect(dj.E.rate_mean_hz).toBeCloseTo(ref.rateMean, 12);
    expect(dj.E.isi_log_hist.counts.reduce((a: number, b: number) => a + b, 0) + dj.E.isi_log_hist.below + dj.E.isi_log_hist.above).toBe(ref.isis.length);
  });

  it('a larger group: the raster shows a subset and says so', async () => {
    const dir = join(root, 'fig-subset');
    copyFolder(folders.arrow, dir);
    await writeFolderFigures(dir, { rasterNeurons: 50, rasterMs: 100 });
    const raster = readFileSync(join(dir, 'raster.svg'), 'utf8');
    expect(raster).toContain('first 40 of 80 E neurons, 10 of 20 I neurons; last 100 ms (200–300 ms)');
  });

  it('an interrupted folder: refused, then plotted with allowIncomplete; a NEST folder is plotted too', async () => {
    const dir = join(root, 'fig-int');
    copyFolder(folders.ascii, dir);
    rmSync(join(dir, 'summary.json'));
    setManifest(dir, { status: 'interrupted', t_ms: 250, t_stop_ms: 1000, signal: 'SIGTERM' });
    await expect(writeFolderFigures(dir)).rejects.toThrow(/run.json says interrupted at t = 250 ms of 1000 ms \(SIGTERM\); pass --allow-incomplete \(allowIncomplete: true\) to plot it anyway/);
    const written = await writeFolderFigures(dir, { allowIncomplete: true });
    expect(written).toContain('raster.svg');
    expect(written).toContain('stats_E.csv');
    const raster = readFileSync(join(dir, 'raster.svg'), 'utf8');
    expect(raster).toContain('interrupted at t = 250 of 1000 ms');
    // Without summary.json the neurons are those that spiked; the window is (0, t_ms].
    const st = streamGroupStatistics(readdirSync(dir).filter((f) => f.startsWith('spikes_E')).map((f) => join(dir, f)), null, 0, 250);
    expect(readFileSync(join(dir, 'stats_E.csv'), 'utf8').trim().split('\n')).toHaveLength(st.gids.length + 1);

    const nest = join(root, 'fig-nest');
    mkdirSync(nest);
    for (const f of readdirSync(folders.ascii)) if (f.startsWith('spikes_')) copyFileSync(join(folders.ascii, f), join(nest, f.replace('spikes_', 'pop')));
    // The run's own writer, before it finishes run.json: asComplete.
    setManifest(dir, { status: 'running', t_ms: 0 });
    await expect(writeFolderFigures(dir)).rejects.toThrow(/run.json says running/);
    expect(await writeFolderFigures(dir, { asComplete: true, tStop: 300 })).toContain('raster.svg');
    expect(readFileSync(join(dir, 'raster.svg'), 'utf8')).not.toContain('running');

    const w2 = await writeFolderFigures(nest);
    expect(w2).toContain('raster.svg');
    expect(w2).not.toContain('vm.svg');
    expect(readFileSync(join(nest, 'raster.svg'), 'utf8')).toContain('(neurons that spiked)');
  });
});
