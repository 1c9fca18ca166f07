import type { Plugin } from '../../core/plugin.js';
import { iafPscExp } from './iaf_psc_exp.js';
import { iafPscAlpha } from './iaf_psc_alpha.js';
import { iafPscDelta } from './iaf_psc_delta.js';
import { iafCondExp } from './iaf_cond_exp.js';
import { iafCondAlpha } from './iaf_cond_alpha.js';
import { aeifCondExp } from './aeif_cond_exp.js';
import { izhikevich } from './izhikevich.js';
import { parrotNeuron } from './parrot_neuron.js';
import { poissonPopulation } from './poisson_population.js';
import { aurynIF } from './auryn_if.js';
import { pynnModels } from './pynn.js';
import { hhPscAlpha } from './hh_psc_alpha.js';
import { hhCondExpTraub } from './hh_cond_exp_traub.js';

export { iafPscExp, iafPscAlpha, iafPscDelta, iafCondExp, iafCondAlpha, aeifCondExp, izhikevich, parrotNeuron, poissonPopulation };
export { hhPscAlpha, hhCondExpTraub };
export {
  IF_curr_exp, IF_curr_alpha, IF_cond_exp, EIF_cond_exp_isfa_ista, IF_cond_alpha, Izhikevich, pynnCells, pynnModels, pynnToNest, nestToPynn, pynnSchemas, pynnTarget,
  type PynnCell, type PynnModelName, type PynnTranslation,
} from './pynn.js';
export { propagatorExp, propagatorAlpha, refractorySteps } from './propagators.js';
export { Rkf45, controlY, controlYp, type OdeSystem, type ErrorControl } from '../integrators/index.js';

export const neuronPlugins: readonly Plugin[] = [
  iafPscExp, iafPscAlpha, iafPscDelta, iafCondExp, iafCondAlpha, aeifCondExp, izhikevich, parrotNeuron, hhPscAlpha, hhCondExpTraub,
  ...pynnModels, poissonPopulation,
  aurynIF,
];
