import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { ParameterError, SpikeworksError } from '../core/errors.js';
import { validateSpec, type NetworkSpec } from '../core/spec.js';
import { mergeRankResults, type MergedResult, type RankResult } from '../core/gather.js';
import type { RemoteRunner } from '../core/remote.js';
import type { RecorderModel } from '../core/contracts/device.js';
import { Simulator, type RestoreOptions } from '../core/simulator.js';
import { SERVICE } from '../core/services.js';
import { localBackend } from '../plugins/backends/local.js';
import { createSharedCommBuffers, abortSharedComm, checkBarrierTimeout, DEFAULT_BARRIER_TIMEOUT_MS, type SharedCommBuffers } from '../plugins/backends/shared_comm.js';
import { spawn, workerError, type LaunchOptions, type WorkerReply } from './launch.js';
import { compileOnWorkerThreads, holdSynchronousCompile } from './compile_thread.js';

/** How much longer than the barrier timeout the main thread waits for an answer: a waiting rank names the stuck one first. */
const ANSWER_GRACE_MS = 5_000;

/** What a WorkerRunner asks of its workers, one command at a time. */
export type RunnerCommand = { type: 'simulate'; ms: number } | { type: 'collect' } | { type: 'checkpoint' } | { type: 'close' };
export type RunnerReply =
  | { type: 'done' }
  | { type: 'collected'; result: RankResult }
  /** A rank's checkpoint of its part (Simulator.toCheckpoint). */
  | { type: 'checkpointed'; bytes: Uint8Array }
  | Extract<WorkerReply, { type: 'error' }>;

export interface WorkerRunnerOptions extends LaunchOptions {
  /** Number of worker threads (ranks). */
  workers: number;
  /** Modules that export the user plugins the network needs, as the spec's `plugins.modules`: each worker imports them. */
  modules?: { url: string; export?: string }[];
  /** Gather the final weights of every projection (true) or of those listed by id with every collect. */
  weights?: boolean | number[];
  /**
   * Longest wait for the workers to answer one command, ms (default: the barrier timeout, 10 min, and a few
   * seconds more, so that a rank waiting at a barrier reports first which rank it waits for).
   */
  timeoutMs?: number;
}

/**
 * Runs a simulator's network on worker threads behind the synchronous Simulator API
 * (`createSimulator({ backend: 'workers', workers: N })`): each worker builds its rank's part of the spec,
 * and every call blocks this thread in Atomics.wait until all ranks have answered.
 */
export class WorkerRunner implements RemoteRunner {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private control = new Int32Array(new SharedArrayBuffer(8));
  private buffers: SharedCommBuffers | null = null;
  private expected = 0;
  private failed: Error | null = null;
  private recorderModel: (name: string) => RecorderModel | undefined = () => undefined;
  private releaseCompile: () => void = () => {};
  private readonly syncCompile: boolean;

  constructor(private readonly options: WorkerRunnerOptions) {
    const n = options.workers;
    if (!Number.isInteger(n) || n < 1 || n > 256) throw new ParameterError('createSimulator', 'workers', n, 'an integer in [1, 256]');
    const t = options.timeoutMs;
    if (t !== undefined && !(Number.isFinite(t) && t > 0)) throw new ParameterError('createSimulator', 'timeoutMs', t, 'a time in ms > 0');
    checkBarrierTimeout('createSimulator', options.barrierTimeoutMs);
    this.syncCompile = compileOnWorkerThreads(n, options.concurrentRecompilation);
  }

  get size(): number {
    return this.options.workers;
  }

  start(specIn: NetworkSpec, recorderModel: (name: string) => RecorderModel | undefined, resume?: readonly Uint8Array[]): void {
    const modules = this.options.modules;
    const spec = validateSpec(modules ? { ...specIn, plugins: { ...specIn.plugins, modules } } : specIn);
    this.recorderModel = recorderModel;
    const size = this.size;
    const buffers = (this.buffers = createSharedCommBuffers(size, this.options.spikeCapacity ?? 1 << 16));
    const commOptions = { barrierTimeoutMs: this.options.barrierTimeoutMs, spin: this.options.spin };
    if (this.syncCompile) this.releaseCompile = holdSynchronousCompile();
    for (let rank = 0; rank < size; rank++) {
      const { port1, port2 } = new MessageChannel();
      const job = {
        rank, buffers, spec, weights: this.options.weights ?? false, commOptions, interactive: { control: this.control.buffer as SharedArrayBuffer, port: port2 },
        // A restored run: the rank restores its checkpoint instead of building the spec.
        ...(resume ? { checkpoint: resume[rank] } : {}),
      };
      const w = spawn(job, this.options.resourceLimits, [port2]);
      // The workers must not keep the process alive, and their errors arrive on the ports.
      w.unref();
      w.on('error', () => {});
      this.workers.push(w);
      this.ports.push(port1);
    }
    this.wait('build the network');
  }

  simulate(ms: number): void {
    this.command({ type: 'simulate', ms }, `simulate ${ms} ms`);
  }

  /** Every rank's checkpoint of its part, in rank order. */
  checkpoint(): Uint8Array[] {
    const replies = this.command({ type: 'checkpoint' }, 'checkpoint');
    return replies.map((r) => (r as Extract<RunnerReply, { type: 'checkpointed' }>).bytes);
  }

  collect(): MergedResult {
    const replies = this.command({ type: 'collect' }, 'collect the results');
    return mergeRankResults(replies.map((r) => (r as Extract<RunnerReply, { type: 'collected' }>).result), this.recorderModel);
  }

  close(): void {
    if (!this.failed && this.workers.length) {
      try {
        this.command({ type: 'close' }, 'close');
      } catch {
        // Closing is best effort: the workers are terminated below either way.
      }
    }
    this.stop();
  }

  private command(cmd: RunnerCommand, what: string): RunnerReply[] {
    if (this.failed) throw new SpikeworksError(`cannot ${what}: the workers stopped after an error (${this.failed.message})`);
    // A worker that failed since the last command (a plugin's timer, while this thread was away) ends the run now.
    const pending = this.pendingError();
    if (pending) this.fail(pending);
    for (const p of this.ports) p.postMessage(cmd);
    return this.wait(what);
  }

  /** The error a worker reported outside a command, if one did (control[1] is raised with it). */
  private pendingError(): Error | null {
    if (Atomics.load(this.control, 1) === 0) return null;
    let error: Error | null = null;
    this.ports.forEach((p, rank) => {
      for (let m = receiveMessageOnPort(p); m; m = receiveMessageOnPort(p)) {
        const r = m.message as RunnerReply;
        if (r.type === 'error' && (!error || error.name === 'CommAbortedError')) error = workerError(r, rank, this.size);
      }
    });
    return error ?? new SpikeworksError('a worker reported an error, but its message could not be read');
  }

  /** Block until every rank has answered (or one has failed), then read one reply per rank. */
  private wait(what: string): RunnerReply[] {
    const c = this.control;
    this.expected += this.size;
    const timeout = this.options.timeoutMs ?? (this.options.barrierTimeoutMs ?? DEFAULT_BARRIER_TIMEOUT_MS) + ANSWER_GRACE_MS;
    const deadline = performance.now() + timeout;
    for (let seen = Atomics.load(c, 0); seen < this.expected && Atomics.load(c, 1) === 0; seen = Atomics.load(c, 0)) {
      Atomics.wait(c, 0, seen, 250);
      if (performance.now() > deadline && Atomics.load(c, 0) < this.expected && Atomics.load(c, 1) === 0) this.fail(this.timedOut(what, timeout));
    }
    const replies: RunnerReply[] = [];
    let error: Error | null = null;
    const read = (p: MessagePort, rank: number) => {
      const m = receiveMessageOnPort(p)?.message as RunnerReply | undefined;
      if (m?.type === 'error' && (!error || error.name === 'CommAbortedError')) error = workerError(m, rank, this.size);
      return m;
    };
    const answered = this.ports.map((p, rank) => {
      const m = read(p, rank);
      if (m) replies.push(m);
      return m !== undefined;
    });
    // Only "stopped because another worker failed" so far: the failing rank's own message may still be on
    // its way; wait a little for it, so that the run reports the cause.
    for (let k = 0; k < 20 && (error as Error | null)?.name === 'CommAbortedError'; k++) {
      Atomics.wait(c, 1, Atomics.load(c, 1), 10);
      this.ports.forEach((p, rank) => {
        if (!answered[rank] && read(p, rank)) answered[rank] = true;
      });
    }
    if (error) this.fail(error);
    return replies;
  }

  /** The timeout error, naming the ranks that have not answered (each answers on its port before counting). */
  private timedOut(what: string, timeout: number): Error {
    const silent: number[] = [];
    this.ports.forEach((p, rank) => {
      if (!receiveMessageOnPort(p)) silent.push(rank);
    });
    const who = silent.length === this.size ? `none of the ${this.size} workers answered` : `worker${silent.length > 1 ? 's' : ''} ${silent.join(', ')} of ${this.size} did not answer`;
    return new SpikeworksError(
      `the workers did not ${what} within ${timeout} ms: ${who} (a worker that ran out of memory or hung); raise timeoutMs or barrierTimeoutMs if the network needs longer`,
    );
  }

  private fail(e: Error): never {
    this.failed = e;
    this.stop();
    throw e;
  }

  private stop(): void {
    if (this.buffers) abortSharedComm(this.buffers);
    for (const w of this.workers) void w.terminate();
    for (const p of this.ports) p.close();
    // The isolates exist by now (or never will): they keep the compiler choice they were created with.
    this.releaseCompile();
    this.workers.length = 0;
    this.ports.length = 0;
  }
}

/**
 * Restore a checkpoint of a run on worker threads (`createSimulator({ backend: 'workers' })` then
 * `sim.checkpoint(path)`) onto as many new workers as it has ranks: each restores its own part, and the
 * simulator continues as the checkpointed one would have.
 */
export function restoreWorkers(
  path: string,
  options: Omit<RestoreOptions, 'backend' | 'comm'> & { pluginModules?: WorkerRunnerOptions['modules']; workerOptions?: Omit<WorkerRunnerOptions, 'workers' | 'modules'> },
): Simulator {
  const { pluginModules, workerOptions, ...rest } = options;
  const runner = new WorkerRunner({ ...workerOptions, workers: Simulator.checkpointInfo(path).size, modules: pluginModules });
  const services = [...(rest.services ?? []), { token: SERVICE.runner, value: runner }, { token: SERVICE.transport, value: localBackend.create({}) }];
  return Simulator.restore(path, { ...rest, services });
}
