import { availableParallelism } from 'node:os';
import { Simulator, type SimulatorOptions } from './core/simulator.js';
import { ParameterError } from './core/errors.js';
import { SERVICE } from './core/services.js';
import { builtinPlugins } from './plugins/index.js';
import { localBackend } from './plugins/backends/local.js';
import { WorkerRunner, type WorkerRunnerOptions } from './parallel/remote.js';

export * from './core/simulator.js';
export {
  CheckpointError, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, SPIKEWORKS_VERSION, savedArray, savedNumber, savedRecord, savedList, restoreArray, compactState,
  type CheckpointSummary,
} from './core/checkpoint.js';
export { NO_PRIVATE_STATE, type Checkpointable, type SavedState, type SavedValue } from './core/contracts/base.js';
export * from './core/handles.js';
export type { BuiltinModels, BuiltinExtras, SpikeworksModels, ModelName, ModelParams, ParamsOf, CreateOptions } from './core/model-types.js';
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
export { SpikeDigest, spikeDigest } from './core/digest.js';
export * from './plugins/index.js';
export * from './parallel/index.js';
export * from './presets/index.js';
export { writeFolderFigures, loadOutputFolder, readRunManifest, type LoadedGroup, type LoadOptions, type FigureOptions } from './analysis/folder.js';
export { readSpikeFileChunks, readSpikeFile, SpikeFileError, type SpikeChunk, type SpikeFileFormat } from './analysis/spikefile.js';
export { streamGroupStatistics, type StreamedStatistics } from './analysis/spikestats.js';
export { compareFolders, type GroupComparison } from './analysis/compare.js';

export interface CreateSimulatorOptions extends Partial<SimulatorOptions> {
  /** With `backend: 'workers'`: how many worker threads run the network (default: the cores of this machine). */
  workers?: number;
  /** With `backend: 'workers'`: the modules exporting your own plugins, which each worker imports (`{ url, export }`). */
  pluginModules?: WorkerRunnerOptions['modules'];
  /** With `backend: 'workers'`: the transport's and the runner's limits (barrier and answer timeouts, heap limits). */
  workerOptions?: Omit<WorkerRunnerOptions, 'workers' | 'modules'>;
}

/**
 * Compose a simulator from plugins. Without `plugins`, every built-in plugin is registered; name a few to
 * get a simulator that knows only those (and your own). `backend: 'workers'` runs the network on worker
 * threads behind the same API: recorders' events come back merged, as one process gives them.
 */
export function createSimulator(options: CreateSimulatorOptions = {}): Simulator {
  const { workers, pluginModules, workerOptions, ...rest } = options;
  const plugins = rest.plugins ?? builtinPlugins;
  if (rest.backend !== 'workers' || rest.comm) {
    for (const [key, value] of Object.entries({ workers, pluginModules, workerOptions })) {
      if (value !== undefined) throw new ParameterError('createSimulator', key, value, "nothing unless backend is 'workers'");
    }
    return new Simulator({ ...rest, plugins });
  }
  const runner = new WorkerRunner({ ...workerOptions, workers: workers ?? availableParallelism(), modules: pluginModules });
  // This thread only describes the network; its own transport is the single-process one.
  const services = [...(rest.services ?? []), { token: SERVICE.runner, value: runner }, { token: SERVICE.transport, value: localBackend.create({}) }];
  return new Simulator({ ...rest, backend: undefined, plugins, services });
}
