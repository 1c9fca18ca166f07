import { platform } from '../../core/platform.js';
import { ParameterError, SpikeworksError } from '../../core/errors.js';
import { SERVICE } from '../../core/services.js';
import type { OutputFile, OutputSink } from '../../core/output.js';
import type { ServicePlugin } from '../../core/plugin.js';

/** NEST's ASCII backend writes this version number in its header. */
export const ASCII_BACKEND_VERSION = 2;
/** Magic of spikeworks' binary spike files (8 bytes) and their header size. */
export const SPIKE_BINARY_MAGIC = 'SPKWSPK1';
export const SPIKE_BINARY_HEADER_BYTES = 32;
export const SPIKE_BINARY_VERSION = 1;

/** Digits of the decimal representation of n >= 1 (NEST: floor(log10(n)) + 1). */
function digits(n: number): number {
  return Math.floor(Math.log10(Math.max(1, n))) + 1;
}

/**
 * NEST's file name: `<data_path>/<label or model>-<node id>-<vp>.<ext>`, the node id zero-padded to the digits
 * of the number of nodes and the virtual process to the digits of the number of virtual processes.
 */
export function nestFileName(dir: string, label: string, gid: number, nodeCount: number, vp: number, vpCount: number, ext: string): string {
  const id = String(gid).padStart(digits(nodeCount), '0');
  const v = String(vp).padStart(digits(vpCount), '0');
  return platform.joinPath(dir, `${label}-${id}-${v}.${ext}`);
}

export interface FileOptions {
  recordTo: 'memory' | 'ascii' | 'binary' | 'arrow' | 'tsv';
  label: string;
  path: string;
  precision: number;
  overwrite: boolean;
}

/** Read the file options of a recorder (NEST's record_to, label, data_path, precision, overwrite_files). */
export function fileOptions(where: string, model: string, o: Record<string, unknown>, allowed: readonly string[]): FileOptions {
  const recordTo = o.record_to ?? 'memory';
  if (typeof recordTo !== 'string' || !allowed.includes(recordTo)) throw new ParameterError(where, 'record_to', recordTo, allowed.map((a) => `'${a}'`).join(', '));
  const label = o.label ?? '';
  if (typeof label !== 'string' || /[/\\]/.test(label)) throw new ParameterError(where, 'label', label, 'a string without path separators');
  const path = o.path ?? o.data_path ?? '.';
  if (typeof path !== 'string') throw new ParameterError(where, 'path', path, 'a directory (string)');
  const precision = o.precision ?? 3;
  if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 0 || precision > 17) throw new ParameterError(where, 'precision', precision, 'an integer in [0, 17]');
  const overwrite = o.overwrite_files ?? false;
  if (typeof overwrite !== 'boolean') throw new ParameterError(where, 'overwrite_files', overwrite, 'true or false');
  return { recordTo: recordTo as FileOptions['recordTo'], label: label || model, path, precision, overwrite };
}

/**
 * An append-only file written in chunks: text or bytes are queued and written when the queue passes
 * `flushBytes` or `flushMs` of wall time has passed since the last write, so memory stays bounded and an
 * interrupted run leaves every complete chunk on disk (each chunk ends at a record boundary).
 */
export class ChunkedFile implements OutputFile {
  private fd: number;
  /** Whole chunks copied in, written when the next would not fit: the caller may reuse what it wrote. */
  private readonly buffer: Uint8Array;
  private used = 0;
  private lastWrite = performance.now();
  constructor(
    readonly filename: string,
    where: string,
    overwrite: boolean,
    flushBytes = 1 << 16,
    private readonly flushMs = 200,
  ) {
    if (!overwrite && platform.files.exists(filename)) {
      throw new ParameterError(where, 'label/path', filename, 'a file name that does not exist yet (or overwrite_files: true), as NEST refuses to overwrite');
    }
    this.fd = platform.files.openWrite(filename);
    this.buffer = new Uint8Array(flushBytes);
  }
  write(chunk: string | Uint8Array): void {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    if (this.used + bytes.length > this.buffer.length) this.flush();
    if (bytes.length >= this.buffer.length) writeAll(this.fd, bytes, bytes.length);
    else {
      this.buffer.set(bytes, this.used);
      this.used += bytes.length;
    }
    if (performance.now() - this.lastWrite >= this.flushMs) this.flush();
  }
  flush(): void {
    if (this.fd < 0) return;
    if (this.used > 0) writeAll(this.fd, this.buffer, this.used);
    this.used = 0;
    this.lastWrite = performance.now();
  }
  close(): void {
    if (this.fd < 0) return;
    this.flush();
    platform.files.fsync(this.fd);
    platform.files.close(this.fd);
    this.fd = -1;
  }
  get closed(): boolean {
    return this.fd < 0;
  }
}

const encoder = new TextEncoder();

function writeAll(fd: number, bytes: Uint8Array, length: number): void {
  for (let at = 0; at < length; ) at += platform.files.write(fd, bytes, at, length - at);
}

/** The header of an ASCII spike file as NEST 3 writes it (then one `sender<TAB>time_ms` line per spike). */
export function asciiHeader(valueNames: readonly string[] = []): string {
  return `# NEST version: spikeworks\n# RecordingBackendASCII version: ${ASCII_BACKEND_VERSION}\nsender\ttime_ms${valueNames.map((v) => `\t${v}`).join('')}\n`;
}

/** The 32-byte header of a binary spike file (little-endian). */
export function binaryHeader(gid: number, dt: number): Uint8Array {
  const b = new Uint8Array(SPIKE_BINARY_HEADER_BYTES);
  const v = new DataView(b.buffer);
  for (let i = 0; i < 8; i++) b[i] = SPIKE_BINARY_MAGIC.charCodeAt(i);
  v.setUint32(8, SPIKE_BINARY_VERSION, true);
  v.setInt32(12, gid, true);
  v.setFloat64(16, dt, true);
  v.setUint32(24, 8, true); // bytes per record: int32 sender, int32 step
  v.setUint32(28, 0, true);
  return b;
}

export interface SpikeFile {
  senders: Int32Array;
  times: Float64Array;
}

/** Parse a spike file in NEST's ASCII backend format (header lines, then sender and time_ms per line). */
export function parseSpikeAscii(text: string, filename: string): SpikeFile {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && lines[i].startsWith('#')) i++;
  if (!lines[i]?.startsWith('sender\ttime_ms')) throw new Error(`${filename}: not a NEST ASCII spike file (no 'sender\ttime_ms' header)`);
  const senders: number[] = [];
  const times: number[] = [];
  for (i++; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const tab = line.indexOf('\t');
    senders.push(Number(line.slice(0, tab)));
    times.push(Number(line.slice(tab + 1)));
  }
  return { senders: Int32Array.from(senders), times: Float64Array.from(times) };
}

/** Read a spike file in NEST's ASCII backend format from disk. */
export function readSpikeAscii(filename: string): SpikeFile {
  return parseSpikeAscii(platform.files.readText(filename), filename);
}

/** Parse a spikeworks binary spike file: header, then (int32 sender, int32 step) records; time = (step+1)·dt. */
export function parseSpikeBinary(buf: Uint8Array, filename: string): SpikeFile & { steps: Int32Array; dt: number; recorder: number } {
  const magic = String.fromCharCode(...buf.subarray(0, 8));
  if (magic !== SPIKE_BINARY_MAGIC) throw new Error(`${filename}: not a spikeworks binary spike file (magic ${JSON.stringify(magic)})`);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const recorder = v.getInt32(12, true);
  const dt = v.getFloat64(16, true);
  // Whole records only: a file cut short by an interrupted run still reads.
  const n = Math.floor((buf.byteLength - SPIKE_BINARY_HEADER_BYTES) / 8);
  const senders = new Int32Array(n);
  const steps = new Int32Array(n);
  const times = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    senders[k] = v.getInt32(SPIKE_BINARY_HEADER_BYTES + 8 * k, true);
    steps[k] = v.getInt32(SPIKE_BINARY_HEADER_BYTES + 8 * k + 4, true);
    times[k] = (steps[k] + 1) * dt;
  }
  return { senders, times, steps, dt, recorder };
}

/** Read a spikeworks binary spike file from disk. */
export function readSpikeBinary(filename: string): SpikeFile & { steps: Int32Array; dt: number; recorder: number } {
  return parseSpikeBinary(platform.files.read(filename), filename);
}

/** Columns of any NEST ASCII recorder file (spike_recorder, multimeter), by header name. */
export function parseNestColumns(text: string, filename: string): Record<string, Float64Array> {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && lines[i].startsWith('#')) i++;
  const names = (lines[i] ?? '').split('\t');
  if (names[0] !== 'sender') throw new Error(`${filename}: not a NEST ASCII recorder file (no 'sender' header line)`);
  const rows = lines.slice(i + 1).filter((l) => l.length > 0);
  const out: Record<string, Float64Array> = {};
  names.forEach((name) => (out[name] = new Float64Array(rows.length)));
  rows.forEach((line, r) => {
    const cells = line.split('\t');
    for (let c = 0; c < names.length; c++) out[names[c]][r] = Number(cells[c]);
  });
  return out;
}

/** Columns of a NEST ASCII recorder file on disk. */
export function readNestAscii(filename: string): Record<string, Float64Array> {
  return parseNestColumns(platform.files.readText(filename), filename);
}

/** The file system as the output sink: recorders' files written in chunks, read back whole. */
export class FileSink implements OutputSink {
  open(filename: string, where: string, overwrite: boolean): OutputFile {
    return new ChunkedFile(filename, where, overwrite);
  }
  read(filename: string): Uint8Array {
    return platform.files.read(filename);
  }
}

/** Registers the file sink as the OUTPUT service (recorders with record_to 'ascii', 'binary' or 'arrow'). */
export const fileSink: ServicePlugin = {
  kind: 'service',
  name: 'file_sink',
  doc: "recorders' files on the local file system",
  token: SERVICE.output,
  create: () => new FileSink(),
};

/** The output sink of a recorder that writes files, or a clear error when the simulator has none. */
export function sinkFor(where: string, sink: OutputSink | undefined, recordTo: string): OutputSink {
  if (!sink) throw new SpikeworksError(`${where}: record_to '${recordTo}' writes files, but this simulator has no output sink; add the fileSink plugin or pass one in createSimulator({ services })`);
  return sink;
}

const decoder = new TextDecoder();
/** Bytes of a sink's file as text. */
export function textOf(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
