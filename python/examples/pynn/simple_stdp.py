"""A single STDP synapse whose weight is read during the run, after PyNN's simple_STDP.py: python simple_stdp.py spikeworks"""
import numpy as np
from pyNN.utility import get_simulator

sim, options = get_simulator()
sim.setup(timestep=0.1, min_delay=0.5)

pre = sim.Population(1, sim.SpikeSourceArray(spike_times=np.arange(5.0, 500.0, 25.0)), label="pre")
post = sim.Population(1, sim.IF_curr_exp(tau_refrac=2.0), label="post")
kick = sim.Population(1, sim.SpikeSourceArray(spike_times=np.arange(8.0, 500.0, 25.0)), label="kick")
sim.Projection(kick, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=20.0, delay=0.5))
stdp = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.012),
                         weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=0.5), weight=0.25, delay=0.5)
connection = sim.Projection(pre, post, sim.AllToAllConnector(), stdp)
post.record("spikes")


class WeightRecorder(object):
    """Records the weight every `interval` ms (PyNN's run callbacks)."""

    def __init__(self, projection, interval):
        self.projection, self.interval, self.weights = projection, interval, []

    def __call__(self, t):
        self.weights.append((t, self.projection.get("weight", format="list", with_address=False)[0]))
        return t + self.interval


weights = WeightRecorder(connection, 50.0)
sim.run(500.0, callbacks=[weights])
for t, w in weights.weights:
    print("t = %5.1f ms  w = %.4f" % (t, w))
assert weights.weights[-1][1] > weights.weights[0][1]
sim.end()
