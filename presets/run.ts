import { SpikeworksError } from '../core/errors.js';
import { Simulator } from '../core/simulator.js';
import { spikeDigest } from '../core/digest.js';
import { collectRankResult, mergeRankResults, type MergedResult, type RankResult } from '../core/gather.js';
import type { Population, Device } from '../core/handles.js';
import type { Plugin, CommRuntime } from '../core/plugin.js';
import type { NetworkSpec } from '../core/spec.js';
import { spikeStatistics, type SpikeStatistics } from '../analysis/spikestats.js';
import { virtualMemoryKiB } from '../analysis/memory.js';
import { describePreset, type Preset, type PresetNetwork, type PresetValues, type RecordedGroup } from './preset.js';

export interface RunSummary {
  preset: string;
  neurons: number;
  synapses: number;
  bytes_per_synapse: number;
  build_time_s: number;
  build_time_nodes_s: number;
  build_edge_time_s: number;
  presim_time_s: number;
  sim_time_s: number;
  simtime_ms: number;
  real_time_factor: number;
  rate_e_hz: number;
  rate_i_hz: number;
  /** hpc_benchmark's "average rate": recorded spikes over (recorded neurons × simtime). */
  average_rate_hz: number;
  spike_count: number;
  spike_digest: string;
  time_update_s: number;
  time_propagate_s: number;
  time_exchange_s: number;
  rss_mib: number;
  seed: number;
  ranks: number;
  [extra: string]: number | string;
}

export interface RunOptions {
  plugins: readonly Plugin[];
  comm?: CommRuntime;
  /** Called after every min-delay slice with simulated and total steps (drive a progress bar here). */
  onProgress?: (stepsDone: number, stepsTotal: number) => void;
  /** Called with every log line as it is produced (hpc_benchmark's Logger prints them as it goes). */
  onLog?: (line: string) => void;
  /** With several ranks (comm): every rank's result from this rank's (a collective); the summary is then the merged run's. */
  gather?: (local: RankResult) => RankResult[];
}

/** The spikes and statistics of one recorded group. */
export interface GroupResult {
  group: RecordedGroup;
  firstGid: number;
  senders: Int32Array;
  times: Float64Array;
  stats: SpikeStatistics;
}

/** What a run of a preset gives, however many ranks ran it: what the summary and the output folder are made of. */
export interface RunOutput {
  summary: RunSummary;
  params: PresetValues;
  spec: NetworkSpec;
  /** hpc_benchmark's log lines: `<counter> <rank> <value> # <key>`. */
  log: string[];
  groups: GroupResult[];
  /** The measured window (ms): spikes in (t0, t1] make the rates and statistics. */
  windowMs: [number, number];
  /** Nodes of the network (neurons and devices). */
  nodeCount: number;
  /** The events of the recorders that are not spike groups (multimeters, weight recorders), merged. */
  records: { model: string; gid: number; columns: Record<string, ArrayLike<number>> }[];
}

/** A run in this process (one rank): the simulator and the preset's handles into it. */
export interface RunResult extends RunOutput {
  sim: Simulator;
  net: PresetNetwork;
  merged: MergedResult;
}

/** What a run measured, merged over its ranks: what the summary is computed from. */
export interface RunData {
  merged: MergedResult;
  countsBefore: Float64Array;
  /** Simulated time at the end (ms). */
  endMs: number;
  buildTime: number;
  buildTimeNodes: number;
  presimTime: number;
  simTime: number;
  rssMiB: number;
  ranks: number;
  neurons: number;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function defaultGroups(net: PresetNetwork): RecordedGroup[] {
  const out: RecordedGroup[] = [];
  if (net.recorders[0]) out.push({ label: 'E', recorder: net.recorders[0], pop: net.E, start: 0, end: net.E.size });
  if (net.recorders[1]) out.push({ label: 'I', recorder: net.recorders[1], pop: net.I, start: 0, end: net.I.size });
  return out;
}

/**
 * The summary, recorded groups and statistics of a run, from its merged data: the same whether one process
 * or N ranks ran it. `net` are the preset's handles of any build of its spec (sizes and ids agree).
 */
export function summarizeRun(preset: Preset, p: PresetValues, net: PresetNetwork, data: RunData): Omit<RunOutput, 'log' | 'spec' | 'nodeCount' | 'records'> & { averageRate: number } {
  const { merged } = data;
  const t1 = data.endMs;
  const t0 = Math.max(0, t1 - (p.simtime as number));
  const simSeconds = (t1 - t0) * 1e-3;
  const countsAfter = merged.spikeCounts;
  const rate = (pop: Population) => (simSeconds > 0 ? (countsAfter[pop.id] - data.countsBefore[pop.id]) / pop.size / simSeconds : 0);
  const eventsOf = (d: Device) => {
    const rec = merged.recorders.find((r) => r.gid === d.gid);
    const ev = merged.events.get(d.gid) as { times?: Float64Array } | undefined;
    if (!rec || !ev?.times) throw new SpikeworksError(`preset ${preset.name}: recorder ${d.model} (node ${d.gid}) keeps no spikes to digest`);
    return { senders: rec.senders, steps: rec.steps, times: ev.times };
  };
  const senders: number[] = [];
  const steps: number[] = [];
  for (const r of net.recorders) {
    const ev = eventsOf(r);
    for (let i = 0; i < ev.senders.length; i++) {
      senders.push(ev.senders[i]);
      steps.push(ev.steps[i]);
    }
  }
  const groups: GroupResult[] = [];
  let recordedNeurons = 0;
  let recordedEvents = 0;
  for (const g of net.recorded ?? defaultGroups(net)) {
    const ev = eventsOf(g.recorder);
    const firstGid = g.pop.firstGid + g.start;
    const gids = new Int32Array(g.end - g.start);
    for (let i = 0; i < gids.length; i++) gids[i] = firstGid + i;
    // A recorder may record several groups: keep only this group's senders.
    let n = 0;
    const s = new Int32Array(ev.senders.length);
    const t = new Float64Array(ev.senders.length);
    for (let i = 0; i < ev.senders.length; i++) {
      const k = ev.senders[i] - firstGid;
      if (k < 0 || k >= gids.length) continue;
      s[n] = ev.senders[i];
      t[n++] = ev.times[i];
    }
    const gs = s.slice(0, n);
    const gt = t.slice(0, n);
    recordedNeurons += gids.length;
    recordedEvents += n;
    groups.push({ group: g, firstGid, senders: gs, times: gt, stats: spikeStatistics(gs, gt, gids, t0, t1) });
  }
  // hpc_benchmark's compute_rate: every recorded event (presimulation included) over Nrec × simtime.
  const averageRate = recordedNeurons > 0 && (p.simtime as number) > 0 ? (recordedEvents / (recordedNeurons * (p.simtime as number))) * 1e3 : 0;
  const statKeys: Record<string, number> = {};
  for (const g of groups) {
    const l = g.group.label.toLowerCase();
    statKeys[`rate_mean_${l}_hz`] = round(g.stats.rateMean, 4);
    statKeys[`isi_mean_${l}_ms`] = round(g.stats.isiMean, 3);
    statKeys[`cv_isi_${l}_mean`] = round(g.stats.cvMean, 4);
  }
  const maxOf = (k: 'update' | 'propagate' | 'exchange') => Math.max(...merged.times.map((t) => t[k]));
  const weightsOf = (proj: { id: number }) => {
    const w = merged.weights?.find((x) => x.projection === proj.id);
    if (!w) throw new SpikeworksError(`preset ${preset.name}: the weights of projection ${proj.id} were not gathered`);
    return w.weights;
  };
  const summary: RunSummary = {
    preset: preset.name,
    neurons: data.neurons,
    synapses: merged.synapses,
    bytes_per_synapse: round(merged.bytesPerSynapse, 3),
    build_time_s: round(data.buildTime, 3),
    build_time_nodes_s: round(data.buildTimeNodes, 3),
    build_edge_time_s: round(data.buildTime - data.buildTimeNodes, 3),
    presim_time_s: round(data.presimTime, 3),
    sim_time_s: round(data.simTime, 3),
    simtime_ms: p.simtime as number,
    real_time_factor: simSeconds > 0 ? round(data.simTime / simSeconds, 4) : 0,
    rate_e_hz: round(rate(net.E), 4),
    rate_i_hz: round(rate(net.I), 4),
    average_rate_hz: round(averageRate, 4),
    spike_count: senders.length,
    spike_digest: spikeDigest(senders, steps),
    time_update_s: round(maxOf('update'), 3),
    time_propagate_s: round(maxOf('propagate'), 3),
    time_exchange_s: round(maxOf('exchange'), 3),
    rss_mib: round(data.rssMiB, 1),
    seed: p.seed as number,
    ranks: data.ranks,
    ...statKeys,
    ...(net.extra ?? {}),
    ...(net.measures?.({ weights: weightsOf }) ?? {}),
  };
  return { summary, params: p, groups, windowMs: [t0, t1], averageRate };
}

/** Total neurons of a spec (the sum of its populations). */
export function specNeurons(spec: NetworkSpec): number {
  let n = 0;
  for (const node of spec.nodes) if (node.kind === 'population') n += node.n;
  return n;
}

/** The merged events of every recorder of the spec that does not keep spikes, by node id. */
export function specRecords(spec: NetworkSpec, merged: MergedResult): RunOutput['records'] {
  const out: RunOutput['records'] = [];
  let gid = 1;
  for (const node of spec.nodes) {
    if (node.kind === 'device') {
      const ev = merged.events.get(gid) as Record<string, ArrayLike<number>> | undefined;
      if (ev && !merged.recorders.some((r) => r.gid === gid)) out.push({ model: node.model, gid, columns: ev });
    }
    gid += node.kind === 'population' ? node.n : 1;
  }
  return out;
}

/** Nodes (NEST's node count) of a spec. */
export function specNodeCount(spec: NetworkSpec): number {
  let n = 0;
  for (const node of spec.nodes) n += node.kind === 'population' ? node.n : 1;
  return n;
}

/** Build, simulate and summarise a preset in this process (or as one MPI rank, with `comm`). */
export function runPreset(preset: Preset, overrides: Record<string, unknown>, options: RunOptions): RunResult {
  const described = describePreset(preset, overrides, options.plugins);
  const p = described.params;
  const spec = described.spec;
  const sim = new Simulator({ plugins: options.plugins, dt: p.dt as number, seed: p.seed as number, comm: options.comm });
  const log: string[] = [];
  const logLine = (value: string | number, key: string) => {
    const line = `${log.length} ${sim.rank} ${value} # ${key}`;
    log.push(line);
    options.onLog?.(line);
  };
  logLine(virtualMemoryKiB(), 'virt_mem_0');
  // Sample memory after each node creation: the last sample before the first projection is
  // hpc_benchmark's virt_mem_after_nodes.
  let memAfterNodes = virtualMemoryKiB();
  let edgesStarted = false;
  sim.events.on('build', (what) => {
    if (what.kind === 'projection') edgesStarted = true;
    else if (!edgesStarted) memAfterNodes = virtualMemoryKiB();
  });
  const tb = performance.now();
  sim.build(spec);
  sim.prepare();
  const buildTime = (performance.now() - tb) / 1000;
  logLine(sim.buildTimeNodes, 'build_time_nodes');
  logLine(memAfterNodes, 'virt_mem_after_nodes');
  // NEST's BuildEdgeTime covers every Connect call; our CSR freeze (prepare) belongs to it too.
  logLine(buildTime - sim.buildTimeNodes, 'build_edge_time');
  logLine(virtualMemoryKiB(), 'virt_mem_after_edges');
  const presim = spec.run?.presimtime ?? 0;
  const totalSteps = Math.round((presim + (p.simtime as number)) / sim.dt);
  const startStep = sim.currentStep;
  if (options.onProgress) sim.events.on('slice', () => options.onProgress!(sim.currentStep - startStep, totalSteps));
  let presimTime = 0;
  let countsBefore: Float64Array = new Float64Array(sim.populations.length);
  if (presim > 0) {
    const tp = performance.now();
    sim.simulate(presim);
    presimTime = (performance.now() - tp) / 1000;
    countsBefore = sim.spikeCounts();
    logLine(virtualMemoryKiB(), 'virt_mem_after_presim');
    logLine(presimTime, 'presim_time');
  }
  const ts = performance.now();
  sim.simulate(p.simtime as number);
  const simTime = (performance.now() - ts) / 1000;
  logLine(virtualMemoryKiB(), 'virt_mem_after_sim');
  logLine(simTime, 'sim_time');
  // The weights are gathered only where the preset measures them (all projections: they are few).
  const local = collectRankResult(sim, { simTime, buildTime }, described.net.measures !== undefined);
  // One process merges its own part alone: the same code as N ranks' parts.
  const parts = options.gather ? options.gather(local) : [local];
  const merged = mergeRankResults(parts, (name) => sim.registry.find('recorder', name));
  const out = summarizeRun(preset, p, described.net, {
    merged, countsBefore, endMs: sim.currentStep * sim.dt, buildTime: Math.max(...parts.map((r) => r.buildTime)), buildTimeNodes: sim.buildTimeNodes,
    presimTime, simTime: Math.max(...parts.map((r) => r.simTime)), rssMiB: process.memoryUsage().rss / 2 ** 20, ranks: sim.size, neurons: specNeurons(spec),
  });
  logLine(out.averageRate, 'average rate');
  const nodes = sim.network.log.handles;
  const real = <T extends Population | Device>(h: T) => nodes[described.nodeOf(h)] as T;
  const net: PresetNetwork = {
    ...described.net,
    E: real(described.net.E),
    I: real(described.net.I),
    recorders: described.net.recorders.map(real),
    recorded: described.net.recorded?.map((g) => ({ ...g, recorder: real(g.recorder), pop: real(g.pop) })),
  };
  const { averageRate: _a, ...rest } = out;
  return { ...rest, spec, log, nodeCount: specNodeCount(spec), records: specRecords(spec, merged), sim, net, merged };
}
