import type { InjectionToken } from 'tsyringe';
import type { Params } from '../schema.js';
import type { Services } from '../services.js';

/** The kinds of plugin a simulator is composed of. */
export type PluginKind = 'neuron' | 'integrator' | 'synapse' | 'connection' | 'generator' | 'recorder' | 'backend' | 'system' | 'service' | 'delay_handler';

export interface PluginBase {
  readonly kind: PluginKind;
  /** NEST's model name where one exists (iaf_psc_exp, stdp_synapse, fixed_indegree, ...). */
  readonly name: string;
  /** One line: what it is and which NEST/PyNN/Auryn model it matches. */
  readonly doc: string;
  /**
   * The plugin a simulator uses for its kind when the user names none (the synapse model of a bare
   * connect, the backend of a single process). Defaults belong to the plugin set, never to the core; the
   * first plugin of a kind registered with the mark is the one used.
   */
  readonly isDefault?: boolean;
}

/** A service a plugin set adds to the container (an output sink, a clock source): resolved by token. */
export interface ServicePlugin extends PluginBase {
  readonly kind: 'service';
  readonly token: InjectionToken<unknown>;
  create(services: Services): unknown;
}

/** What every population handle offers a plugin: its place in the network and this rank's block. */
export interface PopulationHandle {
  readonly id: number;
  /** The population's entity in the world. */
  readonly eid: number;
  readonly model: string;
  /** Total neurons (all ranks). */
  readonly size: number;
  /** Global id of neuron 0. */
  readonly firstGid: number;
  /** This rank's block: neurons [localStart, localStart + localCount). */
  readonly localStart: number;
  readonly localCount: number;
  readonly params: Readonly<Params>;
}

/**
 * A value in a runtime's saved state (a checkpoint, core/checkpoint.ts): numbers (NaN and ±Infinity
 * included), strings, booleans, typed arrays, and arrays and records of these.
 */
export type SavedValue =
  | number
  | string
  | boolean
  | null
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | readonly SavedValue[]
  | { readonly [key: string]: SavedValue };
export type SavedState = { [key: string]: SavedValue };

/**
 * The checkpoint hooks of a runtime (a neuron kernel, a synapse runtime, a generator, a recorder, a system's
 * runner): the dynamic state it keeps beyond what the core saves itself (a population's state component and
 * input ring, the clock, the spike counts). A checkpoint refuses a runtime without the pair, naming its
 * model, so that no state is silently lost; a runtime with nothing of its own spreads NO_PRIVATE_STATE.
 */
export interface Checkpointable {
  /** The runtime's dynamic state now. Typed arrays may be live views: they are written out before the run goes on. */
  saveState?(): SavedState;
  /**
   * Overwrite the state of a runtime just built from the same spec and prepared with what `saveState`
   * returned; arrays it is handed belong to the caller (copy them, or `slice()` to keep them).
   */
  loadState?(state: SavedState): void;
}

/** The hooks of a runtime whose dynamic state lives entirely in what the core saves (its state component, its ring). */
export const NO_PRIVATE_STATE: Readonly<Required<Checkpointable>> = Object.freeze({
  saveState: (): SavedState => ({}),
  loadState: (): void => {},
});
