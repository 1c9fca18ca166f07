import type { Plugin } from '../../core/plugin.js';
import { staticSynapse } from './static_synapse.js';
import { stdpSynapse, stdpSynapseRule } from './stdp_synapse.js';
import { stdpPlSynapseHom, stdpPlSynapseHomHpc, stdpPlSynapseHomRule } from './stdp_pl_synapse_hom.js';
import { stdpTripletSynapse, stdpTripletSynapseRule } from './stdp_triplet_synapse.js';
import { tripletAuryn, tripletAurynRule } from './triplet_auryn.js';

export { staticSynapse };
export { stdpSynapse, stdpSynapseRule, stdpPlSynapseHom, stdpPlSynapseHomHpc, stdpPlSynapseHomRule, stdpTripletSynapse, stdpTripletSynapseRule, tripletAuryn, tripletAurynRule };
export type { StdpRule, StdpRuleDefinition } from './plasticity/rule.js';
export type { DelayHandler, PlasticTarget } from './plasticity/handler.js';
export { plasticSynapse, delayHandlers, neuronTau, checkNonNegativeWeight } from './plasticity/synapse.js';
export { dendriticHandler } from './plasticity/dendritic.js';
export { axonalHandler } from './plasticity/axonal.js';
export const synapsePlugins: readonly Plugin[] = [staticSynapse, stdpSynapse, stdpPlSynapseHom, stdpPlSynapseHomHpc, stdpTripletSynapse, tripletAuryn];
