import type { Plugin } from '../core/plugin.js';
import { iafPscExp } from './neurons/iaf_psc_exp.js';
import { staticSynapse } from './synapses/static_synapse.js';
import { fixedIndegree } from './connections/fixed_indegree.js';
import { poissonGenerator } from './generators/poisson_generator.js';
import { spikeRecorder } from './recorders/spike_recorder.js';
import { localBackend } from './backends/local.js';

export { iafPscExp, staticSynapse, fixedIndegree, poissonGenerator, spikeRecorder, localBackend };

/** Every plugin that ships with spikeworks; `createSimulator()` without `plugins` composes all of them. */
export const builtinPlugins: readonly Plugin[] = [
  iafPscExp,
  staticSynapse,
  fixedIndegree,
  poissonGenerator,
  spikeRecorder,
  localBackend,
];
