import type { Plugin } from '../../core/plugin.js';
import { localBackend } from './local.js';

export { localBackend };
export const backendPlugins: readonly Plugin[] = [localBackend];
