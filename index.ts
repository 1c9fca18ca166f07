import { Simulator, type SimulatorOptions } from './core/simulator.js';
import { builtinPlugins } from './plugins/index.js';

export * from './core/simulator.js';
export * from './core/handles.js';
export * from './core/plugin.js';
export * from './core/errors.js';
export * from './core/schema.js';
export * from './core/rng.js';
export * from './core/distributions.js';
export * from './core/component.js';
export { SimWorld, type EntityKind } from './core/world.js';
export { C as CoreComponents, type DeviceLink } from './core/components.js';
export { SERVICE, Clock, RandomStreams, type Services } from './core/services.js';
export { MemorySink, type OutputSink, type OutputFile } from './core/output.js';
export { RunStats, localSynapses, meanBytesPerSynapse, type PhaseTimes } from './core/stats.js';
export { SliceSpikes, SpikeList, type Fired } from './core/spikes.js';
export { coreSystems, MAX_BLOCK_STEPS } from './core/systems/index.js';
export { kernelContext, standaloneKernel, schemeComponent } from './core/kernels.js';
export type { ConnSpec, SynSpec } from './core/connect.js';
export * from './core/spec.js';
export { encodeSpecJson, decodeSpecJson } from './core/spec-json.js';
export { replaySpec, SpecLog } from './core/spec-log.js';
export type { SimEvents } from './core/events.js';
export { RingBuffer } from './core/ringbuffer.js';
export { PluginRegistry, TOKENS } from './core/registry.js';
export { spikeDigest } from './core/digest.js';
export * from './plugins/index.js';
export * from './parallel/index.js';
export * from './presets/index.js';

/**
 * Compose a simulator from plugins. Without `plugins`, every built-in plugin is registered; name a few to
 * get a simulator that knows only those (and your own).
 */
export function createSimulator(options: Partial<SimulatorOptions> = {}): Simulator {
  return new Simulator({ ...options, plugins: options.plugins ?? builtinPlugins });
}
