/// <reference lib="webworker" />
// One rank of a run over Web Workers (runInWebWorkers in browser.ts): builds its block of the spec, exchanges
// spikes with the other ranks through shared memory (SharedComm: Atomics.wait is allowed in a worker), and
// posts its part of the recorders back.
import { Simulator, builtinPlugins } from '../browser.js';
import { SharedComm, abortSharedComm, type SharedCommBuffers } from '../plugins/backends/shared_comm.js';
import { collectRankResult } from '../core/gather.js';
import type { NetworkSpec } from '../core/spec.js';
import type { RecorderRuntime } from '../core/plugin.js';
import type { RankJob, RankReply } from './protocol.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (ev: MessageEvent<RankJob>) => {
  const job = ev.data;
  const buffers: SharedCommBuffers = job.buffers;
  try {
    const spec: NetworkSpec = job.spec;
    const comm = new SharedComm(buffers, job.rank, { spin: job.spin });
    const sim = new Simulator({ plugins: builtinPlugins, dt: spec.simulator.dt, seed: spec.simulator.seed, comm });
    const progress = job.progress && job.rank === 0 ? new Int32Array(job.progress) : null;
    if (progress) sim.events.on('slice', () => Atomics.store(progress, 0, sim.currentStep));
    const tb = performance.now();
    sim.build(spec);
    sim.prepare();
    const buildTime = (performance.now() - tb) / 1000;
    const steps = Math.round(((spec.run?.presimtime ?? 0) + (spec.run?.simtime ?? 0)) / sim.dt);
    // Every rank makes the same calls (the same pieces), so their slices and barriers pair up.
    const piece = job.pieceMs ? Math.max(1, Math.round(job.pieceMs / sim.dt)) : steps;
    const records = sim.devices.flatMap((d) => (d.kind === 'recorder' && (d.runtime as RecorderRuntime).spikeRecord ? [d.runtime as RecorderRuntime] : []));
    const posted = records.map(() => 0);
    let simTime = 0;
    for (let done = 0; done < steps; done += piece) {
      const ts = performance.now();
      sim.simulate(Math.min(piece, steps - done) * sim.dt);
      simTime += (performance.now() - ts) / 1000;
      if (!job.pieceMs) continue;
      const recs = records.map((rt) => rt.spikeRecord!());
      const n = recs.reduce((sum, rec, k) => sum + rec.senders.length - posted[k], 0);
      const reply = { type: 'spikes', senders: new Int32Array(n), steps: new Int32Array(n) } satisfies RankReply;
      let at = 0;
      recs.forEach((rec, k) => {
        for (let i = posted[k]; i < rec.senders.length; i++, at++) {
          reply.senders[at] = rec.senders[i];
          reply.steps[at] = rec.steps[i];
        }
        posted[k] = rec.senders.length;
      });
      scope.postMessage(reply, [reply.senders.buffer, reply.steps.buffer]);
    }
    const result = collectRankResult(sim, { simTime, buildTime });
    sim.close();
    scope.postMessage({ type: 'result', result } satisfies RankReply);
  } catch (e) {
    // The other ranks stop at their next barrier instead of waiting for this one.
    abortSharedComm(buffers);
    scope.postMessage({ type: 'error', message: (e as Error).message, aborted: (e as Error).name === 'CommAbortedError' } satisfies RankReply);
  }
};
