import type { ParamSchema, Params } from '../schema.js';
import type { AnyRing } from '../ringbuffer.js';
import type { Services } from '../services.js';
import type { Checkpointable, PluginBase, PluginKind, PopulationHandle } from './base.js';
import type { NeuronKernel } from './neuron.js';

/**
 * Local target indices: 16 bits while the target population holds at most 65536 neurons on this rank, else
 * 32 (the index stream is most of what propagation reads; a static homogeneous synapse is its index alone).
 */
export type TargetIndex = Uint16Array | Uint32Array;

/** A projection's connections of one rank, frozen into CSR by source neuron. */
export interface SynapseTable {
  /** rowStart[s]..rowStart[s+1] index the synapses of source neuron s (local index within the source population). */
  readonly rowStart: Uint32Array;
  /** Target neuron, as index into the target population's local arrays. Sorted within each row. */
  readonly target: TargetIndex;
  /** Per-synapse weight, or null when every synapse carries `homWeight`. */
  readonly weight: Float32Array | null;
  readonly homWeight: number;
  /** Per-synapse delay in steps, or null when every synapse has `homDelay`. */
  readonly delay: Uint16Array | null;
  readonly homDelay: number;
  /**
   * NEST's split delay (a handler with `splitDelay`): the axonal part of each synapse's delay in steps, or null
   * when every synapse has `homAxonalDelay`; the dendritic part is the delay minus it. Absent without a split.
   */
  readonly axonalDelay?: Uint16Array | null;
  readonly homAxonalDelay?: number;
  readonly count: number;
  readonly sourceCount: number;
  /** Which ring-buffer channel the weights go to: all excitatory, all inhibitory, or by sign per synapse. */
  readonly sign: 'ex' | 'in' | 'mixed';
  /** Synapse parameters given per connection (SynapseModel.perSynapseParams), in CSR order; absent when none. */
  readonly params?: Readonly<Record<string, Float64Array>>;
}

/** A static table a neuron kernel delivers itself (KernelCapabilities.adoptTable). */
export interface AdoptedTable {
  deliver(src: number, step: number): void;
  deliverBatch(srcs: Int32Array, steps: Int32Array, count: number): void;
  /** The copy, as a table (target and rowStart are views into the kernel's memory). */
  readonly table: SynapseTable;
}

/** Everything a synapse model gets to build one projection's runtime. */
export interface ProjectionInfo {
  readonly id: number;
  readonly source: PopulationHandle;
  readonly target: PopulationHandle;
  readonly table: SynapseTable;
  readonly params: Params;
  /** Resolved values of the synapse model's `options`. */
  readonly options: Readonly<Record<string, string>>;
  readonly dt: number;
  readonly seed: number;
  /** The target population's parameters (plasticity reads NEST's archiving-node time constants there). */
  readonly targetParams: Params;
  /** The target population's kernel (a static table may be delivered by it) and input ring. */
  readonly targetKernel: NeuronKernel;
  readonly targetRing: AnyRing;
  readonly services?: Services;
}

/**
 * The runtime of one projection: delivers pre spikes, reacts to post spikes if plastic. Its checkpoint hooks
 * save what changes while simulating (plastic weights and traces); a static table is rebuilt from the spec.
 */
export interface SynapseRuntime extends Checkpointable {
  /** Deliver the spike of source neuron `src` (local index in the source population) emitted in `step`. */
  deliver(src: number, step: number): void;
  /**
   * Post spikes of the target population in `step` (local indices), called every step after the update
   * (count may be 0), before the next step's ring row is read; only plastic rules have it.
   */
  onPostSpikes?(spikes: Int32Array, count: number, step: number): void;
  /** Memory per synapse, everything that scales with the synapse count included. */
  bytesPerSynapse(): number;
  /** Memory that scales with the neuron counts (plastic traces and histories), in bytes. */
  neuronBytes?(): number;
  /** Current weights in CSR order (a copy for homogeneous tables). */
  weights(): Float32Array;
  readonly capabilities?: SynapseCapabilities;
}

/** Fast paths a synapse runtime offers. */
export interface SynapseCapabilities {
  /**
   * Deliver `count` spikes at once (sources and emission steps, in time order), e.g. in one WebAssembly call:
   * propagation then hands the projection its source population's spikes of a slice together.
   */
  batch?(srcs: Int32Array, steps: Int32Array, count: number): void;
  /** The table the runtime keeps instead of the one it was built from (a copy in a kernel's memory). */
  readonly ownTable?: SynapseTable;
  /** Current weight of synapse k (CSR order) without copying the table. */
  weightAt?(k: number): number;
}

export type SynapseOption =
  | { readonly default: string; readonly allowed: readonly string[]; readonly doc: string; readonly plugin?: undefined }
  | { readonly plugin: PluginKind; readonly default?: string; readonly doc: string; readonly allowed?: undefined };

export interface SynapseModel extends PluginBase {
  readonly kind: 'synapse';
  /** Parameters beyond weight and delay, shared by the projection (homogeneous, as NEST's *_hom models). */
  readonly params: ParamSchema;
  readonly plastic: boolean;
  /**
   * Non-numeric choices in the synapse spec: a fixed list (`allowed`), or the name of a registered plugin of a
   * kind (`plugin: 'delay_handler'`: any handler the simulator was given; the default is the kind's default).
   */
  readonly options?: Record<string, SynapseOption>;
  /** Whether weights must be stored per synapse even when given as a scalar (plastic rules change them). */
  readonly perSynapseWeight: boolean;
  /**
   * Bytes per synapse the model's runtime keeps beside the table (e.g. float64 state), for the memory estimate;
   * a function when they depend on which parameters a projection gives per synapse (their names).
   */
  readonly stateBytesPerSynapse?: number | ((perSynapse: readonly string[]) => number);
  /**
   * Parameters a syn_spec may give per connection, as arrays or distributions like weights (NEST's
   * per-synapse values); the others take one number per projection. Their values reach the runtime in
   * `table.params`, and `params` holds their defaults.
   */
  readonly perSynapseParams?: readonly string[];
  /** Checks on weight values that the model forbids (e.g. negative weights for STDP). */
  checkWeight?(w: number, where: string): void;
  create(p: ProjectionInfo): SynapseRuntime;
}
