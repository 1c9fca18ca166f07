import { describe, it, expect } from 'vitest';
import { builtinPlugins, presets, findPreset, runPreset } from '../../index.js';

const cuba = findPreset(presets, 'cuba-static');
const small = { scale: 0.1, simtime: 300 };

describe('determinism', () => {
  it('the same seed gives identical spikes, another seed different ones', () => {
    const a = runPreset(cuba, { ...small, seed: 7 }, { plugins: builtinPlugins }).summary;
    const b = runPreset(cuba, { ...small, seed: 7 }, { plugins: builtinPlugins }).summary;
    const c = runPreset(cuba, { ...small, seed: 8 }, { plugins: builtinPlugins }).summary;
    expect(a.spike_count).toBeGreaterThan(100);
    expect(b.spike_digest).toBe(a.spike_digest);
    expect(b.spike_count).toBe(a.spike_count);
    expect(c.spike_digest).not.toBe(a.spike_digest);
  });
});
