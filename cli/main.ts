import { Command } from 'commander';
import { builtinPlugins } from '../plugins/index.js';
import { presets } from '../presets/index.js';
import { findPreset, resolvePresetParams } from '../presets/preset.js';
import { PluginRegistry } from '../core/registry.js';
import { Simulator } from '../core/simulator.js';
import { schemaRows } from '../core/schema.js';
import { SpikeworksError } from '../core/errors.js';
import type { PluginKind } from '../core/plugin.js';
import { registerCompare } from './output.js';
import { registerBridge } from './bridge.js';
import { collect, parseSets, registerRun } from './run-command.js';
import { registerServe } from './serve.js';
import { registerBuild } from './build-addon.js';
import { schemeLines } from './schemes.js';
import { createRequire } from 'node:module';

const program = new Command();
// package.json sits one folder above both cli/ and dist/.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
program.name('spikeworks').description('Spiking neural network simulator: run the preset benchmark networks').version(version).showHelpAfterError();

registerRun(program);

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
    console.log(`\ndocs: docs/presets/${p.name.startsWith('zenke-25k') ? 'zenke-25k' : p.name}.md; output: run.json, spike files, log_0.dat, summary.json, statistics and SVG figures in --out (default out/${p.name}-<seed>[-<parameters given>])`);
  });

registerCompare(program);
registerBridge(program);
registerServe(program);
registerBuild(program);

program
  .command('models')
  .description('list every registered model, or the parameters of one')
  .argument('[name]')
  .action((name?: string) => {
    const reg = new PluginRegistry(builtinPlugins);
    const kinds: PluginKind[] = ['neuron', 'integrator', 'synapse', 'connection', 'generator', 'recorder', 'backend', 'system', 'service', 'delay_handler'];
    if (!name) {
      for (const k of kinds) {
        const all = reg.all(k);
        if (!all.length) continue;
        console.log(`${k}:`);
        for (const p of all) {
          console.log(`  ${p.name.padEnd(28)} ${p.doc}`);
          if (p.kind === 'neuron') console.log(`  ${''.padEnd(28)} schemes: ${reg.integratorsOf(p).join(', ')}`);
        }
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
        console.log(`integrators (default ${p.defaultIntegrator}):`);
        for (const line of schemeLines(p, reg.integratorsOf(p))) console.log(`  ${line}`);
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
