import type { ConnectionRule } from '../../core/plugin.js';
import { ParameterError } from '../../core/errors.js';
import { Stream } from '../../core/rng.js';
import { forbidsAutapses, indexDraw, indexRange, streamPurpose } from './common.js';

/**
 * How many of the N connections end on each target: a multinomial with equal cell probabilities, drawn by
 * throwing N targets uniformly from one stream shared by all ranks. Every rank computes the same counts,
 * whatever the rank count (NEST splits N over virtual processes instead, which ties the graph to them).
 */
function countsPerTarget(stream: Stream, N: number, M: number): Uint32Array {
  const counts = new Uint32Array(M);
  const { limit, inverse } = indexRange(M);
  for (let i = 0; i < N; i++) counts[indexDraw(stream.state, M, limit, inverse)]++;
  return counts;
}

/**
 * NEST's fixed_total_number: exactly N connections, each between a source and a target chosen uniformly.
 * The per-target counts come from one global stream; each target then draws its sources from its own
 * stream. As in NEST, allow_multapses must stay true.
 */
export const fixedTotalNumber: ConnectionRule = {
  kind: 'connection',
  name: 'fixed_total_number',
  doc: 'Exactly N connections between uniformly chosen pairs (NEST fixed_total_number; PyNN FixedTotalNumberConnector)',
  params: {
    N: { unit: '', default: 0, min: 0, max: 2 ** 32 - 1, integer: true, required: true, doc: 'total number of connections' },
  },
  check(ctx) {
    const N = ctx.params.N;
    const pairs = ctx.source.size * ctx.target.size;
    // The order of NEST's checks: N against the pairs, then allow_multapses false, which NEST refuses for this rule too.
    if (!ctx.allowMultapses && N > pairs) {
      throw new ParameterError(ctx.where, 'N', N, `at most ${pairs} (source size ${ctx.source.size} × target size ${ctx.target.size}) when allow_multapses is false: NEST's "Total number of connections cannot exceed product of source and target population sizes"`);
    }
    if (!ctx.allowMultapses) {
      throw new ParameterError(ctx.where, 'allow_multapses', false, 'true: fixed_total_number cannot suppress multapses (as in NEST)');
    }
    const available = ctx.source.size - (forbidsAutapses(ctx) ? 1 : 0);
    if (available === 0 && ctx.params.N > 0) throw new ParameterError(ctx.where, 'N', ctx.params.N, '0: no source neuron is available');
  },
  // The local targets' share of the N edges (targets are uniform).
  estimateSynapses: (ctx) => (ctx.params.N * ctx.target.localCount) / Math.max(1, ctx.target.size),
  connect(ctx) {
    const { source: src, target: tgt, sink } = ctx;
    const Nsrc = src.size;
    const purpose = streamPurpose(ctx);
    const stream = new Stream(ctx.seed, `${purpose}/counts`, 0);
    const counts = countsPerTarget(stream, ctx.params.N, tgt.size);
    const noAutapse = forbidsAutapses(ctx);
    let local = 0;
    for (let t = tgt.localStart; t < tgt.localStart + tgt.localCount; t++) local += counts[t];
    sink.reserve(local);
    const { limit, inverse } = indexRange(Nsrc);
    for (let t = tgt.localStart; t < tgt.localStart + tgt.localCount; t++) {
      stream.reseed(ctx.seed, purpose, tgt.firstGid + t);
      for (let k = counts[t]; k > 0; k--) {
        let s = indexDraw(stream.state, Nsrc, limit, inverse);
        while (noAutapse && s === t) s = indexDraw(stream.state, Nsrc, limit, inverse);
        sink.add(s, t);
      }
    }
  },
};
