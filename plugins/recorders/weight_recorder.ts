import type { RecorderModel, RecorderRuntime, TargetIndex } from '../../core/plugin.js';
import type { Projection } from '../../core/handles.js';
import { ParameterError, SpikeworksError } from '../../core/errors.js';
import type { SavedState } from '../../core/contracts/base.js';
import { CheckpointError, reopenFile, restoreColumn, saveFilePosition, savedNumber, savedRecord } from '../../core/saved-state.js';
import type { OutputFile } from '../../core/output.js';
import { deviceTiming } from '../generators/poisson_generator.js';
import { Int32Column } from './spike_recorder.js';
import { Float64Column, samplingClock, samplingParams } from './sampling.js';
import { concatColumns, permute, rowOrder } from './merge.js';
import { fileOptions, sinkFor } from './files.js';
import { TableWriter, readTable, rowStart } from './tables.js';

interface Watch {
  projection: Projection;
  /** CSR indices of the watched synapses and their sender / target gids. */
  index: Uint32Array;
  senders: Int32Array;
  targets: Int32Array;
}

export interface WeightEvents {
  senders: Int32Array;
  targets: Int32Array;
  times: Float64Array;
  weights: Float64Array;
}

export interface WeightRecorderRuntime extends RecorderRuntime {
  /** Watch synapses of a projection: CSR indices (as in Projection.weights()), or all of this rank's synapses. */
  watch(projection: Projection, synapses?: ArrayLike<number>): void;
  events(): WeightEvents;
  /** The table file (record_to 'tsv'), else null. */
  readonly filename: string | null;
  /** Log every spike the projection transmits (syn_spec weight_recorder, as NEST's): one row per synapse of its row. */
  logTransmissions(projection: Projection): void;
  collect(): WeightEvents & { watch: Int32Array };
}

function describeSynapses(p: Projection, index: Uint32Array): { senders: Int32Array; targets: Int32Array } {
  const t = p.table;
  const senders = new Int32Array(index.length);
  const targets = new Int32Array(index.length);
  const firstTarget = p.target.firstGid + p.target.localStart;
  for (let i = 0; i < index.length; i++) {
    const k = index[i];
    // Row of synapse k: the last source whose row starts at or before k (binary search over rowStart).
    let lo = 0;
    let hi = t.sourceCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (t.rowStart[mid] <= k) lo = mid;
      else hi = mid - 1;
    }
    senders[i] = p.source.firstGid + lo;
    targets[i] = firstTarget + t.target[k];
  }
  return { senders, targets };
}

/**
 * The watched synapses' current weights, without copying a whole table where possible: static tables are read
 * in place, plastic runtimes through weightAt() when they offer it, else through a copy of all weights.
 */
function readWeights(w: Watch, out: Float64Column): void {
  const p = w.projection;
  const rt = p.runtime;
  const weightAt = rt?.capabilities?.weightAt;
  if (weightAt) {
    for (let i = 0; i < w.index.length; i++) out.push(weightAt(w.index[i]));
  } else if (!p.synapseModel.plastic) {
    const t = p.table;
    for (let i = 0; i < w.index.length; i++) out.push(t.weight ? t.weight[w.index[i]] : t.homWeight);
  } else {
    const all = p.weights();
    for (let i = 0; i < w.index.length; i++) out.push(all[w.index[i]]);
  }
}

/**
 * weight_recorder, two ways: as NEST's, a projection that names it in its syn_spec (`weight_recorder`) has
 * every spike it transmits logged, one row per synapse of the sender's row with the weight it is sent with
 * (logTransmissions); or the weights of chosen synapses are sampled every `interval` ms on the multimeter's
 * clock, which keeps the output bounded for 10^8 plastic synapses: given at create time through the options
 * `projections` (and optionally `synapses`: one index list per projection) or later with `watch()`.
 * Events use NEST's names: senders, targets, times, weights. record_to 'tsv' streams them to the output
 * folder's table (`weight_recorder-<gid>.tsv`, exact values; see tables.ts) instead of keeping them.
 */
export const weightRecorder: RecorderModel = {
  kind: 'recorder',
  name: 'weight_recorder',
  doc: 'Logs the weight of every transmission of the projections that name it in their syn_spec (NEST weight_recorder), or samples chosen synapses at an interval',
  params: { ...samplingParams, ...deviceTiming },
  extraParams: ['projections', 'synapses', 'record_to', 'path', 'overwrite_files'],
  // One process's order: by time, then watch, then CSR order (source, then target; multapses in rank order).
  merge(parts) {
    const ps = parts as (Record<string, Int32Array | Float64Array> & { watch: Int32Array; times: Float64Array; senders: Int32Array; targets: Int32Array })[];
    const cols = concatColumns(ps);
    const sorted = ps.length > 1 ? permute(cols, rowOrder([cols.times, cols.watch, cols.senders, cols.targets], cols.times.length)) : cols;
    const { watch: _watch, ...ev } = sorted;
    return ev;
  },
  create(ctx) {
    const where = `create weight_recorder (node ${ctx.gid})`;
    const due = samplingClock(where, ctx.params, ctx.dt);
    const fo = fileOptions(where, 'weight_recorder', ctx.options, ['memory', 'tsv']);
    const sink = fo.recordTo === 'memory' ? null : sinkFor(where, ctx.services.output, fo.recordTo);
    let table: TableWriter | null = null;
    const openTable = (existing?: OutputFile) => {
      table = new TableWriter(sink!, 'weight_recorder', ctx.gid, ['senders', 'targets', 'times', 'weights'], { dir: fo.path, rank: ctx.rank, size: ctx.size, where, overwrite: fo.overwrite, file: existing });
    };
    // The weights of one sample, read into a scratch column when they go to the table.
    const sampled = new Float64Column();
    const watches: Watch[] = [];
    const senders = new Int32Column();
    const targets = new Int32Column();
    const times = new Float64Column();
    const weights = new Float64Column();
    // Which watch each row belongs to (sampled: 0, 1, ...; transmission logs: -1, -2, ...): the merge's key.
    const watchOf = new Int32Column();
    let logged = 0;
    // Watches wait for the synapse tables: they exist once the network is compiled (prepare).
    const pending: [Projection, ArrayLike<number> | undefined][] = [];
    let prepared = false;
    const resolve = (projection: Projection, synapses: ArrayLike<number> | undefined) => {
        const count = projection.table.count;
        let index: Uint32Array;
        if (synapses === undefined) index = Uint32Array.from({ length: count }, (_, i) => i);
        else {
          index = Uint32Array.from(synapses);
          for (let i = 0; i < synapses.length; i++) {
            const k = synapses[i];
            if (!Number.isInteger(k) || k < 0 || k >= count) throw new ParameterError(where, `synapses[${i}]`, k, `a synapse index in [0, ${count}) of projection ${projection.id}`);
          }
        }
        watches.push({ projection, index, ...describeSynapses(projection, index) });
    };
    const runtime: WeightRecorderRuntime = {
      watch(projection, synapses) {
        if (prepared) resolve(projection, synapses);
        else pending.push([projection, synapses]);
      },
      prepare() {
        if (fo.recordTo === 'tsv' && !table) openTable();
        prepared = true;
        for (const [p, s] of pending) resolve(p, s);
        pending.length = 0;
      },
      addSources() {
        throw new SpikeworksError(`weight_recorder (node ${ctx.gid}) records synapses: pass { projections } at create or call watch(projection), not connect()`);
      },
      sample(step) {
        if (!due(step)) return;
        const t = (step + 1) * ctx.dt;
        if (table) {
          const tw = table as TableWriter;
          const stamp = String(t);
          watches.forEach((w, k) => {
            sampled.length = 0;
            readWeights(w, sampled);
            const lead = rowStart(tw.withWatch, k);
            const v = sampled.view();
            let out = '';
            for (let i = 0; i < w.index.length; i++) out += `${lead}${w.senders[i]}\t${w.targets[i]}\t${stamp}\t${String(v[i])}\n`;
            tw.write(out);
          });
          return;
        }
        watches.forEach((w, k) => {
          for (let i = 0; i < w.index.length; i++) {
            senders.push(w.senders[i]);
            targets.push(w.targets[i]);
            times.push(t);
            watchOf.push(k);
          }
          readWeights(w, weights);
        });
      },
      get filename(): string | null {
        return table ? (table as TableWriter).file.filename : null;
      },
      close() {
        (table as TableWriter | null)?.file.close();
      },
      events() {
        if (table) {
          const f = (table as TableWriter).file;
          f.flush();
          const c = readTable(sink!, f.filename, ['senders', 'targets', 'watch']);
          return { senders: c.senders as Int32Array, targets: c.targets as Int32Array, times: c.times as Float64Array, weights: c.weights as Float64Array };
        }
        return { senders: senders.view().slice(), targets: targets.view().slice(), times: times.view().slice(), weights: weights.view().slice() };
      },
      // A checkpoint: the samples so far and how many watches made them (a restore rebuilds the watches from the spec).
      saveState(): SavedState {
        if (table) return { watches: watches.length + pending.length, file: saveFilePosition(sink!, (table as TableWriter).file) };
        return { watches: watches.length + pending.length, senders: senders.view(), targets: targets.view(), times: times.view(), weights: weights.view(), watch: watchOf.view() };
      },
      // Called before the restored network is prepared (its watches are still pending then).
      loadState(s: SavedState) {
        const at = `weight_recorder (node ${ctx.gid})`;
        const saved = savedNumber(s, 'watches', at);
        if (saved !== watches.length + pending.length) {
          throw new CheckpointError(`${at}: ${saved} watches saved, ${watches.length + pending.length} in the spec; watch() calls are not part of the spec: pass the projections at create ({ projections })`);
        }
        if (fo.recordTo === 'tsv') {
          if (s.file) openTable(reopenFile(sink!, savedRecord(s, 'file', at), at));
          return;
        }
        restoreColumn(senders, s, 'senders', at);
        restoreColumn(targets, s, 'targets', at);
        restoreColumn(times, s, 'times', at);
        restoreColumn(weights, s, 'weights', at);
        restoreColumn(watchOf, s, 'watch', at);
      },
      /** The events and each row's watch: the keys of a merge across ranks. */
      collect() {
        const ev = runtime.events();
        if (!table) return { ...ev, watch: watchOf.view().slice() };
        const f = (table as TableWriter);
        const watch = f.withWatch ? (readTable(sink!, f.file.filename, ['watch']).watch as Int32Array) : new Int32Array(ev.senders.length);
        return { ...ev, watch };
      },
      logTransmissions(projection) {
        const id = -1 - logged++;
        let bound: { rowStart: Uint32Array; target: TargetIndex; firstSender: number; firstTarget: number; weightAt: (k: number) => number; refresh: () => void } | null = null;
        // The table and runtime exist once the network is compiled, before the first spike is delivered.
        const bind = () => {
          const t = projection.table;
          const rt = projection.runtime;
          const at = rt?.capabilities?.weightAt;
          // A plastic runtime without weightAt hands out a copy of its table: taken once per spike (`copied`).
          let copied: Float32Array | null = null;
          const weightAt = at ? at : !projection.synapseModel.plastic ? (k: number) => (t.weight ? t.weight[k] : t.homWeight) : (k: number) => copied![k];
          const refresh = at || !projection.synapseModel.plastic ? () => {} : () => (copied = projection.weights());
          return { rowStart: t.rowStart, target: t.target, firstSender: projection.source.firstGid, firstTarget: projection.target.firstGid + projection.target.localStart, weightAt, refresh };
        };
        projection.transmissionListeners.push((src, step) => {
          const b = (bound ??= bind());
          const lo = b.rowStart[src];
          const hi = b.rowStart[src + 1];
          if (lo === hi) return;
          b.refresh();
          const t = (step + 1) * ctx.dt;
          const sender = b.firstSender + src;
          if (table) {
            const tw = table as TableWriter;
            const lead = rowStart(tw.withWatch, id);
            const stamp = String(t);
            let out = '';
            for (let k = lo; k < hi; k++) out += `${lead}${sender}\t${b.firstTarget + b.target[k]}\t${stamp}\t${String(b.weightAt(k))}\n`;
            tw.write(out);
            return;
          }
          for (let k = lo; k < hi; k++) {
            senders.push(sender);
            targets.push(b.firstTarget + b.target[k]);
            times.push(t);
            weights.push(b.weightAt(k));
            watchOf.push(id);
          }
        });
      },
    };
    const projections = ctx.options.projections;
    if (projections !== undefined) {
      if (!Array.isArray(projections)) throw new ParameterError(where, 'projections', projections, 'an array of projections (the results of connect)');
      const synapses = ctx.options.synapses as (ArrayLike<number> | undefined)[] | undefined;
      if (synapses !== undefined && (!Array.isArray(synapses) || synapses.length !== projections.length)) {
        throw new ParameterError(where, 'synapses', synapses, `one index list per projection (${projections.length})`);
      }
      projections.forEach((p, i) => {
        if (!p || typeof p !== 'object' || !('table' in p)) throw new ParameterError(where, `projections[${i}]`, p, 'a projection (the result of connect between populations)');
        runtime.watch(p as Projection, synapses?.[i]);
      });
    }
    return runtime;
  },
};
