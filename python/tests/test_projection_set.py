"""Projection.set between runs: the model is linear below threshold, so a changed weight or delay shows as a
scaled or shifted postsynaptic potential, and the potential already under way is left as it was."""
import numpy as np
import pytest
import pyNN.spikeworks as sim

CELL = dict(tau_m=20.0, cm=1.0, v_rest=-65.0, v_thresh=0.0, tau_syn_E=5.0, i_offset=0.0)
W = 0.5  # nA
D = 1.0  # ms


def membrane(spike_times, connector_of, change=None, t_set=100.0, t_end=200.0):
    """v of the target cell(s) over a run of t_end, with `change(prj)` applied at t_set (None: no change)."""
    sim.setup(timestep=0.1, min_delay=0.1, rng_seed=3)
    try:
        src = sim.Population(2, sim.SpikeSourceArray(spike_times=spike_times))
        cells = sim.Population(1, sim.IF_curr_exp(**CELL), initial_values={"v": -65.0})
        cells.record("v")
        prj = sim.Projection(src, cells, connector_of(), sim.StaticSynapse(weight=W, delay=D), receptor_type="excitatory")
        # Another cell keeps the network's delays from D to D + 4 ms: a changed delay must stay within them.
        other = sim.Population(1, sim.IF_curr_exp(**CELL))
        sim.Projection(src, other, sim.FromListConnector([(0, 0, W, D), (1, 0, W, D + 4.0)], column_names=["weight", "delay"]),
                       sim.StaticSynapse())
        sim.run(t_set)
        if change is not None:
            change(prj)
        sim.run(t_end - t_set)
        v = cells.get_data().segments[0].analogsignals[0].magnitude[:, 0] - CELL["v_rest"]
        weights = np.array(prj.get("weight", format="list", with_address=False)).ravel()
        delays = np.array(prj.get("delay", format="list", with_address=False)).ravel()
        return v, weights, delays
    finally:
        sim.end()


CONNECTORS = {
    "engine rule (AllToAll)": lambda: sim.AllToAllConnector(),
    "connection list (FromList)": lambda: sim.FromListConnector([(0, 0), (1, 0)]),
}


BOTH = [[10.0, 110.0], [10.0, 110.0]]


def potentials(connector, change):
    """(v with both potentials unchanged, v with the first alone, v with `change` at 100 ms, its weights, delays)."""
    v_same, _, _ = membrane(BOTH, connector)
    v_first, _, _ = membrane([[10.0], [10.0]], connector)
    assert np.max(np.abs(v_same - v_first)) > 1.0  # the second potential is there (mV)
    return (v_same, v_first, *membrane(BOTH, connector, change))


@pytest.mark.parametrize("name", list(CONNECTORS))
def test_a_new_weight_scales_the_next_potential_and_leaves_the_last(name):
    v_same, v_first, v_set, weights, _ = potentials(CONNECTORS[name], lambda prj: prj.set(weight=3 * W))
    # Superposition: first potential at W, second at 3 W.
    np.testing.assert_allclose(v_set, v_first + 3.0 * (v_same - v_first), rtol=0, atol=1e-9)
    np.testing.assert_allclose(weights, 3 * W, rtol=1e-6)


@pytest.mark.parametrize("name", list(CONNECTORS))
def test_a_new_delay_shifts_the_next_potential(name):
    v_same, v_first, v_set, _, delays = potentials(CONNECTORS[name], lambda prj: prj.set(delay=D + 2.0))
    shift = 20  # 2 ms at dt 0.1
    np.testing.assert_allclose((v_set - v_first)[shift:], (v_same - v_first)[:-shift], rtol=0, atol=1e-9)
    np.testing.assert_allclose(delays, D + 2.0, rtol=1e-12)


def test_a_delay_outside_the_networks_delays_is_refused_by_name():
    def change(prj):
        with pytest.raises(sim.SpikeworksParameterError, match=r"'delay'.*1 and 5 ms"):
            prj.set(delay=8.0)
    membrane([[10.0], [10.0]], CONNECTORS["engine rule (AllToAll)"], change)


def test_one_weight_per_connection_of_a_list():
    # Source 0 keeps W, source 1 goes to 5 W: the second potential is (1 + 5) / 2 = 3 times the old one.
    v_same, v_first, v_set, weights, _ = potentials(CONNECTORS["connection list (FromList)"],
                                                    lambda prj: prj.set(weight=np.array([[W], [5 * W]])))
    np.testing.assert_allclose(v_set, v_first + 3.0 * (v_same - v_first), rtol=0, atol=1e-9)
    np.testing.assert_allclose(sorted(weights), [W, 5 * W], rtol=1e-6)


def test_what_set_cannot_do_is_named():
    sim.setup(timestep=0.1, min_delay=0.1)
    try:
        src = sim.Population(2, sim.SpikeSourceArray(spike_times=[[10.0], [10.0]]))
        cells = sim.Population(2, sim.IF_curr_exp(**CELL))
        prj = sim.Projection(src, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=W, delay=D))
        with pytest.raises(NotImplementedError, match="one value"):
            prj.set(weight=np.array([[1.0, 2.0], [3.0, 4.0]]))
        stdp = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(), weight_dependence=sim.AdditiveWeightDependence(),
                                 weight=W, delay=D)
        plastic = sim.Projection(src, cells, sim.AllToAllConnector(), stdp)
        with pytest.raises(NotImplementedError, match="STDPMechanism"):
            plastic.set(weight=1.0)
    finally:
        sim.end()
