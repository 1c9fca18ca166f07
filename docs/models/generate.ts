/**
 * Writes the generated tables of the model pages in docs/models/ from the registered plugins: each block
 * between `<!-- begin generated: <kind> <model> -->` and `<!-- end generated -->` is replaced by the table
 * of that kind (params, state, integrators) for that model, so the tables cannot drift from the schemas;
 * `scheme-index all` is the list of every neuron model's schemes; `synapse <model>` a synapse model's
 * parameters and options; `equations <model>` an equation model's declaration (equations, threshold,
 * reset, refractoriness, bounds, ports) as written in its source.
 *
 *   npx tsx docs/models/generate.ts           rewrite the pages
 *   npx tsx docs/models/generate.ts --check   exit 1 if a page is not what the registry gives
 *
 * test/docs/models/generate.test.ts fails when a page is stale or a built-in neuron model has no page.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtinPlugins } from '../../plugins/index.js';
import { PluginRegistry } from '../../core/registry.js';
import { describeRange, resolveParams, type Params } from '../../core/schema.js';
import type { NeuronModel } from '../../core/contracts/neuron.js';
import type { ParamSchema } from '../../core/schema.js';
import type { ModelDef } from '../../core/equations/model.js';

export const MODELS_DIR = fileURLToPath(new URL('.', import.meta.url));

export const BLOCK_KINDS = ['params', 'state', 'integrators', 'equations', 'scheme-index', 'synapse'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

const BLOCK = /<!-- begin generated: (\S+) (\S+) -->\n[\s\S]*?<!-- end generated -->/g;

/** A unit as a table cell: dimensionless quantities show a dash rather than an empty cell. */
export const unitCell = (unit: string) => (unit === '' || unit === '1' ? '–' : unit);

/** Numbers as JavaScript prints them (round-trips through Number), up to six significant digits for computed values. */
export const numberCell = (x: number) => String(x);
const computedCell = (x: number) => (Number.isFinite(x) && x !== 0 ? String(Number(x.toPrecision(6))) : String(x));

const escapeCell = (s: string) => s.replace(/\|/g, '\\|');

export function builtinRegistry(): PluginRegistry {
  return new PluginRegistry(builtinPlugins);
}

function paramsTable(schema: ParamSchema): string {
  const rows = Object.entries(schema).map(([name, s]) =>
    `| \`${name}\` | ${unitCell(s.unit)} | ${numberCell(s.default)} | ${escapeCell(describeRange({ ...s, unit: '' }))} | ${escapeCell(s.doc)} |`);
  return ['| parameter | unit | default | allowed | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

/**
 * The initial value at the defaults, and the parameter it equals when it follows one (V_m starts at E_L):
 * found by moving each parameter on its own and seeing which moves the initial value.
 */
function initialCell(model: NeuronModel, name: string, defaults: Params): string {
  const init = model.state[name].initial;
  const value = init(defaults);
  const movedBy = Object.keys(defaults).filter((k) => {
    if (!Number.isFinite(defaults[k])) return false;
    return init({ ...defaults, [k]: defaults[k] + 1 }) !== value;
  });
  const cell = computedCell(value);
  if (movedBy.length === 1 && value === defaults[movedBy[0]]) return `${cell} (= \`${movedBy[0]}\`)`;
  if (movedBy.length > 0) return `${cell} (from ${movedBy.map((k) => `\`${k}\``).join(', ')})`;
  return cell;
}

function stateTable(model: NeuronModel): string {
  const defaults = resolveParams(model.name, model.params, {});
  const names = Object.keys(model.state);
  if (names.length === 0) return 'No state variables.';
  const rows = names.map((name) => {
    const s = model.state[name];
    return `| \`${name}\` | ${unitCell(s.unit)} | ${initialCell(model, name, defaults)} | ${escapeCell(s.doc)} |`;
  });
  const aliases = Object.entries(model.aliases ?? {}).map(([alias, target]) => `\`${alias}\` is \`${target}\``);
  return ['| state variable | unit | initial value (at the defaults) | meaning |', '|---|---|---|---|', ...rows].join('\n')
    + (aliases.length ? `\n\nAliases (the same array): ${aliases.join(', ')}.` : '');
}

function integratorsTable(reg: PluginRegistry, model: NeuronModel): string {
  const rows = reg.integratorsOf(model).map((name) => {
    const resolved = reg.scheme(model, name)!;
    const own = Object.keys(resolved.scheme.internal ?? {}).map((v) => `\`${v}\``).join(', ') || '–';
    const from = name in model.integrators ? 'the model' : `integrator plugin \`${name}\``;
    const label = name === model.defaultIntegrator ? `**\`${name}\`** (default)` : `\`${name}\``;
    return `| ${label} | ${resolved.scheme.precision ?? 'f64'} | ${own} | ${from} |`;
  });
  const table = ['| scheme | precision | its own per-neuron variables | declared by |', '|---|---|---|---|', ...rows].join('\n');
  const refused = (model as NeuronModel & { refused?: Record<string, string> }).refused ?? {};
  const notes = Object.entries(refused).map(([name, why]) => `\`${name}\`: ${why}`);
  return table + (notes.length ? `\n\nSchemes that do not apply: ${notes.join('; ')}.` : '');
}

/** Every registered neuron model with its schemes, the default first. */
function schemeIndex(reg: PluginRegistry): string {
  const rows = reg.all('neuron').map((m) => {
    const rest = reg.integratorsOf(m).filter((s) => s !== m.defaultIntegrator).map((s) => `\`${s}\``);
    return `| \`${m.name}\` | **\`${m.defaultIntegrator}\`**${rest.length ? `, ${rest.join(', ')}` : ''} |`;
  });
  return ['| model | integrators (default first, in bold) |', '|---|---|', ...rows].join('\n');
}

/** A synapse model's parameters (beyond weight and delay, shared by a projection), options and storage. */
function synapseBlock(reg: PluginRegistry, name: string): string {
  const model = reg.find('synapse', name);
  if (!model) throw new Error(`generated block 'synapse ${name}': no registered synapse model '${name}'`);
  const params = Object.keys(model.params).length ? paramsTable(model.params) : 'No parameters beyond `weight` and `delay`.';
  const options = Object.entries(model.options ?? {}).map(([key, o]) => {
    // An option naming a plugin kind takes any registered plugin of that kind.
    const allowed = o.plugin ? reg.all(o.plugin).map((p) => p.name) : o.allowed;
    return `\`${key}\`: one of ${allowed.map((a) => `\`${a}\``).join(', ')} (default \`${o.default}\`) — ${o.doc}.`;
  });
  // Which parameters a connection may give per synapse (SynapseModel.perSynapseParams), and which registered
  // delay handlers run them, so that a page cannot claim more or less than the registry allows.
  const perNames = model.perSynapseParams ?? [];
  const handlerOption = Object.entries(model.options ?? {}).find(([, o]) => o.plugin === 'delay_handler');
  const runners = handlerOption
    ? reg.all('delay_handler').filter((h) => (h.create as { runsPerSynapse?: boolean }).runsPerSynapse).map((h) => `\`${h.name}\``)
    : [];
  const perSynapse = perNames.length > 0
    ? `Per synapse: ${perNames.map((n) => `\`${n}\``).join(', ')} may be given per connection, as an array (NEST's layout) or a distribution, like weights; a number is shared by the projection.${runners.length ? ` Delay handlers that run them: ${runners.join(', ')}.` : ''}`
    : Object.keys(model.params).length > 0 ? 'One value per projection for every parameter: an array or a distribution for one is refused, naming it.' : '';
  const storage = model.plastic
    ? 'Plastic: weights are stored per synapse and change while simulating.'
    : model.perSynapseWeight ? 'Static; weights are stored per synapse.' : 'Static: a scalar weight or delay is stored once per projection, not per synapse.';
  return [params, ...options.map((o) => `Option ${o}`), ...(perSynapse ? [perSynapse] : []), storage].join('\n\n');
}

/** An equation model's declaration, verbatim: what every one of its generated schemes integrates. */
function equationsBlock(model: NeuronModel): string {
  const def = (model as NeuronModel & { definition?: ModelDef }).definition;
  if (!def) throw new Error(`generated block 'equations ${model.name}': '${model.name}' is not declared as equations`);
  const L: string[] = def.equations.length ? [...def.equations] : ['(no equations: no dynamics)'];
  const bounds = [
    ...Object.entries(def.lowerBounds ?? {}).map(([v, b]) => `${v} >= ${b}`),
    ...Object.entries(def.upperBounds ?? {}).map(([v, b]) => `${v} <= ${b}`),
  ];
  if (bounds.length) L.push(`bounds:      ${bounds.join(';  ')}   (after the step's input, unless refractory)`);
  L.push(`threshold:   ${def.threshold ?? '(none: never spikes)'}`);
  if (def.reset?.length) L.push(`reset:       ${def.reset.join(';  ')}`);
  if (def.refractory) L.push(`refractory:  ${def.refractory.period}${def.refractory.clamp?.length ? `, holding ${def.refractory.clamp.join(', ')}` : ''}`);
  const ports = Object.entries(def.receptors ?? {}).map(([name, r]) => `${name} → ${r!.variable} (${r!.kind}${r!.scale ? `, × ${r!.scale}` : ''})`);
  if (ports.length) L.push(`ports:       ${ports.join(';  ')}`);
  return ['```', ...L, '```'].join('\n');
}

/** The content of one generated block. */
export function renderBlock(reg: PluginRegistry, kind: string, modelName: string): string {
  if (kind === 'scheme-index') return schemeIndex(reg);
  if (kind === 'synapse') return synapseBlock(reg, modelName);
  const model = reg.find('neuron', modelName);
  if (!model) throw new Error(`generated block '${kind} ${modelName}': no registered neuron model '${modelName}'`);
  switch (kind) {
    case 'params': return paramsTable(model.params);
    case 'state': return stateTable(model);
    case 'integrators': return integratorsTable(reg, model);
    case 'equations': return equationsBlock(model);
    default: throw new Error(`generated block '${kind} ${modelName}': unknown kind (one of ${BLOCK_KINDS.join(', ')})`);
  }
}

/** The blocks a page holds, in order. */
export function blocksOf(text: string): { kind: string; model: string }[] {
  return [...text.matchAll(BLOCK)].map((m) => ({ kind: m[1], model: m[2] }));
}

/** The page with every generated block rewritten from the registry. */
export function renderPage(reg: PluginRegistry, text: string): string {
  return text.replace(BLOCK, (_all, kind: string, model: string) =>
    `<!-- begin generated: ${kind} ${model} -->\n${renderBlock(reg, kind, model)}\n<!-- end generated -->`);
}

export function modelPages(): string[] {
  return readdirSync(MODELS_DIR).filter((f) => f.endsWith('.md')).sort();
}

/** Rewrites (or, with `check`, compares) every page; returns the pages that were (or would be) changed. */
export function generate(check = false): string[] {
  const reg = builtinRegistry();
  const changed: string[] = [];
  for (const page of modelPages()) {
    const path = `${MODELS_DIR}${page}`;
    const text = readFileSync(path, 'utf8');
    const next = renderPage(reg, text);
    if (next === text) continue;
    changed.push(page);
    if (!check) writeFileSync(path, next);
  }
  return changed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  const changed = generate(check);
  if (check && changed.length) {
    console.error(`docs/models: stale generated tables in ${changed.join(', ')} (run npx tsx docs/models/generate.ts)`);
    process.exit(1);
  }
  console.log(changed.length ? `${check ? 'stale' : 'rewrote'}: ${changed.join(', ')}` : 'docs/models: up to date');
}
