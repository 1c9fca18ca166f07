/**
 * Parallel runs: a network built on 1..N worker threads (one rank each) or MPI ranks, and the ranks'
 * results gathered into what one process gives. The transports themselves are backend plugins.
 */
export { runWorkers, runPresetWorkers, combineSummaries, type RunWorkersOptions, type PresetWorkersResult } from './workers.js';
export { launchWorkers, type LaunchOptions, type WorkerJob, type WorkerReply } from './launch.js';
export { collectRankResult, mergeRankResults, localSpikeRecords, localProjectionWeights, threadCpuSeconds, type RankResult, type MergedResult, type SpikeRecord, type ProjectionWeights } from './gather.js';
