import { createSimulator, builtinPlugins, type Plugin, type Population, type Simulator } from '../../../../index.js';
import type { NeuromodulatedRuntime } from '../../../../plugins/synapses/index.js';
import { forcer, slaveNeuron } from '../plasticity/helpers.js';

export const dt = 0.1;

/** Spike protocols in emission steps: pre and post neurons, dopamine (or reward) neurons, one list each. */
export interface Protocol {
  pre: number[][];
  post: number[][];
  /** Per dopamine neuron (spikes of several in one step arrive with their multiplicity). */
  dopa: number[][];
  /** The dopamine neurons' spikes reach the transmitter this many steps later. */
  dopaDelay?: number;
  steps: number;
  delay?: number;
  synapse?: Record<string, number>;
  deliverInterval?: number;
  w0?: number;
  tauMinus?: number;
  model?: string;
  plugins?: Plugin[];
}

export interface Built {
  sim: Simulator;
  runtime: () => NeuromodulatedRuntime;
  steps: (p: Population) => number[][];
  pre: Population;
  post: Population;
  dopa: Population;
}

/** Neurons forced to fire at the protocol's steps: pre -> post all to all through the neuromodulated model. */
export function build(pr: Protocol): Built {
  const sim = createSimulator({
    dt, seed: 1,
    plugins: [...builtinPlugins, forcer('force_pre', pr.pre), forcer('force_post', pr.post), forcer('force_dopa', pr.dopa.length ? pr.dopa : [[]]), ...(pr.plugins ?? [])],
  });
  const pre = sim.create('iaf_psc_exp', pr.pre.length, slaveNeuron);
  const post = sim.create('iaf_psc_exp', pr.post.length, { ...slaveNeuron, tau_minus: pr.tauMinus ?? 33.7 });
  const dopa = sim.create('iaf_psc_exp', Math.max(1, pr.dopa.length), slaveNeuron);
  for (const [name, pop] of [['force_pre', pre], ['force_post', post], ['force_dopa', dopa]] as const) {
    sim.connect(sim.create(name as string), pop, 'all_to_all', { weight: 1e6, delay: dt });
  }
  const vt = sim.create('volume_transmitter', 1, pr.deliverInterval ? { deliver_interval: pr.deliverInterval } : undefined);
  sim.connect(dopa, vt, 'all_to_all', { delay: (pr.dopaDelay ?? 10) * dt });
  const proj = sim.connect(pre, post, 'all_to_all', {
    synapse_model: pr.model ?? 'stdp_dopamine_synapse', weight: pr.w0 ?? 35, delay: (pr.delay ?? 10) * dt, vt: vt.gid, ...(pr.synapse ?? {}),
  })!;
  const recs = new Map<Population, ReturnType<Simulator['create']>>();
  for (const p of [pre, post, dopa]) {
    const r = sim.create('spike_recorder');
    sim.connect(p, r);
    recs.set(p, r);
  }
  const steps = (p: Population) => {
    const r = recs.get(p)!.runtime as unknown as { steps(): Int32Array; events(): { senders: Int32Array } };
    const st = r.steps();
    const senders = r.events().senders;
    return Array.from({ length: p.size }, (_, i) => Array.from(st).filter((_, k) => senders[k] === p.firstGid + i));
  };
  return { sim, runtime: () => proj.runtime as NeuromodulatedRuntime, steps, pre, post, dopa };
}

/**
 * The continuous-time solution of an eligibility rule for one synapse, from the rule's definition: c jumps at
 * each post spike's arrival (t_post + d) by onPost(K+) and at each pre spike by onPre(K-(t_pre - d)), traces
 * summed over the strictly earlier spikes; between events c and the modulator decay exponentially and
 * w gains integral(c n) weighted as the rule says (`gain(c0, n0, h)`, the rule's own closed form).
 */
export function continuousWeight(o: {
  pre: number[]; post: number[]; modulatorArrivals: number[]; d: number; T: number; w0: number;
  tauPre: number; tauPost: number; tauC: number; tauN: number; nJump: number;
  post_dc: (kPre: number) => number; pre_dc: (kPost: number) => number; gain: (c0: number, n0: number, h: number) => number;
}): number {
  const ms = (s: number) => s * dt;
  const preT = o.pre.map((s) => ms(s + 1));
  const postT = o.post.map((s) => ms(s + 1));
  const modT = o.modulatorArrivals.map((s) => ms(s + 1));
  const trace = (times: number[], t: number, tau: number) => times.filter((x) => x < t - 1e-9).reduce((a, x) => a + Math.exp(-(t - x) / tau), 0);
  const jumps = [
    ...postT.map((t) => ({ t: t + ms(o.d), dc: o.post_dc(trace(preT, t + ms(o.d), o.tauPre)) })),
    ...preT.map((t) => ({ t, dc: o.pre_dc(trace(postT, t - ms(o.d), o.tauPost)) })),
  ];
  const end = ms(o.T);
  const cuts = [...new Set([0, ...jumps.map((j) => j.t), ...modT, end])].filter((t) => t <= end).sort((a, b) => a - b);
  const nAt = (t: number) => modT.filter((x) => x <= t + 1e-9).reduce((a, x) => a + o.nJump * Math.exp(-(t - x) / o.tauN), 0);
  let w = o.w0;
  let c = 0;
  for (let i = 0; i < cuts.length - 1; i++) {
    const a = cuts[i];
    for (const j of jumps) if (Math.abs(j.t - a) < 1e-9) c += j.dc;
    const h = cuts[i + 1] - a;
    w += o.gain(c, nAt(a), h);
    c *= Math.exp(-h / o.tauC);
  }
  return w;
}
