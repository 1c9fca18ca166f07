import type { ConnectContext } from '../../core/plugin.js';

/** True when the rule must skip the edge i -> i (same population and allow_autapses false). */
export function forbidsAutapses(ctx: Pick<ConnectContext, 'samePopulation' | 'allowAutapses'>): boolean {
  return ctx.samePopulation && !ctx.allowAutapses;
}

/** Purpose string of a projection's connection streams: one root per projection, substreams per neuron. */
export function streamPurpose(ctx: Pick<ConnectContext, 'projectionId'>): string {
  return `connect/${ctx.projectionId}`;
}

