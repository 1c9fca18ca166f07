import { ParameterError } from '../../../core/errors.js';
import type { DelayHandlerPlugin, ProjectionInfo, SynapseRuntime } from '../../../core/plugin.js';
import type { AnyRing, RingRow } from '../../../core/ringbuffer.js';
import type { StdpRule } from './rule.js';

/**
 * A delay handler decides when a rule's updates happen and which trace values they see; it owns the
 * projection's plastic state and its propagation. One per projection, chosen by the synapse model's
 * `delay_handler` option among the registered delay-handler plugins.
 */
export type DelayHandler = ((info: ProjectionInfo, rule: StdpRule, where: string) => SynapseRuntime) & {
  /** Runs a rule's `pairing` (nearest-neighbour, consumed traces); a handler without it refuses such rules. */
  readonly runsPairing?: boolean;
  /** Runs rules with per-synapse parameters (StdpRule.onPostAt / onPreAt); a handler without it refuses them. */
  readonly runsPerSynapse?: boolean;
  /** Runs rules on the general trace path (StdpRule.generalTraces); a handler without it refuses them. */
  readonly runsGeneralTraces?: boolean;
};

/** A delay handler as a plugin: registered by name like a model, `createSimulator({ plugins: [...builtinPlugins, mine] })`. */
export type StdpDelayHandler = DelayHandlerPlugin<StdpRule>;

/** The plugin of a handler function: `{ kind: 'delay_handler', name, doc, create }`. */
export function delayHandlerPlugin(name: string, doc: string, create: DelayHandler, extra: { isDefault?: boolean; splitDelay?: boolean } = {}): StdpDelayHandler {
  return { kind: 'delay_handler', name, doc, create, ...extra };
}

/** The pieces every handler needs from a projection: weights to mutate, the channel and its sign. */
export interface PlasticTarget {
  weight: Float32Array;
  /** +1 for excitatory projections, -1 for inhibitory ones (rules see magnitudes). */
  sign: number;
  buf: RingRow;
  ring: AnyRing;
  maxDelay: number;
}

export function plasticTarget(info: ProjectionInfo, where: string): PlasticTarget {
  const t = info.table;
  if (t.sign === 'mixed') {
    throw new ParameterError(where, 'weight', 'weights of both signs', 'weights of one sign per plastic projection (split excitatory and inhibitory sources)');
  }
  const sign = t.sign === 'in' ? -1 : 1;
  const weight = t.weight ?? new Float32Array(t.count).fill(t.homWeight);
  let maxDelay = t.homDelay;
  if (t.delay) for (let k = 0; k < t.count; k++) if (t.delay[k] > maxDelay) maxDelay = t.delay[k];
  return { weight, sign, buf: sign > 0 ? info.targetRing.ex : info.targetRing.inh, ring: info.targetRing, maxDelay };
}
