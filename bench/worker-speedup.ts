/**
 * One preset in one process, then on 1 and 2 worker threads for each barrier spin count, alternating: the
 * 2-worker speed-up and the time the workers waited at the barrier (exchange). Best of the repetitions counts on
 * a shared machine.
 *
 *   npx tsx bench/worker-speedup.ts <preset> [overrides as JSON] [spins, comma-separated] [repetitions]
 *   npx tsx bench/worker-speedup.ts cuba-static '{"simtime":1000}' 2000,30000 3
 *
 * `node --import tsx/esm bench/…` instead of `npx tsx` keeps the single-process rows off tsx's CommonJS loader,
 * which slows the main thread's kernels by 16-22 % (docs/performance.md); worker threads are not affected.
 */
import { runPresetWorkers } from '../parallel/index.js';
import { runPreset } from '../presets/run.js';
import { presets } from '../presets/index.js';
import { builtinPlugins } from '../plugins/index.js';

const preset = presets.find((p) => p.name === process.argv[2]);
if (!preset) throw new Error(`bench/worker-speedup.ts: preset '${process.argv[2]}' is not one of ${presets.map((p) => p.name).join(', ')}`);
const overrides = JSON.parse(process.argv[3] ?? '{}') as Record<string, unknown>;
const spins = (process.argv[4] ?? '2000').split(',').map(Number);
const reps = Number(process.argv[5] ?? 2);
const times: Record<string, number[]> = {};
const put = (k: string, v: number) => (times[k] ??= []).push(v);
type Summary = Record<string, number>;
for (let r = 0; r < reps; r++) {
  put('one process', (runPreset(preset, overrides, { plugins: builtinPlugins }).summary as unknown as Summary).sim_time_s);
  for (const spin of spins) {
    for (const workers of [1, 2]) {
      const s = (await runPresetWorkers(preset, overrides, { workers, spin })).summary as unknown as Summary;
      put(`spin ${spin}, ${workers} worker${workers > 1 ? 's' : ''}`, s.sim_time_s);
      if (workers === 2) put(`spin ${spin}, 2 workers: exchange`, (s.rank0_exchange_s + s.rank1_exchange_s) / 2);
    }
  }
}
console.log(`${preset.name} ${JSON.stringify(overrides)}: simulation s (and the mean exchange s of 2 workers)`);
for (const [k, v] of Object.entries(times)) console.log(`${k.padEnd(32)} ${v.map((x) => x.toFixed(3)).join(' ')}   best ${Math.min(...v).toFixed(3)}`);
for (const spin of spins) {
  const best = (w: number) => Math.min(...times[`spin ${spin}, ${w} worker${w > 1 ? 's' : ''}`]);
  console.log(`spin ${spin}: speed-up of 2 workers over 1 (best of ${reps}) ${(best(1) / best(2)).toFixed(2)}x`);
}
