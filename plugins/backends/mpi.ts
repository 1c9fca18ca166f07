import type { CommBackend, CommRuntime, SpikeBatch } from '../../core/plugin.js';
import { SpikeworksError } from '../../core/errors.js';
import { GrowableBatch, mergeCanonical } from './merge.js';
import { addonLoader } from '../addon.js';
import { platform } from '../../core/platform.js';

/** The functions of native/mpi (node-addon-api over Open MPI). */
export interface MpiAddon {
  init(): boolean;
  finalize(): void;
  rank(): number;
  size(): number;
  barrier(): void;
  abort(code: number): void;
  allreduceSum(values: Float64Array): Float64Array;
  allgatherSpikes(packed: Int32Array, count: number, counts: Int32Array): Int32Array;
}

export const MPI_INSTALL_HINT =
  'the mpi backend needs Open MPI and its addon: apt-get install -y --no-install-recommends libopenmpi-dev openmpi-bin, ' +
  'then `npx spikeworks build mpi` (in a checkout of the repository: `npm run build:mpi`; it builds native/mpi/build/Release/spikeworks_mpi.node), and start the ranks with ' +
  '`mpirun -np N node bin/spikeworks.js run <preset> --comm mpi`';

const mpiAddon = addonLoader<MpiAddon>('mpi', 'spikeworks_mpi.node', 'SPIKEWORKS_MPI_ADDON', () => MPI_INSTALL_HINT);

/** Load the addon, or throw a SpikeworksError saying what to install and run. */
export function loadMpiAddon(): MpiAddon {
  return mpiAddon.load();
}

/** Whether the addon is built here (the CLI and tests use it to explain what is missing). */
export function mpiAddonAvailable(): boolean {
  return mpiAddon.available();
}

/**
 * CommRuntime over MPI_COMM_WORLD: per slice, MPI_Allgather of the spike counts then MPI_Allgatherv of the
 * packed (gids, steps), merged into canonical order in JavaScript.
 */
export class MpiComm implements CommRuntime {
  readonly rank: number;
  readonly size: number;
  private packed = new Int32Array(2048);
  private readonly counts: Int32Array;
  private readonly offsets: Int32Array;
  private readonly heads: Int32Array;
  private readonly gidViews: Int32Array[];
  private readonly stepViews: Int32Array[];
  private readonly out = new GrowableBatch(4096);
  private closed = false;

  constructor(private readonly mpi: MpiAddon) {
    mpi.init();
    this.rank = mpi.rank();
    this.size = mpi.size();
    this.counts = new Int32Array(this.size);
    this.offsets = new Int32Array(this.size);
    this.heads = new Int32Array(this.size);
    this.gidViews = new Array(this.size);
    this.stepViews = new Array(this.size);
  }

  exchange(local: SpikeBatch): SpikeBatch {
    const n = local.count;
    if (this.packed.length < 2 * n) this.packed = new Int32Array(Math.max(2 * n, this.packed.length * 2));
    this.packed.set(local.gids.subarray(0, n), 0);
    this.packed.set(local.steps.subarray(0, n), n);
    const all = this.mpi.allgatherSpikes(this.packed, n, this.counts);
    let base = 0;
    for (let r = 0; r < this.size; r++) {
      const c = this.counts[r];
      // Rank r's block is [gids(c), steps(c)]: view both halves without copying.
      this.gidViews[r] = all.subarray(base, base + c);
      this.stepViews[r] = all.subarray(base + c, base + 2 * c);
      this.offsets[r] = 0;
      base += 2 * c;
    }
    mergeCanonical(this.gidViews, this.stepViews, this.offsets, this.counts, this.heads, this.out);
    return this.out;
  }

  allreduceSum(values: Float64Array): Float64Array {
    return this.mpi.allreduceSum(values);
  }

  /**
   * Every rank's bytes, in rank order, on every rank (MPI_Allgatherv through the spike gather: the bytes go
   * as int32 words, two per "spike", after a word with their length).
   */
  allgatherBytes(bytes: Uint8Array): Uint8Array[] {
    const words = 1 + Math.ceil(bytes.length / 4);
    const pairs = Math.ceil(words / 2);
    const packed = new Int32Array(2 * pairs);
    packed[0] = bytes.length;
    new Uint8Array(packed.buffer, 4, bytes.length).set(bytes);
    const all = this.mpi.allgatherSpikes(packed, pairs, this.counts);
    const out: Uint8Array[] = [];
    let base = 0;
    for (let r = 0; r < this.size; r++) {
      const n = all[base];
      out.push(new Uint8Array(all.buffer, all.byteOffset + 4 * (base + 1), n).slice());
      base += 2 * this.counts[r];
    }
    return out;
  }

  barrier(): void {
    this.mpi.barrier();
  }

  /** End every rank of the job (MPI_Abort): after an error on one rank the others would wait forever. */
  abort(code: number): void {
    this.mpi.abort(code);
  }

  /** Finalize MPI. The process cannot use MPI again afterwards, so only the CLI calls it at exit. */
  finalize(): void {
    if (this.closed) return;
    this.closed = true;
    this.mpi.finalize();
  }

  /** Nothing per simulator: MPI outlives a Simulator; `finalize` ends it. */
  close(): void {}
}

let world: MpiComm | null = null;

/** The process's MPI communicator (MPI may be initialised once per process). */
export function mpiWorld(): MpiComm {
  if (world) return world;
  const comm = (world = new MpiComm(loadMpiAddon()));
  // A script need not finalize: a clean exit does. After a failure, exiting without it makes mpirun end the
  // other ranks, where MPI_Finalize could wait for them forever.
  platform.onExit((code) => {
    if (code === 0) comm.finalize();
  });
  return comm;
}

export const mpiBackend: CommBackend = {
  kind: 'backend',
  name: 'mpi',
  doc: 'MPI ranks (Open MPI via a node-addon-api addon): MPI_Allgatherv of the spikes once per min-delay slice; start with mpirun',
  create() {
    return mpiWorld();
  },
};
