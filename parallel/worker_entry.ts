/**
 * Entry point of one worker thread of a parallel run (built to dist/worker.js). It builds its rank's
 * part of the network from a serialisable description (a preset name and parameters, or a module and
 * the name of its build function), simulates, and posts its results to the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Simulator } from '../core/simulator.js';
import { SpikeworksError, ParameterError } from '../core/errors.js';
import type { Plugin } from '../core/plugin.js';
import { builtinPlugins } from '../plugins/index.js';
import { presets } from '../presets/index.js';
import { findPreset, runPreset } from '../presets/preset.js';
import { SharedComm } from '../plugins/backends/shared_comm.js';
import { collectRankResult, threadCpuSeconds } from './gather.js';
import type { WorkerJob, WorkerReply } from './launch.js';

async function loadPlugins(job: WorkerJob): Promise<readonly Plugin[]> {
  if (!job.plugins) return builtinPlugins;
  const mod = (await import(job.plugins.module)) as Record<string, unknown>;
  const extra = mod[job.plugins.export];
  if (!Array.isArray(extra)) throw new ParameterError('workers plugins', 'export', job.plugins.export, `an exported array of plugins in ${job.plugins.module} (found: ${Object.keys(mod).join(', ')})`);
  return [...builtinPlugins, ...(extra as Plugin[])];
}

async function run(job: WorkerJob): Promise<Extract<WorkerReply, { type: 'result' }>> {
  const plugins = await loadPlugins(job);
  const comm = new SharedComm(job.buffers, job.rank, job.commOptions);
  if (job.kind === 'preset') {
    // Thread CPU from the first slice on (runPreset builds first; one slice of hundreds is left out).
    let cpuStart = NaN;
    let stepsAtStart = 0;
    let stepsTotal = 0;
    const r = runPreset(findPreset(presets, job.preset), job.overrides, {
      plugins,
      comm,
      onProgress: (done, total) => {
        if (Number.isNaN(cpuStart)) {
          cpuStart = threadCpuSeconds();
          stepsAtStart = done;
        }
        stepsTotal = total;
      },
    });
    const cpu = threadCpuSeconds() - cpuStart;
    const simCpu = stepsTotal > stepsAtStart ? (cpu * stepsTotal) / (stepsTotal - stepsAtStart) : NaN;
    const result = collectRankResult(r.sim, { simTime: r.summary.sim_time_s, buildTime: r.summary.build_time_s, simCpu }, job.weights);
    r.sim.close();
    return { type: 'result', result, summary: r.summary };
  }
  const mod = (await import(job.module)) as Record<string, unknown>;
  const build = mod[job.export];
  if (typeof build !== 'function') throw new ParameterError('runWorkers', 'export', job.export, `the name of a function exported by ${job.module} (found: ${Object.keys(mod).join(', ')})`);
  const sim = new Simulator({ plugins, seed: job.seed, dt: job.dt, comm });
  const tb = performance.now();
  await (build as (sim: Simulator, params: unknown) => unknown)(sim, job.params);
  sim.prepare();
  const buildTime = (performance.now() - tb) / 1000;
  const ts = performance.now();
  const cs = threadCpuSeconds();
  if (job.simtime > 0) sim.simulate(job.simtime);
  const simCpu = threadCpuSeconds() - cs;
  const simTime = (performance.now() - ts) / 1000;
  const result = collectRankResult(sim, { simTime, buildTime, simCpu }, job.weights);
  sim.close();
  return { type: 'result', result };
}

const job = workerData as WorkerJob;
try {
  const reply = await run(job);
  const transfer: ArrayBuffer[] = [];
  for (const rec of reply.result.recorders) transfer.push(rec.senders.buffer as ArrayBuffer, rec.steps.buffer as ArrayBuffer);
  parentPort!.postMessage(reply, transfer);
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  const reply: WorkerReply = { type: 'error', name: err.name, message: err.message, stack: err.stack, spikeworks: err instanceof SpikeworksError };
  parentPort!.postMessage(reply);
}
