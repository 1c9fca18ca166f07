"""Izhikevich cells under a step current, after PyNN's Izhikevich.py: python izhikevich.py spikeworks"""
from pyNN.utility import get_simulator

sim, options = get_simulator()
sim.setup(timestep=0.01, min_delay=1.0)

neurons = sim.Population(3, sim.Izhikevich(a=0.02, b=0.2, c=-65, d=6, i_offset=[0.014, 0.0, 0.0]))
spike_source = sim.Population(1, sim.SpikeSourceArray(spike_times=[50.0]))
sim.Projection(spike_source, neurons[1:2], sim.OneToOneConnector(), sim.StaticSynapse(weight=3.0, delay=1.0),
               receptor_type="excitatory")
sim.Projection(spike_source, neurons[2:3], sim.OneToOneConnector(), sim.StaticSynapse(weight=-3.0, delay=1.0),
               receptor_type="inhibitory")
current_source = sim.StepCurrentSource(times=[0.0, 100.0, 300.0], amplitudes=[0.0, 0.01, 0.0])
current_source.inject_into(neurons)
neurons.record(["v", "spikes"])
sim.run(400.0)
print(neurons.get_spike_counts())
sim.end()
