"""A Poisson source whose rate changes between runs, after PyNN's varying_poisson.py: python varying_poisson.py spikeworks"""
from pyNN.utility import get_simulator

sim, options = get_simulator()
sim.setup(timestep=0.1)

sources = sim.Population(30, sim.SpikeSourcePoisson(rate=0.0))
sources.record("spikes")
rates = [10.0, 50.0, 20.0, 0.0, 100.0]
for rate in rates:
    sources.set(rate=rate)
    sim.run(200.0)

trains = sources.get_data().segments[0].spiketrains
for k, rate in enumerate(rates):
    n = sum(((st.magnitude > 200.0 * k) & (st.magnitude <= 200.0 * (k + 1))).sum() for st in trains)
    print("%5.1f Hz asked, %5.1f Hz given" % (rate, n / 30 / 0.2))
sim.end()
