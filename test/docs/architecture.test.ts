import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Simulator, builtinPlugins, presets, findPreset, resolvePresetParams } from '../../index.js';

describe('docs/architecture.md', () => {
  it("shows cuba-stdp's schedule as sim.schedule() prints it", () => {
    const text = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8');
    const block = text.split('## The schedule of cuba-stdp')[1].split('```')[1].replace(/^\n/, '').replace(/\n$/, '');
    const preset = findPreset(presets, 'cuba-stdp');
    const p = resolvePresetParams(preset, {});
    const sim = new Simulator({ plugins: builtinPlugins, dt: p.dt as number, seed: p.seed as number });
    preset.build(sim, p);
    expect(block).toBe(sim.schedule());
  });
});
