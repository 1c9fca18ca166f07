import type { ConnectionRule } from '../../core/plugin.js';
import { Stream } from '../../core/rng.js';
import { forbidsAutapses, streamPurpose } from './common.js';

/**
 * Sources of one target, each present with probability p: the gaps between chosen sources are geometric,
 * so one uniform draw per edge skips over the sources not taken (instead of one draw per pair).
 */
function drawBernoulliRow(
  stream: Stream, N: number, logQ: number, t: number, noAutapse: boolean, add: (s: number, t: number) => void,
): void {
  let s = -1;
  for (;;) {
    // Gap ~ Geometric(p) on {0, 1, ...}: floor(log U / log(1-p)).
    s += 1 + Math.floor(Math.log(stream.uniform()) / logQ);
    if (s >= N) return;
    if (noAutapse && s === t) continue;
    add(s, t);
  }
}

/**
 * NEST's pairwise_bernoulli: each (source, target) pair is connected with probability p, independently.
 * Every pair is visited once, so no multapses arise whatever allow_multapses says. Each target draws from
 * its own stream, so the graph does not depend on the rank count.
 */
export const pairwiseBernoulli: ConnectionRule = {
  kind: 'connection',
  name: 'pairwise_bernoulli',
  doc: 'Each pair connected with probability p (NEST pairwise_bernoulli; PyNN FixedProbabilityConnector)',
  params: {
    p: { unit: '', default: 1, min: 0, max: 1, required: true, doc: 'connection probability of each pair' },
  },
  estimateSynapses: (ctx) => ctx.params.p * ctx.target.localCount * (forbidsAutapses(ctx) ? ctx.source.size - 1 : ctx.source.size),
  connect(ctx) {
    const p = ctx.params.p;
    const N = ctx.source.size;
    const { target: tgt, sink } = ctx;
    const noAutapse = forbidsAutapses(ctx);
    const last = tgt.localStart + tgt.localCount;
    if (p === 0) return;
    if (p === 1) {
      for (let t = tgt.localStart; t < last; t++) for (let s = 0; s < N; s++) if (!(noAutapse && s === t)) sink.add(s, t);
      return;
    }
    // Expected count plus 5 sd: one allocation in the common case, growth only beyond that.
    const mean = N * tgt.localCount * p;
    sink.reserve(Math.ceil(mean + 5 * Math.sqrt(mean * (1 - p)) + 16));
    const logQ = Math.log1p(-p);
    const purpose = streamPurpose(ctx);
    const stream = new Stream(ctx.seed, purpose, 0);
    const add = (s: number, t: number) => sink.add(s, t);
    for (let t = tgt.localStart; t < last; t++) {
      stream.reseed(ctx.seed, purpose, tgt.firstGid + t);
      drawBernoulliRow(stream, N, logQ, t, noAutapse, add);
    }
  },
};
