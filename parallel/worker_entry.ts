/**
 * Entry point of one worker thread of a parallel run (built to dist/worker.js). It builds its rank's part of
 * a network spec with the spec's own plugin set, then either runs the spec's protocol (presimulation, then
 * simulation) and posts its rank's results, or (an interactive job) serves the commands of a WorkerRunner.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Simulator } from '../core/simulator.js';
import { SpikeworksError } from '../core/errors.js';
import { validateSpec } from '../core/spec.js';
import { collectRankResult } from '../core/gather.js';
import { SharedComm, abortSharedComm } from '../plugins/backends/shared_comm.js';
import { loadSpecPlugins } from './plugins.js';
import { threadCpuSeconds } from './gather.js';
import type { RunnerCommand, RunnerReply } from './remote.js';
import type { WorkerJob, WorkerReply, WorkerResult } from './launch.js';

async function buildRank(job: WorkerJob): Promise<{ sim: Simulator; buildTime: number }> {
  const spec = validateSpec(job.spec);
  const plugins = await loadSpecPlugins(spec.plugins);
  const comm = new SharedComm(job.buffers, job.rank, job.commOptions);
  const sim = new Simulator({ plugins, dt: spec.simulator.dt, seed: spec.simulator.seed, comm });
  const progress = job.progress && job.rank === 0 ? new Int32Array(job.progress) : null;
  if (progress) sim.events.on('slice', () => Atomics.store(progress, 0, sim.currentStep));
  const tb = performance.now();
  sim.build(spec);
  sim.prepare();
  return { sim, buildTime: (performance.now() - tb) / 1000 };
}

async function run(job: WorkerJob): Promise<WorkerResult> {
  const { sim, buildTime } = await buildRank(job);
  const spec = job.spec;
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

function errorReply(e: unknown): Extract<WorkerReply, { type: 'error' }> {
  const err = e instanceof Error ? e : new Error(String(e));
  return { type: 'error', name: err.name, message: err.message, stack: err.stack, spikeworks: err instanceof SpikeworksError };
}

/**
 * Serve a WorkerRunner: every reply is posted before control[0] is raised, so the main thread, blocked in
 * Atomics.wait, finds it on its port when it wakes. An error also raises control[1] and aborts the shared
 * transport, so the other ranks stop at their next barrier instead of waiting for this one.
 */
async function serve(job: WorkerJob, io: { control: SharedArrayBuffer; port: MessagePort }): Promise<void> {
  const control = new Int32Array(io.control);
  const reply = (m: RunnerReply) => {
    io.port.postMessage(m);
    if (m.type === 'error') Atomics.store(control, 1, 1);
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
  };
  const fail = (e: unknown) => {
    abortSharedComm(job.buffers);
    reply(errorReply(e));
  };
  // An error thrown from a timer or a promise in a user's plugin would otherwise end the thread unreported.
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  let built: { sim: Simulator; buildTime: number };
  try {
    built = await buildRank(job);
  } catch (e) {
    return fail(e);
  }
  const { sim, buildTime } = built;
  let simTime = 0;
  let simCpu = 0;
  reply({ type: 'done' });
  io.port.on('message', (cmd: RunnerCommand) => {
    try {
      if (cmd.type === 'simulate') {
        const cs = threadCpuSeconds();
        const ts = performance.now();
        sim.simulate(cmd.ms);
        simTime += (performance.now() - ts) / 1000;
        simCpu += threadCpuSeconds() - cs;
        reply({ type: 'done' });
      } else if (cmd.type === 'collect') {
        reply({ type: 'collected', result: collectRankResult(sim, { simTime, buildTime, simCpu }, job.weights) });
      } else {
        sim.close();
        reply({ type: 'done' });
        io.port.close();
      }
    } catch (e) {
      fail(e);
    }
  });
}

const job = workerData as WorkerJob;
if (job.interactive) {
  await serve(job, job.interactive);
} else {
  try {
    const reply: WorkerReply = { type: 'result', ...(await run(job)) };
    parentPort!.postMessage(reply);
  } catch (e) {
    parentPort!.postMessage(errorReply(e));
  }
}
