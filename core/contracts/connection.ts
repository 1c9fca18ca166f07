import type { ParamSchema, Params } from '../schema.js';
import type { PluginBase, PopulationHandle } from './base.js';

/** Receives edges as they are drawn: `src` indexes the source population, `tgt` the target population (global index). */
export interface EdgeSink {
  /**
   * `index` is the position of this edge in NEST's array layout for weights and delays given as arrays
   * (see ConnectionRule.arrayLength); rules that accept arrays pass it.
   */
  add(src: number, tgt: number, index?: number): void;
  /**
   * All edges of one target at once: sources[0..count) -> tgt, array indices firstIndex, firstIndex+1, ...
   * Optional fast path for target-driven rules; equivalent to calling add() for each.
   */
  addRow?(tgt: number, sources: Int32Array, count: number, firstIndex?: number): void;
  /** Pre-size for a known number of edges (avoids regrowth at 10^8 synapses). */
  reserve(count: number): void;
}

export interface ConnectContext {
  readonly source: PopulationHandle;
  readonly target: PopulationHandle;
  readonly params: Params;
  readonly allowAutapses: boolean;
  readonly allowMultapses: boolean;
  /** True when source and target are the same population (autapses possible). */
  readonly samePopulation: boolean;
  readonly seed: number;
  readonly projectionId: number;
  readonly sink: EdgeSink;
  readonly where: string;
}

export interface ConnectionRule extends PluginBase {
  readonly kind: 'connection';
  readonly params: ParamSchema;
  /** Every source to every target: the rule devices are connected with (a generator feeds every target). */
  readonly connectsAll?: boolean;
  /** Cross checks (indegree larger than the source population without multapses, ...). */
  check?(ctx: Omit<ConnectContext, 'sink'>): void;
  /** Draw the edges whose target is local to this rank, from streams that do not depend on the rank count. */
  connect(ctx: ConnectContext): void;
  /**
   * Length of a weight/delay array in NEST's layout for this rule (one_to_one: n; all_to_all:
   * n_targets·n_sources; fixed_indegree: n_targets·indegree). Absent: the rule takes no arrays.
   */
  arrayLength?(ctx: Omit<ConnectContext, 'sink'>): number;
  /**
   * How many synapses `connect` will make for the local targets (the expected count for random rules): checked
   * against the table and memory limits before anything is drawn. Absent: no estimate, no check.
   */
  estimateSynapses?(ctx: Omit<ConnectContext, 'sink'>): number;
}
