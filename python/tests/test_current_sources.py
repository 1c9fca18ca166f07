"""StepCurrentSource and ACSource on NEST's step_current_generator and ac_generator: v of an IF_curr_exp cell
against the exact subthreshold solution for the current the engine sends (nA in PyNN, pA in the engine)."""
import math

import numpy as np
import pytest
import pyNN.spikeworks as sim

DT = 0.1
MIN_DELAY = 0.1
CELL = dict(cm=0.5, tau_m=12.0, v_rest=-65.0, v_thresh=1000.0, i_offset=0.0)
R = CELL["tau_m"] / CELL["cm"]  # MΩ: mV per nA


@pytest.fixture
def spikeworks():
    sim.setup(timestep=DT, min_delay=MIN_DELAY, rng_seed=3)
    yield sim
    sim.end()


def exact(switches, t):
    """v(t) from rest under a piecewise-constant current: `switches` are (time, nA) in order, 0 nA before."""
    v, since, current = CELL["v_rest"], 0.0, 0.0
    for at, value in switches:
        if at >= t:
            break
        v_inf = CELL["v_rest"] + R * current
        v = v_inf + (v - v_inf) * math.exp(-(at - since) / CELL["tau_m"])
        since, current = at, value
    v_inf = CELL["v_rest"] + R * current
    return v_inf + (v - v_inf) * math.exp(-(t - since) / CELL["tau_m"])


def v_trace(cells):
    v = cells.get_data().segments[-1].analogsignals[0]
    return v.times.magnitude, v.magnitude[:, 0]


def assert_exact(cells, switches):
    t, v = v_trace(cells)
    expected = np.array([exact(switches, x) for x in t])
    # Exact integration of a piecewise-constant current: rounding is all that separates them.
    assert np.abs(v - expected).max() < 1e-9
    assert np.abs(v - CELL["v_rest"]).max() > 1.0


def test_step_current_source_follows_the_exact_solution(spikeworks):
    cells = sim.Population(1, sim.IF_curr_exp(**CELL))
    times, amplitudes = [20.0, 45.3, 70.0], [0.8, -0.3, 0.0]
    sim.StepCurrentSource(times=times, amplitudes=amplitudes).inject_into(cells)
    cells.record("v")
    sim.run(100.0)
    # The engine's value of time T acts on the membrane from T + min_delay (a DCSource's start from start + min_delay + dt).
    assert_exact(cells, [(x + MIN_DELAY, a) for x, a in zip(times, amplitudes)])


def test_step_current_source_from_zero_equals_a_dc_source_from_zero(spikeworks):
    step_cells = sim.Population(1, sim.IF_curr_exp(**CELL))
    dc_cells = sim.Population(1, sim.IF_curr_exp(**CELL))
    # NEST changes amplitudes at t > 0 only: a value at 0 is sent from the first step, as pyNN.nest does it.
    sim.StepCurrentSource(times=[0.0, 30.0], amplitudes=[0.5, 0.0]).inject_into(step_cells)
    sim.DCSource(amplitude=0.5, start=0.0, stop=30.0 - DT).inject_into(dc_cells)
    for c in (step_cells, dc_cells):
        c.record("v")
    sim.run(60.0)
    assert np.array_equal(v_trace(step_cells)[1], v_trace(dc_cells)[1])
    assert_exact(step_cells, [(DT + MIN_DELAY, 0.5), (30.0 + MIN_DELAY, 0.0)])


def test_step_current_source_takes_new_times_between_runs(spikeworks):
    cells = sim.Population(1, sim.IF_curr_exp(**CELL))
    source = sim.StepCurrentSource(times=[10.0], amplitudes=[0.4])
    source.inject_into(cells)
    cells.record("v")
    sim.run(50.0)
    source.set_parameters(times=[60.0, 80.3], amplitudes=[1.0, 0.2])
    sim.run(50.0)
    assert_exact(cells, [(10.0 + MIN_DELAY, 0.4), (60.0 + MIN_DELAY, 1.0), (80.3 + MIN_DELAY, 0.2)])


def test_ac_source_is_pynns_sine_from_its_start(spikeworks):
    cells = sim.Population(1, sim.IF_curr_exp(**CELL))
    p = dict(start=20.0, stop=80.0, amplitude=0.6, offset=0.2, frequency=25.0, phase=90.0)
    sim.ACSource(**p).inject_into(cells)
    cells.record("v")
    sim.run(100.0)
    t, v = v_trace(cells)
    # PyNN's sine: offset + amplitude·sin(2π·f·(t - start) + phase), sent in the steps ending in (start, stop]
    # with t the end of the step; sent in step s, it acts in membrane step s + min_delay/dt + 1.
    lag = round(MIN_DELAY / DT) + 1
    first, last = round(p["start"] / DT), round(p["stop"] / DT)
    decay = math.exp(-DT / CELL["tau_m"])
    expected = [CELL["v_rest"]]
    for k in range(len(t) - 1):
        s = k - lag
        i = 0.0
        if first <= s < last:
            i = p["offset"] + p["amplitude"] * math.sin(2 * math.pi * p["frequency"] * ((s + 1) * DT - p["start"]) / 1000 + math.radians(p["phase"]))
        v_inf = CELL["v_rest"] + R * i
        expected.append(v_inf + (expected[-1] - v_inf) * decay)
    assert np.abs(v - np.array(expected)).max() < 1e-9
    # At the first step the current acts in, the sine is at its phase (90°): offset + amplitude.
    k_on = first + lag
    assert v[k_on] == CELL["v_rest"]
    assert v[k_on + 1] - CELL["v_rest"] == pytest.approx(R * 0.8 * (1 - decay), rel=1e-3)


def test_bad_step_times_raise(spikeworks):
    cells = sim.Population(1, sim.IF_curr_exp(**CELL))
    sim.StepCurrentSource(times=[10.0, 5.0], amplitudes=[0.1, 0.2]).inject_into(cells)
    with pytest.raises(ValueError, match="monotonically increasing"):
        sim.run(10.0)


def test_step_times_and_amplitudes_must_pair(spikeworks):
    cells = sim.Population(1, sim.IF_curr_exp(**CELL))
    sim.StepCurrentSource(times=[10.0, 20.0], amplitudes=[0.1]).inject_into(cells)
    with pytest.raises(ValueError, match="2 times and 1 amplitudes"):
        sim.run(10.0)
