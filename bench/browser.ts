/**
 * va-coba in a real browser against Node, and on 1 against 2 Web Workers (issue 19's speed rows).
 *
 *   npx tsx bench/browser.ts            10 s simulated, best of 3 each
 *   npx tsx bench/browser.ts --quick    2 s simulated, best of 2
 *
 * Drives Debian's chromium (headless, through playwright-core) on the page that `npm run build:web` writes,
 * served as `spikeworks serve` serves it (cross-origin isolated, so SharedArrayBuffer exists). Runs alternate
 * between the variants so that a disturbance of the shared machine hits them alike; the best run of each is
 * reported (real-time factor = wall seconds of simulate per simulated second). Every run's digest must equal
 * Node's. `npm run bench` calls `browserBench({ quick })`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { buildWeb } from '../web/build.mjs';
import { servePage } from '../cli/serve.js';
import { runPreset } from '../presets/run.js';
import { vaCoba } from '../presets/va.js';
import { builtinPlugins } from '../plugins/index.js';
import { chromiumPath } from '../test/support/requirements.js';

export type Row = Record<string, number | string>;

interface BrowserFigure {
  workers: number;
  digest: string;
  sim: number;
}

export async function browserBench(options: { quick?: boolean; simtimeMs?: number; reps?: number } = {}): Promise<Row[]> {
  const quick = options.quick === true;
  const simtime = options.simtimeMs ?? (quick ? 2000 : 10_000);
  const reps = options.reps ?? (quick ? 2 : 3);
  const overrides = { simtime, seed: 7, integrator: 'euler-f32x4-wasm-simd' };
  const exe = chromiumPath();
  if (!exe) return [{ network: `va-coba ${simtime / 1000} s`, error: 'no chromium found (Debian: apt-get install chromium)' }];
  const node: number[] = [];
  let digest = '';
  for (let k = 0; k < reps; k++) {
    const s = runPreset(vaCoba, overrides, { plugins: builtinPlugins }).summary;
    node.push(s.sim_time_s);
    digest = s.spike_digest;
  }
  const dir = mkdtempSync(join(tmpdir(), 'spikeworks-bench-web-'));
  const server = await servePage({ dir: await buildWeb(dir, { minify: true }), port: 0 });
  const browser = await chromium.launch({ executablePath: exe, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    const order = Array.from({ length: reps }, () => [1, 2]).flat();
    const runs = (await page.evaluate(`(async () => {
      const m = await import('./spikeworks.js');
      const rankUrl = new URL('rank.js', location.href);
      const out = [];
      for (const workers of ${JSON.stringify(order)}) {
        const r = await m.runInWebWorkers({ preset: 'va-coba', overrides: ${JSON.stringify(overrides)} }, { workers, rankUrl });
        out.push({ workers, digest: r.spike_digest, sim: r.sim_time_s });
      }
      return out;
    })()`)) as BrowserFigure[];
    const wrong = runs.find((r) => r.digest !== digest);
    if (wrong) throw new Error(`browser run on ${wrong.workers} Web Worker(s) gave digest ${wrong.digest}, Node ${digest}`);
    const best = (xs: number[]) => Math.min(...xs);
    const s = simtime / 1000;
    const nodeRtf = best(node) / s;
    const one = best(runs.filter((r) => r.workers === 1).map((r) => r.sim)) / s;
    const two = best(runs.filter((r) => r.workers === 2).map((r) => r.sim)) / s;
    return [
      {
        network: `va-coba ${s} s, euler-f32x4-wasm-simd (best of ${reps})`,
        node_rtf: nodeRtf,
        chromium_1_worker_rtf: one,
        chromium_vs_node: one / nodeRtf,
        chromium_2_workers_rtf: two,
        speedup_2_workers: one / two,
        digest: digest.slice(0, 16),
      },
    ];
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await browserBench({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(JSON.stringify(r));
}
