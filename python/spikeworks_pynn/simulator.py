"""The simulator state of pyNN.spikeworks: the bridge to the engine and the network built on it.

The engine fixes a network at its first run, and PyNN lets a script describe its network in any order
(views, projections between views, initial values), so the network is sent as one 'build' message, a list
of the TypeScript API's calls, at the first run; reset() sends it again (same seed, same connections).
"""
import os

from pyNN import common

from .bridge import Bridge

name = "spikeworks"


class ID(int, common.IDMixin):
    def __init__(self, n):
        int.__init__(n)
        common.IDMixin.__init__(self)


def mpi_environment(env=None):
    """(rank, size) of this process in an mpirun job, from the launcher's environment; (0, 1) outside one."""
    env = os.environ if env is None else env
    for rank_key, size_key in (("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"), ("PMI_RANK", "PMI_SIZE"),
                               ("MV2_COMM_WORLD_RANK", "MV2_COMM_WORLD_SIZE")):
        try:
            size = int(env[size_key])
            rank = int(env[rank_key])
        except (KeyError, ValueError):
            continue
        if size > 1:
            return rank, size
    return 0, 1


class State(common.control.BaseState):
    """
    Under `mpirun -np N`, each Python process starts its engine as one MPI rank; the engine splits the network
    and gathers what Python reads back (recorded data, state, synapses), so every Python process holds the whole
    of it. PyNN's own MPI gathering (through mpi4py) is then not needed: `num_processes` stays 1 for PyNN's
    base classes, and `mpi_size` is what sim.num_processes() answers.
    """

    def __init__(self):
        super().__init__()
        self.bridge = None
        self.mpi_rank, self.mpi_size = mpi_environment()
        self.num_processes = 1
        self.dt = 0.1
        self.min_delay = 0.1
        self.max_delay = 10.0
        self.seed = 1
        self.clear()

    # ---------------------------------------------------------------- lifecycle
    def start(self, dt, min_delay, max_delay, seed, engine=None):
        self.stop()
        self.clear()
        self.dt, self.min_delay, self.max_delay, self.seed = dt, min_delay, max_delay, seed
        self.mpi_rank, self.mpi_size = mpi_environment()
        self.bridge = Bridge(engine, mpi=self.mpi_size > 1)
        rank, size = self.bridge.rank, self.bridge.size
        if (rank, size) != (self.mpi_rank, self.mpi_size):
            self.stop()
            raise RuntimeError(f"pyNN.spikeworks: this process is MPI rank {self.mpi_rank} of {self.mpi_size}, "
                               f"but its engine started as rank {rank} of {size}")

    def stop(self):
        if self.bridge is not None:
            self.bridge.close()
            self.bridge = None

    def clear(self):
        self.recorders = set()
        self.populations = []
        self.projections = []
        self.current_sources = []
        self.id_counter = 1
        self.segment_counter = -1
        self.built = False
        self.refs = 0
        self.reset()

    def reset(self):
        """Back to t = 0: the next run builds the network afresh, with the parameters and initial values set."""
        self.running = False
        self.t = 0.0
        self.t_start = 0.0
        self.segment_counter += 1
        self.built = False
        for r in self.recorders:
            r._clear_data()

    def new_ref(self):
        self.refs += 1
        return self.refs

    def request(self, header, arrays=()):
        if self.bridge is None:
            raise RuntimeError("pyNN.spikeworks: call setup() first (no engine is running)")
        return self.bridge.request(header, arrays)

    # ---------------------------------------------------------------- build and run
    def build(self):
        ops = []
        for p in self.populations:
            p._build_ops(ops)
        for prj in self.projections:
            prj._build_ops(ops)
        for cs in self.current_sources:
            cs._build_ops(ops)
        for r in sorted(self.recorders, key=lambda r: r.population._order):
            r._build_ops(ops)
        reply, _ = self.request({"op": "build", "dt": self.dt, "seed": self.seed, "ops": ops})
        nodes = reply["nodes"]
        for p in self.populations:
            p._built(nodes)
        self.built = True
        for r in self.recorders:
            r._started()

    def ensure_built(self):
        if not self.built:
            self.build()

    def _steps(self, ms):
        return int(round(ms / self.dt))

    def run(self, simtime):
        self.run_until(self.t + simtime)

    def run_until(self, tstop):
        self.ensure_built()
        steps = self._steps(tstop) - self._steps(self.t)
        if steps > 0:
            reply, _ = self.request({"op": "run", "ms": steps * self.dt})
            self.t = reply["t"]
        self.running = True
        for r in self.recorders:
            r._fetch()


state = State()
