import type { Plugin } from '../../core/plugin.js';
import { iafPscExp } from './iaf_psc_exp.js';

export { iafPscExp };
export const neuronPlugins: readonly Plugin[] = [iafPscExp];
