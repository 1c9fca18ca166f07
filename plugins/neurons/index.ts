import type { Plugin } from '../../core/plugin.js';
import { iafPscExp } from './iaf_psc_exp.js';
import { poissonPopulation } from './poisson_population.js';

export { iafPscExp, poissonPopulation };
export const neuronPlugins: readonly Plugin[] = [iafPscExp, poissonPopulation];
