import type { ConnectionRule } from '../../core/plugin.js';
import { forbidsAutapses } from './common.js';

/**
 * NEST's all_to_all: every source connects to every target (minus i -> i when autapses are forbidden).
 * Weight/delay arrays have NEST's shape [n_targets][n_sources], flattened (index t·n_sources + s);
 * the entries of skipped autapses are not used.
 */
export const allToAll: ConnectionRule = {
  kind: 'connection',
  name: 'all_to_all',
  doc: 'Every source connects to every target (NEST all_to_all; PyNN AllToAllConnector)',
  params: {},
  // NEST's default conn_spec, and the rule devices connect with.
  isDefault: true,
  connectsAll: true,
  arrayLength: (ctx) => ctx.target.size * ctx.source.size,
  estimateSynapses: (ctx) => ctx.target.localCount * (forbidsAutapses(ctx) ? ctx.source.size - 1 : ctx.source.size),
  connect(ctx) {
    const N = ctx.source.size;
    const { target: tgt, sink } = ctx;
    const noAutapse = forbidsAutapses(ctx);
    sink.reserve(tgt.localCount * (noAutapse ? N - 1 : N));
    for (let t = tgt.localStart; t < tgt.localStart + tgt.localCount; t++) {
      const base = t * N;
      for (let s = 0; s < N; s++) {
        if (noAutapse && s === t) continue;
        sink.add(s, t, base + s);
      }
    }
  },
};
