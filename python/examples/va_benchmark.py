"""
The network of seed 001's notebook (the Vogels-Abbott COBA benchmark as PyNN users run it on NEST or
SpiNNaker), written for this repository: IF_cond_exp cells split 4:1 into excitatory and inhibitory views
of one population, random connections with probability 0.01, 0.2 ms delays, 20 Poisson sources that kick
the network for its first 50 ms, spikes of every cell and v of two recorded, Neo pickles written.
Only the import line names the simulator.

    python va_benchmark.py              # the notebook's debug size: 100 cells, 100 ms
    python va_benchmark.py 4000 1000    # the full network (the va-coba-pynn preset's defaults)
"""
import sys

import pyNN.spikeworks as sim
from pyNN.random import NumpyRNG, RandomDistribution
from pyNN.utility import Timer, normalized_filename

simulator = "spikeworks"
rngseed = 98765

# Facts of the benchmark: a 20 000 um^2 patch with 1 uF/cm^2 and 5e-5 S/cm^2 gives C = 0.2 nF and
# tau_m = 20 ms; conductances 4 nS and 51 nS; reversal potentials 0 and -80 mV.
dt, delay = 0.1, 0.2
area_cm2 = 20000e-8
cm_nF = 1.0 * area_cm2 * 1000
tau_m = cm_nF * 1e-6 / (5e-5 * area_cm2)
cell = sim.IF_cond_exp(
    cm=cm_nF, tau_m=tau_m, v_rest=-60.0, v_thresh=-50.0, v_reset=-60.0, tau_refrac=5.0,
    tau_syn_E=5.0, tau_syn_I=10.0, e_rev_E=0.0, e_rev_I=-80.0)
g_exc_uS, g_inh_uS = 4e-3, 51e-3
exc_fraction = 4.0 / 5.0
p_connect = 0.01


def report(label, value, unit=""):
    print("%-22s : %g%s" % (label, value, " " + unit if unit else ""))


def run(N_pop=100, simtime=100, do_pkl=True, verbose=False):
    timer = Timer()
    sim.setup(timestep=dt, min_delay=delay, max_delay=10.0)
    timer.start()
    simtime = dt * int(simtime / dt)
    n_exc = int(round(N_pop * exc_fraction))

    cells = sim.Population(N_pop, cell, label="All Cells")
    exc, inh = cells[:n_exc], cells[n_exc:]
    kick = sim.Population(20, sim.SpikeSourcePoisson(rate=10.0, duration=50.0), label="expoisson")

    rng = NumpyRNG(seed=rngseed, parallel_safe=True)
    cells.initialize(v=RandomDistribution("uniform", low=-60.0, high=-50.0, rng=rng))
    random = sim.FixedProbabilityConnector(p_connect, rng=rng)
    sim.Projection(exc, cells, random, sim.StaticSynapse(weight=g_exc_uS, delay=delay), receptor_type="excitatory")
    sim.Projection(inh, cells, random, sim.StaticSynapse(weight=g_inh_uS, delay=delay), receptor_type="inhibitory")
    sim.Projection(kick, cells, sim.FixedProbabilityConnector(0.01), sim.StaticSynapse(weight=0.1), receptor_type="excitatory")

    cells.record("spikes")
    exc[[0, 1]].record("v")
    build_ms = timer.diff() * 1000

    sim.run(simtime)
    rate_exc = exc.mean_spike_count() * 1000.0 / simtime
    rate_inh = inh.mean_spike_count() * 1000.0 / simtime
    sim_ms = timer.diff() * 1000

    if do_pkl:
        name = normalized_filename("Results", "VAbenchmarks_exc", "pkl", simulator)
        exc.write_data(name)
        inh.write_data(name.replace("exc", "inh"))
    write_ms = timer.diff() * 1000

    if verbose:
        report("Number of Neurons", N_pop)
        report("Excitatory rate", rate_exc, "Hz")
        report("Inhibitory rate", rate_inh, "Hz")
        report("Build time", build_ms, "ms")
        report("Simulation time", sim_ms, "ms")
        report("Writing time", write_ms, "ms")
    sim.end()
    return build_ms, sim_ms, write_ms


if __name__ == "__main__":
    run(*[int(a) for a in sys.argv[1:3]], verbose=True)
