import { C } from '../components.js';
import { SpikeList } from '../spikes.js';
import type { SystemPlugin } from '../contracts/system.js';
import type { SynapseRuntime } from '../contracts/synapse.js';
import type { SpikeBatch } from '../contracts/backend.js';
import type { Fired } from '../spikes.js';
import type { Projection } from '../handles.js';

function describeProjection(p: Projection, rt: SynapseRuntime): string {
  const opts = Object.values(p.options);
  const caps = Object.keys(rt.capabilities ?? {});
  return `projection ${p.id} ${p.synapseModel.name}${opts.length ? ` (${opts.join(', ')})` : ''}, population ${p.source.id} → ${p.target.id}, ${p.table.count} synapses here${caps.length ? ` [${caps.join(', ')}]` : ''}`;
}

/**
 * Plastic projections see their target population's spikes of every step (count 0 included: axonal-delay
 * rules apply the pre-spike arrivals due next step here), ordered by target population, then projection.
 */
export const postSpikeSystem: SystemPlugin = {
  kind: 'system',
  name: 'post-spikes',
  doc: "plastic projections read their target population's spikes of the step",
  phase: 'plasticity',
  query: [C.projection, C.synapseRuntime],
  prepare({ world }, entities) {
    const chosen = entities
      .filter((e) => world.get(e, C.synapseRuntime).onPostSpikes)
      .map((e) => world.get(e, C.projection))
      .sort((a, b) => a.target.id - b.target.id || a.id - b.id);
    if (chosen.length === 0) return null;
    const rts: SynapseRuntime[] = chosen.map((p) => world.get(p.eid, C.synapseRuntime));
    const fired: Fired[] = chosen.map((p) => world.get(p.target.eid, C.fired));
    return {
      step(s: number) {
        for (let k = 0; k < rts.length; k++) rts[k].onPostSpikes!(fired[k].index, fired[k].count, s);
      },
      describe: () => chosen.map((p, i) => describeProjection(p, rts[i])),
    };
  },
};

/** The transport gathers every rank's spikes of the slice, in canonical (step, gid) order. */
export const exchangeSystem: SystemPlugin = {
  kind: 'system',
  name: 'exchange',
  doc: "the transport gathers every rank's spikes of the slice",
  phase: 'exchange',
  query: [],
  prepare({ spikes, services }) {
    const comm = services.transport;
    return {
      slice() {
        spikes.all = comm.exchange(spikes.local);
      },
      describe: () => [`${comm.size} rank${comm.size === 1 ? '' : 's'} (this is rank ${comm.rank})`],
    };
  },
};

/**
 * A projection's runtime as propagation calls it: itself, or, with transmission listeners (a weight_recorder),
 * one that tells them of each delivered spike; spike by spike then (no batches), so that each sees its weights.
 */
function observed(rt: SynapseRuntime, p: Projection): SynapseRuntime {
  const listeners = p.transmissionListeners;
  if (listeners.length === 0) return rt;
  return {
    deliver(src: number, step: number) {
      rt.deliver(src, step);
      for (const l of listeners) l(src, step);
    },
    bytesPerSynapse: () => rt.bytesPerSynapse(),
    weights: () => rt.weights(),
  };
}

/**
 * Every spike of the slice reaches the projections leaving its population. Spike by spike (each spike to
 * each of its projections, in time order) unless a runtime takes batches: then the spikes are split by
 * source population and each projection gets its population's spikes at once. Each projection still sees
 * its spikes in time order; only the interleaving of different projections' additions into a ring differs.
 */
export const propagateSystem: SystemPlugin = {
  kind: 'system',
  name: 'propagate',
  doc: 'spikes go through the synapse tables of their projections into the targets\' rings at t + delay',
  phase: 'propagate',
  query: [C.projection, C.synapseRuntime],
  prepare({ world, spikes }, entities) {
    const pops = world.query([C.population]).map((e) => world.get(e, C.population));
    if (pops.length === 0) return null;
    const projections = entities.map((e) => world.get(e, C.projection));
    const outgoing: SynapseRuntime[][] = pops.map(() => []);
    for (const p of projections) outgoing[p.source.id].push(observed(world.get(p.eid, C.synapseRuntime), p));
    const firsts = Int32Array.from(pops, (p) => p.firstGid);
    const nPops = firsts.length;
    const batched = outgoing.some((list) => list.some((rt) => rt.capabilities?.batch));
    const lists = batched ? pops.map(() => new SpikeList()) : [];
    const spikeBySpike = (batch: SpikeBatch): void => {
      for (let k = 0; k < batch.count; k++) {
        const gid = batch.gids[k];
        // Few populations: a linear scan from the top beats a binary search.
        let p = nPops - 1;
        while (p > 0 && firsts[p] > gid) p--;
        const out = outgoing[p];
        const src = gid - firsts[p];
        const step = batch.steps[k];
        for (let j = 0; j < out.length; j++) out[j].deliver(src, step);
      }
    };
    const byPopulation = (batch: SpikeBatch): void => {
      // Room for the whole batch in every list up front: no capacity check per spike.
      for (let p = 0; p < nPops; p++) {
        lists[p].count = 0;
        lists[p].ensure(batch.count);
      }
      for (let k = 0; k < batch.count; k++) {
        const gid = batch.gids[k];
        let p = nPops - 1;
        while (p > 0 && firsts[p] > gid) p--;
        const list = lists[p];
        list.gids[list.count] = gid - firsts[p];
        list.steps[list.count++] = batch.steps[k];
      }
      for (let p = 0; p < nPops; p++) {
        const list = lists[p];
        if (list.count === 0) continue;
        const out = outgoing[p];
        for (let j = 0; j < out.length; j++) {
          const rt = out[j];
          const deliverBatch = rt.capabilities?.batch;
          if (deliverBatch) deliverBatch(list.gids, list.steps, list.count);
          else for (let k = 0; k < list.count; k++) rt.deliver(list.gids[k], list.steps[k]);
        }
      }
    };
    const run = batched ? byPopulation : spikeBySpike;
    return {
      slice() {
        run(spikes.all);
      },
      capabilities: batched ? ['batch'] : [],
      describe: () => [
        batched ? 'split by source population, batches where a runtime takes them' : 'spike by spike',
        ...projections.map((p) => describeProjection(p, world.get(p.eid, C.synapseRuntime))),
      ],
    };
  },
};
