import type { CommBackend } from '../../core/plugin.js';
import { ParameterError } from '../../core/errors.js';
import { SharedComm, type SharedCommBuffers, type SharedCommOptions } from './shared_comm.js';

/**
 * The `workers` backend as a plugin: the CommRuntime of one worker thread. It only makes sense inside a
 * worker started by the parallel launcher (parallel/), which hands each worker its shared buffers and rank.
 */
export const workersBackend: CommBackend = {
  kind: 'backend',
  name: 'workers',
  doc: 'Worker threads on one machine: spikes exchanged through SharedArrayBuffer at one barrier per min-delay slice',
  create(options) {
    const buffers = options.buffers as SharedCommBuffers | undefined;
    const rank = options.rank as number | undefined;
    if (!buffers || !(buffers.control instanceof SharedArrayBuffer) || typeof rank !== 'number') {
      throw new ParameterError('backend workers', 'backendOptions', 'no shared buffers', "createSimulator({ backend: 'workers', workers: N }) from the main thread (or runSpecWorkers / runPresetWorkers): new Simulator() alone cannot start the workers");
    }
    return new SharedComm(buffers, rank, options as SharedCommOptions);
  },
};
