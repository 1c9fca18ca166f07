import { ParameterError, SpikeworksError } from './errors.js';
import type { Params } from './schema.js';

/**
 * Components: what an entity (population, projection, device) carries in the world. Two sorts:
 * - a state component is a named bundle of typed arrays, one element per neuron, declared field by field
 *   (type, unit, initial value); the core allocates and initialises it from the declaration;
 * - a resource component holds one object per entity (a kernel, a synapse table, a device runtime).
 */
export type FieldType = 'f64' | 'f32' | 'i32' | 'u32' | 'u16' | 'u8';
export type FieldArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

export interface FieldDecl {
  /** Element type (default float64). */
  readonly type?: FieldType;
  readonly unit?: string;
  readonly doc?: string;
  /** Initial value of every element, from the entity's resolved parameters and the resolution (default 0). */
  readonly initial?: number | ((p: Params, dt: number) => number);
}

export interface StateComponent {
  readonly name: string;
  readonly doc?: string;
  readonly fields: Readonly<Record<string, FieldDecl>>;
}

export interface ResourceComponent<T> {
  readonly name: string;
  readonly doc?: string;
  /** Never set: carries the type of the objects the component holds. */
  readonly __type?: T;
}

export type Component = StateComponent | ResourceComponent<unknown>;
export type StateData = Record<string, FieldArray>;

export function isStateComponent(c: Component): c is StateComponent {
  return 'fields' in c && typeof (c as StateComponent).fields === 'object';
}

/** Declare a state component: its fields, allocated per neuron by the core. */
export function defineState(name: string, fields: Record<string, FieldDecl>, doc?: string): StateComponent {
  if (typeof name !== 'string' || !name) throw new SpikeworksError('defineState: a component needs a name');
  return Object.freeze({ name, doc, fields: Object.freeze({ ...fields }) });
}

/** Declare a resource component: one object of type T per entity. */
export function defineResource<T>(name: string, doc?: string): ResourceComponent<T> {
  if (typeof name !== 'string' || !name) throw new SpikeworksError('defineResource: a component needs a name');
  return Object.freeze({ name, doc });
}

/** Where a state component's arrays live: the JS heap, or a kernel's memory (WebAssembly, a native addon). */
export interface Arena {
  allocate(type: FieldType, length: number, field: string): FieldArray;
}

const CONSTRUCTORS = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  u16: Uint16Array,
  u8: Uint8Array,
} as const;

export const BYTES_PER: Readonly<Record<FieldType, number>> = { f64: 8, f32: 4, i32: 4, u32: 4, u16: 2, u8: 1 };

export const heapArena: Arena = {
  allocate: (type, length) => new CONSTRUCTORS[type](length),
};

/** A typed array of the given type over part of a buffer (what arenas in kernel memory hand out). */
export function viewOf(type: FieldType, buffer: ArrayBufferLike, byteOffset: number, length: number): FieldArray {
  return new CONSTRUCTORS[type](buffer as ArrayBuffer, byteOffset, length);
}

/** Allocate a state component for `length` neurons in `arena` and fill every field with its initial value. */
export function allocateState(decl: StateComponent, length: number, params: Params, dt: number, arena: Arena = heapArena): StateData {
  const out: StateData = {};
  for (const [name, f] of Object.entries(decl.fields)) {
    const type = f.type ?? 'f64';
    if (!(type in CONSTRUCTORS)) throw new ParameterError(`component ${decl.name}`, `${name}.type`, type, Object.keys(CONSTRUCTORS).join(', '));
    const arr = arena.allocate(type, length, name);
    if (arr.length !== length) throw new SpikeworksError(`component ${decl.name}: the arena gave ${arr.length} elements for '${name}', ${length} asked`);
    const init = typeof f.initial === 'function' ? f.initial(params, dt) : (f.initial ?? 0);
    arr.fill(init);
    out[name] = arr;
  }
  return out;
}

/** Bytes held by a state component's arrays. */
export function stateBytes(data: StateData): number {
  let b = 0;
  for (const a of Object.values(data)) b += a.byteLength;
  return b;
}
