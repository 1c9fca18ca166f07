import { createHash } from 'node:crypto';
import { DTYPES } from './spec-json.js';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import packageJson from '../package.json';
import { SpikeworksError } from './errors.js';
import { CheckpointError, describeValue, restoreArray, savedList, savedNumber, savedRecord } from './saved-state.js';
import { C } from './components.js';
import { encodeSpecJson, decodeSpecJson } from './spec-json.js';
import type { NetworkSpec } from './spec.js';
import type { Network } from './network.js';
import type { Clock } from './services.js';
import type { RunStats } from './stats.js';
import type { Checkpointable, SavedState, SavedValue } from './contracts/base.js';
import type { SystemPlugin, SystemRunner } from './contracts/system.js';

/**
 * Checkpoints: the whole state of a simulation in one file, from which a fresh simulator continues exactly
 * as the interrupted one would have (the same spikes, bit for bit). A checkpoint holds the network's spec
 * (rebuilt on restore: the same seed gives the same connectivity and the same random streams, every stream
 * being keyed by what it belongs to) and the dynamic state, written over the rebuilt network once it is
 * prepared: the step, every population's state component and input ring, what each runtime keeps of its
 * own through its saveState/loadState hooks (kernels, synapse runtimes, generators, recorders, user
 * systems' runners), the spike counts. The file format is in docs/checkpoint.md.
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

export { CheckpointError, savedArray, savedNumber, savedRecord, savedList, restoreArray, compactState } from './saved-state.js';

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

// ------------------------------------------------------------------ the state of one simulator

/** What a checkpoint reads from and writes into: the parts of one simulator (rank). */
export interface CheckpointSubject {
  readonly network: Network;
  readonly clock: Clock;
  readonly stats: RunStats;
  /** The systems the scheduler prepared, with their runners, in scheduling order. */
  readonly systems: readonly { readonly system: SystemPlugin; readonly runner: SystemRunner }[];
  /** The engine's own systems: they carry nothing from one slice to the next. */
  readonly coreSystems: readonly SystemPlugin[];
}

function hasHooks(rt: unknown): rt is Required<Checkpointable> {
  return typeof rt === 'object' && rt !== null && typeof (rt as Checkpointable).saveState === 'function' && typeof (rt as Checkpointable).loadState === 'function';
}

/** An error of a hook with what it was about (the file, the entity) in front, unless it says so already. */
function contextual(e: unknown, what: string): Error {
  if (e instanceof CheckpointError && /^(restore|checkpoint)\b/.test(e.message)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new CheckpointError(`${what}: ${msg}`);
}

/**
 * The dynamic state of a prepared simulator (one rank). Every runtime is asked for its hooks first: when
 * any lacks them, nothing is saved and the error names each (a model with state the checkpoint would lose).
 */
export function captureState(sim: CheckpointSubject): SavedState {
  const net = sim.network;
  const world = net.world;
  const missing: string[] = [];
  const need = (rt: unknown, what: string) => {
    if (!hasHooks(rt)) missing.push(what);
  };
  for (const pop of net.populations) {
    need(world.get(pop.eid, C.kernel), `population ${pop.id} (${pop.model}, integrator '${pop.integrator}'): its kernel`);
    const ring = world.get(pop.eid, C.ring) as unknown;
    if (!hasHooks(ring)) missing.push(`population ${pop.id} (${pop.model}): its input ring`);
  }
  for (const pr of net.projections) need(world.get(pr.eid, C.synapseRuntime), `${world.label(pr.eid)}: its synapse runtime`);
  for (const d of net.devices) need(d.runtime, `${d.kind} ${d.model} (node ${d.gid})`);
  for (const { system, runner } of sim.systems) if (!sim.coreSystems.includes(system)) need(runner, `system '${system.name}': its runner`);
  if (missing.length) {
    throw new CheckpointError(
      `checkpoint: ${missing.join('; ')} ${missing.length === 1 ? 'has' : 'have'} no saveState/loadState hooks, so their state would be lost. ` +
        'A runtime whose state is all in its state component spreads NO_PRIVATE_STATE; one with state of its own saves it (docs/checkpoint.md)',
    );
  }
  const save = (rt: unknown, what: string): SavedState => {
    try {
      return (rt as Required<Checkpointable>).saveState();
    } catch (e) {
      throw contextual(e, `checkpoint: ${what}`);
    }
  };
  const populations = net.populations.map((pop): SavedState => {
    const { component } = world.get(pop.eid, C.scheme);
    const data = world.get(pop.eid, component);
    const state: Record<string, SavedValue> = {};
    for (const [k, a] of Object.entries(data)) state[k] = a;
    const ring = world.get(pop.eid, C.ring) as unknown as Required<Checkpointable>;
    return {
      id: pop.id, model: pop.model, integrator: pop.integrator, localCount: pop.localCount, component: component.name, state,
      ring: save(ring, `population ${pop.id}: its input ring`),
      kernel: save(world.get(pop.eid, C.kernel), `population ${pop.id} (${pop.model}/${pop.integrator}): its kernel`),
    };
  });
  const projections = net.projections.map((pr): SavedState => ({
    id: pr.id, model: pr.synapseModel.name, count: pr.table.count,
    runtime: save(world.get(pr.eid, C.synapseRuntime), world.label(pr.eid)),
  }));
  const devices = net.devices.map((d): SavedState => ({
    gid: d.gid, model: d.model, kind: d.kind, params: { ...d.params },
    runtime: save(d.runtime, `${d.kind} ${d.model} (node ${d.gid})`),
  }));
  const systems = sim.systems
    .filter(({ system }) => !sim.coreSystems.includes(system))
    .map(({ system, runner }): SavedState => ({ name: system.name, runner: save(runner, `system '${system.name}'`) }));
  const t = sim.stats.times;
  return {
    clock: { step: sim.clock.step, minDelaySteps: sim.clock.minDelaySteps, maxDelaySteps: sim.clock.maxDelaySteps },
    stats: { localSpikes: sim.stats.localSpikes, times: { update: t.update, propagate: t.propagate, exchange: t.exchange, control: t.control } },
    populations, projections, devices, systems,
  };
}

function entries(list: readonly SavedValue[], where: string): SavedState[] {
  return list.map((x, i) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x) || ArrayBuffer.isView(x)) throw new CheckpointError(`${where}[${i}]: ${describeValue(x)}, a record expected`);
    return x as SavedState;
  });
}

/** A saved state checked against a rebuilt network, waiting for the network to be prepared. */
export interface PendingRestore {
  readonly file: string;
  readonly state: SavedState;
  readonly pops: SavedState[];
  readonly projs: SavedState[];
  readonly devs: SavedState[];
}

function differs(file: string, what: string): CheckpointError {
  return new CheckpointError(`restore ${file}: the network rebuilt from the checkpoint's spec differs from the saved one (${what}); restore with the plugins it was written with`);
}

function load(rt: unknown, saved: SavedState, where: string, what: string): void {
  if (!hasHooks(rt)) throw new CheckpointError(`${where}: ${what} has no loadState hook`);
  try {
    rt.loadState(saved);
  } catch (e) {
    throw contextual(e, `${where}: ${what}`);
  }
}

/**
 * First half of a restore, on the network rebuilt from the checkpoint's spec before it is prepared: check it
 * is the saved one (populations with their models, integrators, neurons here and state variables;
 * projections with their synapse counts here; devices), then give the recorders their state, so that a file
 * recorder has reopened its file when prepare would open a new one. Nothing is written before every check passed.
 */
export function restoreBuilt(network: Network, state: SavedState, file: string): PendingRestore {
  const world = network.world;
  const where = `restore ${file}`;
  const pops = entries(savedList(state, 'populations', where), `${where}: populations`);
  const projs = entries(savedList(state, 'projections', where), `${where}: projections`);
  const devs = entries(savedList(state, 'devices', where), `${where}: devices`);
  if (pops.length !== network.populations.length) throw differs(file, `${network.populations.length} populations here, ${pops.length} saved`);
  if (projs.length !== network.projections.length) throw differs(file, `${network.projections.length} projections here, ${projs.length} saved`);
  if (devs.length !== network.devices.length) throw differs(file, `${network.devices.length} devices here, ${devs.length} saved`);
  network.populations.forEach((pop, i) => {
    const s = pops[i];
    if (s.id !== pop.id || s.model !== pop.model || s.integrator !== pop.integrator || s.localCount !== pop.localCount) {
      throw differs(file, `population ${pop.id} is ${pop.model}/${pop.integrator} with ${pop.localCount} neurons here, ${String(s.model)}/${String(s.integrator)} with ${String(s.localCount)} saved`);
    }
    const data = world.get(pop.eid, world.get(pop.eid, C.scheme).component);
    const saved = savedRecord(s, 'state', `${where}: population ${pop.id}`);
    const here = Object.keys(data).sort().join(', ');
    const there = Object.keys(saved).sort().join(', ');
    if (here !== there) throw differs(file, `population ${pop.id}'s state variables are ${here} here, ${there} saved`);
  });
  network.projections.forEach((pr, i) => {
    const s = projs[i];
    if (s.id !== pr.id || s.model !== pr.synapseModel.name || s.count !== pr.table.count) {
      throw differs(file, `projection ${pr.id} is ${pr.synapseModel.name} with ${pr.table.count} synapses here, ${String(s.model)} with ${String(s.count)} saved`);
    }
  });
  network.devices.forEach((d, i) => {
    const s = devs[i];
    if (s.gid !== d.gid || s.model !== d.model) throw differs(file, `node ${d.gid} is a ${d.model} here, node ${String(s.gid)} a ${String(s.model)} saved`);
    savedRecord(s, 'params', where);
    savedRecord(s, 'runtime', where);
  });
  network.devices.forEach((d, i) => {
    if (d.kind === 'recorder') load(d.runtime, savedRecord(devs[i], 'runtime', where), where, `recorder ${d.model} (node ${d.gid})`);
  });
  return { file, state, pops, projs, devs };
}

/**
 * Second half of a restore, once the network is prepared: its min and max delay and its systems must be
 * the saved ones; then every population's state component, input ring and kernel, every synapse runtime,
 * generator and user system's runner get their state, the spike counts theirs, and the clock the saved step.
 */
export function restorePrepared(sim: CheckpointSubject, pending: PendingRestore): void {
  const { file, state, pops, projs, devs } = pending;
  const net = sim.network;
  const world = net.world;
  const where = `restore ${file}`;
  const clock = savedRecord(state, 'clock', where);
  const step = savedNumber(clock, 'step', where);
  for (const k of ['minDelaySteps', 'maxDelaySteps'] as const) {
    const v = savedNumber(clock, k, where);
    if (v !== sim.clock[k]) throw differs(file, `${k} ${sim.clock[k]} here, ${v} saved`);
  }
  const syss = entries(savedList(state, 'systems', where), `${where}: systems`);
  const systems = sim.systems.filter(({ system }) => !sim.coreSystems.includes(system));
  if (syss.length !== systems.length || syss.some((s, i) => s.name !== systems[i].system.name)) {
    throw differs(file, `systems ${systems.map((s) => `'${s.system.name}'`).join(', ') || '(none)'} here, ${syss.map((s) => `'${String(s.name)}'`).join(', ') || '(none)'} saved`);
  }
  net.populations.forEach((pop, i) => {
    const s = pops[i];
    const what = `population ${pop.id} (${pop.model}/${pop.integrator})`;
    const data = world.get(pop.eid, world.get(pop.eid, C.scheme).component);
    const saved = savedRecord(s, 'state', `${where}: ${what}`);
    for (const [k, a] of Object.entries(data)) restoreArray(saved, k, a, `${where}: ${what}, state variable`);
    load(world.get(pop.eid, C.ring), savedRecord(s, 'ring', where), where, `${what}: its input ring`);
    load(world.get(pop.eid, C.kernel), savedRecord(s, 'kernel', where), where, `${what}: its kernel`);
  });
  net.projections.forEach((pr, i) => load(world.get(pr.eid, C.synapseRuntime), savedRecord(projs[i], 'runtime', where), where, world.label(pr.eid)));
  net.devices.forEach((d, i) => {
    const params = savedRecord(devs[i], 'params', where);
    const p: Record<string, number> = {};
    for (const [k, v] of Object.entries(params)) {
      if (typeof v !== 'number') throw new CheckpointError(`${where}: node ${d.gid} (${d.model}): saved parameter '${k}' is ${describeValue(v)}, a number expected`);
      p[k] = v;
    }
    (d as { params: Readonly<Record<string, number>> }).params = p;
    if (d.kind === 'generator') load(d.runtime, savedRecord(devs[i], 'runtime', where), where, `generator ${d.model} (node ${d.gid})`);
  });
  systems.forEach(({ system, runner }, i) => load(runner, savedRecord(syss[i], 'runner', where), where, `system '${system.name}'`));
  const stats = savedRecord(state, 'stats', where);
  restoreArray(stats, 'localSpikes', sim.stats.localSpikes, `${where}: spike counts`);
  const times = savedRecord(stats, 'times', where);
  for (const k of ['update', 'propagate', 'exchange', 'control'] as const) sim.stats.times[k] = savedNumber(times, k, `${where}: phase times`);
  sim.clock.step = step;
}

// ------------------------------------------------------------------ the file

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
  const hash = createHash('sha256');
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
    const digest = createHash('sha256').update(bytes.subarray(PRELUDE_BYTES)).digest();
    if (Buffer.compare(digest, bytes.subarray(24, 56)) !== 0) throw bad('its SHA-256 checksum does not match its contents (the file is corrupt)');
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
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  let fd = -1;
  try {
    fd = openSync(tmp, 'w');
    for (const c of chunks) {
      for (let at = 0; at < c.byteLength; ) at += writeSync(fd, c, at, c.byteLength - at);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e instanceof SpikeworksError ? e : new CheckpointError(`checkpoint ${path}: ${(e as Error).message}`);
  }
  return bytes;
}

/** The file's bytes, or a CheckpointError saying it cannot be read. */
export function readCheckpointFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
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
