"""Projections: a connector the engine has as a rule is sent as that rule (the same synapses as the
TypeScript API's connect for the same seed); any other, or one between views or assemblies, is computed
by PyNN's own connector code here and sent as a connection list (the engine's from_list rule)."""
import numpy as np
from pyNN import common, connectors
from pyNN.space import Space

from . import simulator
from .populations import Population, parent_indices
from .simulator import state
from .standardmodels import STDPMechanism, StaticSynapse


def _engine_rule(connector, pre, post):
    """The engine's conn_spec for a connector between two whole populations, or None."""
    if not (isinstance(pre, Population) and isinstance(post, Population)):
        return None
    self_ok = getattr(connector, "allow_self_connections", True)
    if not isinstance(self_ok, bool):
        return None
    same = {"allow_autapses": self_ok}
    if type(connector) is connectors.AllToAllConnector:
        return {"rule": "all_to_all", **same}
    if type(connector) is connectors.OneToOneConnector:
        return {"rule": "one_to_one"}
    if type(connector) is connectors.FixedProbabilityConnector:
        return {"rule": "pairwise_bernoulli", "p": connector.p_connect, **same}
    n = getattr(connector, "n", None)
    if not isinstance(n, (int, np.integer)):
        return None
    multapses = {"allow_multapses": bool(connector.with_replacement)}
    if type(connector) is connectors.FixedNumberPreConnector:
        return {"rule": "fixed_indegree", "indegree": int(n), **same, **multapses}
    if type(connector) is connectors.FixedNumberPostConnector:
        return {"rule": "fixed_outdegree", "outdegree": int(n), **same, **multapses}
    if type(connector) is connectors.FixedTotalNumberConnector:
        return {"rule": "fixed_total_number", "N": int(n), **same, **multapses}
    return None


class _Segment:
    """One engine population behind a PyNN Population."""

    def __init__(self, ref, size):
        self.ref, self.size = ref, size


class Projection(common.Projection):
    __doc__ = common.Projection.__doc__
    _simulator = simulator

    def __init__(self, presynaptic_population, postsynaptic_population, connector, synapse_type=None,
                 source=None, receptor_type=None, space=Space(), label=None):
        if state.built:
            raise NotImplementedError("creating a Projection after the first run: spikeworks fixes the network at its first run")
        super().__init__(presynaptic_population, postsynaptic_population, connector, synapse_type,
                         source, receptor_type, space, label)
        if not isinstance(self.synapse_type, (StaticSynapse, STDPMechanism)):
            raise NotImplementedError(f"synapse type {type(self.synapse_type).__name__}: spikeworks has StaticSynapse and "
                                      "STDPMechanism (SpikePairRule with additive, multiplicative or Gutig weight dependence)")
        if self.receptor_type not in ("excitatory", "inhibitory"):
            raise NotImplementedError(f"receptor_type {self.receptor_type!r}: spikeworks cells have 'excitatory' and 'inhibitory'")
        if isinstance(self.synapse_type, STDPMechanism):
            self._stdp, tau_minus = self.synapse_type.engine_params()
            for pop, _ in parent_indices(self.post):
                old = pop._extra_engine_params.get("tau_minus")
                if old is not None and old != tau_minus:
                    raise NotImplementedError(f"STDP tau_minus {tau_minus} and {old} onto {pop.label!r}: NEST's tau_minus "
                                              "belongs to the postsynaptic neuron, one value per population")
                pop._extra_engine_params["tau_minus"] = tau_minus
        else:
            self._stdp = None
        self._order = len(state.projections)
        state.projections.append(self)
        self._connector = connector
        self._rule = _engine_rule(connector, self.pre, self.post)
        params = self.synapse_type.native_parameters
        homogeneous = all(params[name].is_homogeneous for name in ("weight", "delay"))
        if self._rule is not None and homogeneous:
            params.shape = (1,)
            params.evaluate(simplify=True)
            self._weight, self._delay = float(params["weight"]), float(params["delay"])
            self._list = None
        else:
            self._rule = None
            self._compute_list()
        self._refs = []
        self._kept = {}

    def _compute_list(self):
        """PyNN's own connector code, into arrays (the engine's from_list path)."""
        self._parts = ([], [], [], [])
        self._connector.connect(self)
        self._list = tuple(np.concatenate(p) if p else np.zeros(0) for p in self._parts)
        del self._parts

    @property
    def _sign(self):
        """PyNN's weight -> the engine's: negative onto inhibitory conductances (NEST's convention), in the model's unit."""
        inhibitory_conductance = self.receptor_type == "inhibitory" and self.post.conductance_based
        scale = getattr(parent_indices(self.post)[0][0].celltype, "weight_scale", 1.0)
        return (-1.0 if inhibitory_conductance else 1.0) * scale

    def _convergent_connect(self, presynaptic_indices, postsynaptic_index, **connection_parameters):
        sources = np.asarray(presynaptic_indices, dtype=np.int64)
        n = sources.size
        self._parts[0].append(sources)
        self._parts[1].append(np.full(n, int(postsynaptic_index), dtype=np.int64))
        self._parts[2].append(np.broadcast_to(np.asarray(connection_parameters["weight"], dtype=float), (n,)).copy())
        delay = connection_parameters.get("delay", state.min_delay)
        self._parts[3].append(np.broadcast_to(np.asarray(delay, dtype=float), (n,)).copy())

    def _syn(self, weight, delay):
        syn = {"synapse_model": self.synapse_type.engine_model, "weight": weight, "delay": delay}
        if self._stdp:
            syn.update(self._stdp, Wmax=self._stdp["Wmax"] * abs(self._sign))
        return syn

    def _build_ops(self, ops):
        self._refs = []
        self._kept = {}
        if self._rule is not None and (self.pre._split or self.post._split):
            # A population with different parameters is several engine populations: no single rule spans it.
            self._rule = None
            self._compute_list()
            # Values Projection.set gave before the first run replace the synapse type's.
            sources, targets, weights, delays = self._list
            self._list = (sources, targets, np.full_like(weights, self._weight), np.full_like(delays, self._delay))
        if self._rule is not None:
            ref = state.new_ref()
            self._refs.append((ref, None))
            ops.append({"do": "connect", "ref": ref, "pre": self.pre._engine_ref, "post": self.post._engine_ref,
                        "conn": self._rule, "syn": self._syn(self._sign * self._weight, self._delay)})
            return
        sources, targets, weights, delays = self._list
        for pre_pop, pre_idx, pre_at in self._parents(self.pre):
            for post_pop, post_idx, post_at in self._parents(self.post):
                keep = np.isin(sources, pre_at) & np.isin(targets, post_at)
                if not keep.any():
                    continue
                ps = self._to_parent(sources[keep], pre_idx, pre_at)
                pt = self._to_parent(targets[keep], post_idx, post_at)
                ref = state.new_ref()
                self._refs.append((ref, (pre_pop, pre_idx, pre_at, post_pop, post_idx, post_at)))
                self._kept[ref] = keep
                ops.append({"do": "connect", "ref": ref, "pre": pre_pop.ref, "post": post_pop.ref,
                            "conn": {"rule": "from_list"},
                            "list": {"sources": ps.astype(np.int32), "targets": pt.astype(np.int32)},
                            "syn": self._syn(self._sign * weights[keep], delays[keep])})

    @staticmethod
    def _parents(cells):
        """(engine population, its indices, their positions in `cells`) for each engine population behind the cells."""
        out, at = [], 0
        for pop, idx in parent_indices(cells):
            idx = np.asarray(idx)
            positions = np.arange(at, at + len(idx))
            for ref, start, end in pop._segments:
                mask = (idx >= start) & (idx < end)
                if mask.any():
                    out.append((_Segment(ref, end - start), idx[mask] - start, positions[mask]))
            at += len(idx)
        return out

    @staticmethod
    def _to_parent(positions, parent_idx, at):
        return parent_idx[np.searchsorted(at, positions)]

    # ------------------------------------------------------------ reading the synapses back
    def _connections(self):
        """Every synapse as (pre index, post index, weight, delay) in PyNN's indices and units."""
        if self._rule is None and not (self._stdp and state.built):
            sources, targets, weights, delays = self._list
            return sources, targets, weights, delays
        state.ensure_built()
        parts = []
        for ref, mapping in self._refs:
            _, (s, t, w, d) = state.request({"op": "connections", "ref": ref})
            if mapping is not None:
                pre_pop, pre_idx, pre_at, post_pop, post_idx, post_at = mapping
                s = self._from_parent(s, pre_pop, pre_idx, pre_at)
                t = self._from_parent(t, post_pop, post_idx, post_at)
            parts.append((s, t, w / self._sign, d))
        if not parts:
            return (np.zeros(0, int), np.zeros(0, int), np.zeros(0), np.zeros(0))
        return tuple(np.concatenate(x) for x in zip(*parts))

    @staticmethod
    def _from_parent(indices, pop, parent_idx, at):
        inverse = np.full(pop.size, -1, dtype=np.int64)
        inverse[parent_idx] = at
        return inverse[indices]

    def __len__(self):
        return int(self._connections()[0].size)

    def _get_attributes_as_list(self, names):
        s, t, w, d = self._connections()
        columns = {"presynaptic_index": s, "postsynaptic_index": t, "weight": w, "delay": d,
                   "presynaptic_cell": np.asarray(self.pre.all_cells)[s] if s.size else s,
                   "postsynaptic_cell": np.asarray(self.post.all_cells)[t] if t.size else t}
        missing = [n for n in names if n not in columns]
        if missing:
            raise NotImplementedError(f"Projection.get({missing[0]!r}): spikeworks reads back weight and delay")
        cols = [columns[n] for n in names]
        return [tuple(v.item() for v in row) for row in zip(*cols)]

    def _get_attributes_as_arrays(self, names, multiple_synapses="sum"):
        op = common.Projection.MULTI_SYNAPSE_OPERATIONS[multiple_synapses]
        s, t, w, d = self._connections()
        out = []
        for name in names:
            values = {"weight": w, "delay": d}.get(name.rstrip("s") if name.endswith("s") else name)
            if values is None:
                raise NotImplementedError(f"Projection.get({name!r}, format='array'): spikeworks reads back weight and delay")
            arr = np.full((self.pre.size, self.post.size), np.nan)
            for i, j, v in zip(s, t, values):
                arr[i, j] = v if np.isnan(arr[i, j]) else op(arr[i, j], v)
            out.append(arr)
        return out

    def _value_list_to_array(self, attributes):
        # PyNN reads every weight back first; only a list of values needs that (the engine would build here).
        if any(isinstance(v, list) or (isinstance(v, np.ndarray) and v.ndim == 1) for v in attributes.values()):
            return super()._value_list_to_array(attributes)
        return attributes

    def _set_attributes(self, parameter_space):
        """
        Projection.set: new weights and delays, before or between runs (spikes already sent keep their weights, as
        in NEST). A projection the engine connects by rule takes one value; one from a connection list, any.
        """
        names = list(parameter_space.keys())
        other = [n for n in names if n not in ("weight", "delay")]
        if other:
            raise NotImplementedError(f"Projection.set({other[0]}=...): spikeworks sets a projection's weight and delay")
        if self._stdp:
            raise NotImplementedError("Projection.set on an STDPMechanism projection: its weights are the engine's plastic "
                                      "state (give the initial weights to the synapse type)")
        if self._rule is not None:
            varying = [n for n in names if not parameter_space[n].is_homogeneous]
            if varying:
                raise NotImplementedError(f"Projection.set({varying[0]}=...) with a value per connection on a projection the "
                                          f"engine connects by rule ({type(self._connector).__name__}): give one value")
            parameter_space.shape = (1,)
            parameter_space.evaluate(simplify=True)
            if "weight" in names:
                self._weight = float(parameter_space["weight"])
            if "delay" in names:
                self._delay = float(parameter_space["delay"])
            if state.built:
                values = {n: self._sign * self._weight if n == "weight" else self._delay for n in names}
                for ref, _ in self._refs:
                    state.request({"op": "set_synapses", "ref": ref, "values": values})
            return
        sources, targets, weights, delays = self._list
        parameter_space.evaluate(simplify=False)
        column = {"weight": 2, "delay": 3}
        new = list(self._list)
        for n in names:
            matrix = np.broadcast_to(np.asarray(parameter_space[n], dtype=float), (self.pre.size, self.post.size))
            new[column[n]] = matrix[sources.astype(int), targets.astype(int)].copy()
        self._list = tuple(new)
        if state.built:
            for ref, _ in self._refs:
                keep = self._kept[ref]
                values = {n: (self._sign * self._list[2][keep] if n == "weight" else self._list[3][keep]) for n in names}
                state.request({"op": "set_synapses", "ref": ref, "values": values})
