import { ParameterError } from '../../../core/errors.js';
import type { SynapseModel, ProjectionInfo } from '../../../core/plugin.js';
import type { Params } from '../../../core/schema.js';
import type { StdpRuleDefinition } from './rule.js';
import { delayHandlerPlugin, type DelayHandler, type StdpDelayHandler } from './handler.js';
import { dendriticHandler } from './dendritic.js';
import { axonalHandler } from './axonal.js';
import { splitRuntime } from './split.js';

/** NEST's split delay: `axonal_delay` and `dendritic_delay` per synapse instead of `delay`. */
const splitHandler: DelayHandler = (info, rule, where) => splitRuntime(info, rule, where);

/** The built-in delay handlers as plugins; `dendritic` (NEST's) is the default. */
export const delayHandlerPlugins: readonly StdpDelayHandler[] = [
  delayHandlerPlugin('dendritic', "NEST's dendritic delay: updates at the presynaptic spike, from the postsynaptic history (ArchivingNode)", dendriticHandler, { isDefault: true }),
  delayHandlerPlugin('axonal', "Auryn's axonal delay: each update when its spike reaches the synapse (reverse index); a delay per synapse allowed", axonalHandler),
  delayHandlerPlugin('split', "NEST's axonal + dendritic split per synapse (axonal_delay, dendritic_delay instead of delay): each update when its spike reaches the synapse", splitHandler, { splitDelay: true }),
];

/** The built-in handlers by name, for a projection built without a simulator's registry (a kernel benchmark). */
export const delayHandlers: Readonly<Record<string, DelayHandler>> = Object.fromEntries(delayHandlerPlugins.map((h) => [h.name, h.create]));

/**
 * Make a synapse model from a rule: the rule gives the formulas, a delay handler (chosen per projection with
 * `delay_handler` among the simulator's delay-handler plugins) the timing and the state. A user's own rule is
 * registered the same way: `createSimulator({ plugins: [...builtinPlugins, plasticSynapse(myRule)] })`.
 */
export function plasticSynapse(def: StdpRuleDefinition): SynapseModel {
  return {
    kind: 'synapse',
    name: def.name,
    doc: def.doc,
    params: def.params,
    plastic: true,
    perSynapseWeight: true,
    ...(def.perSynapseParams ? { perSynapseParams: def.perSynapseParams } : {}),
    // The dendritic handler keeps x per synapse (float64) when parameters are given per synapse, and the
    // rate of its decay too when tau_plus is one of them (dendritic.ts, kSyn and rateOf); a rule whose
    // per-synapse state differs (the nearest-neighbour and triplet ones) says so with a function.
    stateBytesPerSynapse: typeof def.stateBytesPerSynapse === 'function'
      ? def.stateBytesPerSynapse
      : (perSynapse: readonly string[]) =>
          perSynapse.length > 0 ? 8 + (perSynapse.includes('tau_plus') ? 8 : 0) : (def.stateBytesPerSynapse as number | undefined) ?? 0,
    options: {
      delay_handler: {
        plugin: 'delay_handler',
        default: 'dendritic',
        doc: "where the delay sits for plasticity, a registered delay handler: 'dendritic' (NEST: updates at the presynaptic spike, from the postsynaptic history), 'axonal' (Auryn: each update at its own spike, reverse index), 'split' (NEST's axonal_delay + dendritic_delay per synapse)",
      },
    },
    checkWeight: def.checkWeight,
    create(info: ProjectionInfo) {
      const where = `${def.name} (projection ${info.id}: population ${info.source.id} -> ${info.target.id})`;
      def.check?.(info.params, where);
      const name = info.options.delay_handler ?? 'dendritic';
      const registry = info.services?.registry;
      const registered: [string, DelayHandler][] = registry
        ? registry.all('delay_handler').map((h) => [h.name, (h as StdpDelayHandler).create])
        : Object.entries(delayHandlers);
      const handler = registered.find(([n]) => n === name)?.[1];
      if (!handler) {
        throw new ParameterError(where, 'delay_handler', name, `one of the registered delay handlers: ${registered.map(([n]) => `'${n}'`).join(', ')}`);
      }
      const able = (can: (h: DelayHandler) => boolean | undefined, otherwise: string) =>
        registered.filter(([, h]) => can(h)).map(([n]) => `'${n}'`).join(' or ') || otherwise;
      const perSynapse = info.table.params && Object.keys(info.table.params).length > 0 ? info.table.params : null;
      if (perSynapse && !handler.runsPerSynapse) {
        throw new ParameterError(where, 'delay_handler', name, `${able((h) => h.runsPerSynapse, 'a handler that runs per-synapse parameters')}: ${Object.keys(perSynapse).join(', ')} given per synapse needs a handler that keeps per-synapse traces`);
      }
      if (perSynapse && !def.buildPerSynapse) throw new ParameterError(where, Object.keys(perSynapse)[0], 'values per synapse', `one number per projection: ${def.name} builds no per-synapse rule`);
      const rule = perSynapse ? def.buildPerSynapse!(info.params, perSynapse, info.targetParams, where) : def.build(info.params, info.targetParams, where);
      if (rule.pairing && !handler.runsPairing) {
        throw new ParameterError(where, 'delay_handler', name, `${able((h) => h.runsPairing, 'a handler that runs pairing schemes')}: ${rule.pairing.reason} needs a handler that runs nearest-neighbour pairing`);
      }
      if (rule.generalTraces && !handler.runsGeneralTraces) {
        throw new ParameterError(where, 'delay_handler', name, `${able((h) => h.runsGeneralTraces, 'a handler that runs the general trace path')}: ${rule.generalReason ?? 'the declared traces'} needs the general trace path (traces in arrays by id), which this handler does not run`);
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
