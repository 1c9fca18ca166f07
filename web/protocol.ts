import type { BrowserSummary, RunGroup, RunSource } from '../browser.js';

/** A preset as the page shows it: its parameters with units, ranges and choices (from the preset's schema). */
export interface PresetInfo {
  name: string;
  title: string;
  doc: string;
  params: { key: string; unit: string; default: number | string; min?: number; max?: number; integer?: boolean; choices?: readonly string[]; doc: string }[];
}

/** Page → worker. */
export type ToWorker =
  | { type: 'load'; source: RunSource; format: 'ascii' | 'arrow'; traceGid: number }
  | { type: 'run' }
  | { type: 'pause' }
  | { type: 'trace'; gid: number }
  | { type: 'files' };

/** Worker → page. */
export type FromWorker =
  | { type: 'presets'; presets: PresetInfo[] }
  | { type: 'loaded'; name: string; groups: RunGroup[]; dt: number; totalSteps: number; presimSteps: number; buildTime: number; neurons: number; synapses: number; traceGid: number }
  | {
      type: 'progress';
      /** Simulated time (ms) of the protocol, and of its simulation part's wall time so far (s). */
      timeMs: number;
      simTime: number;
      realTimeFactor: number;
      spikeCount: number;
      /** The piece's spikes: senders and times (ms). */
      senders: Int32Array;
      times: Float32Array;
      /** The membrane trace's samples of the piece. */
      traceT: Float32Array;
      traceV: Float32Array;
      running: boolean;
    }
  | { type: 'done'; summary: BrowserSummary }
  | { type: 'files'; files: { name: string; bytes: Uint8Array }[]; summary: BrowserSummary }
  | { type: 'error'; message: string };

/** Main thread → one rank of runInWebWorkers. */
export interface RankJob {
  rank: number;
  buffers: import('../plugins/backends/shared_comm.js').SharedCommBuffers;
  spec: import('../core/spec.js').NetworkSpec;
  /** Rank 0 stores the step it reached here after every slice. */
  progress?: SharedArrayBuffer;
  spin?: number;
  /** Simulate in pieces of this many ms, posting each piece's spikes (a live raster); one call without it. */
  pieceMs?: number;
}

export type RankReply =
  | { type: 'spikes'; senders: Int32Array; steps: Int32Array }
  | { type: 'result'; result: import('../core/gather.js').RankResult }
  | { type: 'error'; message: string; aborted: boolean };
