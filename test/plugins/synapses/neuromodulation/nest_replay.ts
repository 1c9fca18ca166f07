/**
 * An independent replay of NEST's stdp_dopamine_synapse, volume_transmitter and ArchivingNode in float64 ms
 * (models/stdp_dopamine_synapse.h, volume_transmitter.cpp, archiving_node.cpp), driven by NEST's slice order:
 * in each min-delay slice the post spikes enter the histories and the dopamine spikes arriving in the slice
 * enter the transmitter's list; at the end of every deliver_interval-th slice every synapse is triggered at
 * t_trig; then the pre spikes of the slice are sent (NEST sends them at the start of the next slice, before
 * anything else happens there).
 */
export interface DopaParams {
  A_plus: number; A_minus: number; tau_plus: number; tau_c: number; tau_n: number; b: number; Wmin: number; Wmax: number;
  tau_minus: number;
}

interface Hist { t: number; Kminus: number }

class PostNeuron {
  hist: Hist[] = [];
  Kminus = 0;
  last = -1;
  constructor(readonly tauMinus: number) {}
  spike(t: number): void {
    this.Kminus = this.Kminus * Math.exp((this.last - t) / this.tauMinus) + 1;
    this.last = t;
    this.hist.push({ t, Kminus: this.Kminus });
  }
  /** Entries with t1 < t <= t2 (NEST's eps comparisons on a grid). */
  history(t1: number, t2: number): Hist[] {
    const eps = 1e-6;
    return this.hist.filter((h) => h.t >= t1 + eps && h.t < t2 + eps);
  }
  K(t: number): number {
    for (let i = this.hist.length - 1; i >= 0; i--) {
      if (t - this.hist[i].t > 1e-6) return this.hist[i].Kminus * Math.exp((this.hist[i].t - t) / this.tauMinus);
    }
    return 0;
  }
}

interface Dopa { t: number; m: number }

export class NestDopaSynapse {
  Kplus = 0;
  c = 0;
  n = 0;
  idx = 0;
  tLast = 0;
  constructor(public weight: number, readonly d: number, readonly post: PostNeuron, readonly p: DopaParams) {}

  private updateWeight(c0: number, n0: number, minusDt: number): void {
    const p = this.p;
    const taus = (p.tau_c + p.tau_n) / (p.tau_c * p.tau_n);
    this.weight = this.weight - c0 * ((n0 / taus) * Math.expm1(taus * minusDt) - p.b * p.tau_c * Math.expm1(minusDt / p.tau_c));
    if (this.weight < p.Wmin) this.weight = p.Wmin;
    if (this.weight > p.Wmax) this.weight = p.Wmax;
  }

  private updateDopamine(ds: Dopa[]): void {
    const minusDt = ds[this.idx].t - ds[this.idx + 1].t;
    this.idx++;
    this.n = this.n * Math.exp(minusDt / this.p.tau_n) + ds[this.idx].m / this.p.tau_n;
  }

  private processDopa(ds: Dopa[], t0: number, t1: number): void {
    const p = this.p;
    const eps = 1e-6;
    if (ds.length > this.idx + 1 && t1 - ds[this.idx + 1].t > -eps) {
      const n0 = this.n * Math.exp((ds[this.idx].t - t0) / p.tau_n);
      this.updateWeight(this.c, n0, t0 - ds[this.idx + 1].t);
      this.updateDopamine(ds);
      while (ds.length > this.idx + 1 && t1 - ds[this.idx + 1].t > -eps) {
        const cd = this.c * Math.exp((t0 - ds[this.idx].t) / p.tau_c);
        this.updateWeight(cd, this.n, ds[this.idx].t - ds[this.idx + 1].t);
        this.updateDopamine(ds);
      }
      const cd = this.c * Math.exp((t0 - ds[this.idx].t) / p.tau_c);
      this.updateWeight(cd, this.n, ds[this.idx].t - t1);
    } else {
      const n0 = this.n * Math.exp((ds[this.idx].t - t0) / p.tau_n);
      this.updateWeight(this.c, n0, t0 - t1);
    }
    this.c = this.c * Math.exp((t0 - t1) / p.tau_c);
  }

  send(tSpike: number, ds: Dopa[]): number {
    const p = this.p;
    let t0 = this.tLast;
    for (const h of this.post.history(this.tLast - this.d, tSpike - this.d)) {
      this.processDopa(ds, t0, h.t + this.d);
      t0 = h.t + this.d;
      if (tSpike - h.t > 1e-6) this.c += p.A_plus * this.Kplus * Math.exp((this.tLast - t0) / p.tau_plus);
    }
    this.processDopa(ds, t0, tSpike);
    this.c -= p.A_minus * this.post.K(tSpike - this.d);
    this.Kplus = this.Kplus * Math.exp((this.tLast - tSpike) / p.tau_plus) + 1;
    this.tLast = tSpike;
    return this.weight;
  }

  trigger(tTrig: number, ds: Dopa[]): void {
    const p = this.p;
    let t0 = this.tLast;
    for (const h of this.post.history(this.tLast - this.d, tTrig - this.d)) {
      this.processDopa(ds, t0, h.t + this.d);
      t0 = h.t + this.d;
      this.c += p.A_plus * this.Kplus * Math.exp((this.tLast - t0) / p.tau_plus);
    }
    this.processDopa(ds, t0, tTrig);
    this.n = this.n * Math.exp((ds[this.idx].t - tTrig) / p.tau_n);
    this.Kplus = this.Kplus * Math.exp((this.tLast - tTrig) / p.tau_plus);
    this.tLast = tTrig;
    this.idx = 0;
  }
}

/** One network's replay: synapses[i] joins pre[i.pre] to post[i.post]; spike lists are emission steps. */
export function replayNest(o: {
  dt: number; minDelay: number; deliverInterval: number; steps: number; p: DopaParams;
  synapses: { pre: number; post: number; w0: number; delay: number }[];
  preSteps: number[][]; postSteps: number[][]; dopaSteps: number[]; dopaDelay: number;
}): NestDopaSynapse[] {
  const ms = (s: number) => s * o.dt;
  const posts = o.postSteps.map(() => new PostNeuron(o.p.tau_minus));
  const syns = o.synapses.map((s) => new NestDopaSynapse(s.w0, ms(s.delay), posts[s.post], o.p));
  let ds: Dopa[] = [{ t: 0, m: 0 }];
  const m = o.minDelay;
  for (let origin = 0; origin < o.steps; origin += m) {
    const to = Math.min(origin + m, o.steps);
    for (let s = origin; s < to; s++) {
      o.postSteps.forEach((list, j) => { if (list.includes(s)) posts[j].spike(ms(s + 1)); });
      const arriving = o.dopaSteps.filter((e) => e + o.dopaDelay === s).length;
      if (arriving > 0) ds.push({ t: ms(s + 1), m: arriving });
    }
    if (to % (o.deliverInterval * m) === 0) {
      for (const syn of syns) syn.trigger(ms(to), ds);
      ds = [{ t: ms(to), m: 0 }];
    }
    for (let s = origin; s < to; s++) {
      o.synapses.forEach((sp, k) => { if (o.preSteps[sp.pre].includes(s)) syns[k].send(ms(s + 1), ds); });
    }
  }
  return syns;
}
