import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, ParameterError } from '../../index.js';
import { runWorkers, runPresetWorkers } from '../../parallel/workers.js';
import { build, plugins as timerPlugins, stallPlugins } from './fixtures/timer-system.js';

// User systems that fail on rank 1: a timer that throws, and a rank held past the barrier timeout.
const fixture = new URL('./fixtures/timer-system.ts', import.meta.url);

describe('worker threads: errors from timers reach the main thread', () => {
  it('runWorkers: a timer that throws on one worker fails the run with its error (it used to finish as if nothing happened)', async () => {
    const run = runWorkers({ workers: 2, module: fixture, simtime: 20, plugins: { module: fixture } });
    await expect(run).rejects.toThrow(/^worker 1 of 2: throw_from_timer: the timer failure this test expects$/);
    await expect(run).rejects.toMatchObject({ name: 'SpikeworksError' });
  }, 60_000);

  it("createSimulator({ backend: 'workers' }): the simulate call during which the timer was armed throws its error", () => {
    const sim = createSimulator({
      plugins: [...builtinPlugins, ...timerPlugins], backend: 'workers', workers: 2, pluginModules: [{ url: fixture.href }],
    });
    build(sim);
    // The first call, not a later one: the worker lets its timers fire before it answers.
    expect(() => sim.simulate(20)).toThrow(/worker 1 of 2: throw_from_timer: the timer failure this test expects/);
    expect(() => sim.simulate(20)).toThrow(/workers stopped after an error/);
    sim.close();
  }, 60_000);
});

describe('worker threads: the barrier timeout is an option and its error names the stuck rank', () => {
  it('runWorkers: barrierTimeoutMs ends the run and names the rank the barrier waited for', async () => {
    const run = runWorkers({ workers: 2, module: fixture, simtime: 20, barrierTimeoutMs: 2500, plugins: { module: fixture, export: 'stallPlugins' } });
    await expect(run).rejects.toThrow(/^worker 0 of 2: exchange: rank 0 waited 2\.\d s at barrier \d+ for rank 1 of 2, stuck before it \(barrierTimeoutMs = 2500; raise it if a rank is only slow\)$/);
  }, 60_000);

  it("createSimulator({ backend: 'workers', workerOptions: { barrierTimeoutMs } }): simulate throws naming the stuck rank", () => {
    const sim = createSimulator({
      plugins: [...builtinPlugins, ...stallPlugins], backend: 'workers', workers: 2,
      pluginModules: [{ url: fixture.href, export: 'stallPlugins' }], workerOptions: { barrierTimeoutMs: 2500, timeoutMs: 120_000 },
    });
    build(sim);
    expect(() => sim.simulate(20)).toThrow(/worker 0 of 2: exchange: rank 0 waited 2\.\d s at barrier \d+ for rank 1 of 2, stuck before it \(barrierTimeoutMs = 2500/);
    sim.close();
  }, 60_000);

  it('a barrier timeout that is not a time > 0 is refused before any worker starts', async () => {
    expect(() => createSimulator({ backend: 'workers', workers: 2, workerOptions: { barrierTimeoutMs: 0 } })).toThrow(ParameterError);
    expect(() => createSimulator({ backend: 'workers', workers: 2, workerOptions: { barrierTimeoutMs: -5 } })).toThrow(
      "createSimulator: parameter 'barrierTimeoutMs' = -5 is invalid; allowed: a time in ms > 0 (finite)",
    );
    await expect(runPresetWorkers('cuba-static', { scale: 0.01, simtime: 10 }, { workers: 2, barrierTimeoutMs: NaN })).rejects.toThrow(
      "run cuba-static on workers: parameter 'barrierTimeoutMs' = NaN is invalid; allowed: a time in ms > 0 (finite)",
    );
  });
});
