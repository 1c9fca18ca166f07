import type { Plugin } from '../../core/plugin.js';
import { staticSynapse } from './static_synapse.js';
import { stdpSynapse, stdpSynapseRule } from './stdp_synapse.js';
import { stdpPlSynapseHom, stdpPlSynapseHomHpc, stdpPlSynapseHomRule } from './stdp_pl_synapse_hom.js';
import { stdpTripletSynapse, stdpTripletSynapseRule } from './stdp_triplet_synapse.js';
import { tripletAuryn, tripletAurynRule } from './triplet_auryn.js';
import { plasticSynapse } from './plasticity/synapse.js';
import { nestNearestSynapses } from './plasticity/mechanism.js';
import { stdpDopamineSynapse, stdpDopamineSynapseRule } from './stdp_dopamine_synapse.js';
import { volumeTransmitter, volumeTransmitterSystem } from './neuromodulation/volume_transmitter.js';

export { staticSynapse };
export { stdpSynapse, stdpSynapseRule, stdpPlSynapseHom, stdpPlSynapseHomHpc, stdpPlSynapseHomRule, stdpTripletSynapse, stdpTripletSynapseRule, tripletAuryn, tripletAurynRule };
export type { StdpRule, StdpRuleDefinition, PairingScheme } from './plasticity/rule.js';
export type { DelayHandler, StdpDelayHandler, PlasticTarget } from './plasticity/handler.js';
export { delayHandlerPlugin } from './plasticity/handler.js';
export { splitRuntime } from './plasticity/split.js';
export { plasticSynapse, delayHandlers, delayHandlerPlugins, neuronTau, checkNonNegativeWeight } from './plasticity/synapse.js';
export { dendriticHandler } from './plasticity/dendritic.js';
export { axonalHandler } from './plasticity/axonal.js';
export { stdpDopamineSynapse, stdpDopamineSynapseRule, volumeTransmitter, volumeTransmitterSystem };
export { neuromodulatedSynapse, type EligibilityRule, type EligibilityRuleDefinition, type NeuromodulatedRuntime } from './neuromodulation/eligibility.js';
export { VolumeTransmitterRuntime, type TriggerListener } from './neuromodulation/volume_transmitter.js';
export const synapsePlugins: readonly Plugin[] = [
  staticSynapse, stdpSynapse, stdpPlSynapseHom, stdpPlSynapseHomHpc, stdpTripletSynapse, tripletAuryn,
  ...Object.values(nestNearestSynapses).map((def) => plasticSynapse(def)),
  stdpDopamineSynapse, volumeTransmitter, volumeTransmitterSystem,
];
export { stdpMechanism, mapTraces, nestCompositions, nestNearestSynapses, type MechanismOptions } from './plasticity/mechanism.js';
export { nearestPair, type NearestScheme } from './plasticity/timing/nearest.js';
export { spikePair, vogelsSprekeler, type PostTauSource } from './plasticity/timing/pair.js';
export { triplet, tripletHomeostatic } from './plasticity/timing/triplet.js';
export type { TimingDependence, TimingRule, TraceSpec } from './plasticity/timing/types.js';
export { additive, multiplicative, gutig, powerLaw, type WeightDependence, type WeightRule } from './plasticity/weight/dependences.js';
export { setKernelSpecialisation, kernelSpecialisation } from './plasticity/specialise.js';
