import type { ConnectionRule } from '../../core/plugin.js';
import { ParameterError } from '../../core/errors.js';
import { forbidsAutapses } from './common.js';

/**
 * NEST's one_to_one: source i connects to target i; both populations must have the same size. A
 * population connected to itself with allow_autapses false gets no connections, as in NEST.
 * Weight/delay arrays have length n (index i).
 */
export const oneToOne: ConnectionRule = {
  kind: 'connection',
  name: 'one_to_one',
  doc: 'Source i connects to target i (NEST one_to_one; PyNN OneToOneConnector)',
  params: {},
  check(ctx) {
    if (ctx.source.size !== ctx.target.size) {
      throw new ParameterError(ctx.where, 'target size', ctx.target.size, `the source size (${ctx.source.size}): one_to_one needs populations of equal size`);
    }
  },
  arrayLength: (ctx) => ctx.target.size,
  estimateSynapses: (ctx) => (forbidsAutapses(ctx) ? 0 : ctx.target.localCount),
  connect(ctx) {
    if (forbidsAutapses(ctx)) return;
    const { target: tgt, sink } = ctx;
    sink.reserve(tgt.localCount);
    for (let t = tgt.localStart; t < tgt.localStart + tgt.localCount; t++) sink.add(t, t, t);
  },
};
