import { platform } from './platform.js';
import packageJson from '../package.json';
import { SpikeworksError } from './errors.js';
import { CheckpointError } from './saved-state.js';
import { DTYPES, encodeSpecJson, decodeSpecJson } from './spec-json.js';
import type { NetworkSpec } from './spec.js';
import type { SavedState, SavedValue } from './contracts/base.js';

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/**
 * The checkpoint file (docs/checkpoint.md): a prelude (magic, versions, lengths, SHA-256), a JSON header, then
 * 8-byte-aligned binary sections that the header's state trees refer to. What goes in it is core/checkpoint.ts.
 */

export const CHECKPOINT_FORMAT = 'spikeworks-checkpoint';
/** Version of the header and state layout. */
export const CHECKPOINT_VERSION = 1;
/** The version of spikeworks that writes checkpoints here; a checkpoint restores only in the version that wrote it. */
export const SPIKEWORKS_VERSION: string = (packageJson as { version: string }).version;

const MAGIC = 'SPKWCKPT';
/** Magic (8), container version (u32), header bytes (u32), file bytes (u64), SHA-256 of the rest (32). */
const PRELUDE_BYTES = 56;
const CONTAINER_VERSION = 1;


/** What a checkpoint file holds. */
export interface CheckpointData {
  /** The spikeworks version that wrote it. */
  spikeworks: string;
  /** The step every rank stands at (time = step · dt). */
  step: number;
  dt: number;
  seed: number;
  /** Ranks the network ran on; `ranks` holds the state of some or all of them (one for a rank's own file). */
  size: number;
  /** The caller's own data (a front end's protocol: what remains to simulate, where output goes). */
  meta?: Record<string, SavedValue>;
  spec: NetworkSpec;
  ranks: { rank: number; state: SavedState }[];
}

/** The header of a checkpoint file, without the network or its state. */
export interface CheckpointSummary {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  spikeworks: string;
  created: string;
  step: number;
  time_ms: number;
  dt: number;
  seed: number;
  size: number;
  ranks: number[];
  meta?: Record<string, SavedValue>;
}

type DType = keyof typeof DTYPES | 'utf8';

function dtypeOf(a: ArrayBufferView, where: string): keyof typeof DTYPES {
  for (const [name, ctor] of Object.entries(DTYPES)) if (a.constructor === ctor) return name as keyof typeof DTYPES;
  throw new CheckpointError(`${where}: a ${a.constructor.name} cannot be saved (${Object.values(DTYPES).map((c) => c.name).join(', ')})`);
}

interface Section {
  dtype: DType;
  /** Byte offset from the start of the data (after the header), a multiple of 8. */
  offset: number;
  /** Elements (bytes for utf8). */
  length: number;
}

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A state tree as JSON: typed arrays become section references, non-finite numbers and -0 tagged strings. */
function encodeTree(v: unknown, path: string, add: (a: ArrayBufferView, path: string) => number): unknown {
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { $number: Object.is(v, -0) ? '-0' : String(v) };
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (ArrayBuffer.isView(v)) {
    if (v instanceof DataView) throw new CheckpointError(`checkpoint: ${path} is a DataView; save a typed array`);
    return { $section: add(v, path) };
  }
  if (Array.isArray(v)) return v.map((x, i) => encodeTree(x, `${path}[${i}]`, add));
  if (typeof v === 'object' && v !== undefined && [Object.prototype, null].includes(Object.getPrototypeOf(v))) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = encodeTree(x, `${path}.${k}`, add);
    return out;
  }
  const kind = typeof v === 'function' ? 'a function' : typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : typeof v;
  throw new CheckpointError(`checkpoint: ${path} is ${kind}, not a value a checkpoint can hold (numbers, strings, booleans, typed arrays, arrays and records of them)`);
}

function decodeTree(v: unknown, get: (k: number) => ArrayBufferView): SavedValue {
  if (v === null || typeof v !== 'object') return v as SavedValue;
  if (Array.isArray(v)) return v.map((x) => decodeTree(x, get));
  const o = v as Record<string, unknown>;
  if (typeof o.$section === 'number') return get(o.$section) as SavedValue;
  if (typeof o.$number === 'string') return Number(o.$number);
  const out: Record<string, SavedValue> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decodeTree(x, get);
  return out;
}

/** The file as a list of byte chunks (header first) and its length: written one after the other, nothing is copied whole. */
export function encodeCheckpoint(data: CheckpointData, created = new Date()): { chunks: Uint8Array[]; bytes: number } {
  if (!littleEndian) throw new CheckpointError('checkpoint: this machine is big-endian; the format is little-endian');
  const sections: Section[] = [];
  const payload: Uint8Array[] = [];
  let offset = 0;
  const push = (bytes: Uint8Array, dtype: DType, length: number): number => {
    sections.push({ dtype, offset, length });
    payload.push(bytes);
    offset += bytes.byteLength;
    const pad = (8 - (offset % 8)) % 8;
    if (pad) {
      payload.push(new Uint8Array(pad));
      offset += pad;
    }
    return sections.length - 1;
  };
  const add = (a: ArrayBufferView, path: string) => {
    const dtype = dtypeOf(a, `checkpoint: ${path}`);
    return push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dtype, (a as TypedArray).length);
  };
  const specBytes = new TextEncoder().encode(encodeSpecJson(data.spec, 0));
  const spec = push(specBytes, 'utf8', specBytes.length);
  const header = {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, spikeworks: data.spikeworks, created: created.toISOString(),
    step: data.step, time_ms: data.step * data.dt, dt: data.dt, seed: data.seed, size: data.size,
    ...(data.meta ? { meta: encodeTree(data.meta, 'meta', add) } : {}),
    spec: { $section: spec },
    ranks: data.ranks.map((r) => ({ rank: r.rank, state: encodeTree(r.state, `rank ${r.rank} state`, add) })),
    sections,
  };
  let headerText = JSON.stringify(header);
  headerText += ' '.repeat((8 - (new TextEncoder().encode(headerText).length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(headerText);
  const total = PRELUDE_BYTES + headerBytes.length + offset;
  const hash = platform.sha256();
  hash.update(headerBytes);
  for (const p of payload) hash.update(p);
  const prelude = new Uint8Array(PRELUDE_BYTES);
  prelude.set(new TextEncoder().encode(MAGIC), 0);
  const dv = new DataView(prelude.buffer);
  dv.setUint32(8, CONTAINER_VERSION, true);
  dv.setUint32(12, headerBytes.length, true);
  dv.setBigUint64(16, BigInt(total), true);
  prelude.set(hash.digest(), 24);
  return { chunks: [prelude, headerBytes, ...payload], bytes: total };
}

function readHeader(bytes: Uint8Array, name: string, verify: boolean): { header: Record<string, unknown>; data: Uint8Array } {
  const bad = (why: string) => new CheckpointError(`${name} is not a usable spikeworks checkpoint: ${why}`);
  if (bytes.length < PRELUDE_BYTES || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw bad(`it does not start with '${MAGIC}' (${bytes.length} bytes)`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, PRELUDE_BYTES);
  const container = dv.getUint32(8, true);
  if (container !== CONTAINER_VERSION) throw bad(`container version ${container}, this spikeworks (${SPIKEWORKS_VERSION}) reads ${CONTAINER_VERSION}`);
  const headerLength = dv.getUint32(12, true);
  const total = Number(dv.getBigUint64(16, true));
  if (bytes.length !== total) throw bad(`${bytes.length < total ? 'truncated' : 'too long'}: ${bytes.length} bytes, the header says ${total}`);
  if (PRELUDE_BYTES + headerLength > total) throw bad(`a header of ${headerLength} bytes does not fit in ${total}`);
  if (verify) {
    const digest = platform.sha256().update(bytes.subarray(PRELUDE_BYTES)).digest();
    const saved = bytes.subarray(24, 56);
    if (digest.some((b, i) => b !== saved[i])) throw bad('its SHA-256 checksum does not match its contents (the file is corrupt)');
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PRELUDE_BYTES, PRELUDE_BYTES + headerLength)));
  } catch (e) {
    throw bad(`its header is not JSON (${(e as Error).message})`);
  }
  if (header.format !== CHECKPOINT_FORMAT) throw bad(`format ${JSON.stringify(header.format)}, '${CHECKPOINT_FORMAT}' expected`);
  if (header.version !== CHECKPOINT_VERSION) throw bad(`state layout version ${String(header.version)}, this spikeworks reads ${CHECKPOINT_VERSION}`);
  return { header, data: bytes.subarray(PRELUDE_BYTES + headerLength) };
}

function summaryOf(header: Record<string, unknown>, sections: (k: number) => ArrayBufferView): CheckpointSummary {
  const ranks = Array.isArray(header.ranks) ? header.ranks.map((r: { rank?: unknown }) => Number(r.rank)) : [];
  return {
    format: CHECKPOINT_FORMAT, version: header.version as number, spikeworks: String(header.spikeworks), created: String(header.created),
    step: header.step as number, time_ms: header.time_ms as number, dt: header.dt as number, seed: header.seed as number, size: header.size as number, ranks,
    ...(header.meta !== undefined ? { meta: decodeTree(header.meta, sections) as Record<string, SavedValue> } : {}),
  };
}

/** The header of a checkpoint (its step, versions, ranks and the caller's meta) without restoring it; checks the file whole. */
export function checkpointSummary(bytes: Uint8Array, name = 'checkpoint'): CheckpointSummary {
  const { header, data } = readHeader(bytes, name, true);
  return summaryOf(header, sectionReader(header, data, name));
}

function sectionReader(header: Record<string, unknown>, dataIn: Uint8Array, name: string): (k: number) => ArrayBufferView {
  const sections = header.sections as Section[];
  if (!Array.isArray(sections)) throw new CheckpointError(`${name}: the header lists no sections`);
  // Float64 views need 8-aligned offsets: the file's bytes are copied when they do not start aligned.
  const data = dataIn.byteOffset % 8 === 0 ? dataIn : dataIn.slice();
  return (k: number) => {
    const s = sections[k];
    const ctor = s && s.dtype !== 'utf8' ? DTYPES[s.dtype] : s?.dtype === 'utf8' ? Uint8Array : undefined;
    if (!s || !ctor || !Number.isInteger(s.offset) || !Number.isInteger(s.length) || s.offset % 8 !== 0) {
      throw new CheckpointError(`${name}: section ${k} is missing or malformed (${JSON.stringify(s)})`);
    }
    const bytes = s.length * ctor.BYTES_PER_ELEMENT;
    if (s.offset + bytes > data.length) throw new CheckpointError(`${name}: section ${k} (${bytes} bytes at ${s.offset}) runs past the end of the data (${data.length} bytes)`);
    return new ctor(data.buffer as ArrayBuffer, data.byteOffset + s.offset, s.length);
  };
}

/** Read and check a checkpoint: the magic, the length, the checksum, the versions; then its spec and states. */
export function decodeCheckpoint(bytes: Uint8Array, name = 'checkpoint'): CheckpointData & { summary: CheckpointSummary } {
  const { header, data } = readHeader(bytes, name, true);
  const get = sectionReader(header, data, name);
  const summary = summaryOf(header, get);
  if (summary.spikeworks !== SPIKEWORKS_VERSION) {
    throw new CheckpointError(
      `${name} was written by spikeworks ${summary.spikeworks}; this is spikeworks ${SPIKEWORKS_VERSION}. A checkpoint restores only in the version that wrote it ` +
        '(kernels and plasticity rules may keep their state differently); rerun from the spec in it, or restore with that version',
    );
  }
  const specRef = header.spec as { $section?: number } | undefined;
  if (typeof specRef?.$section !== 'number') throw new CheckpointError(`${name}: the header holds no network spec`);
  const spec = decodeSpecJson(new TextDecoder().decode(get(specRef.$section) as Uint8Array), `${name} (its network spec)`);
  if (!Array.isArray(header.ranks) || header.ranks.length === 0) throw new CheckpointError(`${name}: the checkpoint holds no rank's state`);
  const ranks = (header.ranks as { rank: unknown; state: unknown }[]).map((r) => {
    const state = decodeTree(r.state, get);
    if (typeof r.rank !== 'number' || state === null || typeof state !== 'object' || Array.isArray(state)) throw new CheckpointError(`${name}: a rank entry is malformed`);
    return { rank: r.rank, state: state as SavedState };
  });
  return { spikeworks: summary.spikeworks, step: summary.step, dt: summary.dt, seed: summary.seed, size: summary.size, meta: summary.meta, spec, ranks, summary };
}

/** Write a checkpoint file: to a temporary name next to it, then renamed, so an interrupted write leaves the last good file. */
export function writeCheckpointFile(path: string, data: CheckpointData): number {
  const { chunks, bytes } = encodeCheckpoint(data);
  const fs = platform.files;
  fs.mkdirp(platform.dirname(path));
  const tmp = `${path}.${platform.pid}.tmp`;
  let fd = -1;
  try {
    fd = fs.openWrite(tmp);
    for (const c of chunks) {
      for (let at = 0; at < c.byteLength; ) at += fs.write(fd, c, at, c.byteLength - at);
    }
    fs.fsync(fd);
    fs.close(fd);
    fd = -1;
    fs.rename(tmp, path);
  } catch (e) {
    if (fd >= 0) fs.close(fd);
    fs.remove(tmp);
    throw e instanceof SpikeworksError ? e : new CheckpointError(`checkpoint ${path}: ${(e as Error).message}`);
  }
  return bytes;
}

/** The file's bytes, or a CheckpointError saying it cannot be read. */
export function readCheckpointFile(path: string): Uint8Array {
  try {
    return platform.files.read(path);
  } catch (e) {
    throw new CheckpointError(`restore ${path}: ${(e as Error).message}`);
  }
}

/** The chunks of an encoded checkpoint as one array (an in-memory checkpoint). */
export function concatChunks(chunks: readonly Uint8Array[], bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
