"""
NEST's hpc_benchmark (seed 000) in Brian2 2.5 (C++ standalone, one thread): an independent third simulator for
issue 15's rate question.

  /usr/bin/python3 bench/brian2/hpc.py run --seed 1 [--scale 1] [--ee static|stdp] [--dir BUILD_DIR] [--spikes F.npz]
  /usr/bin/python3 bench/brian2/hpc.py analyze [--table] F.npz|F.bin ...  # the same figures from any spike file
  /usr/bin/python3 bench/brian2/hpc.py replay F.npz                # a --ee stdp run's sampled weights vs NEST's rule
  /usr/bin/python3 bench/brian2/hpc.py selftest                    # PSC/PSP shape and refractoriness (runtime mode)

The network, with the seed's names and values:
- scale x (9000 E + 2250 I) iaf_psc_alpha, E_L 0, C_m 250 pF, tau_m 10 ms, t_ref 0.5 ms, V_th 20 mV, V_reset 0,
  tau_syn_ex = tau_syn_in = 0.32582722403722841 ms, V_m ~ normal(5.7, 7.2) mV.
- The neuron is integrated as NEST's iaf_psc_alpha::update does it, step by step (h = 0.1 ms): V from the
  exact propagators (P31, P32, expm1(-h/tau_m)) with the currents of the step before, then I and dI propagated,
  then the step's input added to dI with the factor e/tau_syn (a weight w gives a PSC peaking at w pA), then
  V >= V_th -> spike, V = V_reset and r = round(t_ref/h) refractory steps in which V is not propagated (held at
  V_reset) while the currents go on. The neuron update is a `run_regularly` in the 'groups' slot, the input
  arrives in the 'synapses' slot: V responds to an input from the step after it arrives, as in NEST.
- JE_pA = convert_synapse_weight(tau_m, tau_syn, C_m) * 0.14 (Lambert W), inhibitory weight g * JE_pA, g = -5.
- poisson_generator at eta * nu_thresh * CE * 1000 Hz (eta 1.685): NEST draws n ~ Poisson(h * rate) per target
  and step, i.e. an independent Poisson train per neuron; here `poisson(lambda)` per neuron and step. The
  generator's connection has the 1.5 ms delay, so its first input arrives at step 15, as here.
- fixed indegree CE = int(NE/scale) from E and CI = int(NI/scale) from I to every neuron, sources drawn uniformly
  with replacement (multapses allowed), no autapses (a same-population source is drawn from the N-1 others).
  Drawn with numpy's default_rng(seed), passed to Brian2 as index arrays. Delay 1.5 ms everywhere.
- E->E static (weight JE_pA), or --ee stdp: stdp_pl_synapse_hom with NEST's semantics, all delay dendritic:
  a pre spike at t reaches the synapse at t, a post spike at t_j at t_j + d. For the pre spike at t:
  facilitation w += lambda w^mu K+ for each post spike with t_last - d < t_j <= t - d (K+ of the pre spikes
  before t_j + d), then depression w = max(w - lambda alpha w K-(t - d), 0) with K- of the post spikes strictly
  before t - d, then the spike is sent with the new w and arrives at t + d. Here every plasticity event is
  shifted by +d (a time shift changes nothing): the pre pathway (delay d) depresses and delivers at t + d,
  the post pathway (delay 2d) facilitates at t_j + 2d, and K+ / K- are neuron traces fed by one-to-one
  self-connections with delays d / 2d that run after the STDP pathways in the same step, so a trace never holds
  a spike of the same step (NEST's strict "before"); at a tie the facilitation runs before the depression
  (NEST's loop order). K+ uses tau_plus 15 ms, K- tau_minus 30 ms, alpha 0.0513, lambda 0.1, mu 0.4.

Prints one JSON line with the figures (see `figures`), and writes the spikes (index, step) to --spikes.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np

H = 0.1  # ms
SEED_PARAMS = dict(E_L=0.0, C_m=250.0, tau_m=10.0, t_ref=0.5, V_th=20.0, V_reset=0.0,
                   tau_syn=0.32582722403722841, tau_minus=30.0, mean_potential=5.7, sigma_potential=7.2,
                   delay=1.5, JE=0.14, g=-5.0, eta=1.685, alpha=0.0513, lam=0.1, mu=0.4, tau_plus=15.0)


def lambertwm1(x):
    import scipy.special as sp
    return sp.lambertw(x, k=-1 if x < 0 else 0).real


def convert_synapse_weight(tau_m, tau_syn, C_m):
    # hpc_benchmark.py's formula: the PSP peak of a unit PSC amplitude, inverted.
    a = tau_m / tau_syn
    b = 1.0 / tau_syn - 1.0 / tau_m
    t_rise = 1.0 / b * (-lambertwm1(-np.exp(-1.0 / a) / a) - 1.0 / a)
    v_max = np.exp(1.0) / (tau_syn * C_m * b) * ((np.exp(-t_rise / tau_m) - np.exp(-t_rise / tau_syn)) / b
                                                 - t_rise * np.exp(-t_rise / tau_syn))
    return 1.0 / v_max


def derived(scale):
    p = SEED_PARAMS
    NE, NI = int(9000 * scale), int(2250 * scale)
    CE, CI = int(1.0 * NE / scale), int(1.0 * NI / scale)
    JE_pA = convert_synapse_weight(p['tau_m'], p['tau_syn'], p['C_m']) * p['JE']
    nu_thresh = p['V_th'] / (CE * p['tau_m'] / p['C_m'] * JE_pA * np.exp(1.0) * p['tau_syn'])
    rate = nu_thresh * p['eta'] * CE * 1000.0
    return dict(NE=NE, NI=NI, CE=CE, CI=CI, JE_pA=JE_pA, stim_rate_hz=rate)


def propagators():
    """NEST iaf_psc_alpha::pre_run_hook (libnestutil/iaf_propagator): units ms, pF, mV, pA."""
    p = SEED_PARAMS
    h, tau_s, tau_m, C = H, p['tau_syn'], p['tau_m'], p['C_m']
    P11 = math.exp(-h / tau_s)
    P21 = h * P11
    expm1_tau_m = math.expm1(-h / tau_m)
    beta = tau_s * tau_m / (tau_m - tau_s)
    gamma = beta / C
    P32 = gamma * math.exp(-h / tau_s) * math.expm1(h / beta)
    P31 = gamma * math.exp(-h / tau_s) * (beta * math.expm1(h / beta) - h)
    return dict(P11=P11, P22=P11, P21=P21, P31=P31, P32=P32, expm1_tau_m=expm1_tau_m,
                psc_init=math.e / tau_s, ref_counts=int(round(p['t_ref'] / h)))


NEURON_MODEL = '''
V : 1
I : 1
dI : 1
r : integer
'''
# NEST's order within a step: V from the old currents unless refractory (else r--), then the currents.
NEURON_UPDATE = '''
V = V + int(r == 0) * (P31 * dI + P32 * I + expm1_tau_m * V)
r = r - int(r > 0)
I = P21 * dI + P22 * I
dI = P11 * dI
'''


def build(scale, seed, ee, record_all=True):
    from brian2 import NeuronGroup, Synapses, SpikeMonitor, ms
    p = SEED_PARAMS
    d = derived(scale)
    pr = propagators()
    NE, NI, N = d['NE'], d['NI'], d['NE'] + d['NI']
    lam = H * d['stim_rate_hz'] * 1e-3
    cJ = d['JE_pA'] * pr['psc_init']
    # The generator -> neuron connection has the 1.5 ms delay: its first spikes arrive at step 15.
    ns = dict(pr, V_th=p['V_th'], V_reset=p['V_reset'], t_on=(p['delay'] - 0.5 * H) * ms, lam_step=lam, cJ=cJ)
    model = NEURON_MODEL
    if ee == 'stdp':
        model += 'Kp : 1\ntKp : second\nKm : 1\ntKm : second\n'
    P = NeuronGroup(N, model, threshold='V >= V_th', reset='V = V_reset\nr = ref_counts', namespace=ns,
                    name='neurons')
    P.run_regularly(NEURON_UPDATE, when='groups', name='iaf_psc_alpha_update')
    P.run_regularly('dI += int(t > t_on) * poisson(lam_step) * cJ', when='synapses', order=5,
                    name='poisson_generator')
    P.V = '%r + %r * randn()' % (p['mean_potential'], p['sigma_potential'])
    E, I = P[:NE], P[NE:]

    rng = np.random.default_rng(seed)

    def fixed_indegree(n_src, n_tgt, indegree, same):
        tgt = np.repeat(np.arange(n_tgt, dtype=np.int32), indegree)
        if same:
            src = rng.integers(0, n_src - 1, size=tgt.size, dtype=np.int32)
            src += (src >= tgt)  # uniform over the n_src - 1 others: no autapses
        else:
            src = rng.integers(0, n_src, size=tgt.size, dtype=np.int32)
        return src, tgt

    delay = p['delay'] * ms
    syns = []
    dn = dict(cJ=cJ, cJI=p['g'] * cJ)
    if ee == 'stdp':
        stdp_ns = dict(lam=p['lam'], alpha=p['alpha'], mu=p['mu'], tau_plus=p['tau_plus'] * ms,
                       tau_minus=p['tau_minus'] * ms, psc_init=pr['psc_init'])
        ee_syn = Synapses(E, E, 'w : 1',
                          on_pre='w = clip(w - lam * alpha * w * Km_post * exp(-(t - tKm_post) / tau_minus), 0, inf)\n'
                                 'dI_post += w * psc_init',
                          on_post='w += lam * w**mu * Kp_pre * exp(-(t - tKp_pre) / tau_plus)',
                          delay={'pre': delay, 'post': 2 * delay}, namespace=stdp_ns, name='ee')
    else:
        ee_syn = Synapses(E, E, on_pre='dI_post += cJ', delay=delay, namespace=dn, name='ee')
    src, tgt = fixed_indegree(NE, NE, d['CE'], True)
    ee_syn.connect(i=src, j=tgt)
    if ee == 'stdp':
        ee_syn.w = d['JE_pA']
    del src, tgt
    syns.append(ee_syn)
    for name, pre, post, n_pre, n_post, indeg, same, code in (
            ('ie', I, E, NI, NE, d['CI'], False, 'dI_post += cJI'),
            ('ei', E, I, NE, NI, d['CE'], False, 'dI_post += cJ'),
            ('ii', I, I, NI, NI, d['CI'], True, 'dI_post += cJI')):
        s = Synapses(pre, post, on_pre=code, delay=delay, namespace=dn, name=name)
        src, tgt = fixed_indegree(n_pre, n_post, indeg, same)
        s.connect(i=src, j=tgt)
        del src, tgt
        syns.append(s)
    if ee == 'stdp':
        # Neuron traces as the synapse sees them: K+ of pre spikes arrived (delay d), K- of post spikes arrived
        # at t_j + 2d (the +d shift of every plasticity event). They run after the STDP pathways (order 3).
        tr_ns = dict(tau_plus=p['tau_plus'] * ms, tau_minus=p['tau_minus'] * ms)
        kp = Synapses(E, E, on_pre='Kp_post = Kp_post * exp(-(t - tKp_post) / tau_plus) + 1\ntKp_post = t',
                      delay=delay, namespace=tr_ns, name='trace_kplus')
        km = Synapses(E, E, on_pre='Km_post = Km_post * exp(-(t - tKm_post) / tau_minus) + 1\ntKm_post = t',
                      delay=2 * delay, namespace=tr_ns, name='trace_kminus')
        kp.connect(j='i')
        km.connect(j='i')
        kp.pre.order = 3
        km.pre.order = 3
        ee_syn.post.order = -2  # facilitation (post pathway) before depression (pre pathway, order -1)
        syns += [kp, km]
    mon = SpikeMonitor(P if record_all else E[:1000], name='spikes')
    return P, syns, mon, d


def figures(idx, step, n_e=9000, nrec=1000, presim_steps=500, sim_steps=2500, bin_steps=250):
    """Window figures of the first nrec E neurons (idx 0..nrec-1), steps [presim, presim + sim)."""
    idx = np.asarray(idx)
    step = np.asarray(step)
    lo, hi = presim_steps, presim_steps + sim_steps
    sel = (idx < nrec) & (step >= lo) & (step < hi)
    i, s = idx[sel], step[sel]
    T = sim_steps * H / 1000.0
    rate = i.size / nrec / T
    nb = sim_steps // bin_steps
    counts = np.bincount((s - lo) // bin_steps, minlength=nb)[:nb]
    bins = counts / nrec / (bin_steps * H / 1000.0)
    cvs = []
    order = np.lexsort((s, i))
    i, s = i[order], s[order]
    bounds = np.searchsorted(i, np.arange(nrec + 1))
    for k in range(nrec):
        st = s[bounds[k]:bounds[k + 1]]
        if st.size >= 3:
            isi = np.diff(st).astype(float)
            cvs.append(isi.std() / isi.mean())
    out = dict(rate_hz=round(float(rate), 3), bin_rates_hz=[round(float(b), 2) for b in bins],
               bin_sd_hz=round(float(bins.std(ddof=1)), 3), bin_min_hz=round(float(bins.min()), 2),
               bin_max_hz=round(float(bins.max()), 2),
               cv_isi_mean=round(float(np.mean(cvs)), 3) if cvs else None, cv_isi_neurons=len(cvs))
    # Whole E population (when recorded): rate in the window, and in the presimulation.
    if idx.max(initial=-1) >= nrec:
        allE = (idx < n_e)
        out['rate_all_e_hz'] = round(float(((step >= lo) & (step < hi) & allE).sum() / n_e / T), 3)
        out['rate_all_e_presim_hz'] = round(float(((step < lo) & allE).sum() / n_e / (lo * H / 1000.0)), 3)
        # The whole E population's rate in 1 ms bins over the window: SD and the frequency of the largest peak
        # of its power spectrum (mean removed; 4 Hz resolution over 250 ms).
        w = allE & (step >= lo) & (step < hi)
        r1 = np.bincount((step[w] - lo) // 10, minlength=sim_steps // 10)[:sim_steps // 10] / n_e / 1e-3
        spec = np.abs(np.fft.rfft(r1 - r1.mean())) ** 2
        freqs = np.fft.rfftfreq(r1.size, d=1e-3)
        out['all_e_1ms_sd_hz'] = round(float(r1.std()), 2)
        out['all_e_spectrum_peak_hz'] = round(float(freqs[1 + int(np.argmax(spec[1:]))]), 1)
        # The first volley: neurons firing in step 0 (initial V_m above threshold), and E spikes of steps 15-39
        # (when that volley and the Poisson drive have arrived). I counts only where I was recorded (Brian2).
        out['step0_spikes_e'] = int(((step == 0) & allE).sum())
        out['step0_spikes_i'] = int(((step == 0) & (idx >= n_e)).sum()) if idx.max() >= n_e else None
        out['e_spikes_steps_15_39'] = int(((step >= 15) & (step < 40) & allE).sum())
    return out


def cmd_run(a):
    from brian2 import set_device, device, defaultclock, prefs, seed, ms, Network
    import brian2
    set_device('cpp_standalone', directory=a.dir, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0
    defaultclock.dt = H * ms
    seed(a.seed)
    t0 = time.perf_counter()
    P, syns, mon, d = build(a.scale, a.seed, a.ee)
    net = Network(P, *syns, mon)
    net.run((a.presim + a.simtime) * ms)
    t1 = time.perf_counter()
    device.build(directory=a.dir, compile=True, run=False, with_output=False)
    t2 = time.perf_counter()
    # The connectivity arrays were written to the build folder: drop Python's copies before the binary runs.
    device.static_arrays.clear()
    import gc
    gc.collect()
    device.run(a.dir, with_output=False, run_args=[])
    t3 = time.perf_counter()
    idx = np.asarray(mon.i[:], dtype=np.int32)
    step = np.round(np.asarray(mon.t[:] / ms) / H).astype(np.int32)
    extra = {}
    if a.ee == 'stdp':
        # 5000 E->E synapses drawn at random, with their weight at the end, for `replay`.
        try:
            pick = np.sort(np.random.default_rng(12345).choice(len(syns[0]), 5000, replace=False))
            extra = dict(syn_pre=np.asarray(syns[0].i[:])[pick], syn_post=np.asarray(syns[0].j[:])[pick],
                         syn_w=np.asarray(syns[0].w[:])[pick], w0=d['JE_pA'], last_step=int(round((a.presim + a.simtime) / H)) - 1)
        except Exception as exc:  # the figures matter more than the sample
            print('weight sample failed:', exc, file=sys.stderr)
    if a.spikes:
        np.savez_compressed(a.spikes, idx=idx, step=step, **extra)
    out = dict(simulator='brian2 ' + brian2.__version__ + ' cpp_standalone', scale=a.scale, seed=a.seed, ee=a.ee,
               NE=d['NE'], NI=d['NI'], synapses=int(sum(len(s) for s in syns[:4])), JE_pA=d['JE_pA'],
               stim_rate_hz=d['stim_rate_hz'], python_build_s=round(t1 - t0, 1), compile_s=round(t2 - t1, 1),
               binary_s=round(t3 - t2, 1), run_loop_s=round(float(device._last_run_time), 1))
    out.update(figures(idx, step, n_e=d['NE'], presim_steps=int(round(a.presim / H)),
                       sim_steps=int(round(a.simtime / H))))
    if a.ee == 'stdp':
        w = np.asarray(syns[0].w[:])
        out['ee_weight_mean_end_pA'] = round(float(w.mean()), 4)
        out['ee_weight_max_end_pA'] = round(float(w.max()), 4)
    print(json.dumps(out))


def cmd_analyze(a):
    # .npz: this script's spikes; .bin (+ .json beside it): bench/hpc-spikes.ts's (spikeworks).
    rows = []
    for f in a.files:
        if f.endswith('.bin'):
            pairs = np.fromfile(f, dtype='<i4').reshape(-1, 2)
            idx, step = pairs[:, 0], pairs[:, 1]
            meta = json.load(open(f[:-4] + '.json'))
        else:
            z = np.load(f)
            idx, step, meta = z['idx'], z['step'], {}
        n_e = int(meta.get('NE', 9000))
        out = dict(file=os.path.basename(f), **meta)
        out.update(figures(idx, step, n_e=n_e))
        rows.append(out)
        if not a.table:
            print(json.dumps(out))
    if a.table:
        print_table(rows)


def print_table(rows):
    """Markdown: one row per run, then median / mean / SD of the window rate per simulator and E->E synapse."""
    def who(r):
        sim = 'spikeworks' if r['file'].endswith('.bin') else 'Brian2'
        return sim, ('stdp' if 'stdp' in r['file'] else 'static')
    print('| simulator | E->E | seed | rate, first 1000 E (Hz) | SD of 25-ms bins (Hz) | min-max bin (Hz) | CV-ISI '
          '(neurons >= 3 spikes) | all-E rate (Hz) | all-E 1-ms SD (Hz) | spectrum peak (Hz) |')
    print('|---|---|---|---|---|---|---|---|---|---|')
    groups = {}
    for r in sorted(rows, key=lambda r: (who(r), int(r['file'].split('_s')[-1].split('.')[0]))):
        sim, ee = who(r)
        seed = r['file'].split('_s')[-1].split('.')[0]
        groups.setdefault((sim, ee), []).append(r)
        print(f"| {sim} | {ee} | {seed} | {r['rate_hz']:.2f} | {r['bin_sd_hz']:.2f} | {r['bin_min_hz']:.1f}-{r['bin_max_hz']:.1f} "
              f"| {r['cv_isi_mean']:.3f} ({r['cv_isi_neurons']}) | {r.get('rate_all_e_hz', float('nan')):.2f} "
              f"| {r.get('all_e_1ms_sd_hz', float('nan')):.1f} | {r.get('all_e_spectrum_peak_hz', float('nan')):.0f} |")
    print()
    print('| simulator | E->E | runs | rate median | rate mean | rate SD | mean SD of 25-ms bins | mean CV-ISI |')
    print('|---|---|---|---|---|---|---|---|')
    for (sim, ee), g in sorted(groups.items()):
        x = np.array([r['rate_hz'] for r in g])
        print(f"| {sim} | {ee} | {len(g)} | {np.median(x):.2f} | {x.mean():.2f} | {x.std(ddof=1) if len(g) > 1 else float('nan'):.2f} "
              f"| {np.mean([r['bin_sd_hz'] for r in g]):.2f} | {np.mean([r['cv_isi_mean'] for r in g]):.3f} |")


def cmd_replay(a):
    """The sampled E->E weights of a --ee stdp run against NEST's stdp_pl_synapse_hom::send replayed on the run's
    own spikes (the loop of models/stdp_pl_synapse_hom.h, double precision). Brian2 applies each facilitation
    when the post spike reaches the synapse, NEST at the next pre spike: the replay adds the facilitations
    still pending at the end, counting every event that reached the synapse (shifted by +d) by the last step."""
    p = SEED_PARAMS
    z = np.load(a.file)
    idx, step = z['idx'], z['step']
    D = int(round(p['delay'] / H))
    last_step = int(z['last_step'])
    order = np.lexsort((step, idx))
    idx, step = idx[order], step[order]
    bounds = np.searchsorted(idx, np.arange(int(idx.max()) + 2))
    trains = lambda n: step[bounds[n]:bounds[n + 1]]
    lam, alpha, mu, tp_, tm_ = p['lam'], p['alpha'], p['mu'], p['tau_plus'], p['tau_minus']
    rel = []
    for s_, t_, wb in zip(z['syn_pre'], z['syn_post'], z['syn_w']):
        pre = [x for x in trains(s_) if x + D <= last_step]
        post = [x for x in trains(t_) if x + 2 * D <= last_step]
        w, last, kp = float(z['w0']), -1, 0.0
        for tp in pre:
            if last >= 0:
                for tj in post:
                    if last - D < tj <= tp - D:
                        w += lam * w ** mu * kp * math.exp(-((tj + D - last) * H) / tp_)
            km = sum(math.exp(-((tp - D - tj) * H) / tm_) for tj in post if tj < tp - D)
            w = max(w - lam * alpha * w * km, 0.0)
            kp = (kp * math.exp(-((tp - last) * H) / tp_) if last >= 0 else 0.0) + 1.0
            last = tp
        if last >= 0:
            for tj in post:
                if tj > last - D:
                    w += lam * w ** mu * kp * math.exp(-((tj + D - last) * H) / tp_)
        rel.append(abs(w - wb) / max(abs(w), 1e-300))
    rel = np.asarray(rel)
    print(json.dumps(dict(file=os.path.basename(a.file), synapses=int(rel.size), max_rel_diff=float(rel.max()),
                          median_rel_diff=float(np.median(rel)), w_mean_end=float(np.mean(z['syn_w'])))))


def cmd_selftest(_a):
    """Runtime (numpy) Brian2: one neuron, one input spike of JE_pA at t = 1 ms: PSP peak 0.14 mV at ~1.7 ms
    after arrival; then a strong input: spike, V_reset held for exactly round(t_ref/h) steps."""
    from brian2 import NeuronGroup, Synapses, SpikeGeneratorGroup, StateMonitor, SpikeMonitor, Network, ms, \
        defaultclock, prefs
    prefs.codegen.target = 'numpy'
    defaultclock.dt = H * ms
    d = derived(1)
    pr = propagators()
    ns = dict(pr, V_th=SEED_PARAMS['V_th'], V_reset=SEED_PARAMS['V_reset'])
    P = NeuronGroup(2, NEURON_MODEL, threshold='V >= V_th', reset='V = V_reset\nr = ref_counts', namespace=ns)
    P.run_regularly(NEURON_UPDATE, when='groups')
    G = SpikeGeneratorGroup(1, [0], [1.0] * ms)
    S0 = Synapses(G, P, 'w : 1', on_pre='dI_post += w * psc_init', delay=1.5 * ms, namespace=pr)
    S0.connect(i=[0, 0], j=[0, 1])
    S0.w = [d['JE_pA'], 200 * d['JE_pA']]
    st = StateMonitor(P, ['V', 'I'], record=True)
    sp = SpikeMonitor(P)
    Network(P, G, S0, st, sp).run(20 * ms)
    V0, I0 = st.V[0], st.I[0]
    k = int(np.argmax(V0))
    # The spike (at step 10) arrives at step 25: dI jumps then, I and V respond from step 26 on.
    out = dict(psc_peak_pA=float(I0.max()), psc_peak_t_after_arrival_ms=round((int(np.argmax(I0)) - 25) * H, 2),
               psp_peak_mV=float(V0[k]), psp_peak_t_after_arrival_ms=round((k - 25) * H, 2),
               JE_pA=d['JE_pA'], t_rise_seed_ms=1.700759)
    ts = np.round(np.asarray(sp.t[sp.i == 1] / ms) / H).astype(int)
    V1 = st.V[1]
    out['strong_input_spike_steps'] = ts.tolist()
    if ts.size:
        s = ts[0]
        out['steps_held_at_reset_after_spike'] = int(np.sum(V1[s + 1:s + 10] == SEED_PARAMS['V_reset']))
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('run')
    r.add_argument('--seed', type=int, default=1)
    r.add_argument('--scale', type=float, default=1.0)
    r.add_argument('--ee', choices=['static', 'stdp'], default='static')
    r.add_argument('--presim', type=float, default=50.0)
    r.add_argument('--simtime', type=float, default=250.0)
    r.add_argument('--dir', default='build/brian2-hpc')
    r.add_argument('--spikes')
    an = sub.add_parser('analyze')
    an.add_argument('files', nargs='+')
    an.add_argument('--table', action='store_true', help='a markdown table (file names *_static_sN / *_stdp_sN)')
    rp = sub.add_parser('replay')
    rp.add_argument('file')
    sub.add_parser('selftest')
    a = ap.parse_args()
    {'run': cmd_run, 'analyze': cmd_analyze, 'replay': cmd_replay, 'selftest': cmd_selftest}[a.cmd](a)


if __name__ == '__main__':
    sys.exit(main())
