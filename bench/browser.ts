/**
 * va-coba in a real browser against Node, and on 1 against 2 Web Workers (issue 19's speed rows).
 *
 *   npx tsx bench/browser.ts            10 s with the SIMD kernel, 1 s with the default (exact: RKF45), best of 3 each
 *   npx tsx bench/browser.ts --quick    2 s and 0.2 s, best of 2
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
  const reps = options.reps ?? (quick ? 2 : 3);
  // The SIMD kernel (about 40 µs of work per 0.8 ms slice and rank), and the preset's default, NEST's RKF45 (about 100 times more).
  const cases = [
    { integrator: 'euler-f32x4-wasm-simd', simtime: options.simtimeMs ?? (quick ? 2000 : 10_000) },
    { integrator: 'exact', simtime: quick ? 200 : 1000 },
  ];
  const exe = chromiumPath();
  if (!exe) return cases.map((c) => ({ network: `va-coba ${c.simtime / 1000} s, ${c.integrator}`, error: 'no chromium found (Debian: apt-get install chromium)' }));
  const dir = mkdtempSync(join(tmpdir(), 'spikeworks-bench-web-'));
  const server = await servePage({ dir: await buildWeb(dir, { minify: true }), port: 0 });
  const browser = await chromium.launch({ executablePath: exe, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    const rows: Row[] = [];
    for (const c of cases) {
      const overrides = { simtime: c.simtime, seed: 7, integrator: c.integrator };
      const node: number[] = [];
      let digest = '';
      for (let k = 0; k < reps; k++) {
        const s = runPreset(vaCoba, overrides, { plugins: builtinPlugins }).summary;
        node.push(s.sim_time_s);
        digest = s.spike_digest;
      }
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
      const sec = c.simtime / 1000;
      const nodeRtf = best(node) / sec;
      const one = best(runs.filter((r) => r.workers === 1).map((r) => r.sim)) / sec;
      const two = best(runs.filter((r) => r.workers === 2).map((r) => r.sim)) / sec;
      rows.push({
        network: `va-coba ${sec} s, ${c.integrator} (best of ${reps})`,
        node_rtf: nodeRtf,
        chromium_1_worker_rtf: one,
        chromium_vs_node: one / nodeRtf,
        chromium_2_workers_rtf: two,
        speedup_2_workers: one / two,
        digest: digest.slice(0, 16),
      });
    }
    return rows;
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
