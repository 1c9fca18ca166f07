import type { RecorderModel, RecordSource, RecorderRuntime, RecordedSpikes } from '../../core/plugin.js';
import type { OutputFile } from '../../core/output.js';
import type { SavedState } from '../../core/contracts/base.js';
import { reopenFile, restoreColumn, saveFilePosition, savedNumber, savedRecord } from '../../core/saved-state.js';
import { activeSteps, deviceTiming } from '../generators/poisson_generator.js';
import { asciiHeader, binaryHeader, fileOptions, nestFileName, parseSpikeAscii, parseSpikeBinary, sinkFor, textOf } from './files.js';
import { ArrowSpikeWriter, parseSpikeArrow } from './arrow.js';
import { concatColumns, permute, rowOrder } from './merge.js';

/** Growable Int32 column. */
export class Int32Column {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export interface SpikeEvents {
  senders: Int32Array;
  times: Float64Array;
}

export interface SpikeRecorderRuntime extends RecorderRuntime {
  events(): SpikeEvents;
  steps(): Int32Array;
  spikeRecord(): RecordedSpikes;
  collect(): SpikeRecorderPart;
  readonly n_events: number;
  /** The file written by the ascii and binary backends (null for memory, or before the network is prepared). */
  readonly filename: string | null;
  readonly record_to: 'memory' | 'ascii' | 'binary' | 'arrow';
  /** Sees every kept spike of a slice, in (step, gid) order, whatever the backend (a run's streaming digest). */
  tap: ((gids: Int32Array, steps: Int32Array, count: number) => void) | null;
}

/** Which recorded spikes of a slice pass the gid bitmap and the active window; returns how many were kept. */
function selectSpikes(
  gids: Int32Array, stepsIn: Int32Array, count: number, recorded: Uint8Array, gidOffset: number, first: number, last: number,
  outGids: Int32Array, outSteps: Int32Array,
): number {
  let kept = 0;
  for (let k = 0; k < count; k++) {
    const s = stepsIn[k];
    if (s < first || s >= last) continue;
    const j = gids[k] - gidOffset;
    if (j >= 0 && j < recorded.length && recorded[j] === 1) {
      outGids[kept] = gids[k];
      outSteps[kept] = s;
      kept++;
    }
  }
  return kept;
}

/** Whether dt is a whole number of units of the last printed decimal (then times print from integers). */
function printsExactly(dt: number, precision: number): boolean {
  const units = dt * 10 ** precision;
  return precision <= 15 && Math.abs(units - Math.round(units)) < 1e-6 * Math.max(1, units);
}

/**
 * `sender<TAB>time` rows as bytes, formatted from integers: no string per spike (a long run's garbage).
 * The same characters as `time.toFixed(precision)` where dt is a multiple of the last decimal; otherwise
 * (a coarser precision than dt needs) toFixed itself.
 */
function asciiRows(gids: Int32Array, steps: Int32Array, n: number, dt: number, precision: number, scratch: { bytes: Uint8Array }): Uint8Array {
  if (!printsExactly(dt, precision)) {
    let text = '';
    for (let k = 0; k < n; k++) text += `${gids[k]}\t${((steps[k] + 1) * dt).toFixed(precision)}\n`;
    return new TextEncoder().encode(text);
  }
  const scale = 10 ** precision;
  // 10 digits of gid, a tab, up to 16 digits and a point, a newline. The sink copies: the bytes are reused.
  if (scratch.bytes.length < n * 30) scratch.bytes = new Uint8Array(n * 60);
  const out = scratch.bytes;
  let at = 0;
  const digits = (v: number, minDigits: number) => {
    const start = at;
    do {
      out[at++] = 48 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0 || at - start < minDigits);
    for (let i = start, j = at - 1; i < j; i++, j--) {
      const c = out[i];
      out[i] = out[j];
      out[j] = c;
    }
  };
  for (let k = 0; k < n; k++) {
    digits(gids[k], 1);
    out[at++] = 9;
    const units = Math.round((steps[k] + 1) * dt * scale);
    digits(Math.floor(units / scale), 1);
    if (precision > 0) {
      out[at++] = 46;
      digits(units % scale, precision);
    }
    out[at++] = 10;
  }
  return out.subarray(0, at);
}

function binaryRecords(gids: Int32Array, steps: Int32Array, n: number, scratch: { words: Int32Array }): Uint8Array {
  if (scratch.words.length < 2 * n) scratch.words = new Int32Array(4 * n);
  const rec = scratch.words;
  for (let k = 0; k < n; k++) {
    rec[2 * k] = gids[k];
    rec[2 * k + 1] = steps[k];
  }
  // Int32Array is little-endian on every platform Node runs on (x64, arm64).
  return new Uint8Array(rec.buffer, 0, 8 * n);
}

/**
 * spike_recorder: the (sender, time) of every spike of its sources, time being the end of the step in which
 * the neuron crossed threshold (NEST's spike stamp). record_to chooses NEST's backend: 'memory' (default),
 * 'ascii' (NEST's ASCII file: header, then `sender<TAB>time_ms`, time with `precision` decimals), 'binary'
 * (spikeworks' raw little-endian int32 pairs) or 'arrow' (an Apache Arrow IPC stream with columns sender and
 * time_ms), see docs/output-formats.md. Files are named as NEST names them,
 * `<path>/<label or spike_recorder>-<node id>-<vp>.dat|.bin|.arrow`, written in chunks while the run goes,
 * and closed by Simulator.close().
 */
/** A rank's spikes of one recorder, as a parallel run gathers them. */
export interface SpikeRecorderPart extends RecordedSpikes {
  dt: number;
}

/** The ranks' spikes in one process's recording order (by step, then sender), with their times. */
export function mergeSpikeParts(parts: readonly unknown[]): SpikeEvents & { steps: Int32Array } {
  const ps = parts as SpikeRecorderPart[];
  const dt = ps[0]?.dt ?? 0.1;
  const cols = concatColumns(ps.map((p) => ({ senders: p.senders, steps: p.steps })));
  const sorted = ps.length > 1 ? permute(cols, rowOrder([cols.steps, cols.senders], cols.steps.length)) : cols;
  const times = new Float64Array(sorted.steps.length);
  for (let i = 0; i < times.length; i++) times[i] = (sorted.steps[i] + 1) * dt;
  return { senders: sorted.senders ?? new Int32Array(0), steps: sorted.steps ?? new Int32Array(0), times };
}

export const spikeRecorder: RecorderModel = {
  kind: 'recorder',
  name: 'spike_recorder',
  merge: mergeSpikeParts,
  doc: 'Records spike senders and times to memory, NEST ASCII files or binary files (NEST spike_recorder)',
  params: { ...deviceTiming },
  extraParams: ['record_to', 'label', 'path', 'data_path', 'precision', 'overwrite_files'],
  create(ctx) {
    const where = `create spike_recorder (node ${ctx.gid})`;
    const fo = fileOptions(where, 'spike_recorder', ctx.options, ['memory', 'ascii', 'binary', 'arrow']);
    const sink = fo.recordTo === 'memory' ? null : sinkFor(where, ctx.services.output, fo.recordTo);
    // Which gids are recorded: a bitmap over the gid range seen so far.
    let recorded = new Uint8Array(0);
    let gidOffset = Infinity;
    const senders = new Int32Column();
    const steps = new Int32Column();
    let scratchGids = new Int32Array(1024);
    let scratchSteps = new Int32Array(1024);
    let nEvents = 0;
    // Formatted rows of a slice, reused: the file copies them.
    const rowScratch = { bytes: new Uint8Array(0), words: new Int32Array(0) };
    let file: OutputFile | null = null;
    let arrow: ArrowSpikeWriter | null = null;
    const [first, last] = activeSteps(ctx.params as { start: number; stop: number; origin: number }, ctx.dt);
    const open = (nodeCount: number) => {
      if (fo.recordTo === 'memory' || file) return;
      const ext = fo.recordTo === 'ascii' ? 'dat' : fo.recordTo === 'binary' ? 'bin' : 'arrow';
      const f = sink!.open(nestFileName(fo.path, fo.label, ctx.gid, nodeCount, ctx.rank, ctx.size, ext), where, fo.overwrite);
      file = f;
      if (fo.recordTo === 'arrow') arrow = new ArrowSpikeWriter(f);
      else f.write(fo.recordTo === 'ascii' ? asciiHeader() : binaryHeader(ctx.gid, ctx.dt));
      f.flush();
    };
    const runtime: SpikeRecorderRuntime = {
      record_to: fo.recordTo as SpikeRecorderRuntime['record_to'],
      tap: null,
      get filename() {
        return file ? (file as OutputFile).filename : null;
      },
      addSources(src: RecordSource) {
        const lo = src.pop.firstGid + src.start;
        const hi = src.pop.firstGid + src.end;
        const newOffset = Math.min(gidOffset, lo);
        const oldEnd = gidOffset === Infinity ? lo : gidOffset + recorded.length;
        const next = new Uint8Array(Math.max(oldEnd, hi) - newOffset);
        if (gidOffset !== Infinity) next.set(recorded, gidOffset - newOffset);
        next.fill(1, lo - newOffset, hi - newOffset);
        recorded = next;
        gidOffset = newOffset;
      },
      prepare({ nodeCount }) {
        open(nodeCount);
      },
      recordSpikes(gids: Int32Array, stepsIn: Int32Array, count: number) {
        if (count === 0) return;
        if (scratchGids.length < count) {
          scratchGids = new Int32Array(count * 2);
          scratchSteps = new Int32Array(count * 2);
        }
        const n = selectSpikes(gids, stepsIn, count, recorded, gidOffset, first, last, scratchGids, scratchSteps);
        if (n === 0) return;
        nEvents += n;
        runtime.tap?.(scratchGids, scratchSteps, n);
        if (fo.recordTo === 'memory') {
          for (let k = 0; k < n; k++) {
            senders.push(scratchGids[k]);
            steps.push(scratchSteps[k]);
          }
          return;
        }
        open(ctx.gid);
        const f = file as unknown as OutputFile;
        if (fo.recordTo === 'ascii') f.write(asciiRows(scratchGids, scratchSteps, n, ctx.dt, fo.precision, rowScratch));
        else if (fo.recordTo === 'binary') f.write(binaryRecords(scratchGids, scratchSteps, n, rowScratch));
        else (arrow as unknown as ArrowSpikeWriter).push(scratchGids, scratchSteps, n, ctx.dt);
      },
      /** Senders and spike times (ms) in recording order (by step, then sender); file backends read their file back. */
      events(): SpikeEvents {
        if (fo.recordTo !== 'memory') {
          if (!file) return { senders: new Int32Array(0), times: new Float64Array(0) };
          const f = file as OutputFile;
          (arrow as ArrowSpikeWriter | null)?.flush();
          f.flush();
          const bytes = sink!.read(f.filename);
          if (fo.recordTo === 'arrow') return parseSpikeArrow(bytes, f.filename);
          return fo.recordTo === 'ascii' ? parseSpikeAscii(textOf(bytes), f.filename) : parseSpikeBinary(bytes, f.filename);
        }
        const st = steps.view();
        const times = new Float64Array(st.length);
        for (let i = 0; i < st.length; i++) times[i] = (st[i] + 1) * ctx.dt;
        return { senders: senders.view().slice(), times };
      },
      /** Steps at which each spike was emitted (its time is (step + 1) * dt). */
      steps(): Int32Array {
        if (fo.recordTo === 'binary' && file) {
          (file as OutputFile).flush();
          return parseSpikeBinary(sink!.read((file as OutputFile).filename), (file as OutputFile).filename).steps;
        }
        if (fo.recordTo === 'ascii' || fo.recordTo === 'arrow') return Int32Array.from(runtime.events().times, (t) => Math.round(t / ctx.dt) - 1);
        return steps.view().slice();
      },
      spikeRecord(): RecordedSpikes {
        return { senders: runtime.events().senders, steps: runtime.steps() };
      },
      collect(): SpikeRecorderPart {
        return { ...runtime.spikeRecord(), dt: ctx.dt };
      },
      // A checkpoint: the spikes kept in memory, or where the file stands (a file backend resumes its file).
      saveState(): SavedState {
        if (fo.recordTo === 'memory') return { nEvents, senders: senders.view(), steps: steps.view() };
        (arrow as ArrowSpikeWriter | null)?.flush();
        return { nEvents, file: file ? saveFilePosition(sink!, file as OutputFile) : null };
      },
      // Called before the restored network is prepared, so that prepare finds the file open and leaves it.
      loadState(s: SavedState) {
        const at = `spike_recorder (node ${ctx.gid})`;
        nEvents = savedNumber(s, 'nEvents', at);
        if (fo.recordTo === 'memory') {
          restoreColumn(senders, s, 'senders', at);
          restoreColumn(steps, s, 'steps', at);
          return;
        }
        if (s.file === null) return;
        const f = reopenFile(sink!, savedRecord(s, 'file', at), at);
        file = f;
        if (fo.recordTo === 'arrow') {
          // A writer that continues the stream: its schema message is in the file already, so drop the one it writes.
          let resumed = false;
          const proxy: OutputFile = {
            filename: f.filename,
            write: (c) => void (resumed && f.write(c)),
            flush: () => f.flush(),
            close: () => f.close(),
            get closed() {
              return f.closed;
            },
          };
          arrow = new ArrowSpikeWriter(proxy);
          resumed = true;
        }
      },
      get n_events(): number {
        return nEvents;
      },
      close() {
        if (!file || (file as OutputFile).closed) return;
        (arrow as ArrowSpikeWriter | null)?.close();
        (file as OutputFile).close();
      },
    };
    return runtime;
  },
};
