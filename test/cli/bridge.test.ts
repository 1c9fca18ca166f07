import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { BridgeSession, decodeFrame, encodeFrame, errorReply, type Message } from '../../cli/bridge.js';
import { createSimulator } from '../../index.js';
import { spikeDigest } from '../../core/digest.js';
import { ParameterError } from '../../core/errors.js';

const root = resolve(__dirname, '../..');

/** A message as Python sends it: through the frame encoding, payloads and all. */
function message(header: Record<string, unknown>, arrays: (Float64Array | Int32Array)[] = []): Message {
  const frame = encodeFrame(header, arrays);
  return decodeFrame(frame.subarray(4));
}

function digestOf(events: { senders: ArrayLike<number>; times: ArrayLike<number> }, dt: number): string {
  return spikeDigest(events.senders, Array.from(events.times, (t) => Math.round(t / dt)));
}

const cell = { tau_m: 20, tau_syn_E: 5, tau_syn_I: 10, v_rest: -60, v_reset: -60, v_thresh: -50, cm: 0.2, tau_refrac: 5, e_rev_E: 0, e_rev_I: -80 };

/** A small VA-like network as bridge calls: 200 cells kicked by Poisson sources, FixedProbability inside. */
function networkOps(v: Float64Array) {
  return [
    { do: 'create', ref: 1, model: 'IF_cond_exp', n: 200, params: cell },
    { do: 'set', ref: 1, variable: 'V_m', value: { $array: 0 } },
    { do: 'create', ref: 2, model: 'parrot_neuron', n: 10 },
    { do: 'create', ref: 3, model: 'poisson_generator', n: 1, params: { rate: 50, start: 0, stop: 50 } },
    { do: 'connect', pre: 3, post: 2, conn: 'all_to_all', syn: { weight: 1, delay: 0.1 } },
    { do: 'connect', ref: 10, pre: 1, post: 1, conn: { rule: 'pairwise_bernoulli', p: 0.1 }, syn: { weight: 0.004, delay: 0.2 } },
    { do: 'connect', ref: 11, pre: 2, post: 1, conn: { rule: 'pairwise_bernoulli', p: 0.2 }, syn: { weight: 0.05, delay: 0.2 } },
    { do: 'create', ref: 4, model: 'spike_recorder' },
    { do: 'connect', pre: 1, post: 4 },
  ];
}

describe('spikeworks bridge', () => {
  it('frames carry a JSON header and binary payloads, and numbers JSON cannot write', () => {
    const m = message({ op: 'x', stop: { $number: 'Infinity' } }, [Float64Array.of(1.5, -2), Int32Array.of(7, 8, 9)]);
    expect(m.header.op).toBe('x');
    expect(m.arrays[0]).toEqual(Float64Array.of(1.5, -2));
    expect(m.arrays[1]).toEqual(Int32Array.of(7, 8, 9));
    const s = new BridgeSession();
    const r = s.handle(message({ op: 'build', dt: 0.1, seed: 1, ops: [
      { do: 'create', ref: 1, model: 'dc_generator', n: 1, params: { amplitude: 5, stop: { $number: 'Infinity' } } },
    ] }));
    expect(r.header.nodes).toEqual({ 1: { gid: 1 } });
    s.close();
  });

  it('a network built through the bridge spikes as the same TypeScript API calls do', () => {
    const v = Float64Array.from({ length: 200 }, (_, i) => -60 + (10 * ((i * 37) % 200)) / 200);
    const s = new BridgeSession();
    s.handle(message({ op: 'build', dt: 0.1, seed: 9, ops: networkOps(v) }, [v]));
    s.handle(message({ op: 'run', ms: 150 }));
    s.handle(message({ op: 'run', ms: 150 }));
    const ev = s.handle(message({ op: 'events', ref: 4 }));
    const fields = ev.header.fields as string[];
    const bridged = { senders: ev.arrays![fields.indexOf('senders')], times: ev.arrays![fields.indexOf('times')] };
    s.close();

    const sim = createSimulator({ dt: 0.1, seed: 9 });
    const E = sim.create('IF_cond_exp', 200, cell);
    E.set('V_m', v);
    const src = sim.create('parrot_neuron', 10);
    const gen = sim.create('poisson_generator', 1, { rate: 50, start: 0, stop: 50 });
    sim.connect(gen, src, 'all_to_all', { weight: 1, delay: 0.1 });
    sim.connect(E, E, { rule: 'pairwise_bernoulli', p: 0.1 }, { weight: 0.004, delay: 0.2 });
    sim.connect(src, E, { rule: 'pairwise_bernoulli', p: 0.2 }, { weight: 0.05, delay: 0.2 });
    const rec = sim.create('spike_recorder');
    sim.connect(E, rec);
    sim.simulate(300);
    const direct = rec.events<{ senders: Int32Array; times: Float64Array }>();
    sim.close();
    expect(bridged.senders.length).toBeGreaterThan(500);
    expect(bridged.senders.length).toBe(direct.senders.length);
    expect(digestOf(bridged, 0.1)).toBe(digestOf(direct, 0.1));
  });

  it('set_params between runs: the same values go on bit for bit, new ones change the spikes after the change only', () => {
    const v = Float64Array.from({ length: 200 }, (_, i) => -60 + (10 * ((i * 53) % 200)) / 200);
    const run = (change?: Record<string, number>, generator?: Record<string, number>) => {
      const s = new BridgeSession();
      s.handle(message({ op: 'build', dt: 0.1, seed: 3, ops: networkOps(v) }, [v]));
      s.handle(message({ op: 'run', ms: 100 }));
      const first = s.handle(message({ op: 'events', ref: 4 })).arrays![0].length;
      if (change) s.handle(message({ op: 'set_params', ref: 1, params: change }));
      if (generator) s.handle(message({ op: 'set_device', ref: 3, params: generator }));
      s.handle(message({ op: 'run', ms: 100 }));
      const rest = s.handle(message({ op: 'events', ref: 4 }));
      const synapses = s.handle(message({ op: 'connections', ref: 10 })).arrays![0].length;
      s.close();
      return { first, rest: Array.from(rest.arrays![1]), synapses };
    };
    const plain = run();
    const same = run({ tau_m: 20 });
    const faster = run({ tau_m: 10 });
    expect(plain.first).toBeGreaterThan(0);
    expect(same).toEqual(plain);
    expect(faster.first).toBe(plain.first);
    expect(faster.rest).not.toEqual(plain.rest);
    expect(faster.synapses).toBe(plain.synapses);
    // poisson_generator has no runtime setter: set_device saves, rebuilds and restores as set_params does.
    expect(run(undefined, { rate: 50 })).toEqual(plain);
  });

  it('from_list connects exactly the pairs sent, with their weights and delays', () => {
    const s = new BridgeSession();
    const sources = Int32Array.of(0, 2, 2, 4);
    const targets = Int32Array.of(1, 0, 3, 3);
    s.handle(message({ op: 'build', dt: 0.1, seed: 1, ops: [
      { do: 'create', ref: 1, model: 'IF_curr_exp', n: 5 },
      { do: 'create', ref: 2, model: 'IF_curr_exp', n: 4 },
      { do: 'connect', ref: 3, pre: 1, post: 2, conn: { rule: 'from_list' }, list: { sources: { $array: 0 }, targets: { $array: 1 } },
        syn: { weight: { $array: 2 }, delay: { $array: 3 } } },
    ] }, [sources, targets, Float64Array.of(0.5, 0.25, -0.125, 1), Float64Array.of(1, 2, 0.5, 1.5)]));
    const [src, tgt, w, d] = s.handle(message({ op: 'connections', ref: 3 })).arrays!;
    const rows = Array.from(src, (x, i) => [x, tgt[i], w[i], Math.round(d[i] * 10) / 10]);
    expect(rows).toEqual([[0, 1, 0.5, 1], [2, 0, 0.25, 2], [2, 3, -0.125, 0.5], [4, 3, 1, 1.5]]);
    expect(() => s.handle(message({ op: 'build', dt: 0.1, seed: 1, ops: [
      { do: 'create', ref: 1, model: 'IF_curr_exp', n: 5 },
      { do: 'connect', pre: 1, post: 1, conn: { rule: 'from_list' }, list: { sources: { $array: 0 }, targets: { $array: 0 } } },
    ] }, [Int32Array.of(5)]))).toThrow(/parameter 'sources\[0\]' = 5 is invalid; allowed: an index in \[0, 5\)/);
    s.close();
  });

  it('set_synapses gives a static projection new weights and delays between runs, and refuses what it cannot change', () => {
    const s = new BridgeSession();
    const ops = [
      { do: 'create', ref: 1, model: 'IF_curr_exp', n: 3 },
      { do: 'create', ref: 2, model: 'IF_curr_exp', n: 2 },
      { do: 'connect', ref: 3, pre: 1, post: 2, conn: { rule: 'from_list' }, list: { sources: { $array: 0 }, targets: { $array: 1 } },
        syn: { weight: { $array: 2 }, delay: { $array: 3 } } },
      { do: 'connect', ref: 4, pre: 1, post: 2, conn: 'all_to_all', syn: { weight: 2, delay: 1 } },
      { do: 'connect', ref: 5, pre: 1, post: 2, conn: 'all_to_all', syn: { synapse_model: 'stdp_synapse', weight: 2, delay: 1 } },
    ];
    s.handle(message({ op: 'build', dt: 0.1, seed: 1, ops }, [Int32Array.of(0, 2), Int32Array.of(1, 0), Float64Array.of(0.5, 0.25), Float64Array.of(1, 3)]));
    s.handle(message({ op: 'run', ms: 5 }));
    s.handle(message({ op: 'set_synapses', ref: 3, values: { weight: { $array: 0 }, delay: { $array: 1 } } }, [Float64Array.of(4, -8), Float64Array.of(3, 1)]));
    s.handle(message({ op: 'set_synapses', ref: 4, values: { weight: 7 } }));
    const [, , w3, d3] = s.handle(message({ op: 'connections', ref: 3 })).arrays!;
    expect(Array.from(w3)).toEqual([4, -8]);
    expect(Array.from(d3, (d) => Math.round(d * 10) / 10)).toEqual([3, 1]);
    const [, , w4] = s.handle(message({ op: 'connections', ref: 4 })).arrays!;
    expect(Array.from(w4)).toEqual([7, 7, 7, 7, 7, 7]);
    expect(s.handle(message({ op: 'run', ms: 5 })).header.t).toBeCloseTo(10, 12);
    expect(() => s.handle(message({ op: 'set_synapses', ref: 5, values: { weight: 1 } }))).toThrow(/'synapse_model' = "stdp_synapse" is invalid; allowed: a static synapse model/);
    expect(() => s.handle(message({ op: 'set_synapses', ref: 4, values: { tau: 1 } }))).toThrow(/'values' = "tau" is invalid; allowed: 'weight' or 'delay'/);
    expect(() => s.handle(message({ op: 'set_synapses', ref: 4, values: { delay: 5 } }))).toThrow(/'delay' = 5 is invalid; allowed: delays that keep the network's shortest and longest delay of its first run \(1 and 3 ms/);
    // A refused change leaves the network as it was.
    expect(s.handle(message({ op: 'status' })).header.t).toBeCloseTo(10, 12);
    s.close();
  });

  it('errors name the parameter, the value and what is allowed, and the build call they came from', () => {
    const s = new BridgeSession();
    let caught: unknown;
    try {
      s.handle(message({ op: 'build', dt: 0.1, seed: 1, ops: [
        { do: 'create', ref: 1, model: 'IF_curr_exp', n: 2 },
        { do: 'create', ref: 2, model: 'IF_curr_exp', n: 2, params: { tau_m: -3 } },
      ] }));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ParameterError);
    expect(errorReply(caught)).toMatchObject({ type: 'ParameterError', parameter: 'tau_m', value: -3, op: 1 });
    expect(() => s.handle(message({ op: 'launch' }))).toThrow(/parameter 'op' = "launch" is invalid/);
    expect(() => s.handle(message({ op: 'run', ms: 10 }))).toThrow(/no network yet/);
    s.close();
  });

  it('the process answers framed messages on stdin and ends with end or at the end of input', () => {
    const input = Buffer.concat([encodeFrame({ op: 'hello' }), encodeFrame({ op: 'launch' }), encodeFrame({ op: 'end' })]);
    const r = spawnSync('node', ['bin/spikeworks.js', 'bridge'], { cwd: root, input, timeout: 30000 });
    expect(r.status).toBe(0);
    const out = r.stdout as Buffer;
    const replies: Record<string, unknown>[] = [];
    for (let at = 0; at < out.length;) {
      const n = out.readUInt32LE(at);
      replies.push(decodeFrame(out.subarray(at + 4, at + 4 + n)).header);
      at += 4 + n;
    }
    expect(replies).toHaveLength(3);
    expect(replies[0]).toEqual({ ok: true, protocol: 1, rank: 0, size: 1 });
    expect(replies[1]).toMatchObject({ ok: false, error: { type: 'ParameterError', parameter: 'op' } });
    expect(replies[2]).toEqual({ ok: true });
    const eof = spawnSync('node', ['bin/spikeworks.js', 'bridge'], { cwd: root, input: encodeFrame({ op: 'hello' }), timeout: 30000 });
    expect(eof.status).toBe(0);
  });
});
