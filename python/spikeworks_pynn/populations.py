"""Population, PopulationView and Assembly on the engine: a PyNN Population is one engine population
(neurons of the cell type, or parrot neurons fed by NEST generators for the spike sources)."""
import numpy as np
from pyNN import common, errors
from pyNN.parameters import ArrayParameter, ParameterSpace, simplify
from pyNN.standardmodels import StandardCellType

from . import simulator
from .recording import Recorder
from .simulator import state
from .standardmodels import STATE_VARIABLES, SpikeSourceArray, SpikeSourcePoisson


def _runs(indices):
    """Sorted indices as contiguous [start, end) runs."""
    indices = np.unique(np.asarray(indices, dtype=int))
    if indices.size == 0:
        return []
    breaks = np.nonzero(np.diff(indices) != 1)[0]
    starts = np.concatenate(([indices[0]], indices[breaks + 1]))
    ends = np.concatenate((indices[breaks], [indices[-1]])) + 1
    return list(zip(starts.tolist(), ends.tolist()))


def parent_indices(cells):
    """(Population, indices into it) pairs of a Population, PopulationView or Assembly, in cell order."""
    if isinstance(cells, Population):
        return [(cells, np.arange(cells.size))]
    if isinstance(cells, PopulationView):
        return [(cells.grandparent, np.asarray(cells.index_in_grandparent(np.arange(cells.size))))]
    if isinstance(cells, Assembly):
        return [pair for p in cells.populations for pair in parent_indices(p)]
    raise TypeError(f"cells must be a Population, PopulationView or Assembly of pyNN.spikeworks, not {type(cells).__name__}")


def engine_slices(cells):
    """The contiguous engine slices (population, start, end) that make up a group of cells."""
    return [(p, a, b) for p, idx in parent_indices(cells) for a, b in _runs(idx)]


def engine_nodes(cells):
    """The bridge's node references (a ref, or {ref, start, end}) for a group of cells, once built."""
    out = []
    for pop, a, b in engine_slices(cells):
        for ref, start, end, size in pop._segment_pieces(a, b):
            out.append(ref if (start, end) == (0, size) else {"ref": ref, "start": start, "end": end})
    return out


def _constant_runs(rows):
    """[start, end) runs of equal consecutive rows."""
    bounds = [0] + [i for i in range(1, len(rows)) if rows[i] != rows[i - 1]] + [len(rows)]
    return list(zip(bounds[:-1], bounds[1:]))


def _homogeneous(name, value, where):
    arr = np.asarray(value)
    if arr.ndim == 0:
        return arr.item()
    if arr.size and np.all(arr == arr.flat[0]):
        return arr.flat[0].item()
    raise NotImplementedError(f"{where}: different values of '{name}' within one Population: a spikeworks population "
                              "has one value per parameter (make one Population per value)")


class Assembly(common.Assembly):
    _simulator = simulator


class PopulationView(common.PopulationView):
    _assembly_class = Assembly
    _simulator = simulator

    def _get_parameters(self, *names):
        parameter_dict = {}
        for name in names:
            value = self.parent._parameters[name]
            if isinstance(value, np.ndarray):
                value = value[self.mask]
            parameter_dict[name] = simplify(value)
        return ParameterSpace(parameter_dict, shape=(self.size,))

    def _set_parameters(self, parameter_space):
        parameter_space.evaluate(simplify=False)
        root = self.grandparent
        mask = np.asarray(self.index_in_grandparent(np.arange(self.size)))
        for name, value in parameter_space.items():
            current = np.asarray(root._parameters[name])
            full = current.copy() if current.shape == (root.size,) else np.full((root.size,), current, dtype=current.dtype)
            full[mask] = value
            root._parameters[name] = full
        root._send_parameters(list(parameter_space.keys()))

    def _set_initial_value_array(self, variable, initial_values):
        root = self.grandparent
        values = np.array(np.broadcast_to(root._initial_array(variable), (root.size,)), dtype=float)
        values[np.asarray(self.index_in_grandparent(np.arange(self.size)))] = initial_values.evaluate(simplify=False)
        root._set_initial_value_array(variable, _Evaluated(values))

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)


class _Evaluated:
    """A ready array where PyNN hands a LazyArray."""

    def __init__(self, values):
        self.values = values

    def evaluate(self, simplify=False):
        return self.values


class Population(common.Population):
    __doc__ = common.Population.__doc__
    _simulator = simulator
    _recorder_class = Recorder
    _assembly_class = Assembly

    def _create_cells(self):
        if state.built:
            raise NotImplementedError("creating a Population after the first run: spikeworks fixes the network at its "
                                      "first run (create everything first, or reset() and build anew with setup())")
        if not isinstance(self.celltype, StandardCellType):
            raise NotImplementedError(f"cell type {type(self.celltype).__name__}: pyNN.spikeworks runs PyNN's standard cell types")
        id_range = np.arange(state.id_counter, state.id_counter + self.size)
        self.all_cells = np.array([simulator.ID(i) for i in id_range], dtype=simulator.ID)
        self._mask_local = np.ones((self.size,), bool)
        ps = self.celltype.native_parameters
        ps.shape = (self.size,)
        ps.evaluate(simplify=False)
        self._parameters = ps.as_dict()
        self._state_values = {}
        self._extra_engine_params = {}
        for id in self.all_cells:
            id.parent = self
        state.id_counter += self.size
        self._order = len(state.populations)
        state.populations.append(self)
        self._engine_ref = None
        self._segments = []
        self._first_gid = None

    # ------------------------------------------------------------ parameters and state
    def _get_parameters(self, *names):
        return ParameterSpace({name: simplify(self._parameters[name]) for name in names}, shape=(self.local_size,))

    def _set_parameters(self, parameter_space):
        parameter_space.evaluate(simplify=False)
        for name, value in parameter_space.items():
            self._parameters[name] = value
        self._send_parameters(list(parameter_space.keys()))

    def _send_parameters(self, names):
        if not state.built:
            return
        where = f"{self.label}.set"
        if isinstance(self.celltype, SpikeSourcePoisson):
            one_per_cell = len(self._generator_refs) == self.size and self.size > 1
            for i, ref in enumerate(self._generator_refs):
                params = self._poisson_params_of(i) if one_per_cell else self._poisson_params(where)
                state.request({"op": "set_device", "ref": ref, "params": params})
            return
        if isinstance(self.celltype, SpikeSourceArray):
            raise NotImplementedError("SpikeSourceArray.set(spike_times=...) after the first run: spikeworks' spike_generator "
                                      "takes its times when the network is built")
        for ref, start, end in self._segments:
            params = {n: _homogeneous(n, np.broadcast_to(np.asarray(self._parameters[n]), (self.size,))[start:end],
                                      f"{where} (cells {start}..{end - 1}, one engine population since the first run)")
                      for n in names}
            state.request({"op": "set_params", "ref": ref, "params": params})

    def _initial_array(self, variable):
        value = self._state_values.get(variable)
        if value is None:
            value = self.celltype.default_initial_values.get(variable, 0.0)
        return value

    def _set_initial_value_array(self, variable, initial_values):
        values = np.asarray(initial_values.evaluate(simplify=False), dtype=float)
        self._state_values[variable] = values
        if state.built and self._state_variable(variable):
            engine_name, scale = self._state_variable(variable)
            full = np.broadcast_to(values * scale, (self.size,))
            for ref, start, end in self._segments:
                state.request({"op": "set", "ref": ref, "variable": engine_name, "value": full[start:end].copy()})

    def _state_variable(self, variable):
        """The engine's name and scale of a PyNN state variable of this cell type, or None."""
        ct = self.celltype
        if variable == "spikes" or (variable not in ct.recordable and variable not in ct.default_initial_values):
            return None
        names = getattr(ct, "state_map", STATE_VARIABLES)
        if variable not in names or (variable.startswith("gsyn") and not ct.conductance_based):
            return None
        return names[variable]

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)

    # ------------------------------------------------------------ the engine's side
    def _engine_segments(self):
        """Runs of cells with equal parameters, each an engine population (which has one value per parameter)."""
        columns = {n: np.broadcast_to(np.asarray(v), (self.size,)) for n, v in self._parameters.items()}
        rows = [tuple(columns[n][i].item() for n in sorted(columns)) for i in range(self.size)] if any(
            np.asarray(v).ndim and not np.all(np.asarray(v) == np.asarray(v).flat[0]) for v in self._parameters.values()) else [()] * self.size
        segments = []
        for start, end in _constant_runs(rows):
            params = {n: columns[n][start].item() for n in columns}
            params.update(self._extra_engine_params)
            segments.append((start, end, params))
        return segments

    def _segment_pieces(self, a, b):
        """(ref, start, end, segment size) of the engine populations covering cells [a, b)."""
        out = []
        for ref, s0, s1 in self._segments:
            lo, hi = max(a, s0), min(b, s1)
            if lo < hi:
                out.append((ref, lo - s0, hi - s0, s1 - s0))
        return out

    @property
    def _split(self):
        return len(self._segments) > 1

    def _poisson_params(self, where):
        p = {n: _homogeneous(n, self._parameters[n], where) for n in ("rate", "start", "duration")}
        stop = p["start"] + p["duration"]
        return {"rate": float(p["rate"]), "start": float(p["start"]), "stop": float("inf") if stop >= 1e9 else float(stop)}

    def _build_ops(self, ops):
        where = f"Population {self.label!r}"
        ref = self._engine_ref = state.new_ref()
        self._segments = [(ref, 0, self.size)]
        self._generator_refs = []
        ct = self.celltype
        if isinstance(ct, (SpikeSourcePoisson, SpikeSourceArray)):
            # As pyNN.nest builds them: parrot neurons repeat a generator's train one step later, so that the
            # source is a neuron (a projection's pre) with one train shared by all its targets.
            ops.append({"do": "create", "ref": ref, "model": "parrot_neuron", "n": self.size})
            feed = {"weight": 1.0, "delay": state.dt}
            if isinstance(ct, SpikeSourcePoisson):
                try:
                    params = [self._poisson_params(where)]
                    targets = [ref]
                except NotImplementedError:
                    params = [self._poisson_params_of(i) for i in range(self.size)]
                    targets = [{"ref": ref, "start": i, "end": i + 1} for i in range(self.size)]
                for p, post in zip(params, targets):
                    g = state.new_ref()
                    self._generator_refs.append(g)
                    ops.append({"do": "create", "ref": g, "model": "poisson_generator", "n": 1, "params": p})
                    ops.append({"do": "connect", "pre": g, "post": post, "conn": "all_to_all", "syn": feed})
            else:
                times = self._parameters["spike_times"]
                for i in range(self.size):
                    seq = times[i] if isinstance(times, np.ndarray) else times
                    t = np.asarray(seq.value if isinstance(seq, ArrayParameter) else seq, dtype=float)
                    if t.size == 0:
                        continue
                    if np.any(t <= state.dt - 1e-9):
                        raise errors.InvalidParameterValueError(
                            f"{where}: spike_times {t[t <= state.dt][:3].tolist()} of cell {i}: spikeworks' SpikeSourceArray "
                            f"emits through a parrot neuron one step (dt = {state.dt} ms) late, so times must be > dt")
                    g = state.new_ref()
                    ops.append({"do": "create", "ref": g, "model": "spike_generator", "n": 1,
                                "params": {"spike_times": np.round((t - state.dt) / state.dt) * state.dt, "allow_offgrid_times": True}})
                    ops.append({"do": "connect", "pre": g, "post": {"ref": ref, "start": i, "end": i + 1}, "conn": "all_to_all", "syn": feed})
            return
        # Consecutive engine populations, so that their gids follow one another as the cells' indices do.
        self._segments = []
        for k, (start, end, params) in enumerate(self._engine_segments()):
            seg = ref if k == 0 else state.new_ref()
            self._segments.append((seg, start, end))
            ops.append({"do": "create", "ref": seg, "model": ct.engine_model, "n": end - start, "params": params})
        for variable in ct.default_initial_values:
            target = self._state_variable(variable)
            if target is None:
                continue
            values = np.broadcast_to(np.asarray(self._initial_array(variable), dtype=float), (self.size,)) * target[1]
            for seg, start, end in self._segments:
                part = values[start:end]
                value = float(part[0]) if np.all(part == part[0]) else part.copy()
                ops.append({"do": "set", "ref": seg, "variable": target[0], "value": value})

    def _poisson_params_of(self, i):
        rate, start, duration = (float(np.broadcast_to(self._parameters[n], (self.size,))[i]) for n in ("rate", "start", "duration"))
        stop = start + duration
        return {"rate": rate, "start": start, "stop": float("inf") if stop >= 1e9 else stop}

    def _built(self, nodes):
        self._first_gid = nodes[str(self._engine_ref)]["firstGid"]
        for ref, start, _ in self._segments:
            assert nodes[str(ref)]["firstGid"] == self._first_gid + start, "engine populations of one Population are consecutive"
