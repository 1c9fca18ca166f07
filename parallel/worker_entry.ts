/**
 * Entry point of one worker thread of a parallel run (built to dist/worker.js). It builds its rank's part of
 * a network spec with the spec's own plugin set, runs the spec's protocol (presimulation, then simulation),
 * and posts its rank's results to the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Simulator } from '../core/simulator.js';
import { SpikeworksError } from '../core/errors.js';
import { validateSpec } from '../core/spec.js';
import { collectRankResult } from '../core/gather.js';
import { SharedComm } from '../plugins/backends/shared_comm.js';
import { loadSpecPlugins } from './plugins.js';
import { threadCpuSeconds } from './gather.js';
import type { WorkerJob, WorkerReply, WorkerResult } from './launch.js';

async function run(job: WorkerJob): Promise<WorkerResult> {
  const spec = validateSpec(job.spec);
  const plugins = await loadSpecPlugins(spec.plugins);
  const comm = new SharedComm(job.buffers, job.rank, job.commOptions);
  const sim = new Simulator({ plugins, dt: spec.simulator.dt, seed: spec.simulator.seed, comm });
  const progress = job.progress && job.rank === 0 ? new Int32Array(job.progress) : null;
  if (progress) sim.events.on('slice', () => Atomics.store(progress, 0, sim.currentStep));
  const tb = performance.now();
  sim.build(spec);
  sim.prepare();
  const buildTime = (performance.now() - tb) / 1000;
  const presim = spec.run?.presimtime ?? 0;
  let presimTime = 0;
  let countsBefore: Float64Array = new Float64Array(sim.populations.length);
  if (presim > 0) {
    const tp = performance.now();
    sim.simulate(presim);
    presimTime = (performance.now() - tp) / 1000;
    countsBefore = sim.spikeCounts();
  }
  const cs = threadCpuSeconds();
  const ts = performance.now();
  sim.simulate(spec.run?.simtime ?? 0);
  const simTime = (performance.now() - ts) / 1000;
  const simCpu = threadCpuSeconds() - cs;
  const result = collectRankResult(sim, { simTime, buildTime, simCpu }, job.weights);
  const endMs = sim.currentStep * sim.dt;
  const buildTimeNodes = sim.buildTimeNodes;
  sim.close();
  return { result, countsBefore, presimTime, buildTimeNodes, endMs };
}

const job = workerData as WorkerJob;
try {
  const reply: WorkerReply = { type: 'result', ...(await run(job)) };
  parentPort!.postMessage(reply);
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  const reply: WorkerReply = { type: 'error', name: err.name, message: err.message, stack: err.stack, spikeworks: err instanceof SpikeworksError };
  parentPort!.postMessage(reply);
}
