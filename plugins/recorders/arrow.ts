import { platform } from '../../core/platform.js';
import { Field, Float64, Int32, RecordBatch, RecordBatchStreamWriter, Schema, Struct, makeData, tableFromIPC } from 'apache-arrow';
import type { OutputFile } from '../../core/output.js';

/** Columns of spikeworks' Arrow spike files: NEST's names, sender gid and time in ms. */
export const SPIKE_ARROW_SCHEMA = new Schema([new Field('sender', new Int32(), false), new Field('time_ms', new Float64(), false)]);

/** The IPC stream's end-of-stream marker: continuation word and a zero metadata length. */
const END_OF_STREAM = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);

/** Byte length of the first IPC message (the schema) at the start of `bytes`: 8-byte prefix + metadata. */
function firstMessageLength(bytes: Uint8Array): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return 8 + v.getInt32(4, true);
}

/**
 * Writes spikes as an Apache Arrow IPC stream, one record batch per chunk, straight to an output file: the
 * schema message once, then batches, then the end-of-stream marker at close. A stream cut off between batches
 * (an interrupted run) is still a valid stream for Arrow readers, which treat the end of input as its end.
 */
export class ArrowSpikeWriter {
  private senders: Int32Array;
  private times: Float64Array;
  private n = 0;
  private wroteSchema = false;
  private lastFlush = performance.now();
  constructor(
    private readonly file: OutputFile,
    private readonly batchRows = 1 << 16,
    private readonly flushMs = 200,
  ) {
    this.senders = new Int32Array(batchRows);
    this.times = new Float64Array(batchRows);
    // Schema (and an empty batch) at once: the file is a readable stream from the start.
    this.flush();
  }
  push(gids: Int32Array, steps: Int32Array, count: number, dt: number): void {
    for (let k = 0; k < count; k++) {
      if (this.n === this.batchRows) this.flush();
      this.senders[this.n] = gids[k];
      this.times[this.n] = (steps[k] + 1) * dt;
      this.n++;
    }
    if (performance.now() - this.lastFlush >= this.flushMs) this.flush();
  }
  /** Encode the pending rows as one record batch and hand it to the file. */
  flush(): void {
    this.lastFlush = performance.now();
    if (this.n === 0 && this.wroteSchema) return;
    const n = this.n;
    const data = makeData({
      type: new Struct(SPIKE_ARROW_SCHEMA.fields), length: n, nullCount: 0,
      children: [makeData({ type: new Int32(), data: this.senders.slice(0, n) }), makeData({ type: new Float64(), data: this.times.slice(0, n) })],
    });
    const writer = new RecordBatchStreamWriter();
    writer.reset(undefined, SPIKE_ARROW_SCHEMA);
    writer.write(new RecordBatch(SPIKE_ARROW_SCHEMA, data));
    let bytes = writer.toUint8Array(true);
    // Every chunk is encoded as a fresh stream (schema + batch); after the first, keep only the batch.
    if (this.wroteSchema) bytes = bytes.subarray(firstMessageLength(bytes));
    this.wroteSchema = true;
    this.file.write(bytes);
    this.file.flush();
    this.n = 0;
  }
  close(): void {
    this.flush();
    this.file.write(END_OF_STREAM);
  }
}

/** Read a spikeworks Arrow spike file (an IPC stream with columns sender, time_ms). */
export function readSpikeArrow(filename: string): { senders: Int32Array; times: Float64Array } {
  return parseSpikeArrow(platform.files.read(filename), filename);
}

/** Parse the bytes of a spikeworks Arrow spike file. */
export function parseSpikeArrow(bytes: Uint8Array, filename: string): { senders: Int32Array; times: Float64Array } {
  const table = tableFromIPC(bytes);
  const senders = table.getChild('sender');
  const times = table.getChild('time_ms');
  if (!senders || !times) throw new Error(`${filename}: not a spikeworks Arrow spike file (columns sender, time_ms)`);
  return { senders: Int32Array.from(senders.toArray() as Int32Array), times: Float64Array.from(times.toArray() as Float64Array) };
}
