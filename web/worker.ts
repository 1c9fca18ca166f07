/// <reference lib="webworker" />
// The simulation's thread: builds a BrowserRun, simulates it in pieces of about 50 ms of wall time and posts
// each piece's spikes and membrane trace, so the page stays live and a pause takes effect within a piece.
import { BrowserRun, presets } from '../browser.js';
import type { FromWorker, PresetInfo, ToWorker } from './protocol.js';

const PIECE_MS = 50;
const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m, transfer);

let run: BrowserRun | null = null;
let running = false;
let senders: number[] = [];
let times: number[] = [];
let traceT: number[] = [];
let traceV: number[] = [];
let probe: (() => number) | null = null;

function presetInfo(): PresetInfo[] {
  return presets.map((p) => ({
    name: p.name, title: p.title, doc: p.doc,
    params: Object.entries(p.params).map(([key, s]) => ({
      key, unit: s.unit, default: s.default, doc: s.doc,
      ...('choices' in s && s.choices ? { choices: s.choices } : {}),
      ...('min' in s && s.min !== undefined ? { min: s.min } : {}),
      ...('max' in s && s.max !== undefined ? { max: s.max } : {}),
      ...('integer' in s && s.integer ? { integer: true } : {}),
    })),
  }));
}

function flush(): void {
  if (!run) return;
  const s = run.summary();
  const m: FromWorker = {
    type: 'progress', timeMs: run.timeMs, simTime: run.simTime, realTimeFactor: s.real_time_factor, spikeCount: s.spike_count,
    senders: Int32Array.from(senders), times: Float32Array.from(times), traceT: Float32Array.from(traceT), traceV: Float32Array.from(traceV), running,
  };
  senders = [];
  times = [];
  traceT = [];
  traceV = [];
  post(m, [m.senders.buffer, m.times.buffer, m.traceT.buffer, m.traceV.buffer]);
}

function loop(): void {
  if (!run || !running) return;
  try {
    run.advance(PIECE_MS);
  } catch (e) {
    running = false;
    post({ type: 'error', message: (e as Error).message });
    return;
  }
  if (run.done) {
    running = false;
    flush();
    post({ type: 'done', summary: run.summary() });
    return;
  }
  flush();
  // A macrotask between pieces lets 'pause' and 'trace' messages in.
  setTimeout(loop, 0);
}

function setTrace(gid: number): void {
  if (!run) return;
  probe = run.probe(gid);
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  try {
    if (m.type === 'load') {
      running = false;
      run?.close();
      run = null;
      senders = [];
      times = [];
      traceT = [];
      traceV = [];
      const dtOf = () => r.sim.dt;
      const r: BrowserRun = new BrowserRun(m.source, {
        format: m.format,
        onSpikes(g, st, n) {
          const dt = dtOf();
          for (let i = 0; i < n; i++) {
            senders.push(g[i]);
            times.push((st[i] + 1) * dt);
          }
        },
      });
      run = r;
      r.sim.events.on('slice', () => {
        if (!probe) return;
        traceT.push(r.timeMs);
        traceV.push(probe());
      });
      const first = r.groups[0];
      const gid = m.traceGid >= 1 ? m.traceGid : first ? first.firstGid : 1;
      setTrace(gid);
      const s = r.summary();
      post({ type: 'loaded', name: r.name, groups: r.groups, dt: r.sim.dt, totalSteps: r.totalSteps, presimSteps: r.presimSteps, buildTime: r.buildTime, neurons: s.neurons, synapses: s.synapses, traceGid: gid });
    } else if (m.type === 'run') {
      if (!run) throw new Error('nothing is loaded: choose a preset or drop a spec file first');
      if (!running && !run.done) {
        running = true;
        loop();
      }
    } else if (m.type === 'pause') {
      running = false;
      flush();
    } else if (m.type === 'trace') {
      setTrace(m.gid);
    } else if (m.type === 'files') {
      if (!run) throw new Error('nothing is loaded');
      const files = [...run.files()].map(([name, bytes]) => ({ name, bytes }));
      post({ type: 'files', files, summary: run.summary() }, files.map((f) => f.bytes.buffer as ArrayBuffer));
    }
  } catch (e) {
    running = false;
    post({ type: 'error', message: (e as Error).message });
  }
};

post({ type: 'presets', presets: presetInfo() });
