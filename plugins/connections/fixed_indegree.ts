import type { ConnectionRule } from '../../core/plugin.js';
import { ParameterError } from '../../core/errors.js';
import { Stream } from '../../core/rng.js';
import { forbidsAutapses, indexRange, streamPurpose } from './common.js';

/**
 * Draw the K sources of target t into `picked`: uniform over [0, N), skipping t itself when autapses are
 * forbidden and already chosen sources when multapses are (rejection over the `chosen` bitmap, which is
 * cleared again before returning). The numbers are indexDraw's on this stream (common.ts); its xoshiro128**
 * step (core/rng.ts nextUint32) is written out here with the state in locals, because loading and storing
 * the four state words per draw was most of the cost of building a large network's edges.
 */
function drawIndegreeRow(
  state: Uint32Array, N: number, limit: number, inverse: number, K: number, t: number, noAutapse: boolean, chosen: Uint8Array | null, picked: Int32Array,
): void {
  let s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
  for (let k = 0; k < K; k++) {
    let s: number;
    for (;;) {
      const m = Math.imul(s1, 5);
      const x = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const shifted = s1 << 9;
      const n2 = s2 ^ s0;
      const n3 = s3 ^ s1;
      s1 ^= n2;
      s0 ^= n3;
      s2 = n2 ^ shifted;
      s3 = (n3 << 11) | (n3 >>> 21);
      if (x >= limit) continue;
      const r = x - Math.floor(x * inverse) * N;
      s = r < 0 ? r + N : r >= N ? r - N : r;
      if (noAutapse && s === t) continue;
      if (chosen !== null && chosen[s] === 1) continue;
      break;
    }
    if (chosen !== null) chosen[s] = 1;
    picked[k] = s;
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
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
