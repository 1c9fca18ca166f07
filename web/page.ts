/// <reference lib="dom" />
// The page: a preset (or a dropped spec) and its parameters, run/pause/reset, live plots and downloads. The
// engine runs in web/worker.ts; this script only draws and talks to it.
import type { FromWorker, PresetInfo, ToWorker } from './protocol.js';
import type { BrowserSummary, RunGroup } from '../browser.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const COLORS = ['#2b6cb0', '#c53030', '#2f855a', '#b7791f', '#6b46c1', '#319795'];
const WINDOW_MS = 1000;
const BIN_MS = 10;

const worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
const send = (m: ToWorker) => worker.postMessage(m);

let presets: PresetInfo[] = [];
let specText: { name: string; text: string } | null = null;
let groups: RunGroup[] = [];
let totalMs = 0;
let nowMs = 0;
let summary: BrowserSummary | null = null;
// Spikes of the raster's window, and every bin of the rates.
let spikeChunks: { senders: Int32Array; times: Float32Array }[] = [];
let bins: Float64Array[] = [];
let traceT: number[] = [];
let traceV: number[] = [];
let drawQueued = false;
let summaryDt = 0.1;

function setState(state: 'idle' | 'loading' | 'loaded' | 'running' | 'paused' | 'done' | 'error', text: string): void {
  document.body.dataset.state = state;
  $('status').textContent = text;
  $<HTMLButtonElement>('start').disabled = !['loaded', 'paused'].includes(state);
  $<HTMLButtonElement>('pause').disabled = state !== 'running';
  $<HTMLButtonElement>('reset').disabled = state === 'loading';
  const canDownload = ['paused', 'done', 'loaded'].includes(state);
  $<HTMLButtonElement>('download-spikes').disabled = !canDownload;
  $<HTMLButtonElement>('download-summary').disabled = !canDownload;
}

function renderParams(): void {
  const form = $<HTMLFormElement>('params');
  form.textContent = '';
  if (specText) {
    $('preset-title').textContent = `spec file ${specText.name} (its own parameters; choose a preset to go back)`;
    return;
  }
  const p = presets.find((x) => x.name === $<HTMLSelectElement>('preset').value)!;
  $('preset-title').textContent = p.title;
  $('preset-title').title = p.doc;
  for (const s of p.params) {
    const label = document.createElement('label');
    label.textContent = s.key;
    label.title = s.doc;
    label.htmlFor = `param-${s.key}`;
    let input: HTMLInputElement | HTMLSelectElement;
    if (s.choices) {
      input = document.createElement('select');
      for (const c of s.choices) input.add(new Option(c, c, false, c === s.default));
    } else {
      input = document.createElement('input');
      input.type = 'number';
      input.value = String(s.default);
      input.step = s.integer ? '1' : 'any';
      if (s.min !== undefined) input.min = String(s.min);
      if (s.max !== undefined) input.max = String(s.max);
    }
    input.id = `param-${s.key}`;
    input.name = s.key;
    input.title = `${s.doc}${s.min !== undefined ? `; min ${s.min}` : ''}${s.max !== undefined ? `; max ${s.max}` : ''}`;
    const unit = document.createElement('span');
    unit.className = 'unit';
    unit.textContent = s.unit;
    form.append(label, input, unit);
  }
}

/** The form's values that differ from the preset's defaults (the engine checks each against the schema). */
function overrides(): Record<string, number | string> {
  const p = presets.find((x) => x.name === $<HTMLSelectElement>('preset').value)!;
  const out: Record<string, number | string> = {};
  for (const s of p.params) {
    const el = $<HTMLInputElement>(`param-${s.key}`);
    const v = s.choices ? el.value : Number(el.value);
    if (v !== s.default) out[s.key] = v;
  }
  return out;
}

function load(): void {
  $('error').textContent = '';
  summary = null;
  spikeChunks = [];
  traceT = [];
  traceV = [];
  nowMs = 0;
  $('digest').textContent = '–';
  $('spike-count').textContent = '0';
  $('rtf').textContent = '–';
  setState('loading', 'building the network…');
  const format = $<HTMLSelectElement>('format').value as 'ascii' | 'arrow';
  const traceGid = Number($<HTMLInputElement>('trace-gid').value);
  const source = specText ? { spec: specText.text } : { preset: $<HTMLSelectElement>('preset').value, overrides: overrides() };
  send({ type: 'load', source, format, traceGid });
}

/** Plots redraw at most this often: drawing shares the machine's cores with the simulation's worker. */
const DRAW_EVERY_MS = 100;
let lastDraw = -Infinity;

function queueDraw(): void {
  if (drawQueued) return;
  drawQueued = true;
  const wait = Math.max(0, lastDraw + DRAW_EVERY_MS - performance.now());
  setTimeout(() =>
    requestAnimationFrame(() => {
      drawQueued = false;
      lastDraw = performance.now();
      drawRaster();
      drawRates();
      drawTrace();
    }), wait);
}

function groupOf(gid: number): number {
  for (let g = 0; g < groups.length; g++) if (gid >= groups[g].firstGid && gid < groups[g].firstGid + groups[g].size) return g;
  return -1;
}

function drawRaster(): void {
  const c = $<HTMLCanvasElement>('raster');
  const ctx = c.getContext('2d')!;
  const img = ctx.createImageData(c.width, c.height);
  const px = img.data;
  const first = groups.length ? groups[0].firstGid : 1;
  const last = groups.length ? Math.max(...groups.map((g) => g.firstGid + g.size)) : 2;
  const t0 = Math.max(0, nowMs - WINDOW_MS);
  const rgb = COLORS.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
  let shown = 0;
  for (const ch of spikeChunks) {
    for (let i = 0; i < ch.times.length; i++) {
      const t = ch.times[i];
      if (t < t0) continue;
      const x = Math.min(c.width - 1, Math.floor(((t - t0) / WINDOW_MS) * c.width));
      const y = Math.floor(((ch.senders[i] - first) / (last - first)) * c.height);
      if (y < 0 || y >= c.height) continue;
      const col = rgb[Math.max(0, groupOf(ch.senders[i])) % rgb.length];
      const k = 4 * (y * c.width + x);
      px[k] = col[0];
      px[k + 1] = col[1];
      px[k + 2] = col[2];
      px[k + 3] = 255;
      shown++;
    }
  }
  ctx.putImageData(img, 0, 0);
  c.dataset.spikesShown = String(shown);
}

function axes(ctx: CanvasRenderingContext2D, c: HTMLCanvasElement, lo: number, hi: number, unit: string): void {
  ctx.clearRect(0, 0, c.width, c.height);
  ctx.fillStyle = '#5b6672';
  ctx.font = '11px system-ui';
  ctx.fillText(`${hi.toFixed(1)} ${unit}`, 4, 12);
  ctx.fillText(`${lo.toFixed(1)} ${unit}`, 4, c.height - 4);
}

function drawRates(): void {
  const c = $<HTMLCanvasElement>('rates');
  const ctx = c.getContext('2d')!;
  const nBins = Math.max(1, Math.ceil(totalMs / BIN_MS));
  const done = Math.floor(nowMs / BIN_MS);
  let hi = 1;
  const rates = bins.map((b, g) => Array.from(b.subarray(0, done), (n) => n / groups[g].size / (BIN_MS * 1e-3)));
  for (const r of rates) for (const v of r) hi = Math.max(hi, v);
  axes(ctx, c, 0, hi, 'Hz');
  rates.forEach((r, g) => {
    ctx.strokeStyle = COLORS[g % COLORS.length];
    ctx.beginPath();
    r.forEach((v, i) => {
      const x = ((i + 0.5) / nBins) * c.width;
      const y = c.height - (v / hi) * (c.height - 16);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  });
}

function drawTrace(): void {
  const c = $<HTMLCanvasElement>('trace');
  const ctx = c.getContext('2d')!;
  const t0 = Math.max(0, nowMs - WINDOW_MS);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < traceT.length; i++) if (traceT[i] >= t0) {
    lo = Math.min(lo, traceV[i]);
    hi = Math.max(hi, traceV[i]);
  }
  if (!(hi > lo)) {
    lo = (Number.isFinite(lo) ? lo : 0) - 1;
    hi = lo + 2;
  }
  axes(ctx, c, lo, hi, 'mV');
  ctx.strokeStyle = '#1d232a';
  ctx.beginPath();
  let started = false;
  for (let i = 0; i < traceT.length; i++) {
    if (traceT[i] < t0) continue;
    const x = ((traceT[i] - t0) / WINDOW_MS) * c.width;
    const y = c.height - 4 - ((traceV[i] - lo) / (hi - lo)) * (c.height - 20);
    if (!started) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
    started = true;
  }
  ctx.stroke();
}

function download(name: string, data: BlobPart, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

let pendingDownload: 'spikes' | 'summary' | null = null;

worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  if (m.type === 'presets') {
    presets = m.presets;
    const sel = $<HTMLSelectElement>('preset');
    for (const p of presets) sel.add(new Option(p.name, p.name, false, p.name === 'va-coba'));
    renderParams();
    setState('idle', 'choose a network, then build / reset');
  } else if (m.type === 'loaded') {
    groups = m.groups;
    totalMs = m.totalSteps * m.dt;
    summaryDt = m.dt;
    bins = groups.map(() => new Float64Array(Math.ceil(totalMs / BIN_MS) + 1));
    $('total').textContent = totalMs.toFixed(1);
    $('time').textContent = '0';
    $<HTMLInputElement>('trace-gid').value = String(m.traceGid);
    $('network').textContent = `${m.name}: ${m.neurons} neurons, ${m.synapses} synapses, built in ${m.buildTime.toFixed(2)} s`;
    $('legend').textContent = '';
    groups.forEach((g, i) => {
      const s = document.createElement('span');
      s.style.color = COLORS[i % COLORS.length];
      s.textContent = `■ ${g.label} (${g.model}, ${g.size})`;
      $('legend').append(s);
    });
    setState('loaded', 'built: run it');
    queueDraw();
  } else if (m.type === 'progress') {
    nowMs = m.timeMs;
    spikeChunks.push({ senders: m.senders, times: m.times });
    // Keep only what the raster's window can show.
    while (spikeChunks.length > 1 && spikeChunks[0].times.length > 0 && spikeChunks[0].times[spikeChunks[0].times.length - 1] < nowMs - WINDOW_MS) spikeChunks.shift();
    for (let i = 0; i < m.senders.length; i++) {
      const g = groupOf(m.senders[i]);
      if (g >= 0) bins[g][Math.floor((m.times[i] - 1e-9) / BIN_MS)]++;
    }
    for (let i = 0; i < m.traceT.length; i++) {
      traceT.push(m.traceT[i]);
      traceV.push(m.traceV[i]);
    }
    const cut = traceT.findIndex((t) => t >= nowMs - WINDOW_MS);
    if (cut > 0) {
      traceT.splice(0, cut);
      traceV.splice(0, cut);
    }
    $('time').textContent = nowMs.toFixed(1);
    $('spike-count').textContent = String(m.spikeCount);
    if (m.simTime > 0) $('rtf').textContent = m.realTimeFactor.toFixed(3);
    if (m.running) setState('running', 'running');
    else if (document.body.dataset.state === 'running') setState('paused', 'paused');
    queueDraw();
  } else if (m.type === 'done') {
    summary = m.summary;
    $('digest').textContent = m.summary.spike_digest;
    $('rtf').textContent = m.summary.real_time_factor.toFixed(3);
    $('spike-count').textContent = String(m.summary.spike_count);
    const rates = Object.entries(m.summary.rates_hz).map(([k, v]) => `${k} ${v.toFixed(2)} Hz`).join(', ');
    setState('done', `done: ${rates}`);
    queueDraw();
  } else if (m.type === 'files') {
    summary = m.summary;
    if (pendingDownload === 'spikes') for (const f of m.files) download(f.name, f.bytes as BlobPart, f.name.endsWith('.arrow') ? 'application/vnd.apache.arrow.stream' : 'text/plain');
    else download(`${m.summary.preset}-summary.json`, JSON.stringify(m.summary, null, 2), 'application/json');
    pendingDownload = null;
  } else if (m.type === 'error') {
    $('error').textContent = m.message;
    setState('error', 'error');
  }
};
worker.onerror = (e) => {
  $('error').textContent = `the simulation worker failed: ${e.message}`;
  setState('error', 'error');
};

$('preset').addEventListener('change', () => {
  specText = null;
  renderParams();
});
$('reset').addEventListener('click', load);
$('start').addEventListener('click', () => {
  const threads = Number($<HTMLSelectElement>('threads').value);
  if (threads > 1) void runRanks(threads);
  else send({ type: 'run' });
});
$('pause').addEventListener('click', () => send({ type: 'pause' }));
$('trace-gid').addEventListener('change', () => {
  traceT = [];
  traceV = [];
  send({ type: 'trace', gid: Number($<HTMLInputElement>('trace-gid').value) });
});
$('download-spikes').addEventListener('click', () => {
  pendingDownload = 'spikes';
  send({ type: 'files' });
});
$('download-summary').addEventListener('click', () => {
  pendingDownload = 'summary';
  send({ type: 'files' });
});

/**
 * The run on several Web Workers over shared memory: each rank hands over its spikes every 50 ms of simulated
 * time (the live raster and rates), the merged record and the figures come at the end. No membrane trace here.
 */
async function runRanks(threads: number): Promise<void> {
  setState('running', `running on ${threads} Web Workers`);
  $<HTMLButtonElement>('pause').disabled = true;
  spikeChunks = [];
  bins = groups.map(() => new Float64Array(Math.ceil(totalMs / BIN_MS) + 1));
  traceT = [];
  traceV = [];
  nowMs = 0;
  let liveCount = 0;
  const onSpikes = (senders: Int32Array, steps: Int32Array): void => {
    const times = Float32Array.from(steps, (st) => (st + 1) * summaryDt);
    spikeChunks.push({ senders, times });
    for (let i = 0; i < senders.length; i++) {
      const g = groupOf(senders[i]);
      if (g >= 0) bins[g][Math.floor((times[i] - 1e-9) / BIN_MS)]++;
      if (times[i] > nowMs) nowMs = times[i];
    }
    // Keep only what the raster's window can show.
    while (spikeChunks.length > 1 && spikeChunks[0].times.length > 0 && spikeChunks[0].times[spikeChunks[0].times.length - 1] < nowMs - WINDOW_MS) spikeChunks.shift();
    liveCount += senders.length;
    document.body.dataset.liveSpikes = String(liveCount);
    $('spike-count').textContent = String(liveCount);
    queueDraw();
  };
  try {
    const engine = (await import(new URL('spikeworks.js', import.meta.url).href)) as typeof import('../browser.js');
    const source = specText ? { spec: specText.text } : { preset: $<HTMLSelectElement>('preset').value, overrides: overrides() };
    const r = await engine.runInWebWorkers(source, {
      workers: threads,
      rankUrl: new URL('rank.js', import.meta.url),
      onProgress: (done, total) => {
        $('time').textContent = ((done / total) * totalMs).toFixed(1);
      },
      onSpikes,
    });
    nowMs = totalMs;
    spikeChunks = [];
    bins = groups.map(() => new Float64Array(Math.ceil(totalMs / BIN_MS) + 1));
    const stepMs = summaryDt;
    for (const rec of r.merged.recorders) {
      const times = Float32Array.from(rec.steps, (st) => (st + 1) * stepMs);
      spikeChunks.push({ senders: rec.senders, times });
      for (let i = 0; i < rec.senders.length; i++) {
        const g = groupOf(rec.senders[i]);
        if (g >= 0) bins[g][Math.floor((times[i] - 1e-9) / BIN_MS)]++;
      }
    }
    $('time').textContent = totalMs.toFixed(1);
    $('digest').textContent = r.spike_digest;
    $('spike-count').textContent = String(r.spike_count);
    $('rtf').textContent = r.real_time_factor.toFixed(3);
    setState('done', `done on ${threads} Web Workers (slowest rank ${r.sim_time_s.toFixed(2)} s)`);
    // The ranks ran their own copies: the one-thread run stays where it was (build / reset runs it afresh).
    $<HTMLButtonElement>('download-spikes').disabled = true;
    $<HTMLButtonElement>('download-summary').disabled = true;
    queueDraw();
  } catch (e) {
    $('error').textContent = (e as Error).message;
    setState('error', 'error');
  }
}

async function takeSpec(file: File): Promise<void> {
  specText = { name: file.name, text: await file.text() };
  renderParams();
  load();
}
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer?.files[0];
  if (f) void takeSpec(f);
});
$<HTMLInputElement>('spec-file').addEventListener('change', (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void takeSpec(f);
});
