import { platform } from '../../core/platform.js';
import { SpikeworksError } from '../../core/errors.js';
import type { OutputFile, OutputSink } from '../../core/output.js';
import { textOf } from './files.js';

/**
 * The output folder's table of a recorder that is not a spike recorder (multimeter, weight_recorder):
 * a comment line naming the recorder, the column names, then one row per event with each number in its
 * shortest round-trip decimal form, so the file holds the exact values. record_to 'tsv' writes it as the
 * run goes; a run on several ranks writes one file per rank with a leading `watch` column (which connect
 * or projection the row belongs to: the key that merges the ranks' rows into one process's order).
 */
export function tableHeader(model: string, gid: number, names: readonly string[]): string {
  return `# spikeworks ${model} (node ${gid})\n${names.join('\t')}\n`;
}

/** `<dir>/<model>-<gid>.tsv`, or `<model>-<gid>-rank<r>.tsv` for one rank of several. */
export function tableFileName(dir: string, model: string, gid: number, rank: number, size: number): string {
  return platform.joinPath(dir, size > 1 ? `${model}-${gid}-rank${rank}.tsv` : `${model}-${gid}.tsv`);
}

/** A table file being written: rows are formatted into one string per sample and handed to the file. */
export class TableWriter {
  readonly file: OutputFile;
  /** Whether rows carry the watch index first (one rank of several). */
  readonly withWatch: boolean;
  constructor(sink: OutputSink, model: string, gid: number, names: readonly string[], opts: { dir: string; rank: number; size: number; where: string; overwrite: boolean; file?: OutputFile }) {
    this.withWatch = opts.size > 1;
    if (opts.file) this.file = opts.file;
    else {
      this.file = sink.open(tableFileName(opts.dir, model, gid, opts.rank, opts.size), opts.where, opts.overwrite);
      this.file.write(tableHeader(model, gid, this.withWatch ? ['watch', ...names] : names));
      this.file.flush();
    }
  }
  write(text: string): void {
    if (text) this.file.write(text);
  }
}

/** A row's first cells: the watch index on a rank's file, nothing on one process's. */
export function rowStart(withWatch: boolean, watch: number): string {
  return withWatch ? `${watch}\t` : '';
}

/** Columns of a table file (integers as Int32Array where the name says so), read back through the sink. */
export function readTable(sink: OutputSink, filename: string, intColumns: readonly string[]): Record<string, Int32Array | Float64Array> {
  const lines = textOf(sink.read(filename)).split('\n');
  let i = 0;
  while (i < lines.length && lines[i].startsWith('#')) i++;
  if (i >= lines.length) throw new SpikeworksError(`${filename}: not a spikeworks table (no column names)`);
  const names = lines[i].split('\t');
  // The last line is complete only when the file ends with a newline: a partial one is not a row.
  const rows = lines.slice(i + 1, lines.length - 1);
  const out: Record<string, Int32Array | Float64Array> = {};
  for (const name of names) out[name] = intColumns.includes(name) ? new Int32Array(rows.length) : new Float64Array(rows.length);
  rows.forEach((line, r) => {
    const cells = line.split('\t');
    if (cells.length !== names.length) throw new SpikeworksError(`${filename}, line ${i + 2 + r}: ${cells.length} cells, ${names.length} columns`);
    for (let c = 0; c < names.length; c++) out[names[c]][r] = Number(cells[c]);
  });
  return out;
}
