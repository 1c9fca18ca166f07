import { describe, it, expect, vi, beforeEach } from 'vitest';

const flags: string[] = [];
vi.mock('node:v8', async (original) => ({ ...(await original<typeof import('node:v8')>()), setFlagsFromString: (f: string) => void flags.push(f) }));

const { compileOnWorkerThreads, holdSynchronousCompile } = await import('../../parallel/compile_thread.js');
const { runPresetWorkers } = await import('../../parallel/workers.js');
const { ParameterError } = await import('../../core/errors.js');

beforeEach(() => {
  flags.length = 0;
});

describe("where V8 compiles the workers' code", () => {
  it("'auto' compiles on the worker threads only when the workers fill every core", () => {
    expect(compileOnWorkerThreads(2, 'auto', 2)).toBe(true);
    expect(compileOnWorkerThreads(3, 'auto', 2)).toBe(true);
    expect(compileOnWorkerThreads(1, 'auto', 2)).toBe(false);
    expect(compileOnWorkerThreads(2, undefined, 4)).toBe(false);
    expect(compileOnWorkerThreads(1, false, 8)).toBe(true);
    expect(compileOnWorkerThreads(8, true, 2)).toBe(false);
  });

  it('an unknown mode is a ParameterError naming the option and what is allowed', () => {
    expect(() => compileOnWorkerThreads(2, 'always' as never, 2)).toThrow(ParameterError);
    expect(() => compileOnWorkerThreads(2, 'always' as never, 2)).toThrow(/concurrentRecompilation.*always.*true, false or 'auto'/);
  });

  it('the flag is set by the first hold and restored by the last release, once', () => {
    const a = holdSynchronousCompile();
    const b = holdSynchronousCompile();
    expect(flags).toEqual(['--no-concurrent-recompilation']);
    a();
    a();
    expect(flags).toEqual(['--no-concurrent-recompilation']);
    b();
    expect(flags).toEqual(['--no-concurrent-recompilation', '--concurrent-recompilation']);
  });

  it('a flag given to node by the user is left as they set it', () => {
    const before = process.execArgv;
    Object.defineProperty(process, 'execArgv', { value: [...before, '--concurrent-recompilation'], configurable: true });
    try {
      holdSynchronousCompile()();
      expect(flags).toEqual([]);
    } finally {
      Object.defineProperty(process, 'execArgv', { value: before, configurable: true });
    }
  });

  it('a run on 2 workers holds the flag while they live, restores it after, and gives the same spikes either way', async () => {
    const overrides = { scale: 0.1, simtime: 100 };
    const sync = await runPresetWorkers('cuba-static', overrides, { workers: 2, concurrentRecompilation: false });
    expect(flags).toEqual(['--no-concurrent-recompilation', '--concurrent-recompilation']);
    flags.length = 0;
    const background = await runPresetWorkers('cuba-static', overrides, { workers: 2, concurrentRecompilation: true });
    expect(flags).toEqual([]);
    expect(sync.summary.spike_count).toBeGreaterThan(100);
    expect(sync.summary.spike_digest).toBe(background.summary.spike_digest);
  });
});
