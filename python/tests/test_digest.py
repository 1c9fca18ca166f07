"""Same spikes from pyNN.spikeworks as from the TypeScript API for the same network and seed."""
import hashlib
import json
import os
import shutil
import subprocess

import numpy as np
import pytest
import pyNN.spikeworks as sim

from conftest import REPOSITORY

HERE = os.path.dirname(os.path.abspath(__file__))


def spike_digest(senders, steps):
    """core/digest.ts spikeDigest: SHA-256 of (step, sender) int32 LE pairs sorted by step, then sender."""
    order = np.lexsort((senders, steps))
    pairs = np.empty((len(order), 2), dtype="<i4")
    pairs[:, 0] = np.asarray(steps)[order]
    pairs[:, 1] = np.asarray(senders)[order]
    return hashlib.sha256(pairs.tobytes()).hexdigest()


@pytest.mark.skipif(not os.path.isfile(os.path.join(REPOSITORY, "dist", "index.js")) or shutil.which("node") is None,
                    reason="needs node and the built engine (npm ci in the repository)")
def test_python_front_end_spikes_equal_the_typescript_api():
    c = {"seed": 4242, "nE": 320, "nI": 80, "nS": 20, "p": 0.05, "rate": 40.0, "stim": 50.0, "simtime": 300.0}
    rng = np.random.default_rng(5)
    vE = rng.uniform(-60.0, -50.0, c["nE"])
    vI = rng.uniform(-60.0, -50.0, c["nI"])
    sim.setup(timestep=0.1, min_delay=0.2, rng_seed=c["seed"])
    cell = dict(tau_m=20.0, tau_syn_E=5.0, tau_syn_I=10.0, v_rest=-60.0, v_reset=-60.0, v_thresh=-50.0,
                cm=0.2, tau_refrac=5.0, e_rev_E=0.0, e_rev_I=-80.0)
    E = sim.Population(c["nE"], sim.IF_cond_exp(**cell), initial_values={"v": vE})
    I = sim.Population(c["nI"], sim.IF_cond_exp(**cell), initial_values={"v": vI})
    src = sim.Population(c["nS"], sim.SpikeSourcePoisson(rate=c["rate"], duration=c["stim"]))
    conn = sim.FixedProbabilityConnector(c["p"])
    exc = sim.StaticSynapse(weight=0.004, delay=0.2)
    inh = sim.StaticSynapse(weight=0.051, delay=0.2)
    sim.Projection(E, E, conn, exc, receptor_type="excitatory")
    sim.Projection(E, I, conn, exc, receptor_type="excitatory")
    sim.Projection(I, E, conn, inh, receptor_type="inhibitory")
    sim.Projection(I, I, conn, inh, receptor_type="inhibitory")
    ext = sim.FixedProbabilityConnector(0.1)
    sim.Projection(src, E, ext, sim.StaticSynapse(weight=0.1, delay=0.2))
    sim.Projection(src, I, ext, sim.StaticSynapse(weight=0.1, delay=0.2))
    E.record("spikes")
    I.record("spikes")
    # Two runs: the digest of the whole record does not depend on how the time is cut.
    sim.run(100.0)
    sim.run(c["simtime"] - 100.0)
    senders, steps = [], []
    for pop in (E, I):
        for st in pop.get_data().segments[0].spiketrains:
            gid = pop._first_gid + pop.id_to_index(st.annotations["channel_id"])
            senders += [gid] * len(st)
            steps += list(np.rint(st.magnitude / 0.1).astype(int))
    sim.end()
    ts = json.loads(subprocess.run(["node", os.path.join(HERE, "ts_network.mjs"), REPOSITORY,
                                    json.dumps({**c, "vE": vE.tolist(), "vI": vI.tolist()})],
                                   check=True, capture_output=True, text=True).stdout)
    assert len(senders) > 1000
    assert ts["count"] == len(senders)
    assert ts["digest"] == spike_digest(np.array(senders), np.array(steps))
