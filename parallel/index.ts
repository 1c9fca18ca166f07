/**
 * Parallel runs: a network spec built on 1..N worker threads (one rank each), and the ranks' results
 * gathered into what one process gives. The transports themselves are backend plugins.
 */
export { runSpecWorkers, runWorkers, runPresetWorkers, type SpecWorkersOptions, type SpecWorkersResult, type RunWorkersOptions, type PresetWorkersResult } from './workers.js';
export { launchWorkers, type LaunchOptions, type WorkerJob, type WorkerReply, type WorkerResult } from './launch.js';
export { loadSpecPlugins, selectPlugins, importPlugins, moduleUrl } from './plugins.js';
export { collectRankResult, mergeRankResults, localProjectionWeights, localSpikeRecords, threadCpuSeconds, gatherRun, type RankResult, type MergedResult, type SpikeRecord, type ProjectionWeights, type RecorderPart } from './gather.js';
export { WorkerRunner, type WorkerRunnerOptions, type RunnerCommand, type RunnerReply } from './remote.js';
