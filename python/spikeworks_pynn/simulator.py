"""The simulator state of pyNN.spikeworks: the bridge to the engine and the network built on it.

The engine fixes a network at its first run, and PyNN lets a script describe its network in any order
(views, projections between views, initial values), so the network is sent as one 'build' message, a list
of the TypeScript API's calls, at the first run; reset() sends it again (same seed, same connections).
"""
from pyNN import common

from .bridge import Bridge

name = "spikeworks"


class ID(int, common.IDMixin):
    def __init__(self, n):
        int.__init__(n)
        common.IDMixin.__init__(self)


class State(common.control.BaseState):
    def __init__(self):
        super().__init__()
        self.bridge = None
        self.mpi_rank = 0
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
        self.bridge = Bridge(engine)

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
