/// <reference lib="webworker" />
// One rank of a run over Web Workers (runInWebWorkers in browser.ts): builds its block of the spec, exchanges
// spikes with the other ranks through shared memory (SharedComm: Atomics.wait is allowed in a worker), and
// posts its part of the recorders back.
import { Simulator, builtinPlugins } from '../browser.js';
import { SharedComm, abortSharedComm, type SharedCommBuffers } from '../plugins/backends/shared_comm.js';
import { collectRankResult } from '../core/gather.js';
import type { NetworkSpec } from '../core/spec.js';
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
    const ts = performance.now();
    sim.simulate(steps * sim.dt);
    const simTime = (performance.now() - ts) / 1000;
    const result = collectRankResult(sim, { simTime, buildTime });
    sim.close();
    scope.postMessage({ type: 'result', result } satisfies RankReply);
  } catch (e) {
    // The other ranks stop at their next barrier instead of waiting for this one.
    abortSharedComm(buffers);
    scope.postMessage({ type: 'error', message: (e as Error).message, aborted: (e as Error).name === 'CommAbortedError' } satisfies RankReply);
  }
};
