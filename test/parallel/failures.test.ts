import { describe, it, expect } from 'vitest';
import { runWorkers } from '../../parallel/workers.js';
import { threadCount } from './helpers.js';

const fixture = new URL('./fixtures/network.ts', import.meta.url);
const failing = new URL('./fixtures/failing.ts', import.meta.url);

describe('workers backend: failures end the run and leave no thread behind', () => {
  it('a plugin that throws during simulate on one worker rejects with that error; the other worker is stopped', async () => {
    // A first run of each kind starts whatever threads the process keeps for good (libuv pool, V8 platform
    // workers; the first failed run starts one more): a leak shows as more threads after every run.
    const failingRun = () => runWorkers({ workers: 2, module: failing, export: 'buildFailingRun', simtime: 100, plugins: { module: failing } });
    await runWorkers({ workers: 2, module: fixture, params: { NE: 20, NI: 10, eeModel: 'static_synapse' }, simtime: 1 });
    await failingRun().catch(() => {});
    const before = threadCount();
    const run = failingRun();
    await expect(run).rejects.toThrow(/worker 1 of 2: failing_iaf_psc_exp: deliberate failure at step 100/);
    await expect(run).rejects.toMatchObject({ name: 'RangeError' });
    expect(threadCount()).toBe(before);
  });

  it('an error while building on one worker rejects while the other waits in a collective', async () => {
    const before = threadCount();
    const t0 = performance.now();
    await expect(runWorkers({ workers: 2, module: failing, export: 'buildThrowsOnRank1', simtime: 10, barrierTimeoutMs: 60_000, plugins: { module: failing } })).rejects.toThrow(/worker 1 of 2: bad plugin on rank 1/);
    // Ended by the abort flag, not by the barrier timeout.
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(threadCount()).toBe(before);
  });

  it('a worker that runs out of memory fails the run with ERR_WORKER_OUT_OF_MEMORY', async () => {
    const before = threadCount();
    const run = runWorkers({ workers: 2, module: failing, export: 'buildOutOfMemory', simtime: 10, resourceLimits: { maxOldGenerationSizeMb: 64 }, plugins: { module: failing } });
    await expect(run).rejects.toThrow(/worker 1 of 2: .*memory/i);
    await expect(run).rejects.toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
    expect(threadCount()).toBe(before);
  });

  it('a module without the named build function is a clear error', async () => {
    await expect(runWorkers({ workers: 2, module: fixture, export: 'nope', simtime: 10 })).rejects.toThrow(/parameter 'export' = "nope" is invalid; allowed: the name of a function exported by .*network\.ts \(found: build, buildLopsided\)/);
  });
});

