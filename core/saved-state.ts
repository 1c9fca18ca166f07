import { platform } from './platform.js';
import { toHex } from './sha256.js';
import { SpikeworksError } from './errors.js';
import type { SavedState, SavedValue } from './contracts/base.js';
import type { OutputFile, OutputSink } from './output.js';

/**
 * What checkpoint hooks read their saved state with (core/checkpoint.ts writes and reads the files): typed
 * accessors that fail with a CheckpointError naming what is missing or of the wrong type or length.
 */

/** A checkpoint that cannot be written or restored: the message says which file, what and why. */
export class CheckpointError extends SpikeworksError {
  override name = 'CheckpointError';
}

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;
type TypedArrayConstructor<T extends TypedArray> = { new (length: number): T; readonly name: string };

export function describeValue(v: unknown): string {
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as TypedArray).length})`;
  if (v === null || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? `an array of ${v.length}` : 'an object';
}

/** A number of a saved state (NaN and ±Infinity included), or a CheckpointError naming what is missing. */
export function savedNumber(state: SavedState, key: string, where: string): number {
  const v = state[key];
  if (typeof v !== 'number') throw new CheckpointError(`${where}: the saved state has no number '${key}' (${describeValue(v)})`);
  return v;
}

/** A typed array of a saved state, of the given type (and length when given); it belongs to the checkpoint: copy or slice it to keep it. */
export function savedArray<T extends TypedArray>(state: SavedState, key: string, type: TypedArrayConstructor<T>, where: string, length?: number): T {
  const v = state[key];
  if (!(v instanceof type) || (length !== undefined && v.length !== length)) {
    throw new CheckpointError(`${where}: saved '${key}' is ${describeValue(v)}, ${type.name}(${length ?? 'any length'}) expected`);
  }
  return v as T;
}

/** Copy a saved array into a live one of the same type and length (in place: kernels and views keep theirs). */
export function restoreArray(state: SavedState, key: string, target: TypedArray, where: string): void {
  const v = savedArray(state, key, target.constructor as TypedArrayConstructor<TypedArray>, where, target.length);
  (target as Float64Array).set(v as Float64Array);
}

/** A record of a saved state (a nested state), or a CheckpointError. */
export function savedRecord(state: SavedState, key: string, where: string): SavedState {
  const v = state[key];
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) throw new CheckpointError(`${where}: the saved state has no record '${key}' (${describeValue(v)})`);
  return v as SavedState;
}

/** An array of a saved state (a list of nested states), of the given length when given. */
export function savedList(state: SavedState, key: string, where: string, length?: number): readonly SavedValue[] {
  const v = state[key];
  if (!Array.isArray(v) || (length !== undefined && v.length !== length)) {
    throw new CheckpointError(`${where}: saved '${key}' is ${describeValue(v)}, a list${length !== undefined ? ` of ${length}` : ''} expected`);
  }
  return v;
}

/** Every typed array of a state as its own compact copy (a view into a kernel's memory would drag the whole memory through a structured clone). */
export function compactState<T extends SavedValue>(v: T): T {
  if (ArrayBuffer.isView(v)) {
    const a = v as TypedArray;
    return (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && !(a.buffer instanceof SharedArrayBuffer) ? a : a.slice()) as T;
  }
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => compactState(x)) as unknown as T;
  const out: Record<string, SavedValue> = {};
  for (const [k, x] of Object.entries(v as SavedState)) if (x !== undefined) out[k] = compactState(x);
  return out as T;
}


/** A growable column (a recorder's): its filled part, and how to put a saved one back. */
interface Column<A extends Int32Array | Float64Array> {
  data: A;
  length: number;
}

/** Put a saved column back into a recorder's growable column (capacity at least its old one). */
export function restoreColumn<A extends Int32Array | Float64Array>(column: Column<A>, state: SavedState, key: string, where: string): void {
  const type = column.data.constructor as { new (n: number): A; readonly name: string };
  const saved = savedArray(state, key, type as never, where) as unknown as A;
  const data = new type(Math.max(column.data.length, saved.length, 1));
  data.set(saved as never);
  column.data = data;
  column.length = saved.length;
}

/**
 * Where a recorder's output file stands (a checkpoint): its name, its length and the SHA-256 of its bytes.
 * Flushes the file first; reads it back through the sink to measure it.
 */
export function saveFilePosition(sink: OutputSink, file: OutputFile): SavedState {
  file.flush();
  const bytes = sink.read(file.filename);
  return { filename: file.filename, bytes: bytes.length, sha256: toHex(platform.sha256().update(bytes).digest()) };
}

/**
 * A recorder's output file as it stood at the checkpoint, open for the rest of the run: the file the
 * interrupted run left (perhaps written past the checkpoint) is cut back to the checkpoint's bytes, checked
 * against their SHA-256, and appended to from there. Fails with a CheckpointError when the file is gone,
 * shorter, or not the one the checkpoint saw.
 */
export function reopenFile(sink: OutputSink, saved: SavedState, where: string): OutputFile {
  const name = saved.filename;
  const length = savedNumber(saved, 'bytes', where);
  if (typeof name !== 'string' || typeof saved.sha256 !== 'string') throw new CheckpointError(`${where}: the saved file position is malformed`);
  let bytes: Uint8Array;
  try {
    bytes = sink.read(name);
  } catch (e) {
    throw new CheckpointError(`${where}: its output file ${name} cannot be read (${(e as Error).message}); a file recorder resumes the file the checkpointed run was writing`);
  }
  if (bytes.length < length) throw new CheckpointError(`${where}: its output file ${name} has ${bytes.length} bytes, fewer than the ${length} it had at the checkpoint`);
  const prefix = bytes.slice(0, length);
  if (toHex(platform.sha256().update(prefix).digest()) !== saved.sha256) {
    throw new CheckpointError(`${where}: the first ${length} bytes of its output file ${name} are not those it had at the checkpoint (the file was replaced or changed)`);
  }
  const file = sink.open(name, where, true);
  file.write(prefix);
  file.flush();
  return file;
}
