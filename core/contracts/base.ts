import type { InjectionToken } from 'tsyringe';
import type { Params } from '../schema.js';
import type { Services } from '../services.js';

/** The kinds of plugin a simulator is composed of. */
export type PluginKind = 'neuron' | 'integrator' | 'synapse' | 'connection' | 'generator' | 'recorder' | 'backend' | 'system' | 'service';

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
