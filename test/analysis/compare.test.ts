import { describe, it, expect } from 'vitest';
import { builtinPlugins } from '../../plugins/index.js';
import { runPreset, findPreset, presets } from '../../presets/index.js';
import { compareGroups } from '../../analysis/compare.js';
import type { LoadedGroup } from '../../analysis/folder.js';
import type { RunResult } from '../../presets/run.js';

const opts = { plugins: builtinPlugins };
const loaded = (r: RunResult): LoadedGroup[] => r.groups.map((g) => ({ label: g.group.label, stats: g.stats, source: r.summary.preset }));

describe('K-S comparison of networks (seed 003 style)', () => {
  it('two seeds of va-coba differ far less than va-coba and cuba-static', () => {
    const coba = findPreset(presets, 'va-coba');
    const a = runPreset(coba, { scale: 0.5, simtime: 1000, integrator: 'euler-f32', seed: 1 }, opts);
    const b = runPreset(coba, { scale: 0.5, simtime: 1000, integrator: 'euler-f32', seed: 2 }, opts);
    const c = runPreset(findPreset(presets, 'cuba-static'), { scale: 0.1, simtime: 1000, seed: 1 }, opts);
    const same = compareGroups(loaded(a), loaded(b));
    const other = compareGroups(loaded(a), loaded(c));
    const dSame = same.find((r) => r.labelA === 'E')!;
    const dOther = other.find((r) => r.labelA === 'E')!;
    expect(dSame.rate.D).toBeLessThan(0.1);
    expect(dOther.rate.D).toBeGreaterThan(0.3);
    expect(dOther.rate.p).toBeLessThan(0.001);
    expect(dOther.cv_isi.D).toBeGreaterThan(0.5);
    expect(dSame.rate.D * 3).toBeLessThan(dOther.rate.D);
  });
});
