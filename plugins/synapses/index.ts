import type { Plugin } from '../../core/plugin.js';
import { staticSynapse } from './static_synapse.js';

export { staticSynapse };
export const synapsePlugins: readonly Plugin[] = [staticSynapse];
