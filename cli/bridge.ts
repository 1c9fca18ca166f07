import type { Command } from 'commander';
import { readSync, writeSync } from 'node:fs';
import { Simulator } from '../core/simulator.js';
import { builtinPlugins } from '../plugins/index.js';
import { ParameterError, SpikeworksError, UnknownNameError } from '../core/errors.js';
import { restoreSimulator, type CheckpointHost } from '../core/simulator-checkpoint.js';
import { Device, Population, type Node } from '../core/handles.js';
import type { NetworkSpec } from '../core/spec.js';
import type { Plugin } from '../core/registry.js';
import { fromListRule, type ConnectionList } from './bridge-from-list.js';
import { serialize, deserialize } from 'node:v8';
import { gatherRun, type MergedResult } from '../parallel/gather.js';
import { mpiWorld } from '../plugins/backends/mpi.js';
import type { CommRuntime } from '../core/plugin.js';

/**
 * `spikeworks bridge`: the engine process behind pyNN.spikeworks (docs/pynn.md). One message per frame on
 * stdin, one reply per message on stdout:
 *
 *   u32 LE  frame length (the bytes after this field)
 *   u32 LE  header length
 *   header  UTF-8 JSON; {"$array": k} anywhere in it stands for the k-th payload, {"$number": "Infinity"}
 *           (or "-Infinity", "NaN") for a number JSON cannot write
 *   payloads, back to back, as header.arrays = [{dtype: 'f64'|'f32'|'i32'|'u32', length}] describes them
 *
 * Bulk numbers travel only as payloads. Replies carry {ok: true, ...} or {ok: false, error: {type, message,
 * parameter?, value?, allowed?}}; the process ends on {op: 'end'} or when stdin closes.
 */

export const BRIDGE_PROTOCOL = 1;

type Dtype = 'f64' | 'f32' | 'i32' | 'u32';
type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array;
const ARRAY_TYPES = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u32: Uint32Array } as const;

export interface Message {
  header: Record<string, unknown>;
  arrays: TypedArray[];
}

/** A frame's bytes for a header and its payloads (arrays in the header are replaced by {"$array": k}). */
export function encodeFrame(header: Record<string, unknown>, arrays: readonly TypedArray[] = []): Buffer {
  const specs = arrays.map((a) => ({ dtype: dtypeOf(a), length: a.length }));
  const json = Buffer.from(JSON.stringify({ ...header, arrays: specs }), 'utf8');
  const payload = arrays.reduce((n, a) => n + a.byteLength, 0);
  const out = Buffer.allocUnsafe(8 + json.length + payload);
  out.writeUInt32LE(4 + json.length + payload, 0);
  out.writeUInt32LE(json.length, 4);
  json.copy(out, 8);
  let at = 8 + json.length;
  for (const a of arrays) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, at);
    at += a.byteLength;
  }
  return out;
}

function dtypeOf(a: TypedArray): Dtype {
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Int32Array) return 'i32';
  return 'u32';
}

/** A frame's body (after the length field) as a message; the payloads are copied into aligned arrays. */
export function decodeFrame(body: Buffer): Message {
  const headerLength = body.readUInt32LE(0);
  const raw = JSON.parse(body.subarray(4, 4 + headerLength).toString('utf8')) as Record<string, unknown>;
  const specs = (raw.arrays ?? []) as { dtype: Dtype; length: number }[];
  if (!Array.isArray(specs)) throw new ParameterError('bridge frame', 'arrays', raw.arrays, 'a list of {dtype, length}');
  let at = 4 + headerLength;
  const arrays = specs.map((s, k) => {
    const Type = ARRAY_TYPES[s.dtype];
    if (!Type) throw new ParameterError('bridge frame', `arrays[${k}].dtype`, s.dtype, `one of ${Object.keys(ARRAY_TYPES).join(', ')}`);
    const bytes = s.length * Type.BYTES_PER_ELEMENT;
    if (at + bytes > body.length) throw new ParameterError('bridge frame', `arrays[${k}].length`, s.length, `at most the ${body.length - at} bytes left in the frame`);
    const a = new Type(s.length);
    Buffer.from(a.buffer).set(body.subarray(at, at + bytes));
    at += bytes;
    return a;
  });
  delete raw.arrays;
  return { header: raw, arrays };
}

/** Replace every {"$array": k} in a header value by the array itself. */
function withArrays(v: unknown, arrays: readonly TypedArray[]): unknown {
  if (Array.isArray(v)) return v.map((x) => withArrays(x, arrays));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$array === 'number') {
      const a = arrays[o.$array];
      if (!a) throw new ParameterError('bridge message', '$array', o.$array, `the index of one of its ${arrays.length} payloads`);
      return a;
    }
    if (typeof o.$number === 'string') {
      const x = Number(o.$number);
      if (!['Infinity', '-Infinity', 'NaN'].includes(o.$number)) throw new ParameterError('bridge message', '$number', o.$number, "'Infinity', '-Infinity' or 'NaN'");
      return x;
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, withArrays(x, arrays)]));
  }
  return v;
}

type NodeRef = number | { ref: number; start: number; end: number };
interface CreateOp { do: 'create'; ref: number; model: string; n?: number; params?: Record<string, unknown>; integrator?: string }
interface SetOp { do: 'set'; ref: number; variable: string; value: unknown }
interface ConnectOp { do: 'connect'; ref?: number; pre: NodeRef; post: NodeRef; conn?: Record<string, unknown> | string; syn?: Record<string, unknown>; list?: { sources: Int32Array; targets: Int32Array } }
type BuildOp = CreateOp | SetOp | ConnectOp;

/** What one bridge process holds: the simulator of the current network and the handles Python refers to by number. */
export class BridgeSession {
  private sim: Simulator | null = null;
  private readonly lists = new Map<number, ConnectionList>();
  private readonly plugins: Plugin[] = [...builtinPlugins, fromListRule(this.lists)];
  private nodes = new Map<number, Population | Device>();
  /** Projections by Python's ref, with their position among the network's projections (kept by a restore). */
  private projections = new Map<number, number>();
  /** Projections by Python's ref, with their position among the spec's connections. */
  private connectionOf = new Map<number, number>();
  /** The Python refs of the created nodes, in creation order (node i of the spec). */
  private order: number[] = [];
  /** How many events of each recorder were sent already (a restore keeps its recorders' events). */
  private sent = new Map<number, number>();
  /** On MPI ranks: every rank's recorder events, gathered once after each run (every rank then answers alike). */
  private merged: MergedResult | null = null;

  /** `comm`: this process's MPI rank (`spikeworks bridge --comm mpi` under mpirun); one process without it. */
  constructor(private readonly comm?: CommRuntime) {}

  handle(m: Message): { header: Record<string, unknown>; arrays?: TypedArray[] } {
    const h = withArrays(m.header, m.arrays) as Record<string, unknown>;
    switch (h.op) {
      case 'hello':
        return { header: { protocol: BRIDGE_PROTOCOL, rank: this.comm?.rank ?? 0, size: this.comm?.size ?? 1 } };
      case 'build':
        return { header: this.build(h) };
      case 'run':
        return { header: this.run(h.ms) };
      case 'events':
        return this.events(h.ref as number);
      case 'get':
        return this.get(h.ref as number, h.variable as string);
      case 'set':
        this.node(h.ref as number, 'ref', Population).set(h.variable as string, h.value as never);
        return { header: {} };
      case 'set_params':
        return { header: this.setParams(h.ref as number, h.params as Record<string, number>) };
      case 'set_synapses':
        return { header: this.setSynapses(h.ref as number, h.values as Record<string, unknown>) };
      case 'set_device': {
        const dev = this.node(h.ref as number, 'ref', Device);
        // A generator without a runtime setter (poisson_generator) takes new values the way populations do.
        if (!(dev.runtime as { set?: unknown }).set) return { header: this.setParams(h.ref as number, h.params as Record<string, number>) };
        dev.set(h.params as Record<string, unknown>);
        return { header: {} };
      }
      case 'connections':
        return this.connections(h.ref as number);
      case 'status':
        return { header: this.status() };
      default:
        throw new ParameterError('bridge', 'op', h.op, "one of 'hello', 'build', 'run', 'events', 'get', 'set', 'set_params', 'set_device', 'status', 'end'");
    }
  }

  private get current(): Simulator {
    if (!this.sim) throw new SpikeworksError("bridge: no network yet (send 'build' first)");
    return this.sim;
  }

  private node<T extends Population | Device>(ref: number, role: string, type: abstract new (...a: never[]) => T): T {
    const n = this.nodes.get(ref);
    const what = (type as unknown) === Population ? 'population' : 'device';
    if (!(n instanceof type)) throw new ParameterError('bridge', role, ref, `the ref of a ${what} of the current network`);
    return n;
  }

  private nodeRef(r: NodeRef, role: string): Node {
    if (typeof r === 'number') return this.nodes.get(r) ?? this.node(r, role, Population);
    const pop = this.node(r.ref, `${role}.ref`, Population);
    return pop.slice(r.start, r.end);
  }

  /** A new network from a list of TypeScript API calls (the old one is closed): create, set, connect. */
  private build(h: Record<string, unknown>): Record<string, unknown> {
    this.close();
    const sim = new Simulator({ plugins: this.plugins, dt: h.dt as number, seed: h.seed as number, comm: this.comm });
    this.sim = sim;
    const out: Record<number, { firstGid: number; size: number } | { gid: number }> = {};
    const ops = h.ops as BuildOp[];
    if (!Array.isArray(ops)) throw new ParameterError('bridge build', 'ops', ops, 'a list of create/set/connect calls');
    ops.forEach((op, k) => {
      try {
        if (op.do === 'create') {
          const made = sim.create(op.model as never, op.n, op.params as never, op.integrator ? { integrator: op.integrator } : undefined) as Population | Device;
          this.nodes.set(op.ref, made);
          this.order.push(op.ref);
          out[op.ref] = made instanceof Population ? { firstGid: made.firstGid, size: made.size } : { gid: made.gid };
        } else if (op.do === 'set') {
          this.node(op.ref, 'ref', Population).set(op.variable, op.value as never);
        } else if (op.do === 'connect') {
          let conn = op.conn;
          if (op.list) {
            const id = this.lists.size;
            this.lists.set(id, { sources: Int32Array.from(op.list.sources), targets: Int32Array.from(op.list.targets) });
            conn = { ...(typeof conn === 'object' ? conn : {}), rule: 'from_list', list: id };
          }
          const made = sim.connect(this.nodeRef(op.pre, 'pre'), this.nodeRef(op.post, 'post'), conn as never, op.syn as never);
          if (made && op.ref !== undefined) {
            this.projections.set(op.ref, sim.projections.indexOf(made));
            this.connectionOf.set(op.ref, sim.network.log.connections.length - 1);
          }
        } else {
          throw new ParameterError('bridge build', `ops[${k}].do`, (op as { do: unknown }).do, "'create', 'set' or 'connect'");
        }
      } catch (e) {
        // A half-built network is no network: the next message must not run it.
        this.close();
        if (e instanceof Error) (e as Error & { op?: number }).op = k;
        throw e;
      }
    });
    return { nodes: out };
  }

  private run(ms: unknown): Record<string, unknown> {
    const sim = this.current;
    const t0 = performance.now();
    sim.simulate(ms as number);
    // Collective: every rank's Python script runs the same calls, so every rank gathers here.
    if (sim.size > 1) this.merged = gatherRun(sim);
    return { t: sim.time, seconds: (performance.now() - t0) / 1000 };
  }

  /** A recorder's events since the last call: every field as a payload (senders as gids, times in ms). */
  private events(ref: number): { header: Record<string, unknown>; arrays: TypedArray[] } {
    const dev = this.node(ref, 'ref', Device);
    const ev = (this.merged && this.current.size > 1 ? this.merged.events.get(dev.gid) ?? {} : dev.events()) as Record<string, ArrayLike<number>>;
    const names = Object.keys(ev).filter((k) => typeof ev[k]?.length === 'number');
    const total = names.length ? ev[names[0]].length : 0;
    const from = Math.min(this.sent.get(ref) ?? 0, total);
    this.sent.set(ref, total);
    // The new events only, copied once into the payload's type.
    const arrays = names.map((k) => {
      const v = ev[k];
      const out = k === 'senders' ? new Int32Array(total - from) : new Float64Array(total - from);
      for (let i = 0; i < out.length; i++) out[i] = v[from + i];
      return out;
    });
    return { header: { fields: names }, arrays };
  }

  /** A projection's synapses: source and target indices, weights (the engine's, signed) and delays in ms. */
  private connections(ref: number): { header: Record<string, unknown>; arrays: TypedArray[] } {
    const sim = this.current;
    const index = this.projections.get(ref);
    if (index === undefined) throw new ParameterError('bridge connections', 'ref', ref, 'the ref of a projection of the current network');
    sim.prepare();
    const p = sim.projections[index];
    const t = p.table;
    const sources = new Int32Array(t.count);
    for (let s = 0; s < t.sourceCount; s++) sources.fill(s, t.rowStart[s], t.rowStart[s + 1]);
    const lo = p.target.localStart;
    const targets = Int32Array.from(t.target, (x) => x + lo);
    const weights = Float64Array.from(p.weights());
    const delays = t.delay ? Float64Array.from(t.delay, (d) => d * sim.dt) : new Float64Array(t.count).fill(t.homDelay * sim.dt);
    if (sim.size === 1) return { header: {}, arrays: [sources, targets, weights, delays] };
    // Every rank's synapses (each holds its targets' rows), in one process's order: by source, then rank.
    const parts = this.allgather([sources, targets, weights, delays]);
    const columns = [0, 1, 2, 3].map((k) => concatenated(parts.map((q) => q[k])));
    const bySource = columns[0];
    const order = Uint32Array.from({ length: bySource.length }, (_, i) => i).sort((a, b) => bySource[a] - bySource[b] || a - b);
    return { header: {}, arrays: columns.map((c) => c.map((_, i) => c[order[i]]) as TypedArray) };
  }

  private get(ref: number, variable: string): { header: Record<string, unknown>; arrays: TypedArray[] } {
    const pop = this.node(ref, 'ref', Population);
    const local = Float64Array.from(pop.get(variable));
    if (this.current.size === 1) return { header: {}, arrays: [local] };
    // Each rank holds a block of the population: put every rank's block at its place.
    const whole = new Float64Array(pop.size);
    for (const [start, values] of this.allgather([Float64Array.of(pop.localStart), local])) whole.set(values, start[0]);
    return { header: {}, arrays: [whole] };
  }

  /** Every rank's arrays, in rank order (collective). */
  private allgather(arrays: TypedArray[]): TypedArray[][] {
    const comm = this.current.comm;
    if (!comm.allgatherBytes) throw new SpikeworksError(`bridge: this transport (${comm.size} ranks) cannot gather arrays`);
    return comm.allgatherBytes(new Uint8Array(serialize(arrays))).map((b) => deserialize(b) as TypedArray[]);
  }

  /**
   * New parameter values of a population (or a generator) between runs: the engine fixes parameters when it builds a
   * population, so the simulator is saved, rebuilt from its spec with the new values and restored (state,
   * queues and random streams as they were).
   */
  private setParams(ref: number, params: Record<string, number>): Record<string, unknown> {
    const node = this.nodes.get(ref);
    if (!(node instanceof Population) && !(node instanceof Device && node.kind === 'generator')) {
      throw new ParameterError('bridge set_params', 'ref', ref, 'the ref of a population or a generator of the current network');
    }
    const index = this.order.indexOf(ref);
    return this.rebuild((spec) => {
      const changed = spec.nodes[index] as { params?: Record<string, unknown> };
      changed.params = { ...(changed.params ?? {}), ...params };
    });
  }

  /**
   * New weights or delays of a static projection between runs (PyNN's Projection.set): a scalar, or one value per
   * synapse in the order of the projection's connection list. Spikes already on their way keep their weights.
   */
  private setSynapses(ref: number, values: Record<string, unknown>): Record<string, unknown> {
    const sim = this.current;
    const at = this.connectionOf.get(ref);
    const index = this.projections.get(ref);
    if (at === undefined || index === undefined) throw new ParameterError('bridge set_synapses', 'ref', ref, 'the ref of a projection of the current network');
    const p = sim.projections[index];
    if (p.synapseModel.plastic) {
      throw new ParameterError('bridge set_synapses', 'synapse_model', p.synapseModel.name, 'a static synapse model (a plastic projection keeps its own weights)');
    }
    for (const [k, v] of Object.entries(values)) {
      if (k !== 'weight' && k !== 'delay') throw new ParameterError('bridge set_synapses', 'values', k, "'weight' or 'delay'");
      // An array's length is checked by the rebuild, against the connection list it goes with.
      if (!(typeof v === 'number' ? Number.isFinite(v) : ArrayBuffer.isView(v))) throw new ParameterError('bridge set_synapses', k, jsonSafe(v), 'a finite number, or an array of one value per connection of the list');
    }
    try {
      return this.rebuild((spec) => {
        const c = spec.connections[at];
        c.syn = { ...((c.syn ?? {}) as Record<string, unknown>), ...values } as typeof c.syn;
      });
    } catch (e) {
      if (!(e instanceof SpikeworksError && /DelaySteps/.test(e.message))) throw e;
      const { minDelaySteps, maxDelaySteps } = sim.clock;
      throw new ParameterError('bridge set_synapses', 'delay', jsonSafe(values.delay), `delays that keep the network's shortest and longest delay of its first run (${minDelaySteps * sim.dt} and ${maxDelaySteps * sim.dt} ms: time advances in slices of the shortest, rings hold the longest)`);
    }
  }

  /**
   * The engine fixes parameters and synapses when it builds, so the simulator is saved, rebuilt from its spec
   * as `change` edits it, and restored (state, queues and random streams as they were).
   */
  private rebuild(change: (spec: NetworkSpec) => void): Record<string, unknown> {
    const sim = this.current;
    const bytes = sim.toCheckpoint();
    const restored = restoreSimulator(bytes, { plugins: this.plugins, comm: this.comm }, 'bridge', (spec: NetworkSpec, plugins, rest) => {
      // The checkpoint's spec is JSON, where an infinite value (a device's stop) became null: the handles have it.
      spec.nodes.forEach((n, i) => {
        const values = (n as { params?: Record<string, unknown> }).params;
        const handle = this.nodes.get(this.order[i]);
        for (const k of Object.keys(values ?? {})) if (values![k] === null && handle) values![k] = handle.params[k];
      });
      change(spec);
      return Simulator.fromSpec(spec, plugins, rest) as unknown as CheckpointHost;
    }) as unknown as Simulator;
    const handles = restored.network.log.handles;
    sim.close();
    this.sim = restored;
    this.nodes = new Map(this.order.map((r, i) => [r, handles[i]]));
    return { t: restored.time };
  }

  private status(): Record<string, unknown> {
    const sim = this.current;
    return { t: sim.time, dt: sim.dt, rank: sim.rank, size: sim.size, synapses: sim.synapseCount() };
  }

  close(): void {
    this.sim?.close();
    this.sim = null;
    this.nodes = new Map();
    this.projections = new Map();
    this.connectionOf = new Map();
    this.order = [];
    this.sent = new Map();
    this.merged = null;
    this.lists.clear();
  }
}

/** Arrays of one type, one after the other. */
function concatenated(arrays: TypedArray[]): TypedArray {
  const Type = arrays[0].constructor as new (n: number) => TypedArray;
  const out = new Type(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** An error as the Python side raises it: the class name and, for a ParameterError, its parts. */
export function errorReply(e: unknown): Record<string, unknown> {
  const op = (e as { op?: number })?.op;
  if (e instanceof ParameterError) return { type: 'ParameterError', message: e.message, parameter: e.parameter, value: jsonSafe(e.value), allowed: e.allowed, op };
  if (e instanceof UnknownNameError) return { type: 'UnknownNameError', message: e.message, requested: e.requested, known: e.known, op };
  if (e instanceof SpikeworksError) return { type: e.name, message: e.message, op };
  return { type: 'InternalError', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e), op };
}

function jsonSafe(v: unknown): unknown {
  try {
    JSON.stringify(v);
    return ArrayBuffer.isView(v) ? `an array of length ${(v as TypedArray).length}` : v;
  } catch {
    return String(v);
  }
}

/** Read exactly n bytes from fd 0 (blocking); null at end of input. */
function readExactly(n: number): Buffer | null {
  const out = Buffer.allocUnsafe(n);
  let got = 0;
  while (got < n) {
    let r: number;
    try {
      r = readSync(0, out, got, n - got, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((e as NodeJS.ErrnoException).code === 'EOF') return null;
      throw e;
    }
    if (r === 0) return null;
    got += r;
  }
  return out;
}

function writeAll(buf: Buffer): void {
  let at = 0;
  while (at < buf.length) {
    try {
      at += writeSync(1, buf, at, buf.length - at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

/** The message loop on stdin/stdout: synchronous, so one message is handled at a time, in order. */
export function serveBridge(comm?: CommRuntime): void {
  const session = new BridgeSession(comm);
  for (;;) {
    const len = readExactly(4);
    if (!len) break;
    const body = readExactly(len.readUInt32LE(0));
    if (!body) break;
    let reply: Buffer;
    let end = false;
    try {
      const m = decodeFrame(body);
      if (m.header.op === 'end') {
        end = true;
        reply = encodeFrame({ ok: true });
      } else {
        const r = session.handle(m);
        reply = encodeFrame({ ok: true, ...r.header }, r.arrays ?? []);
      }
    } catch (e) {
      reply = encodeFrame({ ok: false, error: errorReply(e) });
    }
    writeAll(reply);
    if (end) break;
  }
  session.close();
}

export function registerBridge(program: Command): void {
  program
    .command('bridge')
    .description('the engine behind pyNN.spikeworks: framed messages on stdin, replies on stdout (docs/pynn.md)')
    .option('--comm <backend>', "'local' (one process) or 'mpi' (this process is one rank of an mpirun job, as pyNN.spikeworks starts it there)", 'local')
    .action((o: { comm: string }) => {
      if (o.comm !== 'local' && o.comm !== 'mpi') throw new ParameterError('spikeworks bridge', '--comm', o.comm, "'local' or 'mpi'");
      serveBridge(o.comm === 'mpi' ? mpiWorld() : undefined);
      process.exit(0);
    });
}
