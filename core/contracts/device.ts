import type { ParamSchema, Params } from '../schema.js';
import type { AnyRing } from '../ringbuffer.js';
import type { FieldArray } from '../component.js';
import type { Services } from '../services.js';
import type { Checkpointable, PluginBase, PopulationHandle } from './base.js';

/** One connection of a generator to (this rank's part of) a population. */
export interface DeviceTargets {
  readonly population: PopulationHandle;
  /** Local indices of the targets on this rank. */
  readonly local: Int32Array;
  readonly weight: number;
  readonly delaySteps: number;
  readonly ring: AnyRing;
}

/** A generator; its checkpoint hooks save what changes while simulating (random streams, positions, amplitudes set). */
export interface GeneratorRuntime extends Checkpointable {
  /** Add connections to neurons (called when the network is compiled). */
  addTargets(t: DeviceTargets): void;
  /** Called once per step before the neurons update; writes into target ring buffers at step + delay. */
  emit(step: number): void;
  /**
   * Optional: take new parameter values while the simulation runs (NEST's SetStatus on a device), already checked
   * against the schema; `options` holds the model's extraParams given to this set (unchecked), if any.
   */
  set?(params: Params, options?: Record<string, unknown>): void;
}

export interface DeviceContext {
  readonly gid: number;
  readonly params: Params;
  readonly dt: number;
  readonly seed: number;
  readonly rank: number;
  readonly size: number;
  /** Non-numeric settings: the 4th argument of create() plus the params named in the model's `extraParams`. */
  readonly options: Record<string, unknown>;
  readonly services: Services;
}

export interface GeneratorModel extends PluginBase {
  readonly kind: 'generator';
  readonly params: ParamSchema;
  /** Parameters that are not single numbers (spike_times, booleans): passed unchecked in `options`; create() checks them. */
  readonly extraParams?: readonly string[];
  check?(p: Params, where: string): void;
  create(ctx: DeviceContext): GeneratorRuntime;
}

/** Neurons a recorder records, and the way to their state (through the components of their population). */
export interface RecordSource {
  readonly pop: PopulationHandle;
  readonly start: number;
  readonly end: number;
  /** A state variable of the population (`V_m`, or `component.field`), whatever model or scheme holds it. */
  field(name: string): FieldArray | undefined;
  /** Every name `field` finds. */
  fieldNames(): string[];
  /**
   * The delay of the connection in steps (its syn_spec delay, NEST's default 1 ms): most recorders ignore it,
   * a device that acts on what arrives (a volume transmitter) reads it. Checked when asked for.
   */
  delaySteps(): number;
  /** Whether the neurons were the connect's pre side (connect(neurons, device)) rather than its post side. */
  readonly neuronsArePre: boolean;
}

/** A recorder's spikes of this rank, in recording order (by step, then sender). */
export interface RecordedSpikes {
  senders: Int32Array;
  steps: Int32Array;
}

/**
 * A recorder; its checkpoint hooks save what it has recorded (a file backend: where its file stands). On restore
 * its loadState runs on the rebuilt network before it is prepared, so a file backend reopens its file before
 * prepare would create a new one.
 */
export interface RecorderRuntime extends Checkpointable {
  /** Record from neurons [start, end) of a population (indices within the population). */
  addSources(src: RecordSource): void;
  /** Spikes of the local neurons of one min-delay slice: global ids and steps, in step-then-gid order. */
  recordSpikes?(gids: Int32Array, steps: Int32Array, count: number): void;
  /** Called after every step (multimeters). */
  sample?(step: number): void;
  /** Called once when the network is frozen; `nodeCount` is the number of nodes (NEST file names pad node ids to it). */
  prepare?(info: { nodeCount: number }): void;
  /** Flush and close files at the end of a run. */
  close?(): void;
  /** What the recorder holds, in NEST's events layout (a record of arrays). */
  events?(): object;
  /** Recorded spikes with their steps (spike recorders). */
  spikeRecord?(): RecordedSpikes;
  /**
   * This rank's data, to be merged with the other ranks' by the model's `merge` (structured-cloneable:
   * typed arrays, numbers, strings). A run on several ranks gathers every recorder through this pair.
   */
  collect?(): unknown;
}

export interface RecorderModel extends PluginBase {
  readonly kind: 'recorder';
  readonly params: ParamSchema;
  /** Parameters that are not single numbers (record_from, record_to, label): moved from params into `options`. */
  readonly extraParams?: readonly string[];
  create(ctx: DeviceContext): RecorderRuntime;
  /** The ranks' `collect()` parts (in rank order) merged into what one process's `events()` gives. */
  merge?(parts: readonly unknown[]): object;
}
