import { ParameterError } from './errors.js';
import { checkValue, type Params } from './schema.js';
import { EdgeBuffer } from './csr.js';
import { BlockedEdges, targetBlockSize } from './blocks.js';
import { delayToSteps, resolveEdgeValue } from './values.js';
import { isDistribution, type DistributionSpec, type ValueSpec } from './distributions.js';
import { formatValue } from './errors.js';
import { FLOAT32_MAX, FLOAT32_RANGE, MAX_TABLE_SYNAPSES, fitsFloat32, formatBytes, formatCount, type MemoryLedger } from './memory.js';
import type { PluginRegistry } from './registry.js';
import type { RandomStreams } from './services.js';
import type { ConnectionRule } from './contracts/connection.js';
import type { SynapseModel, SynapseTable } from './contracts/synapse.js';
import type { PopulationHandle } from './contracts/base.js';

export type ConnSpec = string | ({ rule: string; allow_autapses?: boolean; allow_multapses?: boolean } & Record<string, unknown>);
export type SynSpec = string | ({ synapse_model?: string; weight?: ValueSpec; delay?: ValueSpec } & Record<string, unknown>);

export interface ParsedConn {
  rule: ConnectionRule;
  rest: Record<string, unknown>;
  allowAutapses: boolean;
  allowMultapses: boolean;
}

export interface ParsedSyn {
  model: SynapseModel;
  weight: ValueSpec;
  delay: ValueSpec;
  /** Whether the syn_spec gave `delay` (NEST refuses it beside a split delay). */
  delayGiven?: boolean;
  /** NEST's split delay in ms (a delay handler with `splitDelay`): it replaces `delay`. */
  split?: { axonal: ValueSpec; dendritic: ValueSpec };
  rest: Record<string, unknown>;
  /** Synapse parameters given per connection (arrays, distributions), taken out of `rest` by takePerSynapseParams. */
  perSynapse?: Record<string, ValueSpec>;
}

/** A conn_spec: a rule name or NEST's dict; without one, the plugin set's default rule. */
export function parseConn(registry: PluginRegistry, conn: ConnSpec | undefined): ParsedConn {
  if (conn === undefined) return { rule: registry.defaultOf('connection', 'connect'), rest: {}, allowAutapses: true, allowMultapses: true };
  if (typeof conn === 'string') return { rule: registry.get('connection', conn), rest: {}, allowAutapses: true, allowMultapses: true };
  if (!conn || typeof conn !== 'object' || Array.isArray(conn)) throw new ParameterError('connect', 'conn_spec', conn, 'a rule name or { rule: <name>, <its parameters> }');
  const { rule, allow_autapses, allow_multapses, ...rest } = conn;
  for (const [k, v] of [['allow_autapses', allow_autapses], ['allow_multapses', allow_multapses]] as const) {
    if (v !== undefined && typeof v !== 'boolean') throw new ParameterError(`connect ${rule}`, k, v, 'true or false');
  }
  return { rule: registry.get('connection', rule), rest, allowAutapses: allow_autapses ?? true, allowMultapses: allow_multapses ?? true };
}

/** A syn_spec: a synapse model name or NEST's dict; without a model, the plugin set's default synapse (weight 1, delay 1 ms as NEST). */
export function parseSyn(registry: PluginRegistry, syn: SynSpec | undefined): ParsedSyn {
  if (syn === undefined) syn = {};
  if (typeof syn === 'string') syn = { synapse_model: syn };
  if (!syn || typeof syn !== 'object' || Array.isArray(syn)) throw new ParameterError('connect', 'syn_spec', syn, 'a synapse model name or { synapse_model, weight, delay, ... }');
  const { synapse_model, weight, delay, ...rest } = syn;
  const model = synapse_model === undefined ? registry.defaultOf('synapse', 'connect') : registry.get('synapse', synapse_model as string);
  return { model, weight: weight ?? 1.0, delay: delay ?? 1.0, delayGiven: delay !== undefined, rest };
}

/** NEST's names of the two parts of a split delay (AxonalDendriticDelay). */
export const SPLIT_DELAY_KEYS = ['axonal_delay', 'dendritic_delay'] as const;

/**
 * Takes `axonal_delay` and `dendritic_delay` out of a syn_spec (before its keys are checked) and, once the
 * options are resolved, keeps them where a chosen plugin takes a split delay. As NEST: the two replace
 * `delay` (giving both is refused), the dendritic part defaults to 1 ms and the axonal one to 0; a model whose
 * handler does not split its delay refuses them.
 */
export function takeSplitDelay(syn: ParsedSyn): (where: string, options: Record<string, string>, registry: PluginRegistry) => void {
  const given: Record<string, unknown> = {};
  for (const k of SPLIT_DELAY_KEYS) {
    if (k in syn.rest) given[k] = syn.rest[k];
    delete syn.rest[k];
  }
  return (where, options, registry) => {
    const splitters = Object.entries(syn.model.options ?? {}).filter(([key, spec]) => {
      if (spec.plugin !== 'delay_handler') return false;
      const chosen = registry.find('delay_handler', options[key]);
      return chosen?.splitDelay === true;
    });
    const keys = Object.keys(given);
    if (splitters.length === 0) {
      if (keys.length === 0) return;
      const takers = registry.all('delay_handler').filter((h) => h.splitDelay).map((h) => `'${h.name}'`);
      throw new ParameterError(where, keys[0], formatValue(given[keys[0]]), `no ${keys[0]} here: only a delay handler that splits the delay takes it (delay_handler ${takers.join(' or ') || '(none registered)'}); otherwise give the whole delay as 'delay'`);
    }
    if (syn.delayGiven) {
      throw new ParameterError(where, 'delay', formatValue(syn.delay), `no 'delay' with delay_handler '${options[splitters[0][0]]}': give 'axonal_delay' and 'dendritic_delay' instead (NEST: they replace the total delay, which is their sum)`);
    }
    syn.split = { axonal: (given.axonal_delay as ValueSpec | undefined) ?? 0, dendritic: (given.dendritic_delay as ValueSpec | undefined) ?? 1.0 };
  };
}

/**
 * One part of a split delay in steps: >= 0, rounded to the nearest step on its own as NEST rounds each part
 * (AxonalDendriticDelay), so the total is always a whole number of steps.
 */
function delayPartToSteps(where: string, name: string, ms: number, dt: number): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new ParameterError(where, name, ms, 'a finite number >= 0 (ms)');
  const steps = Math.floor(ms * (1 / dt) + 0.5);
  if (steps > 65535) throw new ParameterError(where, name, ms, `at most ${65535 * dt} ms (65535 steps)`);
  return steps;
}

function totalSteps(where: string, axonal: number, dendritic: number, dt: number): number {
  const total = axonal + dendritic;
  if (total < 1) throw new ParameterError(where, 'axonal_delay + dendritic_delay', total * dt, `a total delay >= the resolution dt = ${dt} ms`);
  if (total > 65535) throw new ParameterError(where, 'axonal_delay + dendritic_delay', total * dt, `at most ${65535 * dt} ms (65535 steps)`);
  return total;
}

/**
 * The synapse model's string options (delay_handler, ...) out of the rest of a syn_spec. An option naming a
 * plugin kind takes any registered plugin of that kind; without a value, its default, else the kind's.
 */
export function synapseOptions(where: string, model: SynapseModel, rest: Record<string, unknown>, registry: PluginRegistry): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(model.options ?? {})) {
    const v = rest[key];
    delete rest[key];
    if (spec.plugin !== undefined) {
      const names = registry.all(spec.plugin).map((p) => p.name);
      if (v === undefined) out[key] = spec.default !== undefined && names.includes(spec.default) ? spec.default : registry.defaultOf(spec.plugin, `${where} ${key}`).name;
      else if (typeof v === 'string' && names.includes(v)) out[key] = v;
      else throw new ParameterError(where, key, v, `one of the registered ${key.replace(/_/g, ' ')}s: ${names.map((a) => `'${a}'`).join(', ') || '(none registered)'}`);
      continue;
    }
    if (v === undefined) out[key] = spec.default;
    else if (typeof v === 'string' && spec.allowed.includes(v)) out[key] = v;
    else throw new ParameterError(where, key, v, `one of ${spec.allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return out;
}

/**
 * Move the synapse parameters a syn_spec gives as arrays or distributions from `rest` to `perSynapse`
 * (their defaults stay in the projection's params). Only the model's perSynapseParams may be given so;
 * another parameter given so is refused, naming it (as NEST refuses per-connection values of common properties).
 */
export function takePerSynapseParams(where: string, syn: ParsedSyn): void {
  const allowed = syn.model.perSynapseParams ?? [];
  for (const [key, v] of Object.entries(syn.rest)) {
    if (typeof v === 'number' || v === undefined || !(key in syn.model.params)) continue;
    if (!isDistribution(v) && !Array.isArray(v) && !ArrayBuffer.isView(v)) continue;
    if (!allowed.includes(key)) {
      const others = allowed.length > 0 ? ` (${allowed.join(', ')} may be)` : '';
      throw new ParameterError(where, key, Array.isArray(v) ? `an array of length ${v.length}` : 'a distribution', `a number: ${syn.model.name} takes one ${key} per projection, not one per synapse${others}`);
    }
    (syn.perSynapse ??= {})[key] = v as ValueSpec;
    delete syn.rest[key];
  }
}

export interface ProjectionDraw {
  readonly id: number;
  readonly pre: PopulationHandle;
  readonly post: PopulationHandle;
  readonly conn: ParsedConn;
  readonly ruleParams: Params;
  readonly syn: ParsedSyn;
  readonly random: RandomStreams;
  readonly dt: number;
  readonly seed: number;
  readonly where: string;
  /** Check everything, draw nothing (a network being described): returns null. */
  readonly describeOnly?: boolean;
  /** The network's memory estimate: the projection's synapses are checked against it before any is drawn. */
  readonly memory?: MemoryLedger;
}

/**
 * A weight distribution whose parameters already leave the float32 range of the synapse table (a normal of
 * std 1e300) is refused before any weight is drawn; the drawn values are checked one by one as well.
 */
function checkWeightDistribution(where: string, spec: DistributionSpec): void {
  const s = spec as Record<string, unknown>;
  for (const key of ['mean', 'std', 'min', 'max', 'beta']) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    // A lognormal's mean and std are those of the normal of log w: its median exp(mean) must fit (a wide std is
    // caught on the values drawn).
    const log = spec.distribution === 'lognormal' && (key === 'mean' || key === 'std');
    if (log ? key === 'mean' && !fitsFloat32(Math.exp(v)) : !fitsFloat32(v)) {
      throw new ParameterError(where, `weight.${key}`, v, `${log ? `at most ln(${FLOAT32_MAX}) = ${Math.log(FLOAT32_MAX).toFixed(2)}` : FLOAT32_RANGE}: weights are stored as float32 in the synapse table, and this distribution draws beyond it`);
    }
  }
}

/** Bytes per synapse the table keeps, and the peak while it is built (edge buffers and the table alive at once). */
function synapseBytes(d: ProjectionDraw): { steady: number; peak: number; detail: string } {
  const perEdgeWeight = typeof d.syn.weight !== 'number';
  const split = d.syn.split;
  const perEdgeDelay = split ? typeof split.axonal !== 'number' || typeof split.dendritic !== 'number' : typeof d.syn.delay !== 'number';
  const storedWeight = perEdgeWeight || d.syn.model.perSynapseWeight;
  // A scalar weight stored per synapse is written into the bytes of 32-bit source indices (EdgeBuffer.keepScalarWeight).
  const srcIndex = d.pre.size > 65536 || (storedWeight && !perEdgeWeight) ? 4 : 2;
  // The table's target width: 16 bits, as a rank's targets past 65536 are split into blocks (core/blocks.ts).
  const tgtIndex = 2;
  const perSynapseNames = Object.keys(d.syn.perSynapse ?? {});
  const columns = perSynapseNames.length;
  const delayBytes = perEdgeDelay ? (split ? 4 : 2) : 0;
  const declared = d.syn.model.stateBytesPerSynapse ?? 0;
  const state = typeof declared === 'function' ? declared(perSynapseNames) : declared;
  const steady = tgtIndex + (storedWeight ? 4 : 0) + delayBytes + 8 * columns + state;
  const reused = storedWeight && !perEdgeWeight && srcIndex === 4 ? 4 : 0;
  const build = srcIndex + (perEdgeWeight ? 4 : 0) + delayBytes + 8 * columns - reused;
  const parts = [`target index ${tgtIndex} B`, ...(storedWeight ? ['weight 4 B'] : []), ...(perEdgeDelay ? [split ? 'delay and its axonal part 4 B' : 'delay 2 B'] : []), ...(columns ? [`${columns} synapse parameters × 8 B`] : []), ...(state ? [`runtime state ${state} B`] : []), `while building ${build} B more`];
  return { steady, peak: steady + build, detail: parts.join(', ') };
}

/**
 * Draw a projection's edges whose targets are local to this rank and freeze them into CSR. Weights and
 * delays drawn per edge come from a stream per target neuron (keyed by its gid), so they do not depend on
 * how targets are split over ranks; arrays are indexed by the rule's `index` argument (NEST's layout).
 */
export function drawProjection(d: ProjectionDraw): SynapseTable | null {
  const { pre, conn, syn, where, ruleParams } = d;
  // Described only: the values are checked, but no stream per target is made.
  const post = d.describeOnly ? { ...d.post, localCount: 0 } : d.post;
  const rule = conn.rule;
  const baseCtx = {
    source: pre, target: post, params: ruleParams, allowAutapses: conn.allowAutapses, allowMultapses: conn.allowMultapses,
    samePopulation: pre === d.post, seed: d.seed, projectionId: d.id, where,
  };
  rule.check?.(baseCtx);
  if (isDistribution(syn.weight)) checkWeightDistribution(where, syn.weight);
  // The synapses this rank will hold (a described network: the whole projection), before any is drawn.
  const expected = rule.estimateSynapses?.({ ...baseCtx, target: d.post });
  if (expected !== undefined) {
    const sized = Object.entries(rule.params).find(([, s]) => s.required)?.[0];
    const parameter = sized ?? 'conn_spec.rule';
    const value = sized ? ruleParams[sized] : rule.name;
    const what = `an estimated ${formatCount(expected)} synapses (${pre.size} sources, ${d.post.localCount} targets${d.post.localCount < d.post.size ? ' on this rank' : ''})`;
    // A table is per rank: a described network does not know over how many ranks it will be split.
    if (!d.describeOnly && expected > MAX_TABLE_SYNAPSES) {
      throw new ParameterError(where, parameter, value, `a projection of at most ${MAX_TABLE_SYNAPSES} synapses on one rank (its table's row offsets are uint32): this one makes ${what}; split the target population into several projections or run on more ranks`);
    }
    if (d.memory && expected > 0) {
      const b = synapseBytes(d);
      const targets = d.describeOnly ? Math.ceil(d.post.size / d.memory.ranks) : d.post.localCount;
      const rows = (pre.size + 1) * 8 * Math.max(1, Math.ceil(targets / targetBlockSize()));
      d.memory.reserve(where, parameter, value, `${what} × ${b.peak} B (${b.detail}) + ${formatBytes(rows)} of row offsets`, expected * b.steady + rows, expected * b.peak + rows);
    }
  }
  const localTargets = d.describeOnly ? 0 : post.localCount;
  const edges = localTargets > targetBlockSize() ? new BlockedEdges(pre.size, post.localStart, localTargets) : new EdgeBuffer(pre.size, post.localStart, localTargets);
  const checkArray = (name: string) => (a: ArrayLike<number>): void => {
    if (!rule.arrayLength) throw new ParameterError(where, name, `an array of length ${a.length}`, `a number or a distribution: rule '${rule.name}' takes no arrays (only rules with an array layout do)`);
    const n = rule.arrayLength(baseCtx);
    if (a.length !== n) throw new ParameterError(where, name, `an array of length ${a.length}`, `an array of length ${n} (NEST's layout for '${rule.name}')`);
  };
  const check = syn.model.checkWeight;
  const weight = resolveEdgeValue('weight', syn.weight, {
    where, random: d.random, purpose: `weight/${d.id}`, post,
    allowed: 'a number, an array or a distribution ({ distribution: "normal", mean, std, ... })',
    convert(w, element) {
      if (typeof w !== 'number' || !Number.isFinite(w)) throw new ParameterError(where, element ?? 'weight', w, 'a finite number');
      if (!fitsFloat32(w)) {
        const drawn = element === null && typeof syn.weight !== 'number' ? ' (a value drawn from the weight distribution)' : '';
        throw new ParameterError(where, element ?? 'weight', w, `${FLOAT32_RANGE}: weights are stored as float32 in the synapse table${drawn}`);
      }
      check?.(w, element ? `${where} ${element}` : where);
      return w;
    },
    checkArray: checkArray('weight'),
  });
  const split = syn.split ? splitDelays(d, syn.split, checkArray) : null;
  const delay = split ?? resolveEdgeValue('delay', syn.delay, {
    where, random: d.random, purpose: `delay/${d.id}`, post,
    allowed: 'a number (ms), an array or a distribution',
    convert: (ms, element) => delayToSteps(element ? `${where} ${element}` : where, ms, d.dt),
    checkArray: checkArray('delay'),
  });
  const columns = Object.entries(syn.perSynapse ?? {}).map(([name, spec]) => {
    const schema = syn.model.params[name];
    const v = resolveEdgeValue(name, spec, {
      where, random: d.random, purpose: `${name}/${d.id}`, post,
      allowed: 'a number, an array or a distribution',
      convert: (x, element) => checkValue(where, element ?? `${name} (a value drawn from its distribution)`, schema, x),
      checkArray: checkArray(name),
    });
    return { name, perEdge: v.perEdge! };
  });
  if (d.describeOnly) return null;
  for (const c of columns) edges.addColumn(c.name, c.perEdge);
  if (weight.hom !== null && syn.model.perSynapseWeight) edges.keepScalarWeight(weight.hom);
  edges.weightOf = weight.perEdge;
  edges.delayOf = delay.perEdge;
  if (split) edges.axonalOf = split.axonalOf;
  rule.connect({ ...baseCtx, sink: edges });
  if (edges instanceof BlockedEdges) return edges.freeze(weight.hom ?? 0, delay.hom ?? 0, split ? split.homAxonal ?? 0 : undefined);
  const table = edges.freeze(weight.hom ?? 0, delay.hom ?? 0);
  return split ? { ...table, homAxonalDelay: split.homAxonal ?? 0 } : table;
}

/**
 * A split delay's parts, each drawn from its own stream: the total goes to the table's delay, the axonal
 * part beside it. An edge's two parts are drawn together (its total first), so `axonalOf` returns the part
 * of the edge whose total was just drawn.
 */
function splitDelays(d: ProjectionDraw, parts: { axonal: ValueSpec; dendritic: ValueSpec }, checkArray: (name: string) => (a: ArrayLike<number>) => void) {
  const { where, post } = d;
  const part = (name: 'axonal_delay' | 'dendritic_delay', spec: ValueSpec) => resolveEdgeValue(name, spec, {
    where, random: d.random, purpose: `${name}/${d.id}`, post,
    allowed: 'a number (ms, >= 0), an array or a distribution',
    convert: (ms, element) => delayPartToSteps(element ? `${where} ${element}` : where, element ?? name, ms, d.dt),
    checkArray: checkArray(name),
  });
  const ax = part('axonal_delay', parts.axonal);
  const de = part('dendritic_delay', parts.dendritic);
  if (ax.hom !== null && de.hom !== null) {
    return { hom: totalSteps(where, ax.hom, de.hom, d.dt), perEdge: null, homAxonal: ax.hom, axonalOf: null };
  }
  let lastAxonal = 0;
  const axOf = ax.perEdge ?? (() => ax.hom!);
  const deOf = de.perEdge ?? (() => de.hom!);
  return {
    hom: null, homAxonal: null,
    perEdge: (t: number, index: number) => {
      lastAxonal = axOf(t, index);
      return totalSteps(where, lastAxonal, deOf(t, index), d.dt);
    },
    axonalOf: () => lastAxonal,
  };
}
