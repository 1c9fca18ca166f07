"""A population of IF_cond_exp cells driven by Poisson sources, after PyNN's tutorial: python simple_network.py spikeworks"""
from pyNN.utility import get_simulator
from pyNN.random import RandomDistribution, NumpyRNG

sim, options = get_simulator()
sim.setup(timestep=0.1, min_delay=1.0)

cells = sim.Population(100, sim.IF_cond_exp(tau_m=15.0, v_thresh=-55.0, tau_refrac=2.0), label="cells")
noise = sim.Population(20, sim.SpikeSourcePoisson(rate=80.0), label="noise")
rng = NumpyRNG(seed=42)
cells.initialize(v=RandomDistribution("uniform", low=-65.0, high=-55.0, rng=rng))
sim.Projection(noise, cells, sim.FixedProbabilityConnector(0.5, rng=rng),
               sim.StaticSynapse(weight=RandomDistribution("normal", mu=0.006, sigma=0.001, rng=rng), delay=1.0),
               receptor_type="excitatory")
sim.Projection(cells, cells, sim.FixedNumberPreConnector(10, rng=rng), sim.StaticSynapse(weight=0.002, delay=2.0),
               receptor_type="inhibitory")
cells.record(["spikes", "v", "gsyn_exc"])
cells[0:2].record("v")

sim.run(500.0)

data = cells.get_data().segments[0]
rate = cells.mean_spike_count() * 1000.0 / 500.0
print("mean rate %.2f Hz over %d cells; v of %d cells, %d samples each" % (
    rate, cells.size, data.filter(name="v")[0].shape[1], data.filter(name="v")[0].shape[0]))
assert rate > 0
sim.end()
