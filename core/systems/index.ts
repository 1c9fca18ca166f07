import type { SystemPlugin } from '../contracts/system.js';
import { inputSystem, observeSystem, recordSystem } from './devices.js';
import { updateSystem } from './update.js';
import { postSpikeSystem, exchangeSystem, propagateSystem } from './synapses.js';

export { inputSystem, observeSystem, recordSystem, updateSystem, postSpikeSystem, exchangeSystem, propagateSystem };
export { MAX_BLOCK_STEPS } from './update.js';

/**
 * The engine's own systems, over the core's components and the plugin contracts: every simulator runs
 * them, in phase order, before the systems its plugins add to each phase.
 */
export const coreSystems: readonly SystemPlugin[] = [inputSystem, updateSystem, postSpikeSystem, observeSystem, recordSystem, exchangeSystem, propagateSystem];
