import type { Component } from '../component.js';
import type { SimWorld } from '../world.js';
import type { Clock, Services } from '../services.js';
import type { SliceSpikes } from '../spikes.js';
import type { RunStats } from '../stats.js';
import type { Checkpointable, PluginBase } from './base.js';

/** Phases run every step, in this order, within a min-delay slice. */
export const STEP_PHASES = ['input', 'update', 'plasticity', 'observe'] as const;
/** Phases run once per slice, after its steps, in this order. */
export const SLICE_PHASES = ['record', 'exchange', 'propagate', 'control'] as const;
export type StepPhase = (typeof STEP_PHASES)[number];
export type SlicePhase = (typeof SLICE_PHASES)[number];
export type Phase = StepPhase | SlicePhase;

/** What a system gets when the scheduler prepares it. */
export interface SystemContext {
  readonly world: SimWorld;
  readonly clock: Clock;
  /** This slice's spikes: the local ones as steps produce them, then every rank's after the exchange. */
  readonly spikes: SliceSpikes;
  readonly stats: RunStats;
  readonly services: Services;
}

/**
 * What a prepared system runs. Step phases call `step(s)` for every step; slice phases call
 * `slice(from, to)` once per slice. `block(from, to)` is the capability of running a whole block of steps
 * in one call: the scheduler runs a slice block by block only when every step-phase runner has it.
 * A user system's runner that carries state from one slice to the next (an integral term, a counter) saves
 * it through the Checkpointable hooks; without them a checkpoint refuses the network.
 */
export interface SystemRunner extends Checkpointable {
  step?(step: number): void;
  slice?(from: number, to: number): void;
  block?(from: number, to: number): void;
  /** Fast paths in use (a slice kernel, an own input ring, batched delivery), for the schedule. */
  readonly capabilities?: readonly string[];
  /** One line per entity the runner works on, for the schedule. */
  describe?(): string[];
}

/**
 * A per-step or per-slice action: a phase, the components an entity must have to be matched, and how it
 * runs over the matched entities (in creation order). A user registers one like any other plugin.
 */
export interface SystemPlugin extends PluginBase {
  readonly kind: 'system';
  readonly phase: Phase;
  readonly query: readonly Component[];
  /** Null: nothing to run in this network (no entity matched, or nothing to do). */
  prepare(ctx: SystemContext, entities: readonly number[]): SystemRunner | null;
}
