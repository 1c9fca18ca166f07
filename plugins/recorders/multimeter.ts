import type { RecorderModel, RecordSource } from '../../core/plugin.js';
import type { FieldArray } from '../../core/component.js';
import type { OutputFile } from '../../core/output.js';
import type { SavedState } from '../../core/contracts/base.js';
import { CheckpointError, reopenFile, restoreColumn, saveFilePosition, savedList, savedRecord } from '../../core/saved-state.js';
import { ParameterError } from '../../core/errors.js';
import { deviceTiming } from '../generators/poisson_generator.js';
import { Int32Column } from './spike_recorder.js';
import { Float64Column, samplingClock, samplingParams } from './sampling.js';
import { asciiHeader, fileOptions, nestFileName, parseNestColumns, sinkFor, textOf } from './files.js';
import { concatColumns, permute, rowOrder } from './merge.js';
import { TableWriter, readTable, rowStart } from './tables.js';

interface Watched {
  arrays: FieldArray[];
  /** Local indices into the model's state arrays, and the neurons' gids. */
  local: Int32Array;
  gids: Int32Array;
}

/** One table row per watched neuron: (watch,) sender, time, then the values, each exact (shortest round trip). */
function tableSampleLines(arrays: FieldArray[], local: Int32Array, gids: Int32Array, time: string, lead: string): string {
  let out = '';
  for (let i = 0; i < local.length; i++) {
    out += `${lead}${gids[i]}\t${time}`;
    for (let v = 0; v < arrays.length; v++) out += `\t${String(arrays[v][local[i]])}`;
    out += '\n';
  }
  return out;
}

/** One ASCII line per watched neuron: sender, time, then the values, as NEST's ASCII backend writes them. */
function asciiSampleLines(arrays: FieldArray[], local: Int32Array, gids: Int32Array, time: string, precision: number): string {
  let out = '';
  for (let i = 0; i < local.length; i++) {
    out += `${gids[i]}\t${time}`;
    for (let v = 0; v < arrays.length; v++) out += `\t${arrays[v][local[i]].toFixed(precision)}`;
    out += '\n';
  }
  return out;
}

function sampleInto(arrays: FieldArray[], local: Int32Array, columns: Float64Column[]): void {
  for (let v = 0; v < arrays.length; v++) {
    const a = arrays[v];
    const col = columns[v];
    for (let i = 0; i < local.length; i++) col.push(a[local[i]]);
  }
}

export interface MultimeterEvents {
  senders: Int32Array;
  times: Float64Array;
  [variable: string]: Int32Array | Float64Array;
}

/**
 * NEST's multimeter: samples the named state variables (`record_from`) of its targets every `interval` ms.
 * Samples are the values after the update of the step whose end is the sample time, with NEST's time stamps
 * (multiples of interval: interval, 2·interval, ...). Events come in NEST's layout: one entry per (time,
 * sender), times ascending, senders in connection order within a time. record_to 'ascii' streams the samples
 * to NEST's ASCII file (`sender time_ms <variables>`, `precision` decimals) instead of keeping them; 'tsv'
 * streams them to the output folder's table (`multimeter-<gid>.tsv`, exact values; see tables.ts).
 */
export const multimeter: RecorderModel = {
  kind: 'recorder',
  name: 'multimeter',
  doc: 'Samples state variables at an interval (NEST multimeter; PyNN record(["v", ...]))',
  params: { ...samplingParams, ...deviceTiming },
  extraParams: ['record_from', 'record_to', 'label', 'path', 'data_path', 'precision', 'overwrite_files'],
  create(ctx) {
    const where = `create multimeter (node ${ctx.gid})`;
    const o = ctx.options;
    const fo = fileOptions(where, 'multimeter', o, ['memory', 'ascii', 'tsv']);
    const sink = fo.recordTo === 'memory' ? null : sinkFor(where, ctx.services.output, fo.recordTo);
    let file: OutputFile | null = null;
    let table: TableWriter | null = null;
    const openTable = (existing?: OutputFile) => {
      table = new TableWriter(sink!, 'multimeter', ctx.gid, ['senders', 'times', ...names], { dir: fo.path, rank: ctx.rank, size: ctx.size, where, overwrite: fo.overwrite, file: existing });
      file = table.file;
    };
    const recordFrom = o.record_from ?? [];
    if (!Array.isArray(recordFrom) || recordFrom.some((v) => typeof v !== 'string')) throw new ParameterError(where, 'record_from', recordFrom, 'an array of state variable names');
    const names = recordFrom as string[];
    if (new Set(names).size !== names.length) throw new ParameterError(where, 'record_from', names, 'distinct names');
    const due = samplingClock(where, ctx.params, ctx.dt);
    const watched: Watched[] = [];
    const times = new Float64Column();
    const senders = new Int32Column();
    const columns = names.map(() => new Float64Column());
    const runtime = {
      addSources(src: RecordSource) {
        const arrays = names.map((name) => {
          // Through the population's components: any model's state, or `component.field` for any other.
          const a = src.field(name);
          if (!a) throw new ParameterError(`connect multimeter (node ${ctx.gid})`, 'record_from', name, `a state variable of ${src.pop.model}: ${src.fieldNames().join(', ') || '(none)'}`);
          return a;
        });
        const lo = Math.max(src.start, src.pop.localStart);
        const hi = Math.min(src.end, src.pop.localStart + src.pop.localCount);
        const n = Math.max(0, hi - lo);
        const local = new Int32Array(n);
        const gids = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          local[i] = lo + i - src.pop.localStart;
          gids[i] = src.pop.firstGid + lo + i;
        }
        watched.push({ arrays, local, gids });
      },
      prepare({ nodeCount }: { nodeCount: number }) {
        if (fo.recordTo === 'tsv' && !file) openTable();
        if (fo.recordTo !== 'ascii' || file) return;
        file = sink!.open(nestFileName(fo.path, fo.label, ctx.gid, nodeCount, ctx.rank, ctx.size, 'dat'), where, fo.overwrite);
        file.write(asciiHeader(names));
        file.flush();
      },
      sample(step: number) {
        if (!due(step)) return;
        const t = (step + 1) * ctx.dt;
        if (table) {
          const stamp = String(t);
          const tw = table as TableWriter;
          watched.forEach((w, k) => tw.write(tableSampleLines(w.arrays, w.local, w.gids, stamp, rowStart(tw.withWatch, k))));
          return;
        }
        if (file) {
          const stamp = t.toFixed(fo.precision);
          for (const w of watched) (file as OutputFile).write(asciiSampleLines(w.arrays, w.local, w.gids, stamp, fo.precision));
          return;
        }
        for (const w of watched) {
          for (let i = 0; i < w.gids.length; i++) {
            times.push(t);
            senders.push(w.gids[i]);
          }
          sampleInto(w.arrays, w.local, columns);
        }
      },
      get filename(): string | null {
        return file ? (file as OutputFile).filename : null;
      },
      // A checkpoint: the samples kept in memory, or where the ASCII file stands (it is resumed).
      saveState(): SavedState {
        if (file) return { file: saveFilePosition(sink!, file as OutputFile) };
        return { times: times.view(), senders: senders.view(), columns: columns.map((c) => c.view()) };
      },
      // Called before the restored network is prepared, so that prepare finds the file open and leaves it.
      loadState(s: SavedState) {
        const at = `multimeter (node ${ctx.gid})`;
        if (fo.recordTo === 'ascii') {
          if (s.file) file = reopenFile(sink!, savedRecord(s, 'file', at), at);
          return;
        }
        if (fo.recordTo === 'tsv') {
          if (s.file) openTable(reopenFile(sink!, savedRecord(s, 'file', at), at));
          return;
        }
        restoreColumn(times, s, 'times', at);
        restoreColumn(senders, s, 'senders', at);
        const saved = savedList(s, 'columns', at, columns.length);
        saved.forEach((c, v) => {
          if (!(c instanceof Float64Array)) throw new CheckpointError(`${at}: saved column ${names[v]} is not a Float64Array`);
          restoreColumn(columns[v], { c }, 'c', at);
        });
      },
      close() {
        if (file) (file as OutputFile).close();
      },
      events(): MultimeterEvents {
        if (table) {
          const f = (table as TableWriter).file;
          f.flush();
          const cols = readTable(sink!, f.filename, ['senders', 'watch']);
          const ev: MultimeterEvents = { senders: cols.senders as Int32Array, times: cols.times as Float64Array };
          for (const name of names) ev[name] = cols[name];
          return ev;
        }
        if (file) {
          (file as OutputFile).flush();
          const cols = parseNestColumns(textOf(sink!.read((file as OutputFile).filename)), (file as OutputFile).filename);
          const ev: MultimeterEvents = { senders: Int32Array.from(cols.sender), times: cols.time_ms };
          for (const name of names) ev[name] = cols[name];
          return ev;
        }
        const ev: MultimeterEvents = { senders: senders.view().slice(), times: times.view().slice() };
        // Columns were filled watch by watch per sample, rows in the same order as times and senders.
        names.forEach((name, v) => {
          ev[name] = columns[v].view().slice();
        });
        return ev;
      },
      /** The events, and for each row the watch (connect call) it belongs to: the key of the merge. */
      collect(): MultimeterPart {
        const ev = runtime.events();
        const watch = new Int32Array(ev.senders.length);
        const perSample = watched.reduce((n, w) => n + w.gids.length, 0);
        for (let row = 0; row < watch.length; ) {
          for (let w = 0; w < watched.length; w++) for (let i = 0; i < watched[w].gids.length; i++) watch[row++] = w;
          if (perSample === 0) break;
        }
        return { names, columns: { ...ev, watch } as MultimeterPart['columns'] };
      },
    };
    return runtime;
  },
  merge(parts) {
    const ps = parts as MultimeterPart[];
    const cols = concatColumns(ps.map((p) => p.columns));
    const sorted = ps.length > 1 ? permute(cols, rowOrder([cols.times, cols.watch, cols.senders], cols.times.length)) : cols;
    const { watch: _watch, ...ev } = sorted;
    return ev;
  },
};

/** A rank's samples of one multimeter. */
export interface MultimeterPart {
  names: string[];
  columns: { senders: Int32Array; times: Float64Array; watch: Int32Array } & Record<string, Int32Array | Float64Array>;
}
