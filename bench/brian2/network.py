"""
Brian2 peer of spikeworks' benchmark table, in C++ standalone mode (one thread).

  /usr/bin/python3 bench/brian2/network.py coba|cuba --simtime MS --reps N --dir BUILD_DIR

coba: the Vogels-Abbott COBA network exactly as spikeworks' `va-coba` preset and Auryn's sim_coba_benchmark
      define it (seed 003; ../shared/reference/va-coba.json): 3200 E + 800 I conductance LIF, p 0.02, w_ex 4 nS,
      w_in 51 nS, delay 0.8 ms, 200 pA background current, V_m from -60 mV, forward Euler, dt 0.1 ms.
cuba: Brian2's own CUBA benchmark (examples/CUBA.py, Brette et al. 2007 benchmark 2): 4000 LIF, p 0.02,
      we 1.62 mV, wi -9 mV, exact ('linear') integration, V_m uniform in [Vr, Vt].
cobahh: Brian2's own COBAHH benchmark (examples/COBAHH.py, Brette et al. 2007 benchmark 3), line for line:
      4000 Traub-Miles HH cells (3200 E, 800 I), p 0.02, we 6 nS, wi 67 nS, taue 5 ms, taui 10 ms, no delay,
      threshold v > -20 mV, refractory 3 ms, exponential Euler, v ~ El + N(-5, 5) mV, ge ~ N(40, 15) nS,
      gi ~ N(200, 120) nS, m = n = h = 0. Also prints the E and I rates (spikeworks' `cobahh` preset).

Prints one JSON line: the code generation + compile time, and per repetition the simulation time Brian2's
own network timer measures (Network::_last_run_time: the run loop only, no synapse creation) and the wall
time of the whole binary, with the spike rates as a sanity check.
"""
import argparse
import json
import os
import sys
import time

from brian2 import (NeuronGroup, Synapses, SpikeMonitor, Network, Equations, set_device, device, defaultclock, prefs, seed,
                    ms, mV, nS, pA, pF, second, umetre, ufarad, cm, siemens, msiemens)


def build_coba():
    taum, C = 20 * ms, 200 * pF
    gl = C / taum
    El, Vt, Vr = -60 * mV, -50 * mV, -60 * mV
    Ee, Ei = 0 * mV, -80 * mV
    taue, taui = 5 * ms, 10 * ms
    Ib = 200 * pA
    eqs = '''
    dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v) + Ib) / C : volt (unless refractory)
    dge/dt = -ge / taue : siemens
    dgi/dt = -gi / taui : siemens
    '''
    P = NeuronGroup(4000, eqs, threshold='v > Vt', reset='v = Vr', refractory=5 * ms, method='euler',
                    namespace=dict(gl=gl, El=El, Ee=Ee, Ei=Ei, Ib=Ib, C=C, taue=taue, taui=taui, Vt=Vt, Vr=Vr))
    P.v = El
    Ce = Synapses(P[:3200], P, on_pre='ge += 4*nS', delay=0.8 * ms)
    Ci = Synapses(P[3200:], P, on_pre='gi += 51*nS', delay=0.8 * ms)
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    return P, (Ce, Ci)


def build_cuba():
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
    eqs = '''
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    '''
    P = NeuronGroup(4000, eqs, threshold='v>Vt', reset='v = Vr', refractory=5 * ms, method='linear',
                    namespace=dict(taum=taum, taue=taue, taui=taui, Vt=Vt, Vr=Vr, El=El))
    P.v = 'Vr + rand() * (Vt - Vr)'
    P.ge = 0 * mV
    P.gi = 0 * mV
    we = (60 * 0.27 / 10) * mV
    wi = (-20 * 4.5 / 10) * mV
    Ce = Synapses(P, P, on_pre='ge += we', namespace=dict(we=we))
    Ci = Synapses(P, P, on_pre='gi += wi', namespace=dict(wi=wi))
    Ce.connect('i<3200', p=0.02)
    Ci.connect('i>=3200', p=0.02)
    return P, (Ce, Ci)


def build_cobahh():
    # examples/COBAHH.py as Brian2 2.5 ships it; only the namespace is explicit (a function's locals).
    area = 20000 * umetre ** 2
    Cm = (1 * ufarad * cm ** -2) * area
    gl = (5e-5 * siemens * cm ** -2) * area
    El, EK, ENa = -60 * mV, -90 * mV, 50 * mV
    g_na = (100 * msiemens * cm ** -2) * area
    g_kd = (30 * msiemens * cm ** -2) * area
    VT = -63 * mV
    taue, taui = 5 * ms, 10 * ms
    Ee, Ei = 0 * mV, -80 * mV
    we, wi = 6 * nS, 67 * nS
    eqs = Equations('''
    dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
             g_na*(m*m*m)*h*(v-ENa)-
             g_kd*(n*n*n*n)*(v-EK))/Cm : volt
    dm/dt = alpha_m*(1-m)-beta_m*m : 1
    dn/dt = alpha_n*(1-n)-beta_n*n : 1
    dh/dt = alpha_h*(1-h)-beta_h*h : 1
    dge/dt = -ge*(1./taue) : siemens
    dgi/dt = -gi*(1./taui) : siemens
    alpha_m = 0.32*(mV**-1)*(13*mV-v+VT)/
             (exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
    beta_m = 0.28*(mV**-1)*(v-VT-40*mV)/
            (exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
    alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
    beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
    alpha_n = 0.032*(mV**-1)*(15*mV-v+VT)/
             (exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
    beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
    ''')
    ns = dict(Cm=Cm, gl=gl, El=El, EK=EK, ENa=ENa, g_na=g_na, g_kd=g_kd, VT=VT, taue=taue, taui=taui, Ee=Ee, Ei=Ei)
    P = NeuronGroup(4000, model=eqs, threshold='v>-20*mV', refractory=3 * ms, method='exponential_euler', namespace=ns)
    Ce = Synapses(P[:3200], P, on_pre='ge+=we', namespace=dict(we=we))
    Ci = Synapses(P[3200:], P, on_pre='gi+=wi', namespace=dict(wi=wi))
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    P.v = 'El + (randn() * 5 - 5)*mV'
    P.ge = '(randn() * 1.5 + 4) * 10.*nS'
    P.gi = '(randn() * 12 + 20) * 10.*nS'
    return P, (Ce, Ci)


BUILDERS = {'coba': build_coba, 'cuba': build_cuba, 'cobahh': build_cobahh}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('network', choices=sorted(BUILDERS))
    ap.add_argument('--simtime', type=float, default=1000.0, help='simulated time, ms')
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--dir', required=True)
    a = ap.parse_args()

    set_device('cpp_standalone', directory=a.dir, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0
    defaultclock.dt = 0.1 * ms
    seed(1234)
    P, syn = BUILDERS[a.network]()
    mon = SpikeMonitor(P)
    # An explicit Network: the magic `run()` only collects objects named in the caller's frame.
    Network(P, *syn, mon).run(a.simtime * ms)

    t0 = time.perf_counter()
    device.build(directory=a.dir, compile=True, run=False, with_output=False)
    compile_s = time.perf_counter() - t0

    sims, walls, rates, by_pop = [], [], [], []
    for _ in range(a.reps):
        t0 = time.perf_counter()
        device.run(a.dir, with_output=False, run_args=[])
        walls.append(time.perf_counter() - t0)
        sims.append(float(device._last_run_time))
        rates.append(float(mon.num_spikes) / 4000 / (a.simtime / 1000))
        counts = mon.count[:]
        by_pop.append([float(counts[:3200].sum()) / 3200 / (a.simtime / 1000), float(counts[3200:].sum()) / 800 / (a.simtime / 1000)])
    out = {
        'network': a.network, 'simtime_ms': a.simtime, 'compile_s': compile_s, 'sim_s': sims, 'binary_wall_s': walls,
        'rate_hz': rates, 'synapses': int(sum(len(s) for s in syn)), 'brian2': __import__('brian2').__version__,
    }
    if a.network == 'cobahh':
        out['rate_e_hz'] = [r[0] for r in by_pop]
        out['rate_i_hz'] = [r[1] for r in by_pop]
    print(json.dumps(out))


if __name__ == '__main__':
    sys.exit(main())
