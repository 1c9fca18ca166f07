import { createSimulator, builtinPlugins, Simulator, SERVICE, type GeneratorModel, type DeviceTargets, type Plugin, type Population } from '../../../../index.js';
import { fixedMemory } from '../../../../core/memory.js';

/**
 * A generator that makes neurons fire at chosen steps: one huge, very short current pulse two steps
 * before each wanted spike (the pulse is read in step S - 1 and lifts V over threshold in step S).
 * `schedule[i]` lists the spike steps of neuron i of the population it is connected to (with delay dt).
 */
export function forcer(name: string, schedule: number[][]): GeneratorModel {
  return {
    kind: 'generator',
    name,
    doc: 'test device: forces spikes at given steps',
    params: {},
    create() {
      const links: DeviceTargets[] = [];
      // step at which to emit -> neuron indices
      const due = new Map<number, number[]>();
      for (let i = 0; i < schedule.length; i++) {
        for (const s of schedule[i]) {
          const e = s - 2;
          if (e < 0) throw new Error(`forced spike at step ${s}: use steps >= 2`);
          if (!due.has(e)) due.set(e, []);
          due.get(e)!.push(i);
        }
      }
      return {
        addTargets(t) {
          if (t.delaySteps !== 1) throw new Error('connect the forcer with delay = dt');
          links.push(t);
        },
        emit(step) {
          const who = due.get(step);
          if (!who) return;
          for (const t of links) {
            const off = ((step + 1) % t.ring.slots) * t.ring.n;
            for (const i of who) t.ring.ex[off + i] += t.weight;
          }
        },
      };
    },
  };
}

/** Neurons that fire only when forced: fast synapses, so plastic inputs of a few pA move V by microvolts. */
export const slaveNeuron = { E_L: -70, V_reset: -70, V_th: -55, C_m: 250, tau_m: 10, t_ref: 2, tau_syn_ex: 0.1, tau_syn_in: 0.1 };

export interface PairNet {
  sim: Simulator;
  pre: Population;
  post: Population;
  preSteps: () => Int32Array;
  postSteps: () => Int32Array;
  weights: () => Float32Array;
}

/**
 * One presynaptic and one postsynaptic neuron firing at the given steps, joined by one plastic synapse.
 * `extraPlugins` lets a test add its own synapse model.
 */
export function pairNet(opts: {
  dt?: number;
  pre: number[];
  post: number[];
  synapse: Record<string, unknown>;
  postParams?: Record<string, number>;
  extraPlugins?: Plugin[];
  seed?: number;
}): PairNet {
  const dt = opts.dt ?? 0.1;
  const sim = createSimulator({ dt, seed: opts.seed ?? 1, plugins: [...builtinPlugins, forcer('force_pre', [opts.pre]), forcer('force_post', [opts.post]), ...(opts.extraPlugins ?? [])] });
  const pre = sim.create('iaf_psc_exp', 1, slaveNeuron);
  const post = sim.create('iaf_psc_exp', 1, { ...slaveNeuron, ...(opts.postParams ?? {}) });
  const fPre = sim.create('force_pre');
  const fPost = sim.create('force_post');
  sim.connect(fPre, pre, 'all_to_all', { weight: 1e6, delay: dt });
  sim.connect(fPost, post, 'all_to_all', { weight: 1e6, delay: dt });
  const proj = sim.connect(pre, post, { rule: 'fixed_indegree', indegree: 1 }, opts.synapse)!;
  const recPre = sim.create('spike_recorder');
  const recPost = sim.create('spike_recorder');
  sim.connect(pre, recPre);
  sim.connect(post, recPost);
  const steps = (r: typeof recPre) => (r.runtime as unknown as { steps(): Int32Array }).steps();
  return { sim, pre, post, preSteps: () => steps(recPre), postSteps: () => steps(recPost), weights: () => proj.weights() };
}

/** The weight half of a rule, written out from NEST-SEMANTICS.md / Auryn's source for the reference model. */
export interface RefRule {
  tauPre: number;
  tauPreSlow: number;
  tauPost: number;
  tauPostSlow: number;
  tauHom: number;
  homInitial: number;
  onPost(w: number, pre: number, postSlowBefore: number): number;
  onPre(w: number, post: number, preSlowBefore: number, hom: number): number;
}

/** Sum of exp(-(T - t) dt / tau) over the times t strictly before T. */
function trace(times: number[], T: number, tau: number, dt: number): number {
  if (!(tau > 0)) return 0;
  let s = 0;
  for (const t of times) if (t < T) s += Math.exp((-(T - t) * dt) / tau);
  return s;
}

/**
 * An independent reference for one synapse: every spike moved to the time it reaches the synapse
 * (dendritic: pre at t, post at t + d; axonal: pre at t + d, post at t), events applied in time order,
 * each trace summed afresh over the other side's earlier spikes. At equal times the dendritic handler
 * applies the postsynaptic event first (NEST's send loop), the axonal one the presynaptic (Auryn).
 * Postsynaptic events before the first presynaptic one pair with nothing. The weight is rounded to
 * float32 after each presynaptic event (dendritic: the weight NEST would store and send) or after every
 * event (axonal), as the simulator stores it.
 */
export function referenceWeight(rule: RefRule, handler: 'dendritic' | 'axonal', preSteps: number[], postSteps: number[], d: number, w0: number, dt: number): number {
  const preAt = preSteps.map((t) => (handler === 'axonal' ? t + d : t));
  const postAt = postSteps.map((t) => (handler === 'dendritic' ? t + d : t));
  type Ev = { t: number; pre: boolean };
  const evs: Ev[] = [...preAt.map((t) => ({ t, pre: true })), ...postAt.map((t) => ({ t, pre: false }))];
  const lastPre = Math.max(...preAt);
  const postFirst = handler === 'dendritic';
  evs.sort((a, b) => a.t - b.t || (a.pre === b.pre ? 0 : a.pre ? (postFirst ? 1 : -1) : postFirst ? -1 : 1));
  let w = Math.fround(w0);
  for (const e of evs) {
    if (e.pre) {
      // The rate trace starts at the neuron at t = 0, i.e. at the synapse d later for a dendritic delay.
      const since = handler === 'dendritic' ? e.t - d : e.t;
      const hom = rule.tauHom > 0 ? rule.homInitial * Math.exp((-since * dt) / rule.tauHom) + trace(postAt, e.t, rule.tauHom, dt) : 0;
      w = Math.fround(rule.onPre(w, trace(postAt, e.t, rule.tauPost, dt), trace(preAt, e.t, rule.tauPreSlow, dt), hom));
    } else {
      // Dendritic: a post spike after the last pre spike is applied only at a later one.
      if (handler === 'dendritic' && e.t > lastPre) continue;
      if (!preAt.some((t) => t < e.t)) continue;
      w = rule.onPost(w, trace(preAt, e.t, rule.tauPre, dt), trace(postAt, e.t, rule.tauPostSlow, dt));
      if (handler === 'axonal') w = Math.fround(w);
    }
  }
  return Math.fround(w);
}

/** One float32 unit in the last place at x. */
export function ulp32(x: number): number {
  const a = Math.abs(Math.fround(x));
  if (a === 0) return 1.4e-45;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/**
 * Bytes per synapse of an all-to-all projection among n neurons with this syn_spec: as the memory estimate
 * made before building states them (its steady part, from the refusal of a described network too big for a
 * tiny budget) and as the built projection holds them (a run of 20 neurons). `plugins`: a model of one's own.
 */
export function estimatedAndBuiltBytes(syn: Record<string, unknown>, perSynapse: (count: number) => Record<string, unknown> = () => ({}), plugins: Plugin[] = [...builtinPlugins]): { estimated: number; built: number; detail: string } {
  const n = 2000;
  const described = new Simulator({ plugins, dt: 0.1, describeOnly: true, services: [{ token: SERVICE.memory, value: fixedMemory(5e6, 'test budget') }] });
  const many = described.create('iaf_psc_exp', n);
  let message = '';
  try {
    described.connect(many, many, 'all_to_all', { ...syn, ...perSynapse(n * n) });
  } catch (e) {
    message = (e as Error).message;
  }
  const m = /× (\d+) B \((.*), while building (\d+) B more\)/.exec(message);
  if (!m) throw new Error(`no estimate in: ${message}`);
  const sim = createSimulator({ dt: 0.1, plugins });
  const a = sim.create('iaf_psc_exp', 20);
  const proj = sim.connect(a, a, 'all_to_all', { ...syn, ...perSynapse(20 * 20) })!;
  sim.simulate(1);
  return { estimated: Number(m[1]) - Number(m[3]), built: proj.bytesPerSynapse(), detail: m[2] };
}
