import { describe, expect, it } from 'vitest';
import { BrowserRun, createSimulator, describePreset, encodeSpecJson, presets, builtinPlugins, ParameterError, SpikeworksError, vaCoba } from '../../browser.js';
import { parseSpikeArrow } from '../../plugins/recorders/arrow.js';
import { parseSpikeAscii } from '../../plugins/recorders/files.js';
import { presets as nodePresets } from '../../presets/index.js';

const small = { simtime: 200, seed: 3, scale: 0.25, integrator: 'euler-f32x4-wasm-simd' };

describe('BrowserRun (the engine entry of the page, here on the Node platform)', () => {
  it('lists the presets the CLI lists', () => {
    expect(presets.map((p) => p.name)).toEqual(nodePresets.map((p) => p.name));
    expect(presets).toContain(vaCoba);
  });

  it('gives a spec file the digest of its preset, and NEST ASCII and Arrow files with the same spikes', () => {
    const preset = new BrowserRun({ preset: 'va-coba', overrides: small });
    preset.advance();
    const a = preset.summary();
    expect(a.spike_count).toBeGreaterThan(500);
    const specText = encodeSpecJson(describePreset(vaCoba, small, builtinPlugins).spec);
    const fromSpec = new BrowserRun({ spec: specText }, { format: 'arrow' });
    // In pieces, as the page's worker runs it.
    while (!fromSpec.done) fromSpec.advance(5);
    const b = fromSpec.summary();
    expect(b.spike_digest).toBe(a.spike_digest);
    expect(b.spike_count).toBe(a.spike_count);
    const count = (files: Map<string, Uint8Array>, parse: (bytes: Uint8Array, name: string) => { senders: Int32Array }) =>
      [...files].reduce((n, [name, bytes]) => n + parse(bytes, name).senders.length, 0);
    const ascii = preset.files();
    expect([...ascii.keys()].sort()).toEqual(['spikes_E-1001-0.dat', 'spikes_I-1002-0.dat']);
    expect(count(ascii, (bytes, name) => parseSpikeAscii(new TextDecoder().decode(bytes), name))).toBe(a.spike_count);
    const arrow = fromSpec.files();
    expect([...arrow.keys()].every((k) => k.endsWith('.arrow'))).toBe(true);
    expect(count(arrow, parseSpikeArrow)).toBe(a.spike_count);
    expect(Object.keys(a.rates_hz)).toEqual(['E', 'I']);
    preset.close();
    fromSpec.close();
  }, 60_000);

  it("samples a neuron's membrane potential within its range", () => {
    const run = new BrowserRun({ preset: 'va-coba', overrides: { ...small, simtime: 20 } });
    const v = run.probe(5);
    expect(v()).toBe(-60);
    run.advance();
    expect(v()).toBeGreaterThan(-80);
    expect(v()).toBeLessThan(-50);
    run.close();
  });

  it('refuses bad input naming the parameter, the value and what is allowed', () => {
    expect(() => new BrowserRun({ preset: 'va-coba', overrides: small }, { format: 'csv' as 'ascii' })).toThrow(/'format' = "csv" is invalid; allowed: 'ascii' or 'arrow'/);
    expect(() => new BrowserRun({ preset: 'va-cobaa' })).toThrow(/unknown preset 'va-cobaa'/);
    expect(() => new BrowserRun({ preset: 'va-coba', overrides: { ...small, C_m: -1 } })).toThrow(ParameterError);
    const run = new BrowserRun({ preset: 'va-coba', overrides: { ...small, simtime: 10 } });
    expect(() => run.probe(0)).toThrow(/'gid' = 0 is invalid; allowed: a neuron's id \(an integer from 1 to 1000\)/);
    expect(() => run.spikeDigest()).toThrow(SpikeworksError);
    run.close();
    const spec = describePreset(vaCoba, small, builtinPlugins).spec;
    spec.plugins.modules = [{ url: './my-plugins.js' }];
    expect(() => new BrowserRun({ spec })).toThrow(/'spec.plugins.modules' = \["\.\/my-plugins\.js"\] is invalid/);
  });

  it('runs the TypeScript API of docs/browser.md', () => {
    const sim = createSimulator({ dt: 0.1, seed: 1 });
    const pop = sim.create('iaf_psc_alpha', 100, { I_e: 400 });
    const rec = sim.create('spike_recorder');
    sim.connect(pop, rec);
    sim.simulate(1000);
    // I_e 400 pA drives every neuron regularly: about 25 spikes each in a second.
    expect(rec.events().times.length).toBeGreaterThan(1000);
    sim.close();
  });
});
