import type { ParamSchema, Params } from './schema.js';
import type { RingBuffer, AnyRing } from './ringbuffer.js';
import type { ValueSpec } from './distributions.js';

/**
 * The contracts every plugin fulfils. A plugin is a plain object; `createSimulator({ plugins })`
 * registers it in the simulator's DI container under the token of its kind.
 */
export type PluginKind = 'neuron' | 'integrator' | 'synapse' | 'connection' | 'generator' | 'recorder' | 'backend';

export interface PluginBase {
  readonly kind: PluginKind;
  /** NEST's model name where one exists (iaf_psc_exp, stdp_synapse, fixed_indegree, ...). */
  readonly name: string;
  /** One line: what it is and which NEST/PyNN/Auryn model it matches. */
  readonly doc: string;
}

// ---------------------------------------------------------------- neurons

export interface StateSpec {
  unit: string;
  doc: string;
  /** Initial value from the model's resolved parameters (NEST: V_m starts at E_L, ...). */
  initial: (p: Params) => number;
}

export type StateArray = Float64Array | Float32Array;

/** Everything a neuron group needs at construction. `n` counts the neurons local to this rank. */
export interface NeuronGroupContext {
  readonly n: number;
  readonly params: Params;
  readonly dt: number;
  /** Global id (NEST node id) of the first local neuron; local neuron i has gid firstGid + i. */
  readonly firstGid: number;
  readonly seed: number;
}

/**
 * A population's neurons of one model, as dense structure-of-arrays.
 * `update` advances one step of NEST's update loop: integrate, read this step's input from the ring
 * buffer slot starting at `offset` (the kernel clears the slot afterwards), threshold, write the local
 * indices of the neurons that spiked into `spikes` and return how many did.
 */
export interface NeuronGroup {
  readonly n: number;
  readonly state: Record<string, StateArray>;
  /**
   * `ring` is the simulator's float64 ring, or the one this group returned from `allocateRing` (whatever
   * its storage type).
   */
  update(step: number, ring: RingBuffer, offset: number, spikes: Int32Array): number;
  /**
   * Optional: the ring buffer of this group's input (n neurons × `slots` rows), in storage the group's kernel
   * reads directly (WebAssembly memory; float32 rows allowed). Return undefined to get an ordinary ring.
   */
  allocateRing?(slots: number): AnyRing | undefined;
  /**
   * Optional: advance every step of a min-delay slice, `from` to `to` (exclusive), in one call. The
   * simulator calls it only when nothing observes the group within a slice (no multimeter, no plastic
   * projection onto it), so the kernel may keep each neuron's state in registers across the slice's steps:
   * all input rows of a slice are complete before it starts, since every delay is >= the slice length.
   * Writes the local index of every spike to `spikes` and its step minus `from` to `lags`, both with room
   * for n × (to − from) entries; any order. Clears the rows it read, as `update` does.
   */
  updateSlice?(from: number, to: number, ring: AnyRing, spikes: Int32Array, lags: Int32Array): number;
  /**
   * Optional: take over the delivery of a static table with one weight and one delay into this group's own
   * ring (`ring`, from allocateRing): the group copies the table into its kernel's memory and returns the
   * delivery, or undefined (no room, not its ring) so the synapse model scatters in TypeScript.
   */
  adoptStaticTable?(table: SynapseTable, ring: AnyRing): AdoptedTable | undefined;
}

/** A static table a neuron group delivers itself (NeuronGroup.adoptStaticTable). */
export interface AdoptedTable {
  deliver(src: number, step: number): void;
  deliverBatch(srcs: Int32Array, steps: Int32Array, count: number): void;
  /** The copy, as a table (target and rowStart are views into the kernel's memory). */
  readonly table: SynapseTable;
}

export type NeuronGroupFactory = (ctx: NeuronGroupContext) => NeuronGroup;

export interface NeuronModel extends PluginBase {
  readonly kind: 'neuron';
  readonly params: ParamSchema;
  readonly state: Record<string, StateSpec>;
  /** Integrators this model ships with; more can be added by `integrator` plugins. */
  readonly integrators: Record<string, NeuronGroupFactory>;
  readonly defaultIntegrator: string;
  /** Checks that involve several parameters (V_reset < V_th, ...): throw a ParameterError. */
  check?(p: Params, where: string): void;
}

/** Adds an integration scheme to an existing neuron model without touching the model. */
export interface IntegratorPlugin extends PluginBase {
  readonly kind: 'integrator';
  readonly model: string;
  readonly create: NeuronGroupFactory;
}

// ---------------------------------------------------------------- synapses

/** A projection's connections of one rank, frozen into CSR by source neuron. */
export interface SynapseTable {
  /** rowStart[s]..rowStart[s+1] index the synapses of source neuron s (local index within the source population). */
  readonly rowStart: Uint32Array;
  /** Target neuron, as index into the target population's local arrays. Sorted within each row. */
  readonly target: Uint32Array;
  /** Per-synapse weight, or null when every synapse carries `homWeight`. */
  readonly weight: Float32Array | null;
  readonly homWeight: number;
  /** Per-synapse delay in steps, or null when every synapse has `homDelay`. */
  readonly delay: Uint16Array | null;
  readonly homDelay: number;
  readonly count: number;
  readonly sourceCount: number;
  /** Which ring-buffer channel the weights go to: all excitatory, all inhibitory, or by sign per synapse. */
  readonly sign: 'ex' | 'in' | 'mixed';
}

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
  /** The target population's neuron group (plasticity reads the postsynaptic neuron's parameters). */
  readonly targetGroup: NeuronGroup;
  readonly targetRing: AnyRing;
}

/** The runtime of one projection: delivers pre spikes, reacts to post spikes if plastic. */
export interface SynapseRuntime {
  /** Deliver the spike of source neuron `src` (local index in the source population) emitted in `step`. */
  deliver(src: number, step: number): void;
  /**
   * Optional: deliver `count` spikes at once (sources and emission steps, in time order), e.g. in one
   * WebAssembly call. When a runtime has it, the simulator hands each projection its source population's
   * spikes of a slice together, projection by projection, instead of spike by spike.
   */
  deliverBatch?(srcs: Int32Array, steps: Int32Array, count: number): void;
  /**
   * Optional: the table this runtime keeps instead of the one it was built from (a copy in a kernel's
   * memory), so the projection drops the original and its memory is counted once.
   */
  readonly table?: SynapseTable;
  /**
   * Post spikes of the target population in `step` (local indices), called every step after that population's
   * update (count may be 0), before the next step's ring row is read; only plastic rules need it.
   */
  onPostSpikes?(spikes: Int32Array, count: number, step: number): void;
  /** Memory per synapse, everything that scales with the synapse count included. */
  bytesPerSynapse(): number;
  /** Current weights in CSR order (a copy for homogeneous tables). */
  weights(): Float32Array;
  /** Current weight of synapse k (CSR order) without copying the table; weight_recorder uses it when present. */
  weightAt?(k: number): number;
}

export interface SynapseModel extends PluginBase {
  readonly kind: 'synapse';
  /** Parameters beyond weight and delay, shared by the projection (homogeneous, as NEST's *_hom models). */
  readonly params: ParamSchema;
  readonly plastic: boolean;
  /** Non-numeric choices in the synapse spec (e.g. the delay handler: 'dendritic' or 'axonal'). */
  readonly options?: Record<string, { default: string; allowed: readonly string[]; doc: string }>;
  /** Whether weights must be stored per synapse even when given as a scalar (plastic rules change them). */
  readonly perSynapseWeight: boolean;
  /** Checks on weight and delay values that the model forbids (e.g. negative weights for STDP). */
  checkWeight?(w: number, where: string): void;
  create(p: ProjectionInfo): SynapseRuntime;
}

// ---------------------------------------------------------------- connection rules

export interface PopulationHandle {
  readonly id: number;
  readonly model: string;
  /** Total neurons (all ranks). */
  readonly size: number;
  /** Global id of neuron 0. */
  readonly firstGid: number;
  /** This rank's block: neurons [localStart, localStart + localCount). */
  readonly localStart: number;
  readonly localCount: number;
}

/** Receives edges as they are drawn: `src` indexes the source population, `tgt` the target population (global index). */
export interface EdgeSink {
  /**
   * `index` is the position of this edge in NEST's array layout for weights and delays given as arrays
   * (see ConnectionRule.arrayLength); rules that accept arrays pass it.
   */
  add(src: number, tgt: number, index?: number): void;
  /**
   * All edges of one target at once: sources[0..count) -> tgt, array indices firstIndex, firstIndex+1, ...
   * Optional fast path for target-driven rules; equivalent to calling add() for each.
   */
  addRow?(tgt: number, sources: Int32Array, count: number, firstIndex?: number): void;
  /** Pre-size for a known number of edges (avoids regrowth at 10^8 synapses). */
  reserve(count: number): void;
}

export interface ConnectContext {
  readonly source: PopulationHandle;
  readonly target: PopulationHandle;
  readonly params: Params;
  readonly allowAutapses: boolean;
  readonly allowMultapses: boolean;
  /** True when source and target are the same population (autapses possible). */
  readonly samePopulation: boolean;
  readonly seed: number;
  readonly projectionId: number;
  readonly sink: EdgeSink;
  readonly where: string;
}

export interface ConnectionRule extends PluginBase {
  readonly kind: 'connection';
  readonly params: ParamSchema;
  /** Cross checks (indegree larger than the source population without multapses, ...). */
  check?(ctx: Omit<ConnectContext, 'sink'>): void;
  /** Draw the edges whose target is local to this rank, from streams that do not depend on the rank count. */
  connect(ctx: ConnectContext): void;
  /**
   * Length of a weight/delay array in NEST's layout for this rule (one_to_one: n; all_to_all:
   * n_targets·n_sources; fixed_indegree: n_targets·indegree). Absent: the rule takes no arrays.
   */
  arrayLength?(ctx: Omit<ConnectContext, 'sink'>): number;
}

// ---------------------------------------------------------------- devices

export interface DeviceTargets {
  readonly population: PopulationHandle;
  /** Local indices of the targets on this rank. */
  readonly local: Int32Array;
  readonly weight: number;
  readonly delaySteps: number;
  readonly ring: AnyRing;
  readonly group: NeuronGroup;
}

export interface GeneratorRuntime {
  /** Add connections to neurons (called at connect time). */
  addTargets(t: DeviceTargets): void;
  /** Called once per step before the neurons update; writes into target ring buffers at step + delay. */
  emit(step: number): void;
}

export interface DeviceContext {
  readonly gid: number;
  readonly params: Params;
  readonly dt: number;
  readonly seed: number;
  readonly rank: number;
  readonly size: number;
  /** Non-numeric settings: the 4th argument of create() plus the params named in the model's `extraParams`. */
  readonly options?: Record<string, unknown>;
}

export interface GeneratorModel extends PluginBase {
  readonly kind: 'generator';
  readonly params: ParamSchema;
  /** Parameters that are not single numbers (spike_times, booleans): passed unchecked in `options`; create() checks them. */
  readonly extraParams?: readonly string[];
  check?(p: Params, where: string): void;
  create(ctx: DeviceContext): GeneratorRuntime;
}

export interface RecordSource {
  readonly pop: PopulationHandle;
  readonly group: NeuronGroup;
  readonly start: number;
  readonly end: number;
}

export interface RecorderRuntime {
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
}

export interface RecorderModel extends PluginBase {
  readonly kind: 'recorder';
  readonly params: ParamSchema;
  /** Parameters that are not single numbers (record_from, record_to, label): moved from params into `options`. */
  readonly extraParams?: readonly string[];
  create(ctx: DeviceContext & { options: Record<string, unknown> }): RecorderRuntime;
}

// ---------------------------------------------------------------- communication

/** Spikes of one slice: global ids and emission steps. */
export interface SpikeBatch {
  gids: Int32Array;
  steps: Int32Array;
  count: number;
}

export interface CommRuntime {
  readonly rank: number;
  readonly size: number;
  /**
   * Gather every rank's slice spikes and return all of them in canonical order (step, then gid),
   * so that propagation adds into ring buffers in the same order whatever the rank count.
   */
  exchange(local: SpikeBatch): SpikeBatch;
  /** Sum of per-rank numbers (spike counts, synapse counts) over all ranks. */
  allreduceSum(values: Float64Array): Float64Array;
  close(): void;
}

export interface CommBackend extends PluginBase {
  readonly kind: 'backend';
  create(options: Record<string, unknown>): CommRuntime;
}

export type Plugin = NeuronModel | IntegratorPlugin | SynapseModel | ConnectionRule | GeneratorModel | RecorderModel | CommBackend;

export type { ValueSpec };
