import { CheckpointError, describeValue, restoreArray, savedList, savedNumber, savedRecord } from './saved-state.js';
import { C } from './components.js';
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

export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, SPIKEWORKS_VERSION } from './checkpoint-file.js';
export {
  checkpointSummary, concatChunks, decodeCheckpoint, encodeCheckpoint, readCheckpointFile, writeCheckpointFile,
  type CheckpointData, type CheckpointSummary,
} from './checkpoint-file.js';
export { CheckpointError, savedArray, savedNumber, savedRecord, savedList, restoreArray, compactState } from './saved-state.js';

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

