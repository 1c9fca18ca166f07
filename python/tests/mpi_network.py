"""A network run the same way on one process and under `mpirun -np N` (test_mpi.py): engine-rule and
PyNN-computed connections, random initial values, a parameter and a weight changed between two runs.
Rank 0 prints what every rank read back, as JSON; every rank checks that it read the same."""
import hashlib
import json
import sys

import numpy as np
import pyNN.spikeworks as sim
from pyNN.random import NumpyRNG, RandomDistribution


def digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a, dtype=float).tobytes())
    return h.hexdigest()[:16]


out_file = sys.argv[1]
sim.setup(timestep=0.1, min_delay=0.2, rng_seed=11)
cell = dict(tau_m=20.0, tau_syn_E=5.0, tau_syn_I=10.0, v_rest=-60.0, v_reset=-60.0, v_thresh=-50.0,
            cm=0.2, tau_refrac=5.0, e_rev_E=0.0, e_rev_I=-80.0)
rng = NumpyRNG(seed=3)
E = sim.Population(320, sim.IF_cond_exp(**cell), initial_values={"v": RandomDistribution("uniform", (-60.0, -50.0), rng=rng)})
I = sim.Population(80, sim.IF_cond_exp(**cell), initial_values={"v": RandomDistribution("uniform", (-60.0, -50.0), rng=rng)})
src = sim.Population(20, sim.SpikeSourcePoisson(rate=40.0, duration=50.0))
rule = sim.FixedProbabilityConnector(0.05)
exc = sim.StaticSynapse(weight=0.004, delay=0.2)
inh = sim.StaticSynapse(weight=0.051, delay=0.2)
ee = sim.Projection(E, E, rule, exc, receptor_type="excitatory")
sim.Projection(E, I, rule, exc, receptor_type="excitatory")
sim.Projection(I, E, rule, inh, receptor_type="inhibitory")
sim.Projection(I, I, rule, inh, receptor_type="inhibitory")
# Computed by PyNN's connector code here (a view), sent as a list: each rank keeps its own targets.
listed = sim.Projection(src, E[:160], sim.FixedProbabilityConnector(0.2, rng=NumpyRNG(seed=9)),
                        sim.StaticSynapse(weight=0.1, delay=0.2), receptor_type="excitatory")
sim.Projection(src, I, sim.FixedProbabilityConnector(0.1), sim.StaticSynapse(weight=0.1, delay=0.2), receptor_type="excitatory")
E.record("spikes")
I.record("spikes")
E[0:3].record("v")
sim.run(150.0)
E.set(tau_m=15.0)
listed.set(weight=0.12)
sim.run(150.0)

e = E.get_data().segments[0]
i = I.get_data().segments[0]
spikes = np.concatenate([np.column_stack([np.full(len(st), k), st.magnitude]) for k, st in enumerate(list(e.spiketrains) + list(i.spiketrains))] or [np.zeros((0, 2))])
v = e.analogsignals[0].magnitude
w_ee = np.array(ee.get("weight", format="list"))
w_listed = np.array(listed.get("weight", format="list"))
result = {
    "num_processes": sim.num_processes(),
    "rank": sim.rank(),
    "spike_count": int(spikes.shape[0]),
    "spikes": digest(spikes),
    "v": digest(v),
    "v_shape": list(v.shape),
    "ee_synapses": int(len(w_ee)),
    "ee": digest(w_ee),
    "listed": digest(w_listed),
}
# Every rank holds the whole of what it read: the same on every rank.
ranks = []
with open(f"{out_file}.rank{sim.rank()}", "w") as f:
    json.dump(result, f)
E.write_data(f"{out_file}.pkl")
sim.end()
