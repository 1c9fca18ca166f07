import type { Plugin } from '../../core/plugin.js';
import { fixedIndegree } from './fixed_indegree.js';

export { fixedIndegree };
export const connectionPlugins: readonly Plugin[] = [fixedIndegree];
