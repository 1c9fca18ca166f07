import type { ParamSchema, Params } from '../schema.js';
import type { Arena, FieldDecl, StateData } from '../component.js';
import type { AnyRing, RingBuffer } from '../ringbuffer.js';
import type { Services } from '../services.js';
import type { Checkpointable, PluginBase } from './base.js';
import type { SynapseTable, AdoptedTable } from './synapse.js';

export interface StateSpec {
  unit: string;
  doc: string;
  /** Initial value from the model's resolved parameters (NEST: V_m starts at E_L, ...). */
  initial: (p: Params) => number;
}

export type StateArray = Float64Array | Float32Array;

/** Where and how big a population's kernel is: `n` counts the neurons local to this rank. */
export interface NeuronGroupContext {
  readonly n: number;
  readonly params: Params;
  readonly dt: number;
  /** Global id (NEST node id) of the first local neuron; local neuron i has gid firstGid + i. */
  readonly firstGid: number;
  readonly seed: number;
}

/** What a scheme's kernel is built from: the state the core allocated from the declarations, in `arena`. */
export interface KernelContext extends NeuronGroupContext {
  /** The model's state variables and the scheme's internal ones, n elements each. */
  readonly state: StateData;
  /** The arena the state was allocated in (the scheme's own, when it gave one). */
  readonly arena: Arena;
  readonly services?: Services;
}

/**
 * A population's compiled update, over the state the core allocated. `update` advances one step of NEST's
 * update loop: integrate, read this step's input from the ring row starting at `offset`, threshold, write
 * the local indices of the neurons that spiked into `spikes` and return how many did. A kernel that keeps
 * state outside the state component (a carried derivative, padding lanes, random streams) saves it through
 * the Checkpointable hooks; one that keeps none spreads NO_PRIVATE_STATE.
 */
export interface NeuronKernel extends Checkpointable {
  /** `ring` is the core's float64 ring, or the one `capabilities.ownRing` returned (whatever its storage). */
  update(step: number, ring: RingBuffer, offset: number, spikes: Int32Array): number;
  readonly capabilities?: KernelCapabilities;
}

/** Fast paths a kernel offers; the systems use each one where it applies, and the schedule lists them. */
export interface KernelCapabilities {
  /**
   * An own input ring (n neurons × `slots` rows) in storage the kernel reads in place (WebAssembly memory,
   * float32 rows allowed); undefined: the core makes an ordinary one.
   */
  ownRing?(slots: number): AnyRing | undefined;
  /**
   * Advance steps `from` to `to` (exclusive) in one call, used only when nothing observes the population
   * within a slice (no multimeter, no plastic projection onto it). Writes each spike's local index to
   * `spikes` and its step − from to `lags` (room for n × (to − from)), any order; clears the rows it read.
   */
  slice?(from: number, to: number, ring: AnyRing, spikes: Int32Array, lags: Int32Array): number;
  /**
   * Deliver a static table with one weight and one delay into the kernel's own ring itself (copied into its
   * memory), or undefined (no room, not its ring): the synapse model then scatters in TypeScript.
   */
  adoptTable?(table: SynapseTable, ring: AnyRing): AdoptedTable | undefined;
}

/**
 * An integration scheme of a model: what it stores beyond the model's state, where, and the kernel it
 * compiles. The core allocates the model's state (in `precision`) and `internal` as one component.
 */
export interface NeuronScheme {
  /** Element type of the model's state variables (default 'f64'). */
  readonly precision?: 'f64' | 'f32';
  /** The scheme's own per-neuron variables (refractory counters, carried step sizes), in this order after the model's. */
  readonly internal?: Readonly<Record<string, FieldDecl>>;
  /** Optional: the arena the component is allocated in (a kernel's memory), made once per population at create. */
  arena?(ctx: NeuronGroupContext): Arena;
  /** The kernel over the allocated state, built when the network is compiled. */
  create(ctx: KernelContext): NeuronKernel;
}

export interface NeuronModel extends PluginBase {
  readonly kind: 'neuron';
  readonly params: ParamSchema;
  /** The model's state variables, declared once: the core allocates and initialises them. */
  readonly state: Readonly<Record<string, StateSpec>>;
  /** Other names of state variables (PyNN's `v` for `V_m`): the same array. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Schemes this model ships with; more can be added by `integrator` plugins. */
  readonly integrators: Readonly<Record<string, NeuronScheme>>;
  readonly defaultIntegrator: string;
  /** Checks that involve several parameters, or the resolution (V_reset < V_th, ...): throw a ParameterError. */
  check?(p: Params, where: string, dt: number): void;
}

/** Adds an integration scheme to an existing neuron model without touching the model. */
export interface IntegratorPlugin extends PluginBase, NeuronScheme {
  readonly kind: 'integrator';
  readonly model: string;
}
