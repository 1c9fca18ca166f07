import { Worker, type ResourceLimits, type MessagePort, type Transferable } from 'node:worker_threads';
import { ParameterError, SpikeworksError } from '../core/errors.js';
import type { NetworkSpec } from '../core/spec.js';
import { tsxApiUrl } from './plugins.js';
import { createSharedCommBuffers, abortSharedComm, checkBarrierTimeout, type SharedCommBuffers, type SharedCommOptions } from '../plugins/backends/shared_comm.js';
import type { RankResult } from './gather.js';
import { compileOnWorkerThreads, holdSynchronousCompile, type ConcurrentRecompilation } from './compile_thread.js';

/**
 * What a worker thread is asked to do (structured-cloned into it): build its part of a spec with the spec's
 * own plugin set, run the spec's protocol, and hand back its rank's results.
 */
export interface WorkerJob {
  rank: number;
  buffers: SharedCommBuffers;
  commOptions: SharedCommOptions;
  spec: NetworkSpec;
  /** Gather the weights of every projection (true), of those listed by id, or of none. */
  weights: boolean | number[];
  /** Where rank 0 writes the steps simulated so far (an Int32 cell), for a progress bar in the main thread. */
  progress?: SharedArrayBuffer;
  /**
   * Driven command by command instead of running the spec's protocol: the worker builds the network, then
   * takes { simulate: ms } and { collect } on `port`, and after each adds 1 to control[0] (control[1] is
   * set on an error), so a main thread blocked in Atomics.wait knows when to read the replies.
   */
  interactive?: { control: SharedArrayBuffer; port: MessagePort };
  /** Checkpoint the protocol every `everySteps` of it (protocolCheckpointFile names the files). */
  checkpoints?: { prefix: string; everySteps: number };
  /** Go on with the protocol from this rank's checkpoint file instead of building. */
  resumeFrom?: string;
}

/** A rank's protocol checkpoint: two generations alternate, so that an interrupted write leaves the other whole. */
export function protocolCheckpointFile(prefix: string, generation: number, rank: number): string {
  return `${prefix}-g${generation}-rank${rank}.spkw`;
}

/** A worker's results: its rank's part, and the figures of its run protocol. */
export interface WorkerResult {
  result: RankResult;
  /** Spike counts per population after the presimulation (collective: the same on every rank). */
  countsBefore: Float64Array;
  presimTime: number;
  buildTimeNodes: number;
  /** Simulated time at the end (ms). */
  endMs: number;
}

export type WorkerReply =
  | ({ type: 'result' } & WorkerResult)
  | { type: 'error'; name: string; message: string; stack?: string; spikeworks: boolean };

export interface LaunchOptions {
  /** Spikes per worker per exchange round (more spikes in a slice take several rounds). */
  spikeCapacity?: number;
  /**
   * Longest wait at one barrier before the run fails, ms (default 10 min: builds of big networks are slow). The
   * error names the rank(s) the barrier waited for. (The CLI's `--worker-timeout <s>` sets it.)
   */
  barrierTimeoutMs?: number;
  /** Busy-wait iterations at a barrier before sleeping. */
  spin?: number;
  /** Heap limits per worker (a worker past them fails with ERR_WORKER_OUT_OF_MEMORY, and the run with it). */
  resourceLimits?: ResourceLimits;
  /** Ends the run (every worker terminated, the promise rejected with the signal's reason): a signal to the CLI. */
  abort?: AbortSignal;
  /** Where V8 optimises the workers' code (see `ConcurrentRecompilation`; default 'auto'). */
  concurrentRecompilation?: ConcurrentRecompilation;
}

/** A worker's reported error as an Error of this thread, naming the worker. */
export function workerError(m: Extract<WorkerReply, { type: 'error' }>, rank: number, size: number): Error {
  const e = m.spikeworks ? new SpikeworksError(`worker ${rank} of ${size}: ${m.message}`) : new Error(`worker ${rank} of ${size}: ${m.message}`);
  e.name = m.name;
  if (m.stack) e.stack = `${e.name}: ${e.message}\n${m.stack.split('\n').slice(1).join('\n')}`;
  return e;
}

/**
 * Start one worker thread. Built code (dist/) starts `worker.js` next to itself; run from TypeScript
 * sources (vitest, tsx), the worker first registers tsx's loader and then imports `worker_entry.ts`.
 */
export function spawn(job: WorkerJob, limits: ResourceLimits | undefined, transferList: Transferable[] = []): Worker {
  const here = import.meta.url;
  const fromSource = /\.[cm]?ts$/.test(new URL(here).pathname);
  const entry = new URL(fromSource ? './worker_entry.ts' : './worker.js', here).href;
  const userTs = (job.spec.plugins.modules ?? []).some((m) => /\.[cm]?ts$/.test(m.url));
  if (!fromSource && !userTs) return new Worker(new URL(entry), { workerData: job, resourceLimits: limits, transferList });
  const tsx = tsxApiUrl();
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: job, resourceLimits: limits, transferList });
}

/**
 * Run one job per rank in worker threads and collect their replies. The first failure (an error a worker
 * reports, an uncaught error, an out-of-memory, an unexpected exit) raises the abort flag, which makes
 * every rank waiting at a barrier throw, and terminates every worker; the promise settles only once all
 * workers have exited, so none outlives the call.
 */
export function launchWorkers(
  size: number,
  makeJob: (rank: number, buffers: SharedCommBuffers) => WorkerJob,
  options: LaunchOptions = {},
): Promise<Extract<WorkerReply, { type: 'result' }>[]> {
  if (!Number.isInteger(size) || size < 1 || size > 256) throw new ParameterError('workers', 'workers', size, 'an integer in [1, 256]');
  checkBarrierTimeout('workers', options.barrierTimeoutMs);
  const syncCompile = compileOnWorkerThreads(size, options.concurrentRecompilation);
  const buffers = createSharedCommBuffers(size, options.spikeCapacity ?? 1 << 16);
  const release = syncCompile ? holdSynchronousCompile() : () => {};
  return new Promise((resolve, reject) => {
    const replies: Extract<WorkerReply, { type: 'result' }>[] = new Array(size);
    const workers: Worker[] = [];
    let failure: Error | null = null;
    let exited = 0;
    const fail = (err: Error) => {
      if (failure) return;
      failure = err;
      abortSharedComm(buffers);
      for (const w of workers) void w.terminate();
    };
    options.abort?.addEventListener('abort', () => fail(options.abort!.reason instanceof Error ? options.abort!.reason : new SpikeworksError(String(options.abort!.reason))), { once: true });
    for (let rank = 0; rank < size; rank++) {
      let w: Worker;
      try {
        w = spawn(makeJob(rank, buffers), options.resourceLimits);
      } catch (e) {
        fail(e as Error);
        // Workers already started still exit through the handlers below.
        if (workers.length === 0) {
          release();
          reject(e);
        }
        break;
      }
      workers.push(w);
      w.on('message', (m: WorkerReply) => {
        if (m.type === 'result') {
          replies[rank] = m;
          void w.terminate();
        } else {
          fail(workerError(m, rank, size));
        }
      });
      w.on('error', (e: Error) => {
        const err = new Error(`worker ${rank} of ${size}: ${e.message}`);
        err.name = e.name;
        (err as Error & { code?: unknown }).code = (e as Error & { code?: unknown }).code;
        fail(err);
      });
      w.on('exit', (code) => {
        exited++;
        if (!replies[rank] && !failure) fail(new Error(`worker ${rank} of ${size} exited with code ${code} before reporting a result`));
        if (exited === workers.length) {
          release();
          if (failure) reject(failure);
          else resolve(replies);
        }
      });
    }
  });
}

