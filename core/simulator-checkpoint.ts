import { ParameterError } from './errors.js';
import {
  CheckpointError, SPIKEWORKS_VERSION, captureState, restoreBuilt, restorePrepared, concatChunks, decodeCheckpoint, encodeCheckpoint,
  type CheckpointData, type CheckpointSubject,
} from './checkpoint.js';
import { coreSystems } from './systems/index.js';
import type { Clock } from './services.js';
import type { RunStats } from './stats.js';
import type { Network } from './network.js';
import type { NetworkSpec } from './spec.js';
import type { RemoteRun } from './remote.js';
import type { Plugin } from './registry.js';
import type { SystemPlugin, SystemRunner } from './contracts/system.js';
import type { SavedValue } from './contracts/base.js';
import type { SimulatorOptions } from './simulator.js';

/** What `checkpoint` writes beside the state. */
export interface CheckpointOptions {
  /** The caller's own data, kept in the file's header (`Simulator.checkpointInfo(path).meta`): a front end's protocol. */
  meta?: Record<string, SavedValue>;
  /** Passed to `toSpec` for the spec in the file: plugin modules (worker threads load them) and the run protocol. */
  modules?: { url: string; export?: string }[];
  run?: NetworkSpec['run'];
}

/** What `checkpoint` wrote. */
export interface CheckpointInfo {
  path?: string;
  bytes: number;
  step: number;
  time_ms: number;
  /** Wall time the checkpoint took, seconds. */
  seconds: number;
}

/** How `Simulator.restore` builds the simulator it restores: as `new Simulator`, with dt and seed from the checkpoint. */
export type RestoreOptions = Omit<SimulatorOptions, 'dt' | 'seed' | 'describeOnly'>;

/** The parts of a Simulator a checkpoint reads and a restore writes (the façade's internals). */
export interface CheckpointHost {
  readonly network: Network;
  readonly clock: Clock;
  readonly stats: RunStats;
  readonly prepared: readonly { system: SystemPlugin; runner: SystemRunner }[];
  readonly inSlice: boolean;
  readonly remote: RemoteRun | null;
  readonly dt: number;
  readonly seed: number;
  readonly rank: number;
  readonly size: number;
  toSpec(options: { modules?: { url: string; export?: string }[]; run?: NetworkSpec['run'] }): NetworkSpec;
  prepare(): void;
  close(): void;
}

function subject(sim: CheckpointHost): CheckpointSubject {
  return { network: sim.network, clock: sim.clock, stats: sim.stats, systems: sim.prepared, coreSystems };
}

/** The checkpoint of a simulator: its spec and every rank's state (on worker threads, each worker's part). */
export function checkpointData(sim: CheckpointHost, options: CheckpointOptions): CheckpointData {
  if (sim.inSlice) throw new CheckpointError('checkpoint: a slice is being simulated (or one failed): checkpoint between simulate() calls or from a \'slice\' event');
  const spec = () => sim.toSpec({ modules: options.modules, run: options.run });
  if (sim.remote) {
    // Each rank checkpoints its part; the file holds every rank's state under the network's spec.
    const parts = sim.remote.checkpoint().map((b, r) => decodeCheckpoint(b, `rank ${r}'s checkpoint`));
    for (const part of parts) {
      if (part.step !== sim.clock.step) throw new CheckpointError(`checkpoint: a rank stands at step ${part.step}, this simulator at ${sim.clock.step}`);
    }
    return { spikeworks: SPIKEWORKS_VERSION, step: sim.clock.step, dt: sim.dt, seed: sim.seed, size: parts.length, meta: options.meta, spec: spec(), ranks: parts.flatMap((p) => p.ranks) };
  }
  if (sim.network.describeOnly) throw new CheckpointError('checkpoint: this simulator only describes a network (describeOnly): nothing runs, nothing to save');
  sim.prepare();
  return {
    spikeworks: SPIKEWORKS_VERSION, step: sim.clock.step, dt: sim.dt, seed: sim.seed, size: sim.size, meta: options.meta, spec: spec(),
    ranks: [{ rank: sim.rank, state: captureState(subject(sim)) }],
  };
}

const plural = (n: number, word: string) => `${word}${n === 1 ? '' : 's'}`;

/**
 * Restore a checkpoint's bytes: the simulator `fromSpec` builds from the spec in it, prepared, with every
 * state overwritten (recorders before prepare, so that file recorders reopen their files instead of truncating).
 */
export function restoreSimulator(
  bytes: Uint8Array, options: RestoreOptions, name: string,
  fromSpec: (spec: NetworkSpec, plugins: readonly Plugin[], rest: Omit<RestoreOptions, 'plugins'>) => CheckpointHost,
): CheckpointHost {
  const cp = decodeCheckpoint(bytes, name);
  const { plugins, ...rest } = options;
  if (!plugins) throw new ParameterError('Simulator.restore', 'plugins', plugins, 'the plugin list the checkpointed simulator was made with');
  const sim = fromSpec(cp.spec, plugins, rest);
  try {
    if (sim.remote) {
      // On worker threads: rank r restores its own part of the file when the ranks start.
      const size = sim.remote.size;
      if (size !== undefined && size !== cp.size) throw new CheckpointError(`restore ${name}: written by a run on ${cp.size} ${plural(cp.size, 'rank')}, this simulator runs on ${size} workers`);
      const parts = Array.from({ length: cp.size }, (_, r) => {
        const mine = cp.ranks.find((x) => x.rank === r);
        if (!mine) throw new CheckpointError(`restore ${name}: it holds no state of rank ${r} (it has ${plural(cp.ranks.length, 'rank')} ${cp.ranks.map((x) => x.rank).join(', ')})`);
        const e = encodeCheckpoint({ ...cp, size: cp.size, ranks: [mine] });
        return concatChunks(e.chunks, e.bytes);
      });
      sim.remote.resumeFrom(parts);
      sim.clock.step = cp.step;
      sim.prepare();
      return sim;
    }
    if (sim.size !== cp.size) throw new CheckpointError(`restore ${name}: written by a run on ${cp.size} ${plural(cp.size, 'rank')}, this simulator has ${sim.size}`);
    const mine = cp.ranks.find((r) => r.rank === sim.rank);
    if (!mine) throw new CheckpointError(`restore ${name}: it holds the state of ${plural(cp.ranks.length, 'rank')} ${cp.ranks.map((r) => r.rank).join(', ')}, not of rank ${sim.rank}`);
    const pending = restoreBuilt(sim.network, mine.state, name);
    sim.prepare();
    restorePrepared(subject(sim), pending);
  } catch (e) {
    // A rank's transport handed in belongs to its caller.
    if (!options.comm) sim.close();
    throw e;
  }
  return sim;
}
