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
import { protocolCheckpointFile, type WorkerJob, type WorkerReply, type WorkerResult } from './launch.js';
import type { SavedValue } from '../core/contracts/base.js';

async function buildRank(job: WorkerJob): Promise<{ sim: Simulator; buildTime: number }> {
  const spec = validateSpec(job.spec);
  const plugins = await loadSpecPlugins(spec.plugins);
  const comm = new SharedComm(job.buffers, job.rank, job.commOptions);
  const progress = job.progress && job.rank === 0 ? new Int32Array(job.progress) : null;
  const report = (sim: Simulator) => {
    if (progress) sim.events.on('slice', () => Atomics.store(progress, 0, sim.currentStep));
    return sim;
  };
  // A restored run (WorkerRunner.start with checkpoints, or a protocol resumed from its files): this
  // rank's part comes back from its checkpoint.
  const checkpoint = (job as WorkerJob & { checkpoint?: Uint8Array }).checkpoint;
  if (checkpoint || job.resumeFrom) {
    const tr = performance.now();
    const restored = checkpoint
      ? Simulator.fromCheckpoint(checkpoint, { plugins, comm }, `rank ${job.rank}'s checkpoint`)
      : Simulator.restore(job.resumeFrom!, { plugins, comm });
    return { sim: report(restored), buildTime: (performance.now() - tr) / 1000 };
  }
  const sim = report(new Simulator({ plugins, dt: spec.simulator.dt, seed: spec.simulator.seed, comm }));
  const tb = performance.now();
  sim.build(spec);
  sim.prepare();
  return { sim, buildTime: (performance.now() - tb) / 1000 };
}

/** What a rank's protocol checkpoint keeps beside the state: its figures so far. */
interface SavedProtocol {
  start_step: number;
  presim_time_s: number;
  sim_time_s: number;
  sim_cpu_s: number;
  build_time_s: number;
  counts_before: Float64Array;
}

/**
 * Run the spec's protocol (presimulation, then simulation). With `job.checkpoints`, every `everySteps` of it
 * each rank writes its checkpoint, alternating between two generations of files so that one generation is
 * always whole; a job resumed from one goes on from its step with the figures it saved.
 */
async function run(job: WorkerJob): Promise<WorkerResult> {
  const { sim, buildTime } = await buildRank(job);
  const spec = job.spec;
  const saved = job.resumeFrom ? (Simulator.checkpointInfo(job.resumeFrom).meta?.protocol as unknown as SavedProtocol | undefined) : undefined;
  if (job.resumeFrom && !saved) throw new SpikeworksError(`${job.resumeFrom}: not the checkpoint of a run's protocol`);
  const presimSteps = Math.round((spec.run?.presimtime ?? 0) / sim.dt);
  const total = presimSteps + Math.round((spec.run?.simtime ?? 0) / sim.dt);
  const start = saved ? saved.start_step : sim.currentStep;
  let presimTime = saved?.presim_time_s ?? 0;
  let simTime = saved?.sim_time_s ?? 0;
  let simCpu = saved?.sim_cpu_s ?? 0;
  let countsBefore: Float64Array = saved ? Float64Array.from(saved.counts_before) : new Float64Array(sim.populations.length);
  const every = job.checkpoints?.everySteps ?? 0;
  while (sim.currentStep - start < total) {
    const done = sim.currentStep - start;
    const inPresim = done < presimSteps;
    let to = start + (inPresim ? presimSteps : total);
    if (every) to = Math.min(to, start + (Math.floor(done / every) + 1) * every);
    const cs = threadCpuSeconds();
    const t0 = performance.now();
    sim.simulate((to - sim.currentStep) * sim.dt);
    const took = (performance.now() - t0) / 1000;
    if (inPresim) presimTime += took;
    else {
      simTime += took;
      simCpu += threadCpuSeconds() - cs;
    }
    const now = sim.currentStep - start;
    if (inPresim && now === presimSteps) countsBefore = sim.spikeCounts();
    if (every && now % every === 0 && now < total) {
      const protocol: SavedProtocol = {
        start_step: start, presim_time_s: presimTime, sim_time_s: simTime, sim_cpu_s: simCpu, build_time_s: saved?.build_time_s ?? buildTime, counts_before: Float64Array.from(countsBefore),
      };
      sim.checkpoint(protocolCheckpointFile(job.checkpoints!.prefix, (now / every) % 2, job.rank), { meta: { protocol: protocol as unknown as SavedValue } });
    }
  }
  const result = collectRankResult(sim, { simTime, buildTime: saved?.build_time_s ?? buildTime, simCpu }, job.weights);
  const endMs = sim.currentStep * sim.dt;
  const buildTimeNodes = sim.buildTimeNodes;
  sim.close();
  return { result, countsBefore, presimTime, buildTimeNodes, endMs };
}

/**
 * Let the timers a call armed fire (a 0 ms timeout armed before this one runs first): an error they throw then
 * reaches the uncaught-exception handler before the call's answer is posted, and becomes the answer.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
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
  // After an error this rank answers nothing more: the main thread reads the error as this rank's reply.
  let failed = false;
  const reply = (m: RunnerReply) => {
    if (failed) return;
    io.port.postMessage(m);
    if (m.type === 'error') {
      failed = true;
      Atomics.store(control, 1, 1);
    }
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
    await settle();
  } catch (e) {
    return fail(e);
  }
  const { sim, buildTime } = built;
  let simTime = 0;
  let simCpu = 0;
  reply({ type: 'done' });
  io.port.on('message', async (cmd: RunnerCommand) => {
    try {
      if (cmd.type === 'simulate') {
        const cs = threadCpuSeconds();
        const ts = performance.now();
        sim.simulate(cmd.ms);
        simTime += (performance.now() - ts) / 1000;
        simCpu += threadCpuSeconds() - cs;
        // A timer a plugin armed while simulating fails this command, not a later one.
        await settle();
        reply({ type: 'done' });
      } else if (cmd.type === 'collect') {
        reply({ type: 'collected', result: collectRankResult(sim, { simTime, buildTime, simCpu }, job.weights) });
      } else if (cmd.type === 'checkpoint') {
        reply({ type: 'checkpointed', bytes: sim.toCheckpoint() });
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
  // The first error is the run's, whether a call threw it or a timer or promise of a plugin did (those would
  // otherwise end the thread, or be lost once the result is posted). The main thread, on reading it, stops
  // the other ranks (aborting here first could let their "stopped because another worker failed" arrive first).
  let failed = false;
  const fail = (e: unknown) => {
    if (failed) return;
    failed = true;
    parentPort!.postMessage(errorReply(e));
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  try {
    const result = await run(job);
    await settle();
    if (!failed) parentPort!.postMessage({ type: 'result', ...result } satisfies WorkerReply);
  } catch (e) {
    fail(e);
  }
}
