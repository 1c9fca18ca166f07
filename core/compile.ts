import { RingBuffer } from './ringbuffer.js';
import { C } from './components.js';
import { localRange } from './partition.js';
import type { Network } from './network.js';
import type { Services } from './services.js';
import { BlockedTable, blockedRuntime } from './blocks.js';
import type { ProjectionInfo, SynapseTable } from './contracts/synapse.js';

/** Min and max delay in steps over this rank's synapses and device links. */
function localDelays(net: Network): { min: number; max: number } {
  let min = Infinity;
  let max = 1;
  for (const pr of net.projections) {
    const whole: SynapseTable = pr.table;
    // A blocked projection's tables one by one, without merging them.
    for (const t of whole instanceof BlockedTable ? whole.blocks.map((b) => b.table) : [whole]) {
      if (t.count === 0 && !t.delay) continue;
      if (t.delay) {
        for (let k = 0; k < t.count; k++) {
          const d = t.delay[k];
          if (d < min) min = d;
          if (d > max) max = d;
        }
      } else {
        min = Math.min(min, t.homDelay);
        max = Math.max(max, t.homDelay);
      }
    }
  }
  for (const d of net.devices) {
    if (d.kind !== 'generator') continue;
    for (const l of net.world.get(d.eid, C.links)) max = Math.max(max, l.delaySteps);
  }
  return { min, max };
}

/**
 * Every rank must cut the same slices, but each holds only its targets' synapses, so its own extremes may
 * differ from another rank's: gather all ranks' extremes (a sum over a rank-indexed vector) and take the
 * global ones. Without projections no spike crosses ranks: one slice per step keeps devices exact.
 */
function globalDelays(net: Network, local: { min: number; max: number }): { min: number; max: number } {
  let { min, max } = local;
  const comm = net.transport;
  if (comm.size > 1) {
    const size = comm.size;
    const mine = new Float64Array(2 * size);
    mine[comm.rank] = Number.isFinite(min) ? min : 0;
    mine[size + comm.rank] = max;
    const all = comm.allreduceSum(mine);
    min = Infinity;
    for (let r = 0; r < size; r++) {
      if (all[r] > 0) min = Math.min(min, all[r]);
      max = Math.max(max, all[size + r]);
    }
  }
  if (!Number.isFinite(min)) min = 1;
  return { min, max };
}

/**
 * The compile step: the built network becomes a run plan in the world. Slices are the min delay long;
 * each population gets its kernel (over the state allocated at create) and an input ring of max delay +
 * min delay + 1 rows; each projection its runtime; each generator its targets' rings; each recorder a
 * prepare call. Runs once, when the first simulate() (or prepare()) is called.
 */
export function compile(net: Network, services: Services): { minDelaySteps: number; maxDelaySteps: number } {
  net.freeze();
  const world = net.world;
  const { min, max } = globalDelays(net, localDelays(net));
  net.clock.minDelaySteps = min;
  net.clock.maxDelaySteps = max;
  const slots = max + min + 1;
  net.stats.size(net.populations.length);
  for (const pop of net.populations) {
    const { scheme, component } = world.get(pop.eid, C.scheme);
    const kernel = scheme.create({
      n: pop.localCount, params: pop.params, dt: net.clock.dt, firstGid: pop.firstGid + pop.localStart, seed: net.random.seed,
      state: world.get(pop.eid, component), arena: world.get(pop.eid, C.arena), services,
    });
    world.attach(pop.eid, C.kernel, kernel);
    world.attach(pop.eid, C.ring, kernel.capabilities?.ownRing?.(slots) ?? new RingBuffer(pop.localCount, slots));
    world.attach(pop.eid, C.fired, { index: new Int32Array(Math.max(1, pop.localCount)), count: 0 });
  }
  for (const pr of net.projections) {
    const info: ProjectionInfo = {
      id: pr.id, source: pr.source, target: pr.target, table: pr.table, params: pr.params, options: pr.options,
      dt: net.clock.dt, seed: net.random.seed, targetParams: pr.target.params,
      targetKernel: world.get(pr.target.eid, C.kernel), targetRing: world.get(pr.target.eid, C.ring), services,
    };
    const rt = info.table instanceof BlockedTable ? blockedRuntime(info.table, info, (b) => pr.synapseModel.create(b)) : pr.synapseModel.create(info);
    world.attach(pr.eid, C.synapseRuntime, rt);
    // A runtime that keeps its own copy (in a kernel's memory) owns the table from now on: counted once.
    const own = rt.capabilities?.ownTable;
    if (own) world.attach(pr.eid, C.synapses, own);
  }
  for (const d of net.devices) {
    if (d.kind === 'generator') {
      const gen = world.get(d.eid, C.generator);
      for (const l of world.get(d.eid, C.links)) {
        const pop = l.population;
        const { lo, hi } = localRange(l.start, l.end, pop.localStart, pop.localCount);
        const local = new Int32Array(hi - lo);
        for (let i = 0; i < local.length; i++) local[i] = lo + i;
        gen.addTargets({ population: pop, local, weight: l.weight, delaySteps: l.delaySteps, ring: world.get(pop.eid, C.ring) });
      }
    } else world.get(d.eid, C.recorder).prepare?.({ nodeCount: net.nodeCount });
  }
  return { minDelaySteps: min, maxDelaySteps: max };
}
