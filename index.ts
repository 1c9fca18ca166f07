import { Simulator, type SimulatorOptions } from './core/simulator.js';
import { builtinPlugins } from './plugins/index.js';

export * from './core/simulator.js';
export * from './core/plugin.js';
export * from './core/errors.js';
export * from './core/schema.js';
export * from './core/rng.js';
export * from './core/distributions.js';
export { RingBuffer } from './core/ringbuffer.js';
export { PluginRegistry, TOKENS } from './core/registry.js';
export { spikeDigest } from './core/digest.js';
export * from './plugins/index.js';
export * from './presets/index.js';

/**
 * Compose a simulator from plugins. Without `plugins`, every built-in plugin is registered; name a few to
 * get a simulator that knows only those (and your own).
 */
export function createSimulator(options: Partial<SimulatorOptions> = {}): Simulator {
  return new Simulator({ ...options, plugins: options.plugins ?? builtinPlugins });
}
