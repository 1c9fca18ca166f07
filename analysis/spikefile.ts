import { closeSync, fstatSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { extname } from 'node:path';
import { Message, MessageHeader, RecordBatchReader, RecordBatchStreamWriter, Table, type RecordBatch, type Schema } from 'apache-arrow';
import { SpikeworksError } from '../core/errors.js';
import { collectGarbage } from './gc.js';
import { SPIKE_BINARY_HEADER_BYTES, SPIKE_BINARY_MAGIC, SPIKE_BINARY_VERSION } from '../plugins/recorders/files.js';

/**
 * NEST's ASCII recording backend format for spike_recorder (NEST 3.x): two comment lines, a header line,
 * then one `sender<TAB>time_ms` row per spike, times with 3 decimals (the same lines spike_recorder's
 * record_to 'ascii' writes). Files are named `<label>-<device id>-<virtual process>.dat`, the device id
 * zero-padded to the digits of the node count as NEST does.
 */
export const NEST_ASCII_HEADER = '# NEST version: spikeworks\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n';

export function nestAsciiFileName(label: string, deviceGid: number, nodeCount = deviceGid, vp = 0): string {
  return `${label}-${String(deviceGid).padStart(String(Math.max(nodeCount, deviceGid)).length, '0')}-${vp}.dat`;
}

/** Write spikes in NEST ASCII format, in chunks so millions of spikes never build one giant string. */
export function writeNestAscii(path: string, senders: ArrayLike<number>, times: ArrayLike<number>, precision = 3): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, NEST_ASCII_HEADER);
    const chunk = 65536;
    for (let i = 0; i < senders.length; i += chunk) {
      const end = Math.min(senders.length, i + chunk);
      let s = '';
      for (let k = i; k < end; k++) s += `${senders[k]}\t${times[k].toFixed(precision)}\n`;
      writeSync(fd, s);
    }
  } finally {
    closeSync(fd);
  }
}

export function writeText(path: string, text: string): void {
  writeFileSync(path, text);
}

// ---------------------------------------------------------------------------------------------------------
// The strict, streaming reader.
// ---------------------------------------------------------------------------------------------------------

/**
 * What a spike file holds: 'ascii' (NEST 3 ASCII backend: '#' comment lines, a `sender<TAB>time_ms` column
 * line, then rows), 'gdf' (NEST 2.x: `gid time` rows and no header), 'binary' (spikeworks' SPKWSPK1 int32
 * pairs) or 'arrow' (an Apache Arrow IPC stream, or IPC file, with columns sender and time_ms).
 */
export type SpikeFileFormat = 'ascii' | 'gdf' | 'binary' | 'arrow';

/** One chunk of a spike file: `count` spikes (the arrays have exactly that length; fresh arrays every call). */
export interface SpikeChunk {
  senders: Int32Array;
  times: Float64Array;
  count: number;
}

export interface SpikeRecord {
  senders: Int32Array;
  times: Float64Array;
}

/**
 * A spike file that cannot be read: it names the file, where (line number, or byte offset for binary
 * formats) and what is wrong.
 */
export class SpikeFileError extends SpikeworksError {
  override name = 'SpikeFileError';
  constructor(
    readonly file: string,
    /** 'line 12', 'byte 4096' or '' when the problem is the whole file. */
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${file}${where ? `, ${where}` : ''}: ${problem}`);
  }
}

export const DEFAULT_CHUNK_BYTES = 1 << 16;
/** Bytes of text read between two garbage collections (see gc.ts). */
const COLLECT_EVERY_BYTES = 8 << 20;
/** A text line longer than this is not a spike record. */
const MAX_LINE_CHARS = 1 << 16;
/** Arrow IPC metadata longer than this is not a spike file's. */
const MAX_ARROW_METADATA = 1 << 24;

const ARROW_FILE_MAGIC = 'ARROW1';

/** Show a line in an error message: quoted, control characters escaped, long lines shortened. */
function showLine(line: string): string {
  const s = line.length > 80 ? `${line.slice(0, 77)}...` : line;
  return JSON.stringify(s);
}

function startsWithBytes(head: Uint8Array, prefix: ArrayLike<number>): boolean {
  const n = Math.min(head.length, prefix.length);
  for (let i = 0; i < n; i++) if (head[i] !== prefix[i]) return false;
  return n > 0;
}

const BINARY_MAGIC_BYTES = Array.from(SPIKE_BINARY_MAGIC, (c) => c.charCodeAt(0));
const ARROW_FILE_MAGIC_BYTES = Array.from(ARROW_FILE_MAGIC, (c) => c.charCodeAt(0));
const ARROW_CONTINUATION = [0xff, 0xff, 0xff, 0xff];

/** The format of a file from its first bytes (and, where the content says nothing, its extension). */
function detectFormat(head: Uint8Array, size: number, path: string): 'binary' | 'arrow' | 'text' {
  // A file shorter than a magic number that starts like one is a truncated file of that format.
  if (startsWithBytes(head, BINARY_MAGIC_BYTES.slice(0, Math.min(8, size)))) return 'binary';
  if (startsWithBytes(head, ARROW_CONTINUATION.slice(0, Math.min(4, size)))) return 'arrow';
  if (startsWithBytes(head, ARROW_FILE_MAGIC_BYTES.slice(0, Math.min(6, size)))) return 'arrow';
  const ext = extname(path).toLowerCase();
  if (ext === '.bin') return 'binary';
  if (ext === '.arrow' || ext === '.arrows' || ext === '.ipc' || ext === '.feather') return 'arrow';
  return 'text';
}

/** Read exactly `len` bytes at `pos` (fewer at the end of the file). */
function readAt(fd: number, pos: number, len: number): Uint8Array {
  const out = new Uint8Array(new ArrayBuffer(len));
  let got = 0;
  while (got < len) {
    const n = readSync(fd, out, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return got === len ? out : out.subarray(0, got);
}

/**
 * Read a spike file in chunks of about `chunkBytes` (default 1 MiB) and call `onChunk` with each chunk's
 * spikes in file order; memory stays bounded by the chunk size (an Arrow record batch is decoded whole).
 * The format is chosen by content (the SPKWSPK1 magic; Arrow's continuation bytes or ARROW1 magic;
 * otherwise text) or, where the content is too short to tell, by extension. Throws a SpikeFileError naming
 * the file, the line number (or byte offset) and what is wrong: an empty file, a truncated one (text whose
 * last line has no newline, binary whose size is not header + 8·k bytes, Arrow that ends inside a message),
 * a junk line, bytes that are neither text nor a known format, a negative or non-integer sender, a non-finite
 * time. A file with a header and no spikes is valid (count 0).
 *
 * `dropTruncatedEnd` (for an interrupted run's files, e.g. after SIGKILL): a partial LAST record (text
 * without its newline, binary trailing bytes, an Arrow stream's partial last message) is dropped instead of
 * refused, and `droppedBytes` says how many bytes were left out; everything else is as strict.
 */
export function readSpikeFileChunks(
  path: string,
  onChunk: (c: SpikeChunk) => void,
  opts: { chunkBytes?: number; dropTruncatedEnd?: boolean } = {},
): { count: number; format: SpikeFileFormat; droppedBytes?: number } {
  const chunkBytes = Math.max(64, Math.floor(opts.chunkBytes ?? DEFAULT_CHUNK_BYTES));
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SpikeFileError(path, '', code === 'ENOENT' ? 'no such spike file' : `cannot open: ${(e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new SpikeFileError(path, '', 'is a folder, not a spike file');
    const size = st.size;
    if (size === 0) throw new SpikeFileError(path, '', 'empty file (0 bytes: not even a header); the recorder wrote nothing (was the run killed before it started?)');
    const head = readAt(fd, 0, Math.min(size, 16));
    const kind = detectFormat(head, size, path);
    const drop = opts.dropTruncatedEnd === true;
    if (kind === 'binary') return withDropped(readBinary(fd, size, path, chunkBytes, onChunk, drop), 'binary');
    if (kind === 'arrow') return withDropped(readArrow(fd, size, path, onChunk, drop), 'arrow');
    const parser = new TextSpikeParser(path, onChunk, drop);
    const buf = Buffer.allocUnsafe(chunkBytes);
    let pos = 0;
    let sinceCollect = 0;
    while (pos < size) {
      const n = readSync(fd, buf, 0, Math.min(chunkBytes, size - pos), pos);
      if (n === 0) break;
      parser.feed(buf.toString('latin1', 0, n));
      pos += n;
      sinceCollect += n;
      if (sinceCollect >= COLLECT_EVERY_BYTES) {
        collectGarbage();
        sinceCollect = 0;
      }
    }
    return parser.end();
  } finally {
    closeSync(fd);
  }
}

function withDropped(r: { count: number; dropped: number }, format: SpikeFileFormat): { count: number; format: SpikeFileFormat; droppedBytes?: number } {
  return r.dropped ? { count: r.count, format, droppedBytes: r.dropped } : { count: r.count, format };
}

/** Read a whole spike file of any format (strictly, as readSpikeFileChunks). */
export function readSpikeFile(path: string, opts: { chunkBytes?: number; dropTruncatedEnd?: boolean } = {}): SpikeRecord & { format: SpikeFileFormat; droppedBytes?: number } {
  const parts: SpikeChunk[] = [];
  const r = readSpikeFileChunks(path, (c) => parts.push(c), opts);
  return { ...concatChunks(parts, r.count), format: r.format, ...(r.droppedBytes ? { droppedBytes: r.droppedBytes } : {}) };
}

function concatChunks(parts: SpikeChunk[], count: number): SpikeRecord {
  if (parts.length === 1) return { senders: parts[0].senders, times: parts[0].times };
  const senders = new Int32Array(count);
  const times = new Float64Array(count);
  let o = 0;
  for (const p of parts) {
    senders.set(p.senders, o);
    times.set(p.times, o);
    o += p.count;
  }
  return { senders, times };
}

/**
 * Read a spike file written by NEST (3.x ASCII backend; also NEST 2.x `.gdf` files, which have no header:
 * `gid time` rows separated by whitespace) or by spikeworks (ASCII, binary or Arrow). Strict: see
 * readSpikeFileChunks.
 */
export function readNestAscii(path: string): SpikeRecord {
  const { senders, times } = readSpikeFile(path);
  return { senders, times };
}

/** Parse the text of a NEST ASCII (or NEST 2 `.gdf`) spike file, strictly (see readSpikeFileChunks). */
export function parseNestAscii(text: string, name = '(text)'): SpikeRecord {
  const parts: SpikeChunk[] = [];
  if (text.length === 0) throw new SpikeFileError(name, '', 'empty file (0 bytes: not even a header)');
  const parser = new TextSpikeParser(name, (c) => parts.push(c));
  parser.feed(text);
  const { count } = parser.end();
  return concatChunks(parts, count);
}

// ----- text -----

/** Characters that do not occur in text files: NUL and the C0 controls other than tab, LF, VT, FF, CR; DEL. */
const NON_TEXT = /[\x00-\x08\x0e-\x1f\x7f]/;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/** Characters a decimal number may contain (the rest of the check is Number()). */
function looksNumeric(f: string): boolean {
  for (let i = 0; i < f.length; i++) {
    const c = f.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69)) return false;
  }
  return f.length > 0;
}

const NON_FINITE_WORD = /^[+-]?(nan|inf|infinity)$/i;

/** Line-by-line parser of NEST ASCII / gdf text, fed in pieces (latin1-decoded bytes, or a string). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * A row `digits<space/tab>digits[.digits]` (then optional spaces or \r): sender and time into `out`, true.
 * The time is its digits as an integer over a power of ten, both exact, so the quotient is the correctly
 * rounded value, as Number() gives. Anything else (signs, exponents, more fields, long mantissas): false.
 */
function fastRow(s: string, from: number, end: number, out: Float64Array): boolean {
  let i = from;
  let sender = 0;
  const s0 = i;
  for (let c = s.charCodeAt(i); i < end && c >= 48 && c <= 57; c = s.charCodeAt(++i)) sender = sender * 10 + (c - 48);
  if (i === s0 || i - s0 > 10 || sender > 0x7fffffff) return false;
  const gap = i;
  for (let c = s.charCodeAt(i); i < end && (c === 9 || c === 32); c = s.charCodeAt(++i));
  if (i === gap) return false;
  let mant = 0;
  let digits = 0;
  let frac = -1;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) frac = 0;
    else break;
  }
  if (digits === 0 || digits > 15 || frac === 0) return false;
  for (let c = s.charCodeAt(i); i < end && (c === 9 || c === 32 || c === 13); c = s.charCodeAt(++i));
  if (i !== end) return false;
  out[0] = sender;
  out[1] = frac > 0 ? mant / POW10[frac] : mant;
  return true;
}

class TextSpikeParser {
  private carry = '';
  private line = 0;
  private count = 0;
  /** Column names of the `sender time_ms ...` line, once seen. */
  private columns: string[] | null = null;
  private senderCol = 0;
  private timeCol = 1;
  private body = false;
  private nestComment = false;
  private fields: string[] = [];
  private readonly parsed = new Float64Array(2);
  constructor(
    private readonly file: string,
    private readonly onChunk: (c: SpikeChunk) => void,
    /** Drop a last line without newline (an interrupted run's partial record) instead of refusing the file. */
    private readonly dropTail = false,
  ) {}

  private fail(line: number, problem: string): never {
    throw new SpikeFileError(this.file, `line ${line}`, problem);
  }

  private started = false;

  feed(piece: string): void {
    let s = this.carry.length ? this.carry + piece : piece;
    if (!this.started) {
      // A byte-order mark (UTF-8 read as latin1, or a decoded string's U+FEFF) is not content.
      if (s.startsWith('\xef\xbb\xbf')) s = s.slice(3);
      else if (s.startsWith('\ufeff')) s = s.slice(1);
      if (s.length) this.started = true;
    }
    const bad = s.search(NON_TEXT);
    if (bad >= 0) {
      let line = this.line + 1;
      for (let i = s.indexOf('\n'); i >= 0 && i < bad; i = s.indexOf('\n', i + 1)) line++;
      const code = s.charCodeAt(bad);
      this.fail(
        line,
        `byte 0x${code.toString(16).padStart(2, '0')} is not text: not a spike file (neither NEST ASCII/gdf text nor spikeworks binary '${SPIKE_BINARY_MAGIC}' nor an Arrow IPC stream)`,
      );
    }
    const last = s.lastIndexOf('\n');
    if (last < 0) {
      this.carry = s;
      if (s.length > MAX_LINE_CHARS) this.fail(this.line + 1, `line longer than ${MAX_LINE_CHARS} characters without a newline: not a spike file`);
      return;
    }
    this.carry = s.slice(last + 1);
    if (this.carry.length > MAX_LINE_CHARS) this.fail(this.line + 2, `line longer than ${MAX_LINE_CHARS} characters without a newline: not a spike file`);
    s = s.slice(0, last + 1);
    // Exact capacity: one row per newline at most.
    let rows = 0;
    for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) rows++;
    const senders = new Int32Array(rows);
    const times = new Float64Array(rows);
    let n = 0;
    let pos = 0;
    const fields = this.fields;
    while (pos < s.length) {
      const end = s.indexOf('\n', pos);
      const lineStart = pos;
      pos = end + 1;
      this.line++;
      // The common row, `gid<TAB>time` in plain decimals, parsed from the characters: no strings made per line.
      if (this.body && this.senderCol === 0 && (this.columns === null || this.columns.length === 2)) {
        const row = fastRow(s, lineStart, end, this.parsed);
        if (row) {
          senders[n] = this.parsed[0];
          times[n] = this.parsed[1];
          n++;
          continue;
        }
      }
      // Split on whitespace.
      fields.length = 0;
      let i = lineStart;
      while (i < end) {
        while (i < end && isSpace(s.charCodeAt(i))) i++;
        if (i >= end) break;
        const f0 = i;
        while (i < end && !isSpace(s.charCodeAt(i))) i++;
        fields.push(s.slice(f0, i));
        if (fields.length > 64) break;
      }
      if (fields.length === 0) continue;
      if (fields[0].charCodeAt(0) === 35 /* # */) {
        if (!this.body && s.slice(lineStart, end).includes('RecordingBackendASCII')) this.nestComment = true;
        continue;
      }
      if (!this.body && this.columns === null && !looksNumeric(fields[0])) {
        this.header(fields, s.slice(lineStart, end));
        continue;
      }
      if (!this.body) {
        this.body = true;
        if (this.columns === null && this.nestComment) this.fail(this.line, `NEST ASCII header without its column line 'sender\\ttime_ms' before the first row ${showLine(s.slice(lineStart, end))}`);
      }
      const want = this.columns ? this.columns.length : 2;
      if (fields.length !== want) {
        const what = `${want} numeric fields (sender, time_ms)`;
        this.fail(this.line, `expected ${what}, got ${showLine(s.slice(lineStart, end).replace(/\r$/, ''))}`);
      }
      const sf = fields[this.senderCol];
      const tf = fields[this.timeCol];
      const sender = looksNumeric(sf) ? Number(sf) : NaN;
      if (Number.isNaN(sender)) this.fail(this.line, `expected 2 numeric fields (sender, time_ms), got ${showLine(s.slice(lineStart, end).replace(/\r$/, ''))} (sender ${JSON.stringify(sf)} is not a number)`);
      if (!Number.isInteger(sender) || sender < 0 || sender > 0x7fffffff) this.fail(this.line, `sender ${sf} is not a node id (a non-negative integer)`);
      let t = looksNumeric(tf) ? Number(tf) : NaN;
      if (Number.isNaN(t)) {
        if (NON_FINITE_WORD.test(tf)) t = Infinity;
        else this.fail(this.line, `expected 2 numeric fields (sender, time_ms), got ${showLine(s.slice(lineStart, end).replace(/\r$/, ''))} (time ${JSON.stringify(tf)} is not a number)`);
      }
      if (!Number.isFinite(t)) this.fail(this.line, `time ${tf} is not finite`);
      senders[n] = sender;
      times[n] = t;
      n++;
    }
    if (n > 0) {
      this.count += n;
      this.onChunk({ senders: n === rows ? senders : senders.slice(0, n), times: n === rows ? times : times.slice(0, n), count: n });
    }
  }

  private header(fields: string[], raw: string): void {
    const shown = showLine(raw.replace(/\r$/, ''));
    if (fields[0] !== 'sender') this.fail(this.line, `expected a spike row (gid, time) or the column line 'sender\\ttime_ms', got ${shown}`);
    if (fields[1] === 'time_step') this.fail(this.line, `times in steps (NEST time_in_steps: ${shown}) are not supported; record with time_ms`);
    if (fields[1] !== 'time_ms') this.fail(this.line, `expected the column line 'sender\\ttime_ms', got ${shown}`);
    if (fields.length > 2) this.fail(this.line, `columns ${fields.join(', ')}: a recorder file with values (multimeter, weight_recorder), not a spike file`);
    this.columns = fields.slice();
    this.senderCol = 0;
    this.timeCol = 1;
  }

  end(): { count: number; format: SpikeFileFormat; droppedBytes?: number } {
    const dropped = this.dropTail && (this.body || this.columns !== null) ? this.carry.length : 0;
    if (dropped) this.carry = '';
    if (this.carry.length > 0) {
      const what = this.body || this.columns ? 'the file ends in the middle of a record' : 'the file ends in the middle of its header';
      this.fail(this.line + 1, `${what}: last line ${showLine(this.carry)} has no newline (truncated; was the run cut off?)`);
    }
    if (this.columns === null && !this.body) {
      if (this.nestComment) this.fail(this.line, "NEST ASCII header without its column line 'sender\\ttime_ms': the file was cut off in its header");
      this.fail(this.line, "no spike rows and no column line 'sender\\ttime_ms': not a spike file");
    }
    const format: SpikeFileFormat = this.columns ? 'ascii' : 'gdf';
    return dropped ? { count: this.count, format, droppedBytes: dropped } : { count: this.count, format };
  }
}

// ----- binary -----

function readBinary(fd: number, size: number, path: string, chunkBytes: number, onChunk: (c: SpikeChunk) => void, dropTail: boolean): { count: number; dropped: number } {
  const H = SPIKE_BINARY_HEADER_BYTES;
  const fail = (offset: number, problem: string): never => {
    throw new SpikeFileError(path, `byte ${offset}`, problem);
  };
  if (size < H) fail(size, `truncated spikeworks binary file: ${size} of the ${H} header bytes (was the run cut off?)`);
  const head = readAt(fd, 0, H);
  const magic = String.fromCharCode(...head.subarray(0, 8));
  if (magic !== SPIKE_BINARY_MAGIC) fail(0, `not a spikeworks binary spike file (magic ${JSON.stringify(magic)}, expected '${SPIKE_BINARY_MAGIC}')`);
  const v = new DataView(head.buffer, head.byteOffset, H);
  const version = v.getUint32(8, true);
  if (version !== SPIKE_BINARY_VERSION) fail(8, `unsupported binary format version ${version} (this reader knows ${SPIKE_BINARY_VERSION})`);
  const dt = v.getFloat64(16, true);
  if (!(Number.isFinite(dt) && dt > 0)) fail(16, `resolution dt = ${dt} in the header is not a positive number`);
  const rec = v.getUint32(24, true);
  if (rec !== 8) fail(24, `record size ${rec} bytes in the header (expected 8: int32 sender, int32 step)`);
  const rem = (size - H) % 8;
  const whole = size - rem;
  if (rem !== 0 && !dropTail) {
    const k = Math.floor((size - H) / 8);
    fail(H + 8 * k, `the file ends in the middle of a record: ${size} bytes is not ${H} + 8·k (${k} whole records, then ${rem} of 8 bytes); truncated (was the run cut off?)`);
  }
  const per = Math.max(1, Math.floor(chunkBytes / 8));
  let pos = H;
  let count = 0;
  while (pos < whole) {
    const len = Math.min(per * 8, whole - pos);
    const bytes = readAt(fd, pos, len);
    if (bytes.length < len) fail(pos + bytes.length, 'the file shrank while it was read');
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, len / 4);
    const n = len / 8;
    const senders = new Int32Array(n);
    const times = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const s = words[2 * k];
      if (s < 0) fail(pos + 8 * k, `sender ${s} of record ${count + k} is negative`);
      senders[k] = s;
      times[k] = (words[2 * k + 1] + 1) * dt;
    }
    onChunk({ senders, times, count: n });
    count += n;
    pos += len;
  }
  return { count, dropped: rem };
}

// ----- Arrow IPC -----

function readArrow(fd: number, size: number, path: string, onChunk: (c: SpikeChunk) => void, dropTail: boolean): { count: number; dropped: number } {
  const fail = (offset: number, problem: string): never => {
    throw new SpikeFileError(path, `byte ${offset}`, problem);
  };
  const cut = (offset: number, what: string): never =>
    fail(offset, `the Arrow stream ends in the middle of ${what} (${size} bytes; truncated: was the run cut off?)`);
  let pos = 0;
  let end = size;
  let schemaBytes: Uint8Array | null = null;
  const head = readAt(fd, 0, Math.min(size, 8));
  const fileFormat = startsWithBytes(head, ARROW_FILE_MAGIC_BYTES);
  if (fileFormat) {
    // IPC file: ARROW1, padding, the stream, the footer (with the schema), its int32 length, ARROW1.
    const tail = size >= 18 ? readAt(fd, size - 10, 10) : new Uint8Array(0);
    if (tail.length < 10 || String.fromCharCode(...tail.subarray(4)) !== ARROW_FILE_MAGIC) cut(size, 'an Arrow IPC file (no footer and closing ARROW1 magic)');
    const footerLen = new DataView(tail.buffer, tail.byteOffset, 10).getInt32(0, true);
    if (footerLen <= 0 || footerLen > size - 18) fail(size - 10, `corrupt Arrow IPC file: footer length ${footerLen}`);
    end = size - 10 - footerLen;
    schemaBytes = schemaFromFooter(readAt(fd, end, footerLen), path, end);
    pos = 8;
  } else if (!startsWithBytes(head, ARROW_CONTINUATION) && head.length >= 4 && new DataView(head.buffer, head.byteOffset).getInt32(0, true) <= 0) {
    fail(0, 'not an Arrow IPC stream (no continuation marker 0xFFFFFFFF, no ARROW1 magic)');
  }
  let count = 0;
  let batches = 0;
  let ended = false;
  let dropped = 0;
  // An interrupted stream's partial last message is dropped (dropTail, once the schema was read) or refused.
  const partial = (at: number, what: string): boolean => {
    if (dropTail && !fileFormat && schemaBytes) {
      dropped = end - at;
      return true;
    }
    return cut(at, what);
  };
  while (pos < end) {
    const msgStart = pos;
    const pre = readAt(fd, pos, Math.min(8, end - pos));
    if (pre.length < 4 && partial(msgStart, 'a message prefix')) break;
    const pv = new DataView(pre.buffer, pre.byteOffset, pre.length);
    let metaLen: number;
    let prefix: number;
    if (pv.getInt32(0, true) === -1) {
      if (pre.length < 8 && partial(msgStart, 'a message prefix')) break;
      metaLen = pv.getInt32(4, true);
      prefix = 8;
    } else {
      // Arrow < 0.15 streams: the length without the continuation marker.
      metaLen = pv.getInt32(0, true);
      prefix = 4;
    }
    if (metaLen === 0) {
      ended = true;
      pos += prefix;
      break;
    }
    if (metaLen < 0 || metaLen > MAX_ARROW_METADATA) fail(msgStart, `corrupt Arrow IPC message: metadata length ${metaLen}`);
    if (pos + prefix + metaLen > end && partial(msgStart, `message ${batches + 1}'s metadata`)) break;
    const meta = readAt(fd, pos + prefix, metaLen);
    let msg: Message;
    try {
      msg = Message.decode(meta);
    } catch (e) {
      return fail(msgStart, `corrupt Arrow IPC message metadata (${(e as Error).message})`);
    }
    const bodyLen = Number(msg.bodyLength);
    if (!(bodyLen >= 0)) fail(msgStart, `corrupt Arrow IPC message: body length ${bodyLen}`);
    const total = prefix + metaLen + bodyLen;
    if (pos + total > end && partial(msgStart, msg.headerType === MessageHeader.RecordBatch ? `record batch ${batches + 1}` : 'a message')) break;
    if (msg.headerType === MessageHeader.Schema) {
      if (schemaBytes && !fileFormat) fail(msgStart, 'a second schema message in the Arrow stream');
      if (!schemaBytes) {
        schemaBytes = readAt(fd, pos, total);
        checkArrowSchema(schemaBytes, path, msgStart);
      }
    } else if (msg.headerType === MessageHeader.RecordBatch) {
      if (!schemaBytes) fail(msgStart, 'record batch before the schema message');
      const bytes = readAt(fd, pos, total);
      const one = new Uint8Array(schemaBytes!.length + bytes.length);
      one.set(schemaBytes!, 0);
      one.set(bytes, schemaBytes!.length);
      let decoded: RecordBatch[];
      try {
        decoded = [...RecordBatchReader.from(one)];
      } catch (e) {
        return fail(msgStart, `corrupt Arrow record batch ${batches + 1} (${(e as Error).message})`);
      }
      for (const b of decoded) count += arrowBatch(b, path, msgStart, count, onChunk);
      batches++;
    } else if (msg.headerType === MessageHeader.DictionaryBatch) {
      fail(msgStart, 'dictionary-encoded Arrow columns are not spike columns (sender int32, time_ms float64)');
    } else {
      fail(msgStart, `corrupt Arrow IPC message (type ${MessageHeader[msg.headerType] ?? msg.headerType})`);
    }
    pos += total;
  }
  if (!schemaBytes) fail(pos, 'the Arrow stream has no schema message (truncated or not a spike file)');
  if (fileFormat && !ended) cut(pos, 'an Arrow IPC file (no end-of-stream marker before the footer)');
  if (!fileFormat && ended && pos < size) fail(pos, `${size - pos} bytes after the Arrow end-of-stream marker`);
  return { count, dropped };
}

/** The schema message of an Arrow IPC file, rebuilt from its footer (JS writers put the schema only there). */
function schemaFromFooter(footer: Uint8Array, path: string, offset: number): Uint8Array {
  const syn = new Uint8Array(16 + footer.length + 10);
  syn.set(ARROW_FILE_MAGIC_BYTES, 0);
  syn.set([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0], 8);
  syn.set(footer, 16);
  new DataView(syn.buffer).setInt32(16 + footer.length, footer.length, true);
  syn.set(ARROW_FILE_MAGIC_BYTES, 20 + footer.length);
  let schema: Schema;
  try {
    const r = RecordBatchReader.from(syn);
    r.open();
    schema = r.schema;
  } catch (e) {
    throw new SpikeFileError(path, `byte ${offset}`, `corrupt Arrow IPC file footer (${(e as Error).message})`);
  }
  const bytes = RecordBatchStreamWriter.writeAll(new Table(schema)).toUint8Array(true);
  const schemaMsg = bytes.subarray(0, 8 + new DataView(bytes.buffer, bytes.byteOffset).getInt32(4, true));
  checkArrowSchema(schemaMsg, path, offset);
  return schemaMsg;
}

function checkArrowSchema(schemaBytes: Uint8Array, path: string, offset: number): void {
  const reader = RecordBatchReader.from(schemaBytes);
  reader.open();
  const names = reader.schema.fields.map((f) => f.name);
  if (!names.includes('sender') || !names.includes('time_ms')) {
    throw new SpikeFileError(path, `byte ${offset}`, `not a spike file: the Arrow schema has columns ${names.join(', ') || '(none)'}, expected sender and time_ms`);
  }
}

function arrowBatch(b: RecordBatch, path: string, offset: number, before: number, onChunk: (c: SpikeChunk) => void): number {
  const fail = (problem: string): never => {
    throw new SpikeFileError(path, `byte ${offset}`, problem);
  };
  const sv = b.getChild('sender');
  const tv = b.getChild('time_ms');
  if (!sv || !tv) return fail(`record batch without the columns sender and time_ms (has ${b.schema.fields.map((f) => f.name).join(', ')})`);
  const n = b.numRows;
  if (n === 0) return 0;
  if (sv.nullCount > 0 || tv.nullCount > 0) fail('null senders or times in a record batch');
  const sa = sv.toArray() as ArrayLike<number | bigint>;
  const ta = tv.toArray() as ArrayLike<number | bigint>;
  const senders = new Int32Array(n);
  const times = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const s = Number(sa[k]);
    if (!Number.isInteger(s) || s < 0 || s > 0x7fffffff) fail(`sender ${sa[k]} of row ${before + k} is not a node id (a non-negative integer)`);
    const t = Number(ta[k]);
    if (!Number.isFinite(t)) fail(`time ${t} of row ${before + k} is not finite`);
    senders[k] = s;
    times[k] = t;
  }
  onChunk({ senders, times, count: n });
  return n;
}

// ----- recorder columns (multimeter files) -----

/** One chunk of a recorder's column file: `count` rows, one Float64Array per column (in `names` order). */
export interface ColumnChunk {
  names: string[];
  columns: Float64Array[];
  count: number;
}

/**
 * Read a tab/whitespace-separated recorder file with a column line (a multimeter's NEST ASCII `.dat`:
 * '#' comments, `sender time_ms V_m ...`; or spikeworks' `multimeter-<gid>.tsv`: `senders times V_m ...`)
 * in chunks, strictly: a truncated last line, a junk row or a missing column line is a SpikeFileError.
 */
export function readColumnFileChunks(path: string, onChunk: (c: ColumnChunk) => void, opts: { chunkBytes?: number; dropTruncatedEnd?: boolean } = {}): { count: number; names: string[] } {
  const chunkBytes = Math.max(64, Math.floor(opts.chunkBytes ?? DEFAULT_CHUNK_BYTES));
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new SpikeFileError(path, '', `cannot open: ${(e as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) throw new SpikeFileError(path, '', 'empty file (0 bytes: not even a header)');
    const buf = Buffer.allocUnsafe(chunkBytes);
    let carry = '';
    let line = 0;
    let names: string[] | null = null;
    let count = 0;
    let pos = 0;
    const fail = (l: number, p: string): never => {
      throw new SpikeFileError(path, `line ${l}`, p);
    };
    while (pos < size) {
      const n = readSync(fd, buf, 0, Math.min(chunkBytes, size - pos), pos);
      if (n === 0) break;
      pos += n;
      let s = carry + buf.toString('latin1', 0, n);
      if (NON_TEXT.test(s)) fail(line + 1, 'not a text recorder file (binary bytes)');
      const last = s.lastIndexOf('\n');
      if (last < 0) {
        carry = s;
        if (s.length > MAX_LINE_CHARS) fail(line + 1, `line longer than ${MAX_LINE_CHARS} characters`);
        continue;
      }
      carry = s.slice(last + 1);
      s = s.slice(0, last);
      const lines = s.split('\n');
      const rows: number[][] = [];
      for (const raw of lines) {
        line++;
        const t = raw.trim();
        if (t === '' || t.startsWith('#')) continue;
        const fields = t.split(/\s+/);
        if (!names) {
          if (looksNumeric(fields[0])) fail(line, `expected the column line (sender, time_ms, ...), got ${showLine(t)}`);
          names = fields;
          continue;
        }
        if (fields.length !== names.length) fail(line, `expected ${names.length} fields (${names.join(', ')}), got ${showLine(t)}`);
        const row = new Array<number>(fields.length);
        for (let c = 0; c < fields.length; c++) {
          const v = numberOrWord(fields[c]);
          if (v === undefined) fail(line, `${names[c]} ${JSON.stringify(fields[c])} is not a number in ${showLine(t)}`);
          row[c] = v!;
        }
        rows.push(row);
      }
      if (rows.length && names) {
        const columns = names.map((_, c) => Float64Array.from(rows, (r) => r[c]));
        count += rows.length;
        onChunk({ names, columns, count: rows.length });
      }
    }
    if (carry.length && !(opts.dropTruncatedEnd && names)) fail(line + 1, `the file ends in the middle of a record: last line ${showLine(carry)} has no newline (truncated; was the run cut off?)`);
    if (!names) fail(line, 'no column line (sender, time_ms, ...): not a recorder file');
    return { count, names: names! };
  } finally {
    closeSync(fd);
  }
}

/** A decimal number, or nan / inf / infinity (any case, signed); undefined for anything else. */
function numberOrWord(f: string): number | undefined {
  if (looksNumeric(f)) {
    const v = Number(f);
    return Number.isNaN(v) ? undefined : v;
  }
  if (!NON_FINITE_WORD.test(f)) return undefined;
  if (/nan/i.test(f)) return NaN;
  return f.startsWith('-') ? -Infinity : Infinity;
}
