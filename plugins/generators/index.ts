import type { Plugin } from '../../core/plugin.js';
import { poissonGenerator } from './poisson_generator.js';

export { poissonGenerator };
export const generatorPlugins: readonly Plugin[] = [poissonGenerator];
