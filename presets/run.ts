import { SpikeworksError } from '../core/errors.js';
import { Simulator } from '../core/simulator.js';
import { SpikeDigest, spikeDigest } from '../core/digest.js';
import { collectRankResult, mergeRankResults, type MergedResult, type RankResult } from '../core/gather.js';
import type { Population, Device } from '../core/handles.js';
import type { Plugin, CommRuntime } from '../core/plugin.js';
import type { NetworkSpec } from '../core/spec.js';
import type { SpikeRecorderRuntime } from '../plugins/recorders/spike_recorder.js';
import { streamGroupStatistics } from '../analysis/spikestats.js';
import { readSpikeFileChunks } from '../analysis/spikefile.js';
import type { SavedValue } from '../core/contracts/base.js';
import { spikeStatistics, type SpikeStatistics } from '../analysis/spikestats.js';
import { peakRssMiB, virtualMemoryKiB } from '../analysis/memory.js';
import { advanceProtocol } from './protocol.js';
import { describePreset, type DescribedPreset, type Preset, type PresetNetwork, type PresetValues, type RecordedGroup } from './preset.js';

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
  /** Peak resident memory of this process (worker threads included; with MPI, rank 0's), MiB. */
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
  /** Stream the recorded groups' spike files into this folder while the run goes (their statistics are then read from the files). */
  output?: StreamedOutput;
}

/** The spikes and statistics of one recorded group. */
export interface GroupResult {
  group: RecordedGroup;
  firstGid: number;
  senders: Int32Array;
  times: Float64Array;
  stats: SpikeStatistics;
  /** The spike file of a run that streamed its spikes (then `senders` and `times` are empty: read the file). */
  file?: string;
}

/** A streamed run's spikes: the digest fed slice by slice, each group's statistics from its file. */
export interface StreamedSpikes {
  digest: string;
  count: number;
  groups: { group: RecordedGroup; firstGid: number; file: string; stats: SpikeStatistics; events: number }[];
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
  /** A streamed run's spikes (else they are read from the merged recorders). */
  spikes?: StreamedSpikes;
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
  let digest: string;
  let spikeCount: number;
  const groups: GroupResult[] = [];
  let recordedNeurons = 0;
  let recordedEvents = 0;
  if (data.spikes) {
    digest = data.spikes.digest;
    spikeCount = data.spikes.count;
    for (const g of data.spikes.groups) {
      recordedNeurons += g.group.end - g.group.start;
      recordedEvents += g.events;
      groups.push({ group: g.group, firstGid: g.firstGid, senders: new Int32Array(0), times: new Float64Array(0), stats: g.stats, file: g.file });
    }
  } else {
    const senders: number[] = [];
    const steps: number[] = [];
    for (const r of net.recorders) {
      const ev = eventsOf(r);
      for (let i = 0; i < ev.senders.length; i++) {
        senders.push(ev.senders[i]);
        steps.push(ev.steps[i]);
      }
    }
    digest = spikeDigest(senders, steps);
    spikeCount = senders.length;
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
    spike_count: spikeCount,
    spike_digest: digest,
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

/** Where a run streams its recorded groups' spike files while it goes (`spikeworks run --out`). */
export interface StreamedOutput {
  dir: string;
  format: 'ascii' | 'binary' | 'arrow';
}

/** Decimals that write every multiple of dt exactly (NEST's default precision is 3). */
function timeDecimals(dt: number): number {
  for (let d = 3; d < 12; d++) if (Math.abs(Math.round(dt * 10 ** d) - dt * 10 ** d) < 1e-6) return d;
  return 12;
}

/** Point the preset's spike recorders (those that keep their spikes in memory) at files in the output folder. */
export function streamRecorders(spec: NetworkSpec, described: DescribedPreset, output: StreamedOutput): Map<number, string> {
  const labels = new Map<number, string>();
  const groups = described.net.recorded ?? defaultGroups(described.net);
  for (const rec of described.net.recorders) {
    const node = described.nodeOf(rec);
    const d = spec.nodes[node];
    if (d.kind !== 'device' || d.model !== 'spike_recorder') continue;
    const to = d.options?.record_to;
    if (to !== undefined && to !== 'memory') continue;
    const g = groups.find((x) => x.recorder === rec);
    const label = g ? g.fileLabel ?? `spikes_${g.label}` : `spike_recorder`;
    d.options = { ...(d.options ?? {}), record_to: output.format, path: output.dir, label, overwrite_files: true, precision: timeDecimals(spec.simulator.dt) };
    labels.set(node, label);
  }
  return labels;
}

/** Recorders whose events go to the output folder's tables as the run goes (record_to 'tsv'). */
const TABLE_RECORDERS = ['multimeter', 'weight_recorder'];

/**
 * Point the spec's multimeters and weight recorders that keep their events in memory at table files in the
 * output folder (one per rank when several ranks run it). Returns their spec nodes.
 */
export function streamTables(spec: NetworkSpec, output: StreamedOutput): number[] {
  const nodes: number[] = [];
  spec.nodes.forEach((d, node) => {
    if (d.kind !== 'device' || !TABLE_RECORDERS.includes(d.model)) return;
    const to = d.options?.record_to;
    if (to !== undefined && to !== 'memory') return;
    d.options = { ...(d.options ?? {}), record_to: 'tsv', path: output.dir, overwrite_files: true };
    nodes.push(node);
  });
  return nodes;
}

/** What a checkpoint of a PresetRun keeps beside the simulator's state. */
interface SavedRun {
  preset: string;
  log: string[];
  build_time_s: number;
  presim_time_s: number;
  sim_time_s: number;
  counts_before: Float64Array;
  start_step: number;
  group_events: Float64Array;
}

/**
 * A preset built in this process (or as one MPI rank, with `comm`) and ready to run: `advance` simulates its
 * protocol (presimulation, then simulation) piece by piece, `finish` summarises it. `runPreset` runs it whole;
 * the CLI advances it a fraction of a second at a time so that signals and progress get their turn.
 */
export class PresetRun {
  readonly sim: Simulator;
  readonly spec: NetworkSpec;
  readonly params: PresetValues;
  readonly log: string[] = [];
  /** Steps of the whole protocol, and of its presimulation. */
  readonly totalSteps: number;
  readonly presimSteps: number;
  readonly buildTime: number;
  /** Spike files the recorders stream into the output folder, by spec node (label). */
  readonly streamed: Map<number, string>;
  /** Spec nodes of the recorders that stream tables into the output folder. */
  readonly tables: number[];
  private readonly startStep: number;
  private presimTime = 0;
  private simTime = 0;
  private countsBefore: Float64Array;
  private digest: SpikeDigest | null = null;
  private groupEvents: Float64Array = new Float64Array(0);

  /**
   * `resumeFrom`: a checkpoint this run's `checkpoint` wrote (same preset, parameters and output folder): the
   * simulator is restored from it instead of built, and the run goes on from where it was.
   */
  constructor(readonly preset: Preset, overrides: Record<string, unknown>, private readonly options: RunOptions, resumeFrom?: string) {
    const described = describePreset(preset, overrides, options.plugins);
    this.described = described;
    const p = (this.params = described.params);
    const spec = (this.spec = described.spec);
    this.streamed = options.output ? streamRecorders(spec, described, options.output) : new Map();
    this.tables = options.output ? streamTables(spec, options.output) : [];
    if (resumeFrom) {
      const saved = Simulator.checkpointInfo(resumeFrom).meta?.presetRun as SavedRun | undefined;
      if (!saved || saved.preset !== preset.name) throw new SpikeworksError(`${resumeFrom}: not a checkpoint of a ${preset.name} run (spikeworks run --checkpoint-every writes one)`);
      const sim = (this.sim = Simulator.restore(resumeFrom, { plugins: options.plugins, comm: options.comm }));
      this.log.push(...saved.log);
      this.buildTime = saved.build_time_s;
      this.presimTime = saved.presim_time_s;
      this.simTime = saved.sim_time_s;
      this.countsBefore = Float64Array.from(saved.counts_before);
      this.startStep = saved.start_step;
      this.presimSteps = Math.round((spec.run?.presimtime ?? 0) / sim.dt);
      this.totalSteps = this.presimSteps + Math.round((p.simtime as number) / sim.dt);
      this.attachDigest(Float64Array.from(saved.group_events));
      if (options.onProgress) sim.events.on('slice', () => options.onProgress!(this.stepsDone, this.totalSteps));
      return;
    }
    const sim = (this.sim = new Simulator({ plugins: options.plugins, dt: p.dt as number, seed: p.seed as number, comm: options.comm }));
    this.logLine(virtualMemoryKiB(), 'virt_mem_0');
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
    this.buildTime = (performance.now() - tb) / 1000;
    this.logLine(sim.buildTimeNodes, 'build_time_nodes');
    this.logLine(memAfterNodes, 'virt_mem_after_nodes');
    // NEST's BuildEdgeTime covers every Connect call; our CSR freeze (prepare) belongs to it too.
    this.logLine(this.buildTime - sim.buildTimeNodes, 'build_edge_time');
    this.logLine(virtualMemoryKiB(), 'virt_mem_after_edges');
    this.presimSteps = Math.round((spec.run?.presimtime ?? 0) / sim.dt);
    this.totalSteps = this.presimSteps + Math.round((p.simtime as number) / sim.dt);
    this.startStep = sim.currentStep;
    this.countsBefore = new Float64Array(sim.populations.length);
    this.attachDigest(null);
    if (options.onProgress) sim.events.on('slice', () => options.onProgress!(this.stepsDone, this.totalSteps));
  }

  private readonly described: DescribedPreset;

  /**
   * Feed the streamed recorders' spikes to the digest and count each group's events; after a restore, the
   * spikes already in the files (cut back to the checkpoint) are the digest's first part.
   */
  private attachDigest(eventsSoFar: Float64Array | null): void {
    // On several ranks each holds part of the record: the digest comes from the merged record at the end.
    if (!this.streamed.size || this.sim.size > 1) return;
    const { sim, described } = this;
    const digest = (this.digest = new SpikeDigest());
    const nodes = sim.network.log.handles;
    const groups = described.net.recorded ?? defaultGroups(described.net);
    this.groupEvents = eventsSoFar ?? new Float64Array(groups.length);
    const events = this.groupEvents;
    for (const rec of described.net.recorders) {
      const rt = (nodes[described.nodeOf(rec)] as Device).runtime as SpikeRecorderRuntime;
      if (eventsSoFar && rt.filename) {
        const dt = sim.dt;
        readSpikeFileChunks(rt.filename, (c) => {
          const steps = new Int32Array(c.count);
          for (let i = 0; i < c.count; i++) steps[i] = Math.round(c.times[i] / dt) - 1;
          digest.add(c.senders, steps, c.count);
        });
      }
      // Each group's events over the whole record (hpc_benchmark's average rate counts the presimulation too).
      const mine = groups.flatMap((g, i) => (g.recorder === rec ? [{ i, lo: (nodes[described.nodeOf(g.pop)] as Population).firstGid + g.start, n: g.end - g.start }] : []));
      rt.tap = (g, s, n) => {
        digest.add(g, s, n);
        for (const { i, lo, n: size } of mine) {
          let c = 0;
          for (let k = 0; k < n; k++) if (g[k] - lo >= 0 && g[k] - lo < size) c++;
          events[i] += c;
        }
      };
    }
    // The spikes read back, sorted, are the record up to the checkpoint: one piece of the digest.
    digest.endPiece();
    sim.events.on('slice', () => digest.endPiece());
  }

  /**
   * Save the run (between `advance` calls) to a checkpoint file: the simulator's state and this run's own
   * figures so far, so that `new PresetRun(..., path)` goes on to the same spikes, digest and summary.
   */
  checkpoint(path: string): { bytes: number; seconds: number } {
    const saved: SavedRun = {
      preset: this.preset.name, log: this.log.slice(), build_time_s: this.buildTime, presim_time_s: this.presimTime, sim_time_s: this.simTime,
      counts_before: Float64Array.from(this.countsBefore), start_step: this.startStep, group_events: Float64Array.from(this.groupEvents),
    };
    const info = this.sim.checkpoint(path, { meta: { presetRun: saved as unknown as SavedValue } });
    return { bytes: info.bytes, seconds: info.seconds };
  }


  private logLine(value: string | number, key: string): void {
    const line = `${this.log.length} ${this.sim.rank} ${value} # ${key}`;
    this.log.push(line);
    this.options.onLog?.(line);
  }

  /** The recorded groups with their spike files (streamed runs: known once built). */
  groups(): { label: string; file: string; firstGid: number; n: number }[] {
    const nodes = this.sim.network.log.handles;
    return (this.described.net.recorded ?? defaultGroups(this.described.net)).flatMap((g) => {
      const rt = (nodes[this.described.nodeOf(g.recorder)] as Device).runtime as SpikeRecorderRuntime;
      const pop = nodes[this.described.nodeOf(g.pop)] as Population;
      return rt.filename ? [{ label: g.label, file: rt.filename, firstGid: pop.firstGid + g.start, n: g.end - g.start }] : [];
    });
  }

  /** The table files the multimeters and weight recorders stream into the output folder. */
  tableFiles(): string[] {
    const nodes = this.sim.network.log.handles;
    return this.tables.flatMap((node) => {
      const f = ((nodes[node] as Device).runtime as { filename?: string | null }).filename;
      return f ? [f] : [];
    });
  }

  /** Steps of the protocol simulated so far. */
  get stepsDone(): number {
    return this.sim.currentStep - this.startStep;
  }

  get done(): boolean {
    return this.stepsDone >= this.totalSteps;
  }

  /**
   * Simulate whole min-delay slices of the protocol until about `wallMs` of wall time has passed (all of it
   * by default) or `untilSteps` of the protocol are done, stopping at the end of the presimulation to take
   * its figures.
   */
  advance(wallMs = Infinity, untilSteps = Infinity): void {
    const { sim, startStep, presimSteps, totalSteps } = this;
    advanceProtocol({ sim, startStep, presimSteps, totalSteps }, wallMs, untilSteps, (seconds, inPresim, presimEnded) => {
      if (inPresim) this.presimTime += seconds;
      else this.simTime += seconds;
      if (presimEnded) {
        this.countsBefore = this.sim.spikeCounts();
        this.logLine(virtualMemoryKiB(), 'virt_mem_after_presim');
        this.logLine(this.presimTime, 'presim_time');
      }
    });
  }

  /** Summarise the run (after `done`): the rank's part gathered, merged and measured. */
  finish(): RunResult {
    const { sim, preset, params: p, spec, described, options } = this;
    const simTime = this.simTime;
    const buildTime = this.buildTime;
    this.logLine(virtualMemoryKiB(), 'virt_mem_after_sim');
    this.logLine(simTime, 'sim_time');
    // Streamed recorders are read from their files, not gathered (that would read the whole file back).
    const skip = new Set<number>();
    // One process's files are the folder's already; several ranks' are merged from what they gather.
    if (sim.size === 1) for (const node of [...this.streamed.keys(), ...this.tables]) skip.add((sim.network.log.handles[node] as Device).gid);
    // The weights are gathered only where the preset measures them (all projections: they are few).
    const local = collectRankResult(sim, { simTime, buildTime }, described.net.measures !== undefined, skip);
    // One process merges its own part alone: the same code as N ranks' parts.
    const parts = options.gather ? options.gather(local) : [local];
    const merged = mergeRankResults(parts, (name) => sim.registry.find('recorder', name));
    const endMs = sim.currentStep * sim.dt;
    if (this.digest) for (const d of sim.devices) if (skip.has(d.gid)) (d.runtime as SpikeRecorderRuntime).close?.();
    const spikes = this.digest ? this.streamedSpikes(merged, endMs) : undefined;
    const out = summarizeRun(preset, p, described.net, {
      merged, countsBefore: this.countsBefore, endMs, buildTime: Math.max(...parts.map((r) => r.buildTime)), buildTimeNodes: sim.buildTimeNodes,
      presimTime: this.presimTime, simTime: Math.max(...parts.map((r) => r.simTime)), rssMiB: peakRssMiB(), ranks: sim.size, neurons: specNeurons(spec),
      spikes,
    });
    this.logLine(out.averageRate, 'average rate');
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
    return { ...rest, spec, log: this.log, nodeCount: specNodeCount(spec), records: specRecords(spec, merged), sim, net, merged };
  }

  /** The recorded spikes of a streamed run: the digest fed slice by slice, each group's statistics from its file. */
  private streamedSpikes(merged: MergedResult, endMs: number): StreamedSpikes {
    const t1 = endMs;
    const t0 = Math.max(0, t1 - (this.params.simtime as number));
    const nodes = this.sim.network.log.handles;
    const groups = (this.described.net.recorded ?? defaultGroups(this.described.net)).map((g, i) => {
      const rec = nodes[this.described.nodeOf(g.recorder)] as Device;
      const file = (rec.runtime as SpikeRecorderRuntime).filename;
      if (!file) throw new SpikeworksError(`preset ${this.preset.name}: recorder ${rec.model} (node ${rec.gid}) wrote no file`);
      const pop = nodes[this.described.nodeOf(g.pop)] as Population;
      const firstGid = pop.firstGid + g.start;
      return { group: g, firstGid, file, stats: streamGroupStatistics([file], firstGid, g.end - g.start, t0, t1), events: this.groupEvents[i] };
    });
    void merged;
    return { digest: this.digest!.digest(), count: this.digest!.count, groups };
  }
}

/** Build, simulate and summarise a preset in this process (or as one MPI rank, with `comm`). */
export function runPreset(preset: Preset, overrides: Record<string, unknown>, options: RunOptions): RunResult {
  const run = new PresetRun(preset, overrides, options);
  run.advance();
  return run.finish();
}
