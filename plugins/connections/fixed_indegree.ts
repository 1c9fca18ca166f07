import type { ConnectionRule } from '../../core/plugin.js';
import { ParameterError } from '../../core/errors.js';
import { Stream } from '../../core/rng.js';
import { forbidsAutapses, indexDraw, indexRange, streamPurpose } from './common.js';

/**
 * Draw the K sources of target t into `picked`: uniform over [0, N), skipping t itself when autapses are
 * forbidden and already chosen sources when multapses are (rejection over the `chosen` bitmap, which is
 * cleared again before returning).
 */
function drawIndegreeRow(
  state: Uint32Array, N: number, limit: number, inverse: number, K: number, t: number, noAutapse: boolean, chosen: Uint8Array | null, picked: Int32Array,
): void {
  for (let k = 0; k < K; k++) {
    let s: number;
    for (;;) {
      s = indexDraw(state, N, limit, inverse);
      if (noAutapse && s === t) continue;
      if (chosen !== null && chosen[s] === 1) continue;
      break;
    }
    if (chosen !== null) chosen[s] = 1;
    picked[k] = s;
  }
  if (chosen !== null) for (let k = 0; k < K; k++) chosen[picked[k]] = 0;
}

/**
 * NEST's fixed_indegree: every target neuron draws `indegree` sources uniformly from the source population.
 * Each target draws from its own stream (keyed by its gid), so the graph does not depend on the rank count.
 * Without multapses the draw is rejection sampling over a per-target bitmap of chosen sources.
 * Weight/delay arrays have NEST's shape [n_targets][indegree], flattened (index t·indegree + k).
 */
export const fixedIndegree: ConnectionRule = {
  kind: 'connection',
  name: 'fixed_indegree',
  doc: 'Each target receives exactly `indegree` connections from randomly chosen sources (NEST fixed_indegree; PyNN FixedNumberPreConnector)',
  params: {
    indegree: { unit: '', default: 1, min: 0, integer: true, required: true, doc: 'connections per target neuron' },
  },
  check(ctx) {
    const K = ctx.params.indegree;
    const available = ctx.source.size - (forbidsAutapses(ctx) ? 1 : 0);
    if (!ctx.allowMultapses && K > available) {
      throw new ParameterError(ctx.where, 'indegree', K, `at most ${available} (the source population size${forbidsAutapses(ctx) ? ' minus the autapse' : ''}) when allow_multapses is false`);
    }
    if (available === 0 && K > 0) throw new ParameterError(ctx.where, 'indegree', K, '0: no source neuron is available');
  },
  arrayLength: (ctx) => ctx.target.size * ctx.params.indegree,
  estimateSynapses: (ctx) => ctx.target.localCount * ctx.params.indegree,
  connect(ctx) {
    const K = ctx.params.indegree;
    const N = ctx.source.size;
    const { target: tgt, sink } = ctx;
    if (K === 0) return;
    sink.reserve(K * tgt.localCount);
    const noAutapse = forbidsAutapses(ctx);
    const chosen = ctx.allowMultapses ? null : new Uint8Array(N);
    const picked = new Int32Array(K);
    const purpose = streamPurpose(ctx);
    const stream = new Stream(ctx.seed, purpose, 0);
    const { limit, inverse } = indexRange(N);
    for (let t = tgt.localStart; t < tgt.localStart + tgt.localCount; t++) {
      // Re-seed the one stream object per target instead of allocating one per target.
      stream.reseed(ctx.seed, purpose, tgt.firstGid + t);
      drawIndegreeRow(stream.state, N, limit, inverse, K, t, noAutapse, chosen, picked);
      if (sink.addRow) sink.addRow(t, picked, K, t * K);
      else for (let k = 0; k < K; k++) sink.add(picked[k], t, t * K + k);
    }
  },
};
