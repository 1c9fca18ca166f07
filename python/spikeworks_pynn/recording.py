"""Recording through the engine's spike_recorder and multimeter; events are fetched after every run."""
import numpy as np
from pyNN import recording

from . import simulator


def _runs(indices):
    from .populations import _runs as runs
    return runs(indices)


class Recorder(recording.Recorder):
    _simulator = simulator

    def __init__(self, population, file=None):
        super().__init__(population, file)
        self._spike_ref = None
        self._signal_refs = {}
        self._clear_data()

    def _record(self, variable, new_ids, sampling_interval=None):
        if self._simulator.state.built:
            raise NotImplementedError("record() after the first run: spikeworks connects its recorders when it builds "
                                      "the network (record everything first, or reset())")
        if sampling_interval is not None:
            self.sampling_interval = sampling_interval

    def _clear_data(self):
        self._spikes = ([], [])        # engine indices, times
        self._signals = {}             # variable -> ([times], [indices], [values])

    def _indices(self, ids):
        return np.asarray([self.population.id_to_index(int(i)) for i in ids], dtype=int)

    def _build_ops(self, ops):
        state = self._simulator.state
        pop = self.population
        self._spike_ref = None
        self._signal_refs = {}
        if self.recorded.get("spikes"):
            self._spike_ref = state.new_ref()
            ops.append({"do": "create", "ref": self._spike_ref, "model": "spike_recorder"})
            for ref, _, _ in pop._segments:
                ops.append({"do": "connect", "pre": ref, "post": self._spike_ref})
        for variable, ids in sorted(self.recorded.items()):
            if variable == "spikes" or not ids:
                continue
            target = pop._state_variable(variable)
            if target is None:
                raise NotImplementedError(f"recording '{variable}' of {type(pop.celltype).__name__}: spikeworks records "
                                          "v, gsyn_exc, gsyn_inh (conductance cells), w (EIF) and u (Izhikevich)")
            refs = []
            for start, end in _runs(self._indices(ids)):
                for seg, a, b, size in pop._segment_pieces(start, end):
                    ref = state.new_ref()
                    refs.append(ref)
                    ops.append({"do": "create", "ref": ref, "model": "multimeter",
                                "params": {"interval": self.sampling_interval, "record_from": [target[0]]}})
                    view = seg if (a, b) == (0, size) else {"ref": seg, "start": a, "end": b}
                    ops.append({"do": "connect", "pre": view, "post": ref})
            self._signal_refs[variable] = (refs, target)

    def _started(self):
        self._clear_data()

    def _fetch(self):
        """This run's events, kept in PyNN's units (indices into the population)."""
        state = self._simulator.state
        first = self.population._first_gid
        if self._spike_ref is not None:
            reply, arrays = state.request({"op": "events", "ref": self._spike_ref})
            ev = dict(zip(reply["fields"], arrays))
            self._spikes[0].append(ev["senders"] - first)
            self._spikes[1].append(ev["times"])
        for variable, (refs, (engine_name, scale)) in self._signal_refs.items():
            times, indices, values = self._signals.setdefault(variable, ([], [], []))
            for ref in refs:
                reply, arrays = state.request({"op": "events", "ref": ref})
                ev = dict(zip(reply["fields"], arrays))
                times.append(ev["times"])
                indices.append(ev["senders"] - first)
                values.append(ev[engine_name] / scale)

    def _spike_arrays(self):
        if not self._spikes[0]:
            return np.zeros(0, int), np.zeros(0)
        return np.concatenate(self._spikes[0]), np.concatenate(self._spikes[1])

    def _get_spiketimes(self, ids, clear=False):
        indices, times = self._spike_arrays()
        all_ids = np.asarray(self.population.all_cells, dtype=int)
        wanted = self._indices(ids) if len(ids) else np.zeros(0, int)
        keep = np.isin(indices, wanted)
        return all_ids[indices[keep]], times[keep].copy()

    def _get_all_signals(self, variable, ids, clear=False):
        wanted = self._indices(ids)
        dt = self.sampling_interval
        t_now = self._simulator.state.t
        n_samples = int(round(t_now / dt)) + 1
        out = np.full((n_samples, wanted.size), np.nan)
        # Sample 0 is the initial value (the engine's multimeter samples from the first interval on).
        initial = np.broadcast_to(np.asarray(self.population._initial_array(variable), dtype=float), (self.population.size,))
        out[0, :] = initial[wanted]
        column = {int(i): k for k, i in enumerate(wanted)}
        data = self._signals.get(variable)
        if data and data[0]:
            times, indices, values = (np.concatenate(x) for x in data)
            rows = np.rint(times / dt).astype(int)
            cols = np.array([column.get(int(i), -1) for i in indices], dtype=int)
            ok = (cols >= 0) & (rows < n_samples)
            out[rows[ok], cols[ok]] = values[ok]
        return out, None

    def _local_count(self, variable, filter_ids=None):
        indices, _ = self._spike_arrays()
        counts = np.bincount(indices, minlength=self.population.size) if indices.size else np.zeros(self.population.size, int)
        return {int(i): int(counts[self.population.id_to_index(int(i))]) for i in self.filter_recorded(variable, filter_ids)}

    def write(self, variables, file=None, gather=False, filter_ids=None, clear=False, annotations=None):
        # Every MPI process holds the whole recording (the engine gathers it): rank 0 writes the one file.
        if self._simulator.state.mpi_size > 1:
            gather = True
        super().write(variables, file, gather, filter_ids, clear, annotations)

    @property
    def metadata(self):
        metadata = super().metadata
        metadata["mpi_processes"] = self._simulator.state.mpi_size
        return metadata

    def _clear_simulator(self):
        self._clear_data()

    def _reset(self):
        pass
