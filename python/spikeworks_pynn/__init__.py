"""
pyNN.spikeworks: PyNN's API on the spikeworks engine (docs/pynn.md).

`setup()` starts one engine process (`spikeworks bridge`), `end()` ends it; the network is sent to it at
the first run. What PyNN defines and the engine cannot do raises NotImplementedError naming it.
"""
import logging

from pyNN import common
from pyNN.common.control import DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY, DEFAULT_TIMESTEP
from pyNN.connectors import (AllToAllConnector, ArrayConnector, CloneConnector, CSAConnector,
                             DisplacementDependentProbabilityConnector, DistanceDependentProbabilityConnector,
                             FixedNumberPostConnector, FixedNumberPreConnector, FixedProbabilityConnector,
                             FixedTotalNumberConnector, FromFileConnector, FromListConnector,
                             IndexBasedProbabilityConnector, OneToOneConnector, SmallWorldConnector)
from pyNN.random import NumpyRNG, GSLRNG, RandomDistribution  # noqa: F401  (PyNN scripts take them from here too)
from pyNN.recording import *  # noqa: F401,F403
from pyNN.space import Space  # noqa: F401
from neo.io import get_io

from . import simulator
from .bridge import EngineDied, EngineError, SpikeworksNameError, SpikeworksParameterError  # noqa: F401
from .populations import Assembly, Population, PopulationView
from .projections import Projection
from .standardmodels import (ACSource, AdditiveWeightDependence, DCSource, EIF_cond_exp_isfa_ista, GutigWeightDependence, HH_cond_exp,
                             IF_cond_alpha, IF_cond_exp, IF_curr_alpha, IF_curr_exp, Izhikevich,
                             MultiplicativeWeightDependence, NoisyCurrentSource, SpikePairRule, SpikeSourceArray,
                             SpikeSourcePoisson, STDPMechanism, StaticSynapse, StepCurrentSource, TsodyksMarkramSynapse,
                             Vogels2011Rule)
from pyNN.standardmodels import StandardCellType

logger = logging.getLogger("PyNN")
state = simulator.state


def list_standard_models():
    """The StandardCellType classes this backend has."""
    return [obj.__name__ for obj in globals().values()
            if isinstance(obj, type) and issubclass(obj, StandardCellType) and obj is not StandardCellType]


def setup(timestep=DEFAULT_TIMESTEP, min_delay=DEFAULT_MIN_DELAY, **extra_params):
    """
    Start the engine. Besides PyNN's arguments: `rng_seed` (the engine's seed, every random stream it
    draws: connections and Poisson sources; default 1) and `engine` (the engine's command line, a list;
    default: $SPIKEWORKS_ENGINE, `spikeworks` on PATH, or the checkout this package was installed from).
    """
    if min_delay == "auto":
        min_delay = timestep
    max_delay = extra_params.get("max_delay", DEFAULT_MAX_DELAY)
    common.setup(timestep, min_delay, **extra_params)
    threads = extra_params.get("threads", 1)
    if threads not in (1, None):
        raise NotImplementedError(f"setup(threads={threads}): pyNN.spikeworks runs one engine thread per process; "
                                  "for parallel runs start the script under `mpirun -np N` (one engine MPI rank per process)")
    seed = extra_params.get("rng_seed", extra_params.get("seed", 1))
    state.start(timestep, min_delay, max_delay, int(seed), extra_params.get("engine"))
    return rank()


def end(compatible_output=True):
    """Write what record(..., to_file=...) asked for and end the engine process."""
    for population, variables, filename in state.write_on_end:
        population.write_data(get_io(filename), variables)
    state.write_on_end = []
    state.stop()


run, run_until = common.build_run(simulator)
run_for = run
reset = common.build_reset(simulator)
initialize = common.initialize
get_current_time, get_time_step, get_min_delay, get_max_delay, _, _ = common.build_state_queries(simulator)


def num_processes():
    """How many MPI processes run the network (the engine's ranks under mpirun; 1 otherwise)."""
    return state.mpi_size


def rank():
    """This process's MPI rank (0 outside mpirun)."""
    return state.mpi_rank


create = common.build_create(Population)
connect = common.build_connect(Projection, FixedProbabilityConnector, StaticSynapse)
record = common.build_record(simulator)


def record_v(source, filename):
    return record(["v"], source, filename)


def record_gsyn(source, filename):
    return record(["gsyn_exc", "gsyn_inh"], source, filename)
