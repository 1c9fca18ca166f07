import type { Plugin } from '../../core/plugin.js';
import { localBackend } from './local.js';
import { workersBackend } from './workers.js';
import { mpiBackend } from './mpi.js';

export { localBackend, workersBackend, mpiBackend };
export { SharedComm, createSharedCommBuffers, abortSharedComm, CommAbortedError, type SharedCommBuffers, type SharedCommOptions } from './shared_comm.js';
export { MpiComm, mpiWorld, loadMpiAddon, mpiAddonAvailable, MPI_INSTALL_HINT, type MpiAddon } from './mpi.js';
export { mergeCanonical, GrowableBatch } from './merge.js';
export const backendPlugins: readonly Plugin[] = [localBackend, workersBackend, mpiBackend];
