import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { builtinPlugins } from '../plugins/index.js';
import { presets } from '../presets/index.js';
import { findPreset, resolvePresetParams } from '../presets/preset.js';
import { runPreset, type RunSummary, type RunOutput } from '../presets/run.js';
import { loadTarget } from './targets.js';
import { PluginRegistry } from '../core/registry.js';
import { Simulator } from '../core/simulator.js';
import { schemaRows } from '../core/schema.js';
import { SpikeworksError } from '../core/errors.js';
import type { PluginKind } from '../core/plugin.js';
import { COMM_CHOICES, parallelRequested, runParallel } from './parallel.js';
import { defaultOutDir, registerCompare, writePresetOutput } from './output.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseSets(sets: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new SpikeworksError(`--set expects key=value, got '${s}'`);
    out[s.slice(0, eq).trim()] = s.slice(eq + 1).trim();
  }
  return out;
}

function printSummary(s: RunSummary): void {
  const lines: [string, string][] = [
    ['preset', s.preset],
    ['neurons', String(s.neurons)],
    ['synapses', s.synapses.toLocaleString('en-US')],
    ['bytes per synapse', s.bytes_per_synapse.toFixed(2)],
    ['build time', `${s.build_time_s.toFixed(2)} s (nodes ${s.build_time_nodes_s.toFixed(2)} s, edges ${s.build_edge_time_s.toFixed(2)} s)`],
    ['simulation time', `${s.sim_time_s.toFixed(2)} s for ${s.simtime_ms} ms (real-time factor ${s.real_time_factor.toFixed(3)})`],
    ['  update / propagate / exchange', `${s.time_update_s.toFixed(2)} / ${s.time_propagate_s.toFixed(2)} / ${s.time_exchange_s.toFixed(2)} s`],
    ['excitatory rate', `${s.rate_e_hz.toFixed(2)} Hz`],
    ['inhibitory rate', `${s.rate_i_hz.toFixed(2)} Hz`],
    ['recorded spikes', String(s.spike_count)],
    ['spike digest', s.spike_digest],
    ['peak RSS', `${s.rss_mib.toFixed(0)} MiB`],
  ];
  // Statistics means and preset-specific figures: every key the fixed lines above do not show.
  const shown = new Set(['preset', 'neurons', 'synapses', 'bytes_per_synapse', 'build_time_s', 'build_time_nodes_s', 'build_edge_time_s', 'sim_time_s', 'simtime_ms', 'real_time_factor', 'time_update_s', 'time_propagate_s', 'time_exchange_s', 'rate_e_hz', 'rate_i_hz', 'spike_count', 'spike_digest', 'rss_mib']);
  for (const [k, v] of Object.entries(s)) if (!shown.has(k)) lines.push([k.replace(/_/g, ' '), String(v)]);
  const w = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) console.log(`${k.padEnd(w)}  ${v}`);
}

const program = new Command();
program.name('spikeworks').description('Spiking neural network simulator: run the preset benchmark networks').showHelpAfterError();

program
  .command('run')
  .description('build and simulate a preset network, a spec file (.json) or a network module (.ts, .js), then print its summary')
  .argument('<network>', 'preset name (see `spikeworks list`), spec file or module')
  .option('--simtime <ms>', 'simulated time in ms')
  .option('--seed <n>', 'seed of every random stream')
  .option('--scale <x>', 'multiply the neuron counts')
  .option('--set <key=value>', 'override a preset parameter (repeatable)', collect, [])
  .option('--json', 'print the summary as one JSON object on stdout')
  .option('--out <dir>', 'output folder: spike files, log_0.dat, summary.json, statistics, SVG figures (default out/<preset>-<seed>)')
  .addOption(new Option('--no-out', 'write no output folder'))
  .addOption(new Option('--no-progress', 'no progress bar'))
  .option('--workers <n>', 'run in n worker threads (implies --comm workers)')
  .addOption(new Option('--comm <backend>', 'communication backend; mpi: start with mpirun -np N').choices(COMM_CHOICES))
  .option('--spike-dir <dir>', 'with --comm mpi: where each rank writes its spike file (default out/)')
  .action(async (name: string, opts: { simtime?: string; seed?: string; scale?: string; set: string[]; json?: boolean; progress: boolean; out?: string | boolean; workers?: string; comm?: string; spikeDir?: string }) => {
    const { preset, plugins } = await loadTarget(name);
    const overrides: Record<string, unknown> = parseSets(opts.set);
    if (opts.simtime !== undefined) overrides.simtime = opts.simtime;
    if (opts.seed !== undefined) overrides.seed = opts.seed;
    if (opts.scale !== undefined) overrides.scale = opts.scale;
    const dt = resolvePresetParams(preset, overrides).dt as number; // fails on bad input before building anything
    const say = opts.json ? console.error : console.log;
    const write = async (result: RunOutput) => {
      if (opts.out === false) return;
      const dir = typeof opts.out === 'string' ? opts.out : defaultOutDir(preset, result.params);
      const files = await writePresetOutput(dir, preset, result);
      say(`output: ${dir}/ (${files.length} files)`);
    };
    const progress = opts.progress && process.stderr.isTTY !== false ? progressBar(dt) : null;
    if (parallelRequested(opts)) {
      try {
        await runParallel(preset, plugins, overrides, opts, { progress: progress?.update, stopProgress: progress?.stop, write });
      } catch (e) {
        progress?.stop();
        if (e instanceof SpikeworksError || (e instanceof Error && /^worker \d+ of \d+/.test(e.message))) {
          console.error(`spikeworks: ${e.message}`);
          process.exitCode = 2;
          return;
        }
        throw e;
      }
      return;
    }
    const result = runPreset(preset, overrides, {
      plugins,
      // hpc_benchmark's Logger prints every line as it goes (rank, value, key); stdout stays JSON-only with --json.
      onLog: (line) => say(line.slice(line.indexOf(' ') + 1)),
      onProgress: progress?.update,
    });
    progress?.stop();
    if (opts.json) process.stdout.write(JSON.stringify(result.summary) + '\n');
    else printSummary(result.summary);
    result.sim.close();
    await write(result);
  });

/** A progress bar on stderr with the real-time factor so far; drawn at most every 100 ms. */
function progressBar(dt: number): { update: (done: number, total: number) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: ' {bar} {percentage}% | {value}/{total} steps | RTF {rtf} | ETA {eta_formatted}', hideCursor: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  let started = 0;
  let lastDraw = 0;
  return {
    update(done, total) {
      const t = performance.now();
      if (started === 0) {
        started = t;
        bar.start(total, 0, { rtf: '-' });
      }
      if (t - lastDraw < 100 && done < total) return;
      lastDraw = t;
      const simulatedS = done * dt * 1e-3;
      const rtf = simulatedS > 0 ? ((t - started) / 1000 / simulatedS).toFixed(3) : '-';
      bar.update(done, { rtf });
    },
    stop() {
      if (started) bar.stop();
      started = 0;
    },
  };
}

program
  .command('list')
  .description('list the presets')
  .action(() => {
    const w = Math.max(...presets.map((p) => p.name.length));
    for (const p of presets) console.log(`${p.name.padEnd(w)}  ${p.title}`);
  });

program
  .command('describe')
  .description("a preset's network, source and parameters; --schedule builds it and prints its systems by phase")
  .argument('<preset>')
  .option('--schedule', 'build the network (not run it) and print the phases, systems and entities of its schedule')
  .option('--scale <x>', 'with --schedule: multiply the neuron counts')
  .option('--set <key=value>', 'with --schedule: override a preset parameter (repeatable)', collect, [])
  .action((name: string, opts: { schedule?: boolean; scale?: string; set: string[] }) => {
    const p = findPreset(presets, name);
    if (opts.schedule) {
      const overrides: Record<string, unknown> = parseSets(opts.set);
      if (opts.scale !== undefined) overrides.scale = opts.scale;
      const values = resolvePresetParams(p, overrides);
      const sim = new Simulator({ plugins: builtinPlugins, dt: values.dt as number, seed: values.seed as number });
      p.build(sim, values);
      console.log(`${p.name}: schedule\n${sim.schedule()}`);
      sim.close();
      return;
    }
    console.log(`${p.name}: ${p.title}\n\n${p.doc}\n\nsource: ${p.source}`);
    if (p.reference) console.log(`reference: E ${p.reference.rate_e_hz ?? '-'} Hz, I ${p.reference.rate_i_hz ?? '-'} Hz (tolerance ±${p.reference.tolerance * 100} %; ${p.reference.source})`);
    console.log('\nparameters (override with --set key=value):');
    const kw = Math.max(12, ...Object.keys(p.params).map((k) => k.length));
    const dw = Math.max(10, ...Object.values(p.params).map((s) => String(s.default).length));
    for (const [k, s] of Object.entries(p.params)) {
      const allowed = s.choices ? `one of ${s.choices.join(', ')}` : '';
      console.log(`  ${k.padEnd(kw)} ${String(s.default).padEnd(dw)} ${(s.unit || '').padEnd(6)} ${s.doc}${allowed ? ` (${allowed})` : ''}`);
    }
    console.log(`\ndocs: docs/presets/${p.name.startsWith('zenke-25k') ? 'zenke-25k' : p.name}.md; output: spike files, log_0.dat, summary.json, statistics and SVG figures in --out (default out/${p.name}-<seed>)`);
  });

registerCompare(program);

program
  .command('models')
  .description('list every registered model, or the parameters of one')
  .argument('[name]')
  .action((name?: string) => {
    const reg = new PluginRegistry(builtinPlugins);
    const kinds: PluginKind[] = ['neuron', 'integrator', 'synapse', 'connection', 'generator', 'recorder', 'backend', 'system', 'service'];
    if (!name) {
      for (const k of kinds) {
        const all = reg.all(k);
        if (!all.length) continue;
        console.log(`${k}:`);
        for (const p of all) console.log(`  ${p.name.padEnd(28)} ${p.doc}`);
      }
      return;
    }
    for (const k of kinds) {
      const p = reg.find(k, name);
      if (!p) continue;
      console.log(`${p.name} (${k}): ${p.doc}`);
      if ('params' in p) {
        const rows = schemaRows(p.params);
        if (rows.length) console.log('parameters:');
        for (const r of rows) console.log(`  ${r.name.padEnd(18)} ${String(r.default).padEnd(10)} ${r.unit.padEnd(4)} ${r.allowed.padEnd(34)} ${r.doc}`);
      }
      if (k === 'neuron' && 'state' in p) {
        console.log('state:');
        for (const [sn, sv] of Object.entries(p.state)) console.log(`  ${sn.padEnd(18)} ${sv.unit.padEnd(4)} ${sv.doc}`);
        console.log(`integrators: ${reg.integratorsOf(p).join(', ')} (default ${p.defaultIntegrator})`);
      }
      return;
    }
    reg.get('neuron', name); // throws with the list of known names
  });

try {
  await program.parseAsync();
} catch (e) {
  if (e instanceof SpikeworksError) {
    console.error(`spikeworks: ${e.message}`);
    process.exit(2);
  }
  throw e;
}
