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
  /** Build the spec on every rank; `recorderModel` gives the model that merges a recorder's parts. */
  start(spec: NetworkSpec, recorderModel: (name: string) => RecorderModel | undefined): void;
  simulate(ms: number): void;
  /** The ranks' results merged (recorders' events by node id, spike counts, synapses, phase times). */
  collect(): MergedResult;
  close(): void;
}

/** A simulator's side of a remote run: the network described here, built and simulated by the runner. */
export class RemoteRun {
  private started = false;
  private merged: MergedResult | null = null;
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
    this.runner.start(this.spec(), this.recorderModel);
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
}
