"""Four kinds of current source into IF_curr_exp cells, after PyNN's current_injection.py: python current_injection.py spikeworks"""
from pyNN.utility import get_simulator

sim, options = get_simulator()
sim.setup(timestep=0.1)

cells = sim.Population(4, sim.IF_curr_exp(v_thresh=-55.0, tau_refrac=5.0, tau_m=10.0))
steps = sim.StepCurrentSource(times=[50.0, 110.0, 150.0, 210.0], amplitudes=[0.4, 0.6, -0.2, 0.2])
cells[0:1].inject(steps)
sine = sim.ACSource(start=50.0, stop=450.0, amplitude=1.0, offset=1.0, frequency=10.0, phase=180.0)
cells[1:2].inject(sine)
dc = sim.DCSource(amplitude=0.5, start=100.0, stop=400.0)
cells[2:3].inject(dc)
noise = sim.NoisyCurrentSource(mean=1.5, stdev=1.0, start=50.0, stop=450.0, dt=1.0)
cells[3:4].inject(noise)
cells.record("v")
sim.run(500.0)
print(cells.get_data().segments[0].analogsignals[0].shape)
sim.end()
