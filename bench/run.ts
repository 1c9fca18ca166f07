/**
 * `npm run bench` — spikeworks' benchmark suite with Brian2 (C++ standalone) as peer in the same run.
 *
 *   npm run bench              full suite (< 15 min on 2 cores): median and spread of several runs
 *   npm run bench -- --quick   reduced smoke run (< 2 min), same table layout
 *   npm run bench -- --no-peer skip Brian2
 *
 * Writes bench/results/bench.json and bench/results/bench.md and prints the Markdown table. Every task runs
 * in a child process (bench/task.ts). Timings are wall time of the simulation phase; CPU time of the same
 * phase is reported beside it because the machine is shared (wall time counts the time other processes hold
 * the core, CPU time does not).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDir, PRESETS_WANTED, HELPER_SCRIPTS, type Row } from './tasks.js';
import { RESULT_MARK } from './mark.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const noPeer = args.includes('--no-peer');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice(7).split(',')) : null;
const want = (section: string) => !only || only.has(section);

const resultsDir = path.join(benchDir, 'results');
const scratch = path.join(os.tmpdir(), 'spikeworks-bench');
mkdirSync(resultsDir, { recursive: true });
mkdirSync(scratch, { recursive: true });
const started = Date.now();

function log(msg: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${t}s] ${msg}\n`);
}

/**
 * Run one task in a fresh node process; returns its result or an error row. tsx's ESM loader only: its full
 * entry also registers the CommonJS loader, under which the same built kernels ran 16-22 % slower
 * (docs/performance.md).
 */
function runTask<T>(task: string, opts: unknown, timeoutS = 900): T | { error: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx/esm', path.join(benchDir, 'task.ts'), task, JSON.stringify(opts)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: timeoutS * 1000,
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (!line) {
    // The first line that names the problem (ParameterError, Error ...), not the stack's tail.
    const lines = (r.stderr ?? '').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at ') && !l.startsWith('Node.js'));
    const named = lines.find((l) => /Error|error:/.test(l)) ?? lines.pop() ?? '';
    const why = r.error ? String(r.error) : `exit ${r.status}: ${named}`;
    return { error: why.replace(/[|\n]/g, ' ').slice(0, 300) };
  }
  return JSON.parse(line.slice(RESULT_MARK.length)) as T;
}

// ---------------------------------------------------------------- statistics

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function spread(xs: number[]): string {
  if (xs.length < 2) return 'n=1';
  const m = median(xs);
  return `±${((100 * (Math.max(...xs) - Math.min(...xs))) / 2 / m).toFixed(0)} % (n=${xs.length})`;
}
function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 1e6) return x.toExponential(2);
  return x.toPrecision(digits);
}

// ---------------------------------------------------------------- sections

interface PresetPlan {
  name: string;
  label: string;
  overrides: Record<string, unknown>;
  reps: number;
  peer?: 'coba' | 'cuba' | 'cobahh';
  /** Integrator swaps { model: [from, to] } (the WebAssembly SIMD kernels in a preset that names the TS ones). */
  integrators?: Record<string, [string, string]>;
}

const WASM_COBA: Record<string, [string, string]> = { iaf_cond_exp: ['euler-f32', 'euler-f32-wasm-simd'] };
const WASM_PSC: Record<string, [string, string]> = { iaf_psc_exp: ['exact', 'exact-wasm-simd'] };
/** float32 arithmetic, four neurons per vector, reading its ring in place (within float32 rounding of euler-f32). */
const WASM_COBA_F32X4: Record<string, [string, string]> = { iaf_cond_exp: ['euler-f32', 'euler-f32x4-wasm-simd'] };

const COBAHH_LABEL = 'cobahh (exponential Euler, f32x4 WASM SIMD)';

function presetPlans(): PresetPlan[] {
  if (quick) {
    return [
      { name: 'va-coba', label: 'va-coba (1 s, Euler-f32)', overrides: { simtime: 1000, integrator: 'euler-f32' }, reps: 1, peer: 'coba' },
      { name: 'va-coba', label: 'va-coba (1 s, Euler-f32), WASM SIMD', overrides: { simtime: 1000, integrator: 'euler-f32' }, reps: 1, integrators: WASM_COBA },
      { name: 'va-coba', label: 'va-coba (1 s, Euler-f32), WASM SIMD f32x4', overrides: { simtime: 1000, integrator: 'euler-f32' }, reps: 1, integrators: WASM_COBA_F32X4 },
      { name: 'va-cuba', label: 'va-cuba (1 s)', overrides: { simtime: 1000 }, reps: 1, peer: 'cuba' },
      { name: 'cuba-static', label: 'cuba-static --scale 0.2 (200 ms)', overrides: { simtime: 200, scale: 0.2 }, reps: 1 },
      { name: 'cuba-static', label: 'cuba-static --scale 0.2 (200 ms), WASM SIMD', overrides: { simtime: 200, scale: 0.2 }, reps: 1, integrators: WASM_PSC },
      { name: 'cuba-stdp', label: 'cuba-stdp --scale 0.2 (200 ms)', overrides: { simtime: 200, scale: 0.2 }, reps: 1 },
      { name: 'hpc-benchmark', label: 'hpc-benchmark --scale 0.05 (10 ms after 10 ms presim)', overrides: { scale: 0.05, simtime: 10, presimtime: 10, Nrec: 100 }, reps: 1 },
      { name: 'zenke-25k', label: 'zenke-25k --scale 0.1 (200 ms)', overrides: { simtime: 200, scale: 0.1 }, reps: 1 },
      { name: 'cobahh', label: COBAHH_LABEL, overrides: { simtime: 200, integrator: 'exponential-euler-f32x4-wasm-simd' }, reps: 1, peer: 'cobahh' },
    ];
  }
  return [
    { name: 'va-coba', label: 'va-coba (60 s, Euler-f32)', overrides: { simtime: 60000, integrator: 'euler-f32' }, reps: 2, peer: 'coba' },
    { name: 'va-coba', label: 'va-coba (60 s, Euler-f32), WASM SIMD', overrides: { simtime: 60000, integrator: 'euler-f32' }, reps: 3, integrators: WASM_COBA },
    { name: 'va-coba', label: 'va-coba (60 s, Euler-f32), WASM SIMD f32x4', overrides: { simtime: 60000, integrator: 'euler-f32' }, reps: 3, integrators: WASM_COBA_F32X4 },
    { name: 'va-cuba', label: 'va-cuba (10 s)', overrides: { simtime: 10000 }, reps: 3, peer: 'cuba' },
    { name: 'va-cuba', label: 'va-cuba (10 s), WASM SIMD', overrides: { simtime: 10000 }, reps: 3, integrators: WASM_PSC },
    { name: 'cuba-static', label: 'cuba-static (full, 1 s)', overrides: { simtime: 1000 }, reps: 3 },
    { name: 'cuba-static', label: 'cuba-static (full, 1 s), WASM SIMD', overrides: { simtime: 1000 }, reps: 3, integrators: WASM_PSC },
    { name: 'cuba-stdp', label: 'cuba-stdp (full, 1 s)', overrides: { simtime: 1000 }, reps: 2 },
    { name: 'cuba-stdp', label: 'cuba-stdp (full, 1 s), WASM SIMD', overrides: { simtime: 1000 }, reps: 2, integrators: WASM_PSC },
    // At scale 0.2 each neuron draws its 9000 E inputs from 1800 neurons: the shared input synchronises the
    // network and the power-law STDP drives it to ~350 Hz within 200 ms, as the seed warns for small scales.
    // A shortened run keeps the suite inside its 15 minutes; the rate column shows the regime.
    { name: 'hpc-benchmark', label: 'hpc-benchmark --scale 0.2 (100 ms after 50 ms presim)', overrides: { scale: 0.2, simtime: 100 }, reps: 1 },
    { name: 'hpc-benchmark', label: 'hpc-benchmark --scale 1', overrides: { scale: 1 }, reps: 1 },
    // Auryn's sim_background (plastic) and sim_bg_static: the peer figures are in docs/presets/zenke-25k.md.
    // Auryn's sim_brunel2k (bench/peers.json): the static network, 2 s.
    { name: 'brunel-stdp', label: 'brunel-stdp --set plastic=0 (2 s)', overrides: { simtime: 2000, plastic: 0 }, reps: 1 },
    // Three runs each: on this shared machine one 1 s run varied from RTF 1.6 to 2.7 within an hour.
    { name: 'zenke-25k-static', label: 'zenke-25k-static (full, 1 s)', overrides: { simtime: 1000 }, reps: 3 },
    { name: 'zenke-25k', label: 'zenke-25k (full, 1 s)', overrides: { simtime: 1000 }, reps: 3 },
    // Brian2's examples/COBAHH.py integrates with exponential Euler: the same method here, generated as f32x4 lanes.
    { name: 'cobahh', label: COBAHH_LABEL, overrides: { simtime: 1000, integrator: 'exponential-euler-f32x4-wasm-simd' }, reps: 3, peer: 'cobahh' },
    { name: 'cobahh', label: 'cobahh (1 s, exponential Euler, float64)', overrides: { simtime: 1000, integrator: 'exponential-euler' }, reps: 1 },
  ];
}

interface PeerResult {
  network: string;
  compile_s?: number;
  sim_s?: number[];
  binary_wall_s?: number[];
  rate_hz?: number[];
  synapses?: number;
  brian2?: string;
  error?: string;
}

/** Brian2 importable from /usr/bin/python3, installing Debian's python3-brian once when it is not. */
function ensureBrian2(): string | null {
  const probe = () => spawnSync('/usr/bin/python3', ['-c', 'import brian2'], { encoding: 'utf8' });
  if (!existsSync('/usr/bin/python3')) return 'no /usr/bin/python3 on this machine';
  if (probe().status === 0) return null;
  log('Brian2 missing: apt-get install -y python3-brian');
  const inst = spawnSync('apt-get', ['install', '-y', 'python3-brian'], { encoding: 'utf8', timeout: 600_000 });
  if (inst.status !== 0) {
    spawnSync('apt-get', ['update'], { encoding: 'utf8', timeout: 300_000 });
    spawnSync('apt-get', ['install', '-y', 'python3-brian'], { encoding: 'utf8', timeout: 600_000 });
  }
  const again = probe();
  return again.status === 0 ? null : `Brian2 not importable after apt-get install python3-brian: ${again.stderr.trim().split('\n').pop()}`;
}

function runPeer(network: 'coba' | 'cuba' | 'cobahh', simtimeMs: number, reps: number): PeerResult {
  const dir = path.join(scratch, `brian2-${network}-${simtimeMs}`);
  const r = spawnSync('/usr/bin/python3', [path.join(benchDir, 'brian2', 'network.py'), network, '--simtime', String(simtimeMs), '--reps', String(reps), '--dir', dir], {
    encoding: 'utf8',
    timeout: 900_000,
  });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as PeerResult;
  } catch {
    return { network, error: `Brian2 run failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' | ').slice(0, 250)}` };
  }
}

function cFloors(): Row | { error: string } {
  const exe = path.join(scratch, 'floors');
  const cc = spawnSync('cc', ['-O3', '-march=native', '-o', exe, path.join(benchDir, 'floors.c')], { encoding: 'utf8' });
  if (cc.status !== 0) return { error: `cc -O3 failed: ${(cc.stderr || String(cc.error)).slice(0, 200)}` };
  const r = spawnSync(exe, [], { encoding: 'utf8', timeout: 300_000 });
  try {
    return JSON.parse(r.stdout) as Row;
  } catch {
    return { error: `floors binary: exit ${r.status}` };
  }
}

// ---------------------------------------------------------------- run everything

const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : only ? `only: ${[...only].join(',')}` : 'full',
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', node: process.version, loadavg_at_start: os.loadavg() },
};

let floorsJs: Row | { error: string } = { error: 'not run' };
let floorsC: Row | { error: string } = { error: 'not run' };
if (want('floors')) {
  log('machine floors (JS, C -O3)');
  floorsJs = runTask<Row>('floors', { quick });
  floorsC = cFloors();
}
report.floors = { js: floorsJs, c: floorsC };

let neuronRows: Row[] = [];
if (want('neurons')) {
  log('neuron update');
  const r = runTask<Row[]>('neuron-update', { quick });
  neuronRows = 'error' in r ? [{ error: r.error as string }] : r;
}
report.neuron_update = neuronRows;

let propRows: Row[] = [];
if (want('propagation')) {
  log('propagation');
  const r = runTask<Row[]>('propagation', { quick });
  propRows = 'error' in r ? [{ error: r.error as string }] : r;
}
report.propagation = propRows;

const helperRows: Record<string, Row[]> = {};
if (want('helpers')) {
  for (const h of HELPER_SCRIPTS) {
    log(`helper script bench/${h.file}`);
    // Bounded: a contributed script must not hold up the whole suite (its row then says it timed out).
    const r = runTask<Row[]>('helper', { file: h.file, quick }, quick ? 120 : 300);
    helperRows[h.file] = 'error' in r ? [{ script: h.file, error: r.error as string }] : r;
  }
}
report.helpers = helperRows;

interface PresetResult {
  plan: PresetPlan;
  runs: Row[];
  error?: string;
  peer?: PeerResult;
}
const presetResults: PresetResult[] = [];
let peerProblem: string | null = null;
if (want('presets')) {
  if (!noPeer) peerProblem = ensureBrian2();
  for (const plan of presetPlans()) {
    log(`preset ${plan.label} × ${plan.reps}`);
    const runs: Row[] = [];
    let error: string | undefined;
    for (let k = 0; k < plan.reps; k++) {
      const r = runTask<Row>('preset', { name: plan.name, overrides: plan.overrides, integrators: plan.integrators });
      if ('error' in r && r.error) {
        error = String(r.error);
        break;
      }
      runs.push(r as Row);
    }
    const res: PresetResult = { plan, runs, error };
    if (plan.peer) {
      if (noPeer) res.peer = { network: plan.peer, error: 'peer skipped (--no-peer)' };
      else if (peerProblem) res.peer = { network: plan.peer, error: peerProblem };
      else {
        log(`Brian2 peer ${plan.peer}`);
        res.peer = runPeer(plan.peer, Number(plan.overrides.simtime), plan.reps);
      }
    }
    presetResults.push(res);
  }
}
report.presets = presetResults;

// ---------------------------------------------------------------- the table

const md: string[] = [];
const jsF = 'error' in floorsJs ? null : (floorsJs as Record<string, number>);
const cF = 'error' in floorsC ? null : (floorsC as Record<string, number>);
md.push(`# spikeworks benchmark (${quick ? 'quick smoke run' : only ? `sections: ${[...only].join(', ')}` : 'full run'})`);
md.push('');
md.push(`${report.date as string} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'} · node ${process.version} · load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
md.push('Shared machine: wall times include other processes; CPU time of the same phase is shown beside them. Median and half-range spread.');
md.push('');

md.push('## Machine floors');
md.push('');
md.push('| floor | JavaScript | C -O3 |');
md.push('|---|---|---|');
const floorRow = (label: string, key: string, unit: string) =>
  md.push(`| ${label} | ${jsF ? `${fmt(jsF[key])} ${unit}` : 'error'} | ${cF && key in cF ? `${fmt(cF[key])} ${unit}` : cF ? '–' : `${(floorsC as { error: string }).error}`} |`);
floorRow('scatter-add, 11250 sorted Uint32 targets into an 11250-wide float64 row', 'scatter_sorted_11250_ns', 'ns/event');
floorRow('scatter-add, same targets unsorted', 'scatter_unsorted_11250_ns', 'ns/event');
floorRow('scatter-add, 11250 sorted targets into a 112500-wide row', 'scatter_sorted_112500_ns', 'ns/event');
floorRow('scatter-add, sorted Uint16 targets (11250-wide row)', 'scatter_sorted_u16_11250_ns', 'ns/event');
floorRow('streaming triad in cache (3 × 11250 float64)', 'triad_cache_gbs', 'GB/s');
floorRow('streaming triad in DRAM', 'triad_dram_gbs', 'GB/s');
if ('error' in floorsJs) md.push(`\nJS floors failed: ${floorsJs.error}`);
md.push('');

md.push('## Neuron update');
md.push('');
md.push('| model | integrator | updates/s | ns/neuron (median) | spread | est. bytes/neuron | streaming floor (ns/neuron) | × floor |');
md.push('|---|---|---|---|---|---|---|---|');
for (const r of neuronRows) {
  if (r.error) {
    md.push(`| ${r.model ?? '?'} | ${r.integrator ?? ''} | error: ${r.error} | | | | | |`);
    continue;
  }
  const ns = JSON.parse(r.ns_per_update as string) as number[];
  const m = median(ns);
  const floor = jsF ? (r.est_bytes_per_neuron as number) / jsF.triad_cache_gbs : NaN;
  md.push(`| ${r.model} | ${r.integrator} | ${fmt(1e9 / m)} | ${fmt(m)} | ${spread(ns)} | ${r.est_bytes_per_neuron} | ${fmt(floor)} | ${fmt(m / floor, 2)} |`);
}
md.push('');
md.push(`Groups of ${neuronRows.find((r) => r.n)?.n ?? '?'} neurons without input, one update() call per step with the ring-buffer row read and cleared (the group's own ring where it allocates one), CPU time; floor = estimated bytes per neuron at the JS in-cache triad bandwidth.`);
md.push('');

md.push('## Spike propagation and synapse tables');
md.push('');
md.push('| synapse table (11250 sorted targets per row) | events/s | ns/event (median) | spread | × JS floor | × C floor | post-spike path (ns per post spike) | bytes/synapse | build s per 10^6 synapses |');
md.push('|---|---|---|---|---|---|---|---|---|');
for (const r of propRows) {
  if (r.error) {
    md.push(`| ${r.synapse ?? '?'} | error: ${r.error} | | | | | | | |`);
    continue;
  }
  const ns = JSON.parse(r.ns_per_event as string) as number[];
  const m = median(ns);
  const post = r.ns_per_post_spike ? median(JSON.parse(r.ns_per_post_spike as string) as number[]) : null;
  md.push(
    `| ${r.synapse} | ${fmt(1e9 / m)} | ${fmt(m)} | ${spread(ns)} | ${jsF ? fmt(m / jsF.scatter_sorted_11250_ns, 2) : '–'} | ${cF ? fmt(m / cF.scatter_sorted_11250_ns, 2) : '–'} | ${post === null ? '–' : `${fmt(post)} ns`} | ${fmt(r.bytes_per_synapse as number)} | ${fmt(r.build_s_per_1e6 as number)} |`,
  );
}
const plasticCount = propRows.filter((r) => r.ns_per_post_spike).length;
if (plasticCount === 0) md.push('| STDP rules | no plastic synapse model registered on this branch (plasticity helper not merged) | | | | | | | |');
md.push('');

md.push('## Networks: wall seconds per simulated second (real-time factor)');
md.push('');
md.push('| network | RTF wall | spread | RTF CPU | build s | synapses | B/synapse | build s per 10^6 syn | rate Hz (E / I) | peak RSS MiB | Brian2 C++ standalone RTF | Brian2 compile s | ours vs Brian2 |');
md.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
// The peer's figure of a network, for its integrator variants too (same network, same simulated time).
const peerOf = (pr: PresetResult) =>
  pr.peer ?? presetResults.find((q) => q.peer && q.plan.name === pr.plan.name && q.plan.overrides.simtime === pr.plan.overrides.simtime)?.peer;
for (const pr of presetResults) {
  const { plan, runs } = pr;
  let peerCells = '– | – | –';
  const peer = peerOf(pr);
  if (peer && !pr.peer && !peer.error) {
    const b = median(peer.sim_s!) / ((Number(plan.overrides.simtime) || 1000) / 1000);
    const ours = runs.length ? median(runs.map((r) => r.rtf_cpu as number)) : NaN;
    peerCells = `(as above) | – | ${Number.isFinite(ours) ? (b / ours >= 1 ? `ours ${fmt(b / ours, 2)}× faster` : `Brian2 ${fmt(ours / b, 2)}× faster`) : '–'}`;
  } else if (pr.peer) {
    if (pr.peer.error) peerCells = `${pr.peer.error} | – | –`;
    else {
      const simS = (Number(plan.overrides.simtime) || 1000) / 1000;
      const b = median(pr.peer.sim_s!) / simS;
      // Brian2's Network timer is std::clock() in single-threaded standalone (CPU time): compare CPU with CPU.
      const ours = runs.length ? median(runs.map((r) => r.rtf_cpu as number)) : NaN;
      peerCells = `${fmt(b)} (${spread(pr.peer.sim_s!)}, ${fmt(median(pr.peer.rate_hz!))} Hz) | ${fmt(pr.peer.compile_s)} | ${Number.isFinite(ours) ? (b / ours >= 1 ? `ours ${fmt(b / ours, 2)}× faster` : `Brian2 ${fmt(ours / b, 2)}× faster`) : '–'}`;
    }
  }
  if (!runs.length) {
    md.push(`| ${plan.label} | ${pr.error === 'preset missing' ? 'preset missing' : `error: ${pr.error}`} | | | | | | | | | ${peerCells} |`);
    continue;
  }
  const rtf = runs.map((r) => r.rtf_wall as number);
  const rtfCpu = runs.map((r) => r.rtf_cpu as number);
  const r0 = runs[0];
  const buildPerM = median(runs.map((r) => ((r.build_edge_s as number) * 1e6) / Math.max(1, r.synapses as number)));
  md.push(
    `| ${plan.label} | ${fmt(median(rtf))} | ${spread(rtf)} | ${fmt(median(rtfCpu))} | ${fmt(median(runs.map((r) => r.build_s as number)))} | ${fmt(r0.synapses as number)} | ${fmt(r0.bytes_per_synapse as number)} | ${fmt(buildPerM)} | ${fmt(r0.rate_e_hz as number)} / ${fmt(r0.rate_i_hz as number)} | ${fmt(Math.max(...runs.map((r) => r.peak_rss_mib as number)), 4)} | ${peerCells} |`,
  );
}
md.push('');
md.push("Brian2's figure is its own network timer (the run loop only; `std::clock`, i.e. CPU time, in single-threaded C++ standalone), so the last column compares it with our CPU real-time factor.");
md.push('');

md.push('## Contributed benchmark scripts');
md.push('');
for (const h of HELPER_SCRIPTS) {
  const rows = helperRows[h.file];
  if (!rows) {
    md.push(`- bench/${h.file} (${h.what}): not run`);
    continue;
  }
  if (rows.length === 1 && rows[0].error) {
    md.push(`- bench/${h.file} (${h.what}): ${rows[0].error}`);
    continue;
  }
  md.push(`- bench/${h.file} (${h.what}):`);
  md.push('');
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== 'script');
  md.push(`  | ${keys.join(' | ')} |`);
  md.push(`  |${keys.map(() => '---').join('|')}|`);
  for (const r of rows) md.push(`  | ${keys.map((k) => (typeof r[k] === 'number' ? fmt(r[k] as number, 4) : String(r[k] ?? ''))).join(' | ')} |`);
  md.push('');
}
md.push('');

// Against the peers measured on this machine (bench/peers.json): this run's figure over theirs.
md.push('## Against the peers (bench/peers.json)');
md.push('');
md.push('| network | figure | spikeworks (this run) | peer | ours / peer |');
md.push('|---|---|---|---|---|');
const peers = JSON.parse(readFileSync(path.join(benchDir, 'peers.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const peerRow = (label: string, figure: string, ours: number | null, peer: number, peerName: string, unit: string) =>
  md.push(`| ${label} | ${figure} | ${ours === null ? (quick ? 'full run only' : 'not measured') : `${fmt(ours)} ${unit}`} | ${peerName} ${fmt(peer)} ${unit} | ${ours === null ? '–' : `${fmt(ours / peer, 2)}×`} |`);
const runsOf = (label: string) => presetResults.find((r) => r.plan.label === label && r.runs.length)?.runs ?? null;
const medianOf = (label: string, key: string, scale = 1) => {
  const runs = runsOf(label);
  return runs ? median(runs.map((r) => Number(r[key]) * scale)) : null;
};
{
  const hpc = peers.hpc_benchmark_scale1?.nest_stdp_pl as Record<string, number> | undefined;
  const label = 'hpc-benchmark --scale 1';
  if (hpc) {
    peerRow(label, 'tables built (s)', medianOf(label, 'build_s'), hpc.build_edge_time_s, 'NEST 3.9', 's');
    peerRow(label, '250 ms simulated (s)', medianOf(label, 'wall_s'), hpc.sim_time_s, 'NEST 3.9', 's');
    peerRow(label, 'peak RSS', medianOf(label, 'peak_rss_mib', 2 ** 20 / 1e9), hpc.peak_rss_kb * 1024 / 1e9, 'NEST 3.9', 'GB');
  }
  const cuba = peers.cuba_seed002 as Record<string, Record<string, number>> | undefined;
  if (cuba) {
    peerRow('cuba-static (full, 1 s)', '1 s simulated (s)', medianOf('cuba-static (full, 1 s)', 'wall_s'), cuba.nest_static_1s.sim_s, 'NEST 3.9', 's');
    peerRow('cuba-stdp (full, 1 s)', '1 s simulated (s)', medianOf('cuba-stdp (full, 1 s)', 'wall_s'), cuba.nest_stdp_1s.sim_s, 'NEST 3.9', 's');
  }
  const coba = peers.va_coba_auryn_config as Record<string, number[]> | undefined;
  if (coba) {
    const label = 'va-coba (60 s, Euler-f32), WASM SIMD f32x4';
    peerRow(label, 'real-time factor (wall)', medianOf(label, 'rtf_wall'), median(coba.auryn_sim_coba_benchmark_fast_process_wall_s) / 60, 'Auryn 0.8.4 (whole process)', '');
  }
  const brunel = peers.brunel2k_auryn as Record<string, number> | undefined;
  if (brunel) peerRow('brunel-stdp --set plastic=0 (2 s)', '2 s simulated (s)', medianOf('brunel-stdp --set plastic=0 (2 s)', 'wall_s'), brunel.static_process_wall_s, 'Auryn sim_brunel2k (whole process)', 's');
  const zenke = peers.zenke25k_auryn as Record<string, number> | undefined;
  if (zenke) {
    peerRow('zenke-25k-static (full, 1 s)', 'real-time factor (wall)', medianOf('zenke-25k-static (full, 1 s)', 'rtf_wall'), zenke.sim_bg_static_2s_process_wall_s / 2, 'Auryn sim_bg_static (whole process)', '');
    peerRow('zenke-25k (full, 1 s)', 'real-time factor (wall)', medianOf('zenke-25k (full, 1 s)', 'rtf_wall'), zenke.plastic_2s_wall_s / 2, 'Auryn sim_background', '');
  }
}
md.push('');
md.push("The peers' figures were measured on this machine in another session (bench/peers.json says how); the preset's own wall time of the simulation phase is ours.");
md.push('');

// Targets of issue 8, each with what this run measured.
md.push('## Targets (issue 8)');
md.push('');
md.push('| target | measured | met |');
md.push('|---|---|---|');
// Among several WASM variants of a network, the targets take the fastest (lowest median CPU real-time factor).
const find = (label: string, wasmVariant = false) => {
  const all = presetResults.filter((p) => p.plan.label.startsWith(label) && !!p.plan.integrators === wasmVariant);
  const cpu = (p: (typeof all)[number]) => (p.runs.length ? median(p.runs.map((r) => r.rtf_cpu as number)) : Infinity);
  return all.reduce<(typeof all)[number] | undefined>((best, p) => (!best || cpu(p) < cpu(best) ? p : best), undefined);
};
const rtfOf = (label: string, wasmVariant = false) => {
  const p = find(label, wasmVariant);
  return p && p.runs.length ? median(p.runs.map((r) => r.rtf_wall as number)) : null;
};
const cpuRtfOf = (label: string, wasmVariant = false) => {
  const p = find(label, wasmVariant);
  return p && p.runs.length ? median(p.runs.map((r) => r.rtf_cpu as number)) : null;
};
const missingNote = (label: string) => (find(label)?.error === 'preset missing' ? 'preset missing' : '');
const target = (what: string, value: number | null, limit: number, unit: string, note = '', wasmValue: number | null = null) => {
  const has = (v: number | null) => v !== null && Number.isFinite(v);
  const best = has(wasmValue) && (!has(value) || wasmValue! < value!) ? wasmValue : value;
  const ok = !has(best) ? 'not measured' : best! <= limit ? (best === wasmValue ? 'yes (WASM SIMD integrator)' : 'yes') : 'no';
  const shown = has(value) ? `${fmt(value)} ${unit}` : note || '–';
  md.push(`| ${what} ≤ ${limit} ${unit} | ${shown}${has(wasmValue) ? `; WASM SIMD integrator ${fmt(wasmValue)} ${unit}` : ''}${has(value) && note ? ` (${note})` : ''} | ${ok} |`);
};
// va-coba: every integrator variant, each named, against the Brian2 figure of the same run.
const cobaRuns = presetResults.filter((p) => p.plan.name === 'va-coba' && p.runs.length);
const cobaPeer = presetResults.find((p) => p.plan.name === 'va-coba' && p.peer)?.peer;
const variantName = (p: PresetResult) => p.plan.label.replace(/^va-coba \([^)]*\)(, )?/, '') || 'TypeScript euler-f32';
const cobaCpu = (p: PresetResult) => median(p.runs.map((r) => r.rtf_cpu as number));
const cobaWall = (p: PresetResult) => median(p.runs.map((r) => r.rtf_wall as number));
if (cobaRuns.length) {
  for (const [what, of] of [['wall', cobaWall], ['CPU', cobaCpu]] as const) {
    const best = cobaRuns.reduce((a, b) => (of(b) < of(a) ? b : a));
    md.push(`| va-coba real-time factor (${what}) ≤ 0.1 | ${cobaRuns.map((p) => `${variantName(p)} ${fmt(of(p))}`).join('; ')} | ${of(best) <= 0.1 ? `yes (${variantName(best)})` : 'no'} |`);
  }
  if (cobaPeer && !cobaPeer.error) {
    const b = median(cobaPeer.sim_s!) / ((Number(cobaRuns[0].plan.overrides.simtime) || 1000) / 1000);
    const best = cobaRuns.reduce((x, y) => (cobaCpu(y) < cobaCpu(x) ? y : x));
    md.push(`| va-coba ≥ 2× faster than Brian2 C++ standalone COBA (CPU time both; Brian2 ${fmt(b)}) | ${cobaRuns.map((p) => `${variantName(p)} ${fmt(b / cobaCpu(p), 2)}×`).join('; ')} | ${b / cobaCpu(best) >= 2 ? `yes (${variantName(best)})` : 'no'} |`);
  } else md.push(`| va-coba ≥ 2× faster than Brian2 C++ standalone COBA | ${cobaPeer?.error ?? '–'} | not measured |`);
} else md.push(`| va-coba | ${missingNote('va-coba') || 'not run'} | not measured |`);
{
  // Issue 14: cobahh ahead of Brian2's C++ standalone COBAHH, both timed in this run (CPU time both).
  const hh = presetResults.find((p) => p.plan.label === COBAHH_LABEL);
  if (hh?.runs.length && hh.peer && !hh.peer.error) {
    const b = median(hh.peer.sim_s!) / (Number(hh.plan.overrides.simtime) / 1000);
    const ours = median(hh.runs.map((r) => r.rtf_cpu as number));
    md.push(`| cobahh ahead of Brian2 C++ standalone COBAHH (CPU RTF; Brian2 ${fmt(b)}) | ours ${fmt(ours)}, ${fmt(b / ours, 2)}× | ${ours < b ? 'yes' : 'no'} |`);
  } else md.push(`| cobahh ahead of Brian2 C++ standalone COBAHH | ${hh?.error ?? hh?.peer?.error ?? 'not run'} | not measured |`);
}
target('cuba-static wall s per simulated s', quick ? null : rtfOf('cuba-static'), 7, 's', quick ? 'full size only' : missingNote('cuba-static'), quick ? null : rtfOf('cuba-static', true));
target('cuba-stdp wall s per simulated s', quick ? null : rtfOf('cuba-stdp'), 13, 's', quick ? 'full size only' : missingNote('cuba-stdp'), quick ? null : rtfOf('cuba-stdp', true));
const hpc1 = find('hpc-benchmark --scale 1');
target('hpc-benchmark scale 1: tables built', hpc1?.runs.length ? (hpc1.runs[0].build_s as number) : null, 10, 's', hpc1?.error ?? (quick ? 'full run only' : ''));
target('hpc-benchmark scale 1: 250 ms simulated (after the presimulation)', hpc1?.runs.length ? (hpc1.runs[0].wall_s as number) : null, 30, 's', hpc1?.error ?? (quick ? 'full run only' : ''));
target('hpc-benchmark scale 1: peak RSS', hpc1?.runs.length ? (hpc1.runs[0].peak_rss_mib as number) / 1024 : null, 1.6, 'GiB', hpc1?.error ?? (quick ? 'full run only' : ''));
// Against both floors: the TypeScript scatter (float64 ring) and the WebAssembly one (an f32x4 group's float32 ring).
for (const [label, name] of [
  ['TypeScript scatter', 'static_synapse, homogeneous weight'],
  ['WebAssembly scatter', 'static_synapse, homogeneous weight, WebAssembly scatter (f32x4 group, float32 ring)'],
] as const) {
  const row = propRows.find((r) => r.synapse === name && !r.error);
  if (!row || !jsF) continue;
  const m = median(JSON.parse(row.ns_per_event as string) as number[]);
  const toJs = m / jsF.scatter_sorted_11250_ns;
  const toC = cF ? m / cF.scatter_sorted_11250_ns : NaN;
  md.push(`| propagation within 1.5× of the scatter-add floor: ${label} (${fmt(m)} ns/event) | ${fmt(toJs, 2)}× the JS floor${cF ? `, ${fmt(toC, 2)}× the C floor` : ''} | ${toJs <= 1.5 ? 'yes (JS floor)' : 'no (JS floor)'}${cF ? (toC <= 1.5 ? ', yes (C floor)' : ', no (C floor)') : ''} |`);
}
const staticMax = Math.max(...propRows.filter((r) => String(r.synapse).startsWith('static') && !r.error).map((r) => r.bytes_per_synapse as number));
target('static synapse bytes', Number.isFinite(staticMax) ? staticMax : null, 8, 'B');
const pl = propRows.find((r) => String(r.synapse).startsWith('stdp_pl') && !r.error);
target('plastic power-law synapse bytes', pl ? (pl.bytes_per_synapse as number) : null, 12, 'B', pl ? '' : 'stdp_pl_synapse_hom not registered on this branch');
md.push('');

// The speed targets of issues 14 (one core) and 17 (2 workers on 2 cores), from this run's rows.
md.push('## Targets (issues 14 and 17)');
md.push('');
md.push('| target | measured | met |');
md.push('|---|---|---|');
const fullOnly = quick ? 'full run only' : 'not run';
for (const [what, label, limit] of [['zenke-25k-static', 'zenke-25k-static (full, 1 s)', 1.1], ['zenke-25k (plastic)', 'zenke-25k (full, 1 s)', 2.5]] as const) {
  const rtf = medianOf(label, 'rtf_wall');
  target(`${what} real-time factor (wall)`, rtf, limit, '', rtf === null ? fullOnly : '');
}
for (const network of ['cuba-static', 'hpc-benchmark scale 1, 50+250 ms']) {
  const row = (helperRows['scaling.ts'] ?? []).find((r) => r.network === network && r.n === 2 && r.backend === 'workers');
  const x = row ? Number(row.speedup) : NaN;
  // Four digits: a speed-up of 1.796 must not read as a 1.80 that fails.
  md.push(`| ${network}: 2 workers ≥ 1.8× 1 worker (wall, best of 2 each) | ${Number.isFinite(x) ? `${fmt(x, 4)} | ${x >= 1.8 ? 'yes' : 'no'}` : `${fullOnly} | not measured`} |`);
}
md.push('');
md.push(`Total bench time ${((Date.now() - started) / 1000).toFixed(0)} s.`);

const text = md.join('\n') + '\n';
// The smoke run and a run of some sections write beside the committed full-run results instead of over them.
const stem = quick ? 'bench-quick' : only ? `bench-only-${[...only].join('-')}` : 'bench';
writeFileSync(path.join(resultsDir, `${stem}.json`), JSON.stringify(report, null, 2) + '\n');
writeFileSync(path.join(resultsDir, `${stem}.md`), text);
process.stdout.write(text);
log(`wrote ${path.relative(process.cwd(), path.join(resultsDir, `${stem}.md`))} and ${stem}.json`);
