import type { ConnectionRule } from '../../core/plugin.js';
import { ParameterError } from '../../core/errors.js';
import { Stream } from '../../core/rng.js';
import { forbidsAutapses, indexDraw, indexRange, streamPurpose } from './common.js';

/**
 * NEST's fixed_outdegree: every source neuron draws `outdegree` targets uniformly from the target
 * population. Each source draws from its own stream (keyed by its gid) on every rank, and a rank keeps the
 * edges whose target it holds: the graph does not depend on the rank count.
 */
export const fixedOutdegree: ConnectionRule = {
  kind: 'connection',
  name: 'fixed_outdegree',
  doc: 'Each source makes exactly `outdegree` connections to randomly chosen targets (NEST fixed_outdegree; PyNN FixedNumberPostConnector)',
  params: {
    outdegree: { unit: '', default: 1, min: 0, integer: true, required: true, doc: 'connections per source neuron' },
  },
  check(ctx) {
    const K = ctx.params.outdegree;
    const available = ctx.target.size - (forbidsAutapses(ctx) ? 1 : 0);
    if (!ctx.allowMultapses && K > available) {
      throw new ParameterError(ctx.where, 'outdegree', K, `at most ${available} (the target population size${forbidsAutapses(ctx) ? ' minus the autapse' : ''}) when allow_multapses is false`);
    }
    if (available === 0 && K > 0) throw new ParameterError(ctx.where, 'outdegree', K, '0: no target neuron is available');
  },
  // The local targets' share of the source.size × outdegree edges (targets are uniform).
  estimateSynapses: (ctx) => (ctx.source.size * ctx.params.outdegree * ctx.target.localCount) / Math.max(1, ctx.target.size),
  connect(ctx) {
    const K = ctx.params.outdegree;
    const M = ctx.target.size;
    const { source: src, target: tgt, sink } = ctx;
    const noAutapse = forbidsAutapses(ctx);
    const chosen = ctx.allowMultapses ? null : new Uint8Array(M);
    const picked = new Int32Array(K);
    const lo = tgt.localStart;
    const hi = tgt.localStart + tgt.localCount;
    // Expected local share of the edges; the buffer grows if a rank receives more.
    sink.reserve(Math.ceil((src.size * K * tgt.localCount) / Math.max(1, M)));
    const purpose = streamPurpose(ctx);
    const stream = new Stream(ctx.seed, purpose, 0);
    const { limit, inverse } = indexRange(M);
    for (let s = 0; s < src.size; s++) {
      stream.reseed(ctx.seed, purpose, src.firstGid + s);
      for (let k = 0; k < K; k++) {
        let t: number;
        for (;;) {
          t = indexDraw(stream.state, M, limit, inverse);
          if (noAutapse && t === s) continue;
          if (chosen && chosen[t]) continue;
          break;
        }
        if (chosen) chosen[t] = 1;
        picked[k] = t;
        if (t >= lo && t < hi) sink.add(s, t);
      }
      if (chosen) for (let k = 0; k < K; k++) chosen[picked[k]] = 0;
    }
  },
};
