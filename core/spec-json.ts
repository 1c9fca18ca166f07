import { ParameterError } from './errors.js';
import { validateSpec, type NetworkSpec, type TypedArrayLike } from './spec.js';

/**
 * A spec file is JSON. Typed arrays (explicit weights, delays, initial states) are written as
 * `{ "$array": "<dtype>", "base64": "<little-endian bytes>" }` with dtype one of the keys below, so a file
 * round-trips bit for bit; plain JSON arrays of numbers are read as they are. JSON has no Infinity or NaN
 * (JSON.stringify writes null): they are written as `{ "$number": "Infinity" }` ("-Infinity", "NaN").
 */
/** Typed arrays by the dtype name files give them (spec files, checkpoints). */
export const DTYPES = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
} as const;
type DType = keyof typeof DTYPES;

function dtypeOf(a: TypedArrayLike): DType {
  for (const [name, C] of Object.entries(DTYPES)) if (a instanceof C) return name as DType;
  throw new ParameterError('network spec', 'array', a.constructor.name, Object.keys(DTYPES).join(', '));
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  // Chunks keep String.fromCharCode's argument list short.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const NON_FINITE = ['Infinity', '-Infinity', 'NaN'];

/** The spec as JSON text (typed arrays as base64), `indent` spaces per level. */
export function encodeSpecJson(spec: NetworkSpec, indent = 1): string {
  return JSON.stringify(
    spec,
    (_key, v) => {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        const a = v as TypedArrayLike;
        return { $array: dtypeOf(a), base64: toBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) };
      }
      if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
      return v;
    },
    indent,
  );
}

/** Read and check a spec from JSON text. */
export function decodeSpecJson(text: string, name = 'spec'): NetworkSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text, (_key, v) => {
      if (v && typeof v === 'object' && typeof v.$array === 'string') {
        const C = DTYPES[v.$array as DType];
        if (!C || typeof v.base64 !== 'string') throw new ParameterError('network spec', '$array', v.$array, Object.keys(DTYPES).join(', '));
        const bytes = fromBase64(v.base64);
        if (bytes.length % C.BYTES_PER_ELEMENT !== 0) throw new ParameterError('network spec', 'base64', `${bytes.length} bytes`, `a whole number of ${v.$array} elements`);
        return new C(bytes.buffer as ArrayBuffer, 0, bytes.length / C.BYTES_PER_ELEMENT);
      }
      if (v && typeof v === 'object' && '$number' in v) {
        if (!NON_FINITE.includes(v.$number)) throw new ParameterError('network spec', '$number', v.$number, `one of ${NON_FINITE.map((x) => `"${x}"`).join(', ')} (finite numbers are plain JSON numbers)`);
        return Number(v.$number);
      }
      return v;
    });
  } catch (e) {
    if (e instanceof ParameterError) throw e;
    throw new ParameterError('network spec', name, 'not JSON', `a JSON spec file (${(e as Error).message})`);
  }
  return validateSpec(raw);
}
