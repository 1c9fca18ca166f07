import type { ConnectionRule } from '../../core/plugin.js';
import { ParameterError } from '../../core/errors.js';
import { Stream } from '../../core/rng.js';

/**
 * NEST's fixed_indegree: every target neuron draws `indegree` sources uniformly from the source population.
 * Each target draws from its own stream (keyed by its gid), so the graph does not depend on the rank count.
 * Without multapses the draw is rejection sampling over a per-target bitmap of chosen sources.
 */
export const fixedIndegree: ConnectionRule = {
  kind: 'connection',
  name: 'fixed_indegree',
  doc: 'Each target receives exactly `indegree` connections from randomly chosen sources (NEST fixed_indegree; PyNN FixedNumberPreConnector)',
  params: {
    indegree: { unit: '', default: 1, min: 0, integer: true, doc: 'connections per target neuron' },
  },
  check(ctx) {
    const K = ctx.params.indegree;
    const available = ctx.source.size - (ctx.samePopulation && !ctx.allowAutapses ? 1 : 0);
    if (!ctx.allowMultapses && K > available) {
      throw new ParameterError(ctx.where, 'indegree', K, `at most ${available} (the source population size${ctx.samePopulation && !ctx.allowAutapses ? ' minus the autapse' : ''}) when allow_multapses is false`);
    }
    if (available === 0 && K > 0) throw new ParameterError(ctx.where, 'indegree', K, '0: no source neuron is available');
  },
  connect(ctx) {
    const K = ctx.params.indegree;
    const N = ctx.source.size;
    const { target: tgt, sink } = ctx;
    sink.reserve(K * tgt.localCount);
    const noAutapse = ctx.samePopulation && !ctx.allowAutapses;
    const chosen = ctx.allowMultapses ? null : new Uint8Array(N);
    const picked = new Int32Array(K);
    const stream = new Stream(ctx.seed, `connect/${ctx.projectionId}`, 0);
    for (let t = tgt.localStart; t < tgt.localStart + tgt.localCount; t++) {
      // Re-seed the one stream object per target instead of allocating one per target.
      stream.reseed(ctx.seed, `connect/${ctx.projectionId}`, tgt.firstGid + t);
      for (let k = 0; k < K; k++) {
        let s: number;
        for (;;) {
          s = stream.integer(N);
          if (noAutapse && s === t) continue;
          if (chosen && chosen[s]) continue;
          break;
        }
        if (chosen) chosen[s] = 1;
        picked[k] = s;
        sink.add(s, t);
      }
      if (chosen) for (let k = 0; k < K; k++) chosen[picked[k]] = 0;
    }
  },
};
