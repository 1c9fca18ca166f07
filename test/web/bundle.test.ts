import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { runInNewContext } from 'node:vm';
import { browserBuildOptions } from '../../web/build.mjs';
import { builtinPlugins } from '../../plugins/index.js';
import { vaCoba } from '../../presets/va.js';
import { runPreset } from '../../presets/run.js';

type Bundle = { outputFiles: { text: string }[]; metafile: { inputs: Record<string, unknown> } };

async function bundle(format: 'esm' | 'iife'): Promise<Bundle> {
  return (await build(browserBuildOptions('browser.ts', { write: false, metafile: true, format, globalName: format === 'iife' ? 'spikeworks' : undefined }))) as Bundle;
}

/** The globals a browser's Web Worker has that the engine may use; no process, Buffer, require or global. */
function browserGlobals(): Record<string, unknown> {
  return {
    WebAssembly: (globalThis as Record<string, unknown>).WebAssembly, TextEncoder, TextDecoder, performance, console, queueMicrotask, setTimeout, clearTimeout,
    structuredClone, SharedArrayBuffer, Atomics, URL, navigator: { hardwareConcurrency: 2 },
  };
}

/** What BrowserRun gives in the vm context (the bundle's own realm). */
interface VmSummary { spike_digest: string; spike_count: number; platform: string; rates_hz: Record<string, number> }

describe('the browser build of the engine', () => {
  it('bundles with no Node built-in and no Node global on its path', async () => {
    const out = await bundle('esm');
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.filter((k) => k.startsWith('node:'))).toEqual([]);
    expect(inputs).toContain('core/platform-browser.ts');
    expect(inputs).not.toContain('core/platform-node.ts');
    const text = out.outputFiles[0].text;
    expect(text).not.toMatch(/\bimport\.meta\b/);
    expect(text, 'a require of a package or built-in left to run time').not.toMatch(/\brequire\(\s*["'][^."']/);
    // esbuild replaces free references to these globals (not strings, properties or local names): any left shows.
    const globals = ['process', 'Buffer', '__dirname', '__filename', 'setImmediate'];
    const marked = (await build(browserBuildOptions('browser.ts', { write: false, define: Object.fromEntries(globals.map((g) => [g, `NODE_GLOBAL_${g}`])) }))) as Bundle;
    const uses = [...marked.outputFiles[0].text.matchAll(/NODE_GLOBAL_\w+/g)].map((m) => marked.outputFiles[0].text.slice(m.index! - 60, m.index! + 30));
    expect(uses).toEqual([]);
  }, 60_000);

  it('runs va-coba 1 s (WebAssembly SIMD kernel) in a context without Node globals, with the spike digest of the Node run', async () => {
    const overrides = { simtime: 1000, seed: 7, integrator: 'euler-f32x4-wasm-simd' };
    const node = runPreset(vaCoba, overrides, { plugins: builtinPlugins }).summary;
    const code = (await bundle('iife')).outputFiles[0].text;
    const context = browserGlobals();
    const summary = runInNewContext(
      `${code}\n;(() => { const run = new spikeworks.BrowserRun({ preset: 'va-coba', overrides: ${JSON.stringify(overrides)} });
        run.advance(); const s = run.summary(); run.close(); return JSON.stringify(s); })()`,
      context,
    ) as string;
    const browser = JSON.parse(summary) as VmSummary;
    expect(browser.platform).toBe('browser');
    expect(browser.spike_count).toBe(node.spike_count);
    expect(browser.spike_count).toBeGreaterThan(10_000);
    expect(browser.spike_digest).toBe(node.spike_digest);
    // Same spikes over the same window: the rates agree to rounding (Node rounds to 4 decimals).
    expect(browser.rates_hz.E).toBeCloseTo(node.rate_e_hz, 3);
    expect(browser.rates_hz.I).toBeCloseTo(node.rate_i_hz, 3);
    expect('process' in context || 'Buffer' in context).toBe(false);
  }, 120_000);
});
