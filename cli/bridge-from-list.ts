import type { ConnectionRule } from '../core/plugin.js';
import { ParameterError } from '../core/errors.js';

/** A connection list the bridge received as arrays: source and target indices, one entry per synapse. */
export interface ConnectionList {
  readonly sources: Int32Array;
  readonly targets: Int32Array;
}

/**
 * PyNN's FromListConnector (and every connector PyNN computes in Python) as a rule: the edges of a list the
 * bridge holds, by the list's number (rule params are numbers; the arrays travel as binary payloads).
 * Weight and delay arrays are in list order.
 */
export function fromListRule(lists: ReadonlyMap<number, ConnectionList>): ConnectionRule {
  const listOf = (where: string, id: number): ConnectionList => {
    const list = lists.get(id);
    if (!list) throw new ParameterError(where, 'list', id, `the number of a connection list sent to this bridge (${lists.size} held)`);
    return list;
  };
  return {
    kind: 'connection',
    name: 'from_list',
    doc: 'Explicit (source, target) pairs held by the PyNN bridge (PyNN FromListConnector and the connectors PyNN computes in Python)',
    params: { list: { unit: '', default: 0, min: 0, integer: true, required: true, doc: 'number of a connection list the bridge holds' } },
    check(ctx) {
      const { sources, targets } = listOf(ctx.where, ctx.params.list);
      for (let i = 0; i < sources.length; i++) {
        if (sources[i] < 0 || sources[i] >= ctx.source.size) throw new ParameterError(ctx.where, `sources[${i}]`, sources[i], `an index in [0, ${ctx.source.size})`);
        if (targets[i] < 0 || targets[i] >= ctx.target.size) throw new ParameterError(ctx.where, `targets[${i}]`, targets[i], `an index in [0, ${ctx.target.size})`);
      }
    },
    arrayLength: (ctx) => listOf(ctx.where, ctx.params.list).sources.length,
    estimateSynapses: (ctx) => listOf(ctx.where, ctx.params.list).sources.length,
    connect(ctx) {
      const { sources, targets } = listOf(ctx.where, ctx.params.list);
      const lo = ctx.target.localStart;
      const hi = lo + ctx.target.localCount;
      ctx.sink.reserve(sources.length);
      for (let i = 0; i < sources.length; i++) if (targets[i] >= lo && targets[i] < hi) ctx.sink.add(sources[i], targets[i], i);
    },
  };
}
