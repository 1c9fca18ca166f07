import { ParameterError } from '../../../core/errors.js';
import type { SynapseModel, ProjectionInfo } from '../../../core/plugin.js';
import type { Params } from '../../../core/schema.js';
import type { StdpRuleDefinition } from './rule.js';
import type { DelayHandler } from './handler.js';
import { dendriticHandler } from './dendritic.js';
import { axonalHandler } from './axonal.js';

/** The built-in delay handlers, by the name a projection gives in `delay_handler`. */
export const delayHandlers: Readonly<Record<string, DelayHandler>> = {
  dendritic: dendriticHandler,
  axonal: axonalHandler,
};

/**
 * Make a synapse model from a rule: the rule gives the formulas, a delay handler (chosen per
 * projection with `delay_handler`) the timing and the state. A user's own rule is registered the same
 * way: `createSimulator({ plugins: [...builtinPlugins, plasticSynapse(myRule)] })`.
 */
export function plasticSynapse(def: StdpRuleDefinition, handlers: Readonly<Record<string, DelayHandler>> = delayHandlers): SynapseModel {
  const names = Object.keys(handlers);
  return {
    kind: 'synapse',
    name: def.name,
    doc: def.doc,
    params: def.params,
    plastic: true,
    perSynapseWeight: true,
    ...(def.perSynapseParams ? { perSynapseParams: def.perSynapseParams } : {}),
    options: {
      delay_handler: {
        default: names.includes('dendritic') ? 'dendritic' : names[0],
        allowed: names,
        doc: "where the delay sits for plasticity: 'dendritic' (NEST: updates at the presynaptic spike, from the postsynaptic history) or 'axonal' (Auryn: each update at its own spike, reverse index)",
      },
    },
    checkWeight: def.checkWeight,
    create(info: ProjectionInfo) {
      const where = `${def.name} (projection ${info.id}: population ${info.source.id} -> ${info.target.id})`;
      def.check?.(info.params, where);
      const handlerName = info.options.delay_handler ?? names[0];
      const handler = handlers[handlerName];
      if (!handler) throw new ParameterError(where, 'delay_handler', info.options.delay_handler, `one of ${names.join(', ')}`);
      const perSynapse = info.table.params && Object.keys(info.table.params).length > 0 ? info.table.params : null;
      if (perSynapse && !handler.runsPerSynapse) {
        const able = names.filter((n) => handlers[n].runsPerSynapse).map((n) => `'${n}'`).join(' or ') || 'a handler that runs per-synapse parameters';
        throw new ParameterError(where, 'delay_handler', handlerName, `${able}: ${Object.keys(perSynapse).join(', ')} given per synapse needs a handler that keeps per-synapse traces`);
      }
      if (perSynapse && !def.buildPerSynapse) throw new ParameterError(where, Object.keys(perSynapse)[0], 'values per synapse', `one number per projection: ${def.name} builds no per-synapse rule`);
      const rule = perSynapse ? def.buildPerSynapse!(info.params, perSynapse, info.targetParams, where) : def.build(info.params, info.targetParams, where);
      if (rule.pairing && !handler.runsPairing) {
        const able = names.filter((n) => handlers[n].runsPairing).map((n) => `'${n}'`).join(' or ') || 'a handler that runs pairing schemes';
        throw new ParameterError(where, 'delay_handler', handlerName, `${able}: ${rule.pairing.reason} needs a handler that runs nearest-neighbour pairing`);
      }
      return handler(info, rule, where);
    },
  };
}

/** A postsynaptic time constant that NEST keeps on the neuron (ArchivingNode), read from the target population. */
export function neuronTau(targetParams: Params, name: string, where: string): number {
  const v = targetParams[name];
  if (typeof v !== 'number' || !(v > 0)) {
    throw new ParameterError(where, `target neuron ${name}`, v, `a time constant > 0 (ms) on the target neuron model (NEST's archiving-node parameter)`);
  }
  return v;
}

/**
 * NEST's check that a plastic weight has the sign of Wmax (> 0 here): stdp_synapse and stdp_triplet_synapse
 * throw "Weight and Wmax must have same sign." (zero counts as positive). NEST does not refuse a weight above
 * Wmax (the first potentiation clips it to Wmax), and neither do we.
 */
export function checkNonNegativeWeight(w: number, where: string): void {
  if (!(w >= 0)) throw new ParameterError(where, 'weight', w, 'a weight >= 0: the sign of Wmax, which is > 0 here (NEST: "Weight and Wmax must have same sign"); STDP weights stay in [0, Wmax]');
}
