import { SpikeworksError } from './errors.js';
import type { NetworkSpec } from './spec.js';
import type { MergedResult } from './gather.js';
import type { RecorderModel } from './contracts/device.js';

/**
 * Where a simulator runs when it does not run in this thread (the RUNNER service): worker threads or other
 * processes that build the network from its spec. The simulator then only describes the network; its
 * simulate() drives the runner, and recorders' events, spike counts and synapse counts come merged from
 * every rank, as one process would give them. Every call returns when the ranks are done.
 */
export interface RemoteRunner {
  /**
   * Build the spec on every rank; `recorderModel` gives the model that merges a recorder's parts. With
   * `resume`, rank r restores the single-rank checkpoint resume[r] (its spec is `spec`) instead of building.
   */
  start(spec: NetworkSpec, recorderModel: (name: string) => RecorderModel | undefined, resume?: readonly Uint8Array[]): void;
  /** Every rank's checkpoint of its own part (`Simulator.toCheckpoint` there), in rank order. */
  checkpoint?(): Uint8Array[];
  /** How many ranks run the network. */
  readonly size?: number;
  simulate(ms: number): void;
  /** The ranks' results merged (recorders' events by node id, spike counts, synapses, phase times). */
  collect(): MergedResult;
  close(): void;
}

/** A simulator's side of a remote run: the network described here, built and simulated by the runner. */
export class RemoteRun {
  private started = false;
  private merged: MergedResult | null = null;
  /** Per-rank checkpoints the ranks restore when they start (a restored simulator). */
  private resume: readonly Uint8Array[] | undefined;
  constructor(
    private readonly runner: RemoteRunner,
    private readonly network: { freeze(): void; remote: { events(gid: number): object | undefined } | null },
    private readonly spec: () => NetworkSpec,
    private readonly recorderModel: (name: string) => RecorderModel | undefined,
  ) {
    network.remote = { events: (gid) => this.result().events.get(gid) };
  }

  prepare(): void {
    if (this.started) return;
    this.runner.start(this.spec(), this.recorderModel, this.resume);
    this.network.freeze();
    this.started = true;
  }

  simulate(ms: number): void {
    this.prepare();
    this.merged = null;
    this.runner.simulate(ms);
  }

  /** The ranks' results as of the last simulate, gathered once. */
  result(): MergedResult {
    this.prepare();
    return (this.merged ??= this.runner.collect());
  }

  close(): void {
    if (this.started) this.runner.close();
  }

  get size(): number | undefined {
    return this.runner.size;
  }

  /** Start the ranks from these checkpoints (one per rank) instead of building the spec; before the first prepare. */
  resumeFrom(parts: readonly Uint8Array[]): void {
    if (this.started) throw new SpikeworksError('resume: the ranks have started already');
    this.resume = parts;
  }

  /** Every rank's checkpoint of its part, in rank order. */
  checkpoint(): Uint8Array[] {
    if (!this.runner.checkpoint) throw new SpikeworksError('checkpoint: this simulator\'s runner cannot checkpoint its ranks');
    this.prepare();
    return this.runner.checkpoint();
  }
}
