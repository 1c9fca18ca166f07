import type { PluginBase } from './base.js';
import type { ProjectionInfo, SynapseRuntime } from './synapse.js';

/**
 * Where a plastic synapse's delay sits: a delay handler decides when a rule's updates happen and which trace
 * values they see, and owns the projection's plastic state and its propagation. A synapse model names the
 * handler kind in an option (`{ plugin: 'delay_handler' }`); a projection picks one by name
 * (`delay_handler: 'axonal'`). `Rule` is whatever the synapse model hands over (the STDP models: their rule).
 */
export interface DelayHandlerPlugin<Rule = unknown> extends PluginBase {
  readonly kind: 'delay_handler';
  /**
   * The handler takes NEST's split delay per synapse: `axonal_delay` and `dendritic_delay` in the syn_spec
   * instead of `delay` (each >= 0, rounded to whole steps as NEST does, their sum >= dt); the table then holds the sum as the
   * delay and the axonal part beside it.
   */
  readonly splitDelay?: boolean;
  create(info: ProjectionInfo, rule: Rule, where: string): SynapseRuntime;
}
