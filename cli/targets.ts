import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve, isAbsolute } from 'node:path';
import { SpikeworksError, ParameterError } from '../core/errors.js';
import { Simulator } from '../core/simulator.js';
import { decodeSpecJson } from '../core/spec-json.js';
import { validateSpec, type NetworkSpec } from '../core/spec.js';
import { C } from '../core/components.js';
import type { Plugin, RecorderRuntime } from '../core/plugin.js';
import { Population, Device } from '../core/handles.js';
import { builtinPlugins } from '../plugins/index.js';
import { presets } from '../presets/index.js';
import { commonParams, findPreset, type Preset, type PresetNetwork, type RecordedGroup } from '../presets/preset.js';
import { importModule, importPlugins, selectPlugins } from '../parallel/plugins.js';

/** What `spikeworks run` runs: a preset, with the plugins it is built with. */
export interface RunTarget {
  preset: Preset;
  plugins: readonly Plugin[];
}

/** Whether the argument names a file (a spec or a module) rather than a preset. */
export function isFileTarget(arg: string): boolean {
  return /\.(json|[cm]?[jt]s)$/.test(arg) || arg.startsWith('.') || arg.startsWith('/');
}

/**
 * A spec run as a preset: its protocol gives simtime and presimtime, its options dt and seed; the summary's
 * E and I are its first two populations, and every spike-keeping recorder records a group per population it
 * records (labelled by the population's label, or P<id>).
 */
export function specPreset(spec: NetworkSpec, name: string, source: string): Preset {
  const s = validateSpec(spec);
  return {
    name,
    title: `${name}: a network spec (${s.nodes.length} nodes, ${s.connections.length} connections)`,
    source,
    doc: 'A network given as a spec: populations, projections and devices as data (docs/spec.md).',
    params: {
      ...commonParams,
      simtime: { ...commonParams.simtime, default: s.run?.simtime ?? 1000 },
      dt: { ...commonParams.dt, default: s.simulator.dt },
      seed: { ...commonParams.seed, default: s.simulator.seed },
      scale: { ...commonParams.scale, min: 1, exclusiveMin: false, max: 1, doc: 'a spec has fixed sizes: only 1' },
      presimtime: { unit: 'ms', default: s.run?.presimtime ?? 0, min: 0, doc: 'simulated before the measured simtime' },
    },
    build(sim, p) {
      sim.build({ ...s, simulator: { dt: p.dt as number, seed: p.seed as number } });
      return specNetwork(sim, s, name);
    },
    modules: s.plugins.modules,
  };
}

/** The preset view of a built spec: its populations, its spike recorders and what they record. */
function specNetwork(sim: Simulator, spec: NetworkSpec, name: string): PresetNetwork {
  const nodes = sim.network.log.handles;
  const pops = nodes.filter((n): n is Population => n instanceof Population);
  if (pops.length === 0) throw new ParameterError(`spec ${name}`, 'nodes', 'no population', 'at least one population');
  const recorders = nodes.filter((n): n is Device => n instanceof Device && n.kind === 'recorder' && Boolean((n.runtime as RecorderRuntime).spikeRecord));
  const recorded: RecordedGroup[] = [];
  for (const rec of recorders) {
    for (const eid of sim.world.related(rec.eid, sim.world.Targets)) {
      const pop = sim.world.get(eid, C.population);
      const node = nodes.indexOf(pop);
      const label = spec.nodes[node].label ?? `P${pop.id}`;
      recorded.push({ label, recorder: rec, pop, start: 0, end: pop.size, fileLabel: `spikes_${label}` });
    }
  }
  return { E: pops[0], I: pops[1] ?? pops[0], recorders, recorded };
}

/**
 * A spec file (`.json`) or a module: one exporting `spec` (a spec, or a function of the preset parameters
 * that gives one) or `build(sim, params)`, and optionally `plugins` (its own models, rules, systems).
 */
async function fileTarget(arg: string): Promise<RunTarget> {
  const file = isAbsolute(arg) ? arg : resolve(arg);
  if (!existsSync(file)) throw new ParameterError('run', 'network', arg, 'a preset name (spikeworks list), a spec file (.json) or a module (.ts, .js) that exists');
  const name = file.replace(/^.*\//, '').replace(/\.[^.]+$/, '');
  if (file.endsWith('.json')) {
    const spec = decodeSpecJson(readFileSync(file, 'utf8'), arg);
    // Module paths in a spec file are relative to the file.
    for (const m of spec.plugins.modules ?? []) if (!/^[a-z]+:/i.test(m.url) && !isAbsolute(m.url)) m.url = resolve(dirname(file), m.url);
    const extra: Plugin[] = [];
    for (const m of spec.plugins.modules ?? []) extra.push(...(await importPlugins(m.url, m.export)));
    return { preset: specPreset(spec, name, arg), plugins: selectPlugins(spec.plugins, extra) };
  }
  const mod = await importModule(file);
  const own = mod.plugins === undefined ? [] : mod.plugins;
  if (!Array.isArray(own)) throw new ParameterError(file, 'plugins', typeof own, 'an exported array of plugins');
  const plugins = [...builtinPlugins, ...(own as Plugin[])];
  const modules = own.length ? [{ url: file, export: 'plugins' }] : undefined;
  let spec: NetworkSpec;
  if (mod.spec !== undefined) {
    spec = typeof mod.spec === 'function' ? ((await (mod.spec as (p: unknown) => unknown)({})) as NetworkSpec) : (mod.spec as NetworkSpec);
    spec = { ...spec, plugins: { ...spec.plugins, modules: spec.plugins.modules ?? modules } };
  } else if (typeof mod.build === 'function' || typeof mod.default === 'function') {
    const build = (mod.build ?? mod.default) as (sim: Simulator, p: unknown) => unknown;
    const sim = new Simulator({ plugins, describeOnly: true, dt: typeof mod.dt === 'number' ? mod.dt : 0.1, seed: typeof mod.seed === 'number' ? mod.seed : 1 });
    await build(sim, {});
    spec = sim.toSpec({ modules, run: { simtime: typeof mod.simtime === 'number' ? mod.simtime : 1000 } });
  } else {
    throw new ParameterError(file, 'exports', Object.keys(mod).join(', ') || '(none)', "spec (a network spec or a function giving one) or build(sim, params)");
  }
  return { preset: specPreset(spec, name, arg), plugins: selectPlugins(spec.plugins, own as Plugin[]) };
}

/** A preset by name, or a network file. */
export async function loadTarget(arg: string): Promise<RunTarget> {
  if (isFileTarget(arg)) return fileTarget(arg);
  return { preset: findPreset(presets, arg), plugins: builtinPlugins };
}
