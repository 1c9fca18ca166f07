import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Simulator, decodeSpecJson, runPreset, runPresetWorkers } from '../../../index.js';
import { loadTarget } from '../../../cli/targets.js';
import { build, composition, seed, simtime } from '../../../docs/examples/balanced.js';

const file = (name: string) => fileURLToPath(new URL(`../../../docs/examples/${name}`, import.meta.url));

describe('docs/examples/balanced.spec.json', () => {
  it('is the spec of balanced.ts built through the API (the file is kept in step with the module)', () => {
    const sim = new Simulator({ plugins: composition, seed, describeOnly: true });
    build(sim);
    const fromFile = decodeSpecJson(readFileSync(file('balanced.spec.json'), 'utf8'));
    expect(fromFile).toEqual(sim.toSpec({ run: { simtime } }));
    expect(fromFile.nodes[3]).toMatchObject({ params: { spike_times: Float64Array.of(100, 100.5, 101) } });
  });

  it('the file, the module and the module on 2 workers give the same spikes', async () => {
    const json = await loadTarget(file('balanced.spec.json'));
    const mod = await loadTarget(file('balanced.ts'));
    const a = runPreset(json.preset, {}, { plugins: json.plugins }).summary;
    const b = runPreset(mod.preset, {}, { plugins: mod.plugins }).summary;
    const c = (await runPresetWorkers(json.preset, {}, { workers: 2, plugins: json.plugins })).summary;
    expect(a.spike_count).toBeGreaterThan(5000);
    expect(b.spike_digest).toBe(a.spike_digest);
    expect(c.spike_digest).toBe(a.spike_digest);
  }, 60_000);
});
