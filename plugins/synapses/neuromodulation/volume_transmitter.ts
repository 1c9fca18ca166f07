import { ParameterError } from '../../../core/errors.js';
import { C } from '../../../core/components.js';
import { NO_PRIVATE_STATE, type SavedState } from '../../../core/contracts/base.js';
import { CheckpointError, savedArray } from '../../../core/saved-state.js';
import type { RecorderModel, RecordSource, RecorderRuntime, SystemPlugin } from '../../../core/plugin.js';
import type { SpikeBatch } from '../../../core/contracts/backend.js';
import type { ParamSchema } from '../../../core/schema.js';

/** What a neuromodulated projection is told at the end of every slice, before the slice's pre spikes are delivered. */
export interface TriggerListener {
  /** Bring every synapse up to step `to` with the spike list as it stands (NEST's trigger_update_weight). */
  trigger(to: number): void;
  /**
   * After any trigger, with the list restarted: `complete` says whether a min-delay slice ends at `to` (false
   * after a simulate() that stops mid-slice, where NEST delivers nothing until the slice is complete).
   */
  sliceEnd(to: number, complete: boolean): void;
}

/**
 * NEST's volume_transmitter: collects the spikes of the neurons connected to it (dopaminergic neurons) and
 * hands them to the synapses that name it (`vt`, its node id). A spike emitted in step s through a connection
 * of delay d is one dopamine spike at time (s + 1 + d)·dt, counted with multiplicity (spikes arriving in
 * one step add up; weights are ignored). Every `deliver_interval` min-delay slices, at the slice's end
 * t_trig, every synapse brings its state up to t_trig and the list restarts from a pseudo spike at t_trig
 * of multiplicity 0, as NEST's volume_transmitter::update does.
 *
 * Times are in steps. The runtime is replicated on every rank and reads every rank's spikes (after the
 * exchange), so each rank's synapses see the same dopamine spikes.
 */
export class VolumeTransmitterRuntime implements RecorderRuntime {
  /** The dopamine spikes since the last trigger (NEST's spikecounter): arrival times + 1 in steps, multiplicities. */
  times = new Int32Array(16);
  mult = new Float64Array(16);
  count = 1;
  /** Spikes on their way: multiplicity per arrival step, indexed by step modulo its length. */
  pending = new Float64Array(1);
  private readonly firstGid: number[] = [];
  private readonly endGid: number[] = [];
  private readonly delay: number[] = [];
  private readonly listeners: TriggerListener[] = [];

  constructor(readonly gid: number, readonly deliverInterval: number) {}

  addSources(src: RecordSource): void {
    if (!src.neuronsArePre) {
      throw new ParameterError(`connect volume_transmitter (node ${this.gid})`, 'post', `${src.pop.model} population ${src.pop.id}`, 'nothing: a volume transmitter only receives (connect the dopamine neurons to it); synapses name it with vt');
    }
    this.firstGid.push(src.pop.firstGid + src.start);
    this.endGid.push(src.pop.firstGid + src.end);
    this.delay.push(src.delaySteps());
  }

  /** A projection whose synapses take this transmitter's spikes and triggers. */
  listen(l: TriggerListener): void {
    this.listeners.push(l);
  }

  /**
   * A dopamine spike emitted in a slice must arrive after it (NEST's min delay counts the connections to the
   * transmitter); here the slices are cut by the synapses' delays, so a shorter connection is refused.
   */
  prepareRun(minDelaySteps: number, dt: number): void {
    let maxDelay = 1;
    for (let r = 0; r < this.delay.length; r++) {
      const d = this.delay[r];
      if (d < minDelaySteps) {
        throw new ParameterError(`connect -> volume_transmitter (node ${this.gid})`, 'delay', d * dt, `a delay >= the network's min delay, ${minDelaySteps * dt} ms (NEST counts this connection in its min delay; here the synapses' delays set it)`);
      }
      if (d > maxDelay) maxDelay = d;
    }
    if (this.pending.length < maxDelay + 1) this.pending = new Float64Array(maxDelay + 1);
  }

  /** One slice [from, to): take in what arrives within it, queue the slice's new spikes, trigger at the interval. */
  advance(all: SpikeBatch, from: number, to: number, minDelaySteps: number): void {
    const slots = this.pending.length;
    for (let a = from; a < to; a++) {
      const m = this.pending[a % slots];
      if (m === 0) continue;
      this.pending[a % slots] = 0;
      this.push(a + 1, m);
    }
    const ranges = this.firstGid.length;
    for (let k = 0; k < all.count; k++) {
      const gid = all.gids[k];
      for (let r = 0; r < ranges; r++) {
        if (gid >= this.firstGid[r] && gid < this.endGid[r]) this.pending[(all.steps[k] + this.delay[r]) % slots] += 1;
      }
    }
    if (to % (this.deliverInterval * minDelaySteps) === 0) {
      for (let l = 0; l < this.listeners.length; l++) this.listeners[l].trigger(to);
      this.count = 0;
      this.push(to, 0);
    }
    const complete = to % minDelaySteps === 0;
    for (let l = 0; l < this.listeners.length; l++) this.listeners[l].sliceEnd(to, complete);
  }

  private push(t: number, m: number): void {
    if (this.count === this.times.length) {
      const times = new Int32Array(this.count * 2);
      times.set(this.times);
      const mult = new Float64Array(this.count * 2);
      mult.set(this.mult);
      this.times = times;
      this.mult = mult;
    }
    this.times[this.count] = t;
    this.mult[this.count++] = m;
  }

  saveState(): SavedState {
    return { times: this.times.slice(0, this.count), mult: this.mult.slice(0, this.count), pending: this.pending };
  }

  loadState(s: SavedState): void {
    const where = `volume_transmitter (node ${this.gid})`;
    const times = savedArray(s, 'times', Int32Array, where);
    const mult = savedArray(s, 'mult', Float64Array, where, times.length);
    if (times.length < 1) throw new CheckpointError(`${where}: the saved spike list is empty (it always holds the last trigger)`);
    this.count = 0;
    for (let i = 0; i < times.length; i++) this.push(times[i], mult[i]);
    // Restored before the run is prepared: prepareRun keeps a queue of the right length.
    this.pending = savedArray(s, 'pending', Float64Array, where).slice();
  }
}

export const volumeTransmitterParams = {
  deliver_interval: { unit: 'min-delay slices', default: 1, min: 1, integer: true, doc: 'the synapses are updated every deliver_interval slices of the min delay' },
} as const satisfies ParamSchema;

export const volumeTransmitter: RecorderModel = {
  kind: 'recorder',
  name: 'volume_transmitter',
  doc: 'Collects the spikes of dopaminergic neurons for the neuromodulated synapses that name it (NEST volume_transmitter)',
  params: volumeTransmitterParams,
  create: (ctx) => {
    // NEST keeps the spike list from t = 0 with a pseudo spike of multiplicity 0 there.
    const rt = new VolumeTransmitterRuntime(ctx.gid, ctx.params.deliver_interval);
    rt.times[0] = 0;
    rt.mult[0] = 0;
    return rt;
  },
};

/**
 * After the exchange, before propagation: at the end of slice k NEST's volume transmitter has updated the
 * synapses (node update) before the pre spikes of slice k are delivered (at the start of slice k + 1).
 */
export const volumeTransmitterSystem: SystemPlugin = {
  kind: 'system',
  name: 'volume-transmitter',
  doc: 'volume transmitters take the dopamine spikes of the slice and trigger their synapses every deliver_interval slices',
  phase: 'exchange',
  query: [C.device, C.recorder],
  prepare({ world, spikes, clock }, entities) {
    const vts = entities.map((e) => world.get(e, C.recorder)).filter((r): r is VolumeTransmitterRuntime => r instanceof VolumeTransmitterRuntime);
    if (vts.length === 0) return null;
    for (const vt of vts) vt.prepareRun(clock.minDelaySteps, clock.dt);
    const m = clock.minDelaySteps;
    return {
      ...NO_PRIVATE_STATE,
      slice(from: number, to: number) {
        for (let v = 0; v < vts.length; v++) vts[v].advance(spikes.all, from, to, m);
      },
      describe: () => vts.map((vt) => `volume_transmitter (node ${vt.gid}), deliver_interval ${vt.deliverInterval}`),
    };
  },
};

declare module '../../../core/handles.js' {
  interface DeviceModels {
    volume_transmitter: true;
  }
}
