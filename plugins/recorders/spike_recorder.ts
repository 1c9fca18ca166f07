import type { RecorderModel, RecordSource } from '../../core/plugin.js';
import { activeSteps, deviceTiming } from '../generators/poisson_generator.js';

/** Growable Int32 column. */
export class Int32Column {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export interface SpikeEvents {
  senders: Int32Array;
  times: Float64Array;
}

/**
 * spike_recorder with the memory backend: the (sender, time) of every spike of its sources, time being
 * the end of the step in which the neuron crossed threshold (NEST's spike stamp).
 */
export const spikeRecorder: RecorderModel = {
  kind: 'recorder',
  name: 'spike_recorder',
  doc: 'Records spike senders and times (NEST spike_recorder, memory backend)',
  params: { ...deviceTiming },
  create(ctx) {
    // Which gids are recorded: a bitmap over the gid range seen so far.
    let recorded = new Uint8Array(0);
    let gidOffset = Infinity;
    const senders = new Int32Column();
    const steps = new Int32Column();
    const [first, last] = activeSteps(ctx.params as { start: number; stop: number; origin: number }, ctx.dt);
    const runtime = {
      addSources(src: RecordSource) {
        const lo = src.pop.firstGid + src.start;
        const hi = src.pop.firstGid + src.end;
        const newOffset = Math.min(gidOffset, lo);
        const oldEnd = gidOffset === Infinity ? lo : gidOffset + recorded.length;
        const next = new Uint8Array(Math.max(oldEnd, hi) - newOffset);
        if (gidOffset !== Infinity) next.set(recorded, gidOffset - newOffset);
        next.fill(1, lo - newOffset, hi - newOffset);
        recorded = next;
        gidOffset = newOffset;
      },
      recordSpikes(gids: Int32Array, stepsIn: Int32Array, count: number) {
        for (let k = 0; k < count; k++) {
          const s = stepsIn[k];
          if (s < first || s >= last) continue;
          const j = gids[k] - gidOffset;
          if (j >= 0 && j < recorded.length && recorded[j] === 1) {
            senders.push(gids[k]);
            steps.push(s);
          }
        }
      },
      /** Senders and spike times (ms) in recording order (by step, then sender). */
      events(): SpikeEvents {
        const st = steps.view();
        const times = new Float64Array(st.length);
        for (let i = 0; i < st.length; i++) times[i] = (st[i] + 1) * ctx.dt;
        return { senders: senders.view().slice(), times };
      },
      /** Steps at which each spike was emitted (its time is (step + 1) * dt). */
      steps(): Int32Array {
        return steps.view().slice();
      },
      get n_events(): number {
        return senders.length;
      },
    };
    return runtime;
  },
};
