"""PyNN's standard models on spikeworks. The engine has PyNN's cell types under their own names and units
(plugins/neurons/pynn.ts), so the translations are the identity; sources, synapses and current sources
map onto NEST's devices and synapse models as pyNN.nest maps them."""
import numpy as np
from pyNN import errors
from pyNN.standardmodels import build_translations, cells, electrodes, synapses

from .simulator import state

# PyNN's recordable and initial-value names -> the engine's state variable and the factor PyNN -> engine.
STATE_VARIABLES = {
    "v": ("V_m", 1.0),
    "gsyn_exc": ("g_ex", 1000.0),   # µS -> nS
    "gsyn_inh": ("g_in", 1000.0),
    "w": ("w", 1000.0),             # nA -> pA
    "u": ("U_m", 1.0),
}


def _identity(cls):
    return build_translations(*[(name, name) for name in cls.default_parameters])


def _cell(base):
    cls = type(base.__name__, (base,), {"__doc__": base.__doc__, "translations": _identity(base), "engine_model": base.__name__})
    return cls


IF_curr_exp = _cell(cells.IF_curr_exp)
IF_curr_alpha = _cell(cells.IF_curr_alpha)
IF_cond_exp = _cell(cells.IF_cond_exp)
IF_cond_alpha = _cell(cells.IF_cond_alpha)
EIF_cond_exp_isfa_ista = _cell(cells.EIF_cond_exp_isfa_ista)
Izhikevich = _cell(cells.Izhikevich)


class HH_cond_exp(cells.HH_cond_exp):
    """PyNN's HH_cond_exp on NEST's hh_cond_exp_traub, translated as pyNN.nest translates it."""
    translations = build_translations(
        ("gbar_Na", "g_Na", 1000.0), ("gbar_K", "g_K", 1000.0), ("g_leak", "g_L", 1000.0), ("cm", "C_m", 1000.0),
        ("v_offset", "V_T"), ("e_rev_Na", "E_Na"), ("e_rev_K", "E_K"), ("e_rev_leak", "E_L"), ("e_rev_E", "E_ex"),
        ("e_rev_I", "E_in"), ("tau_syn_E", "tau_syn_ex"), ("tau_syn_I", "tau_syn_in"), ("i_offset", "I_e", 1000.0))
    engine_model = "hh_cond_exp_traub"
    # The NEST model takes weights in nS (the PyNN-named cells above take µS themselves).
    weight_scale = 1000.0
    state_map = {"v": ("V_m", 1.0), "gsyn_exc": ("g_ex", 1000.0), "gsyn_inh": ("g_in", 1000.0),
                 "m": ("Act_m", 1.0), "h": ("Inact_h", 1.0), "n": ("Act_n", 1.0)}


class SpikeSourcePoisson(cells.SpikeSourcePoisson):
    __doc__ = cells.SpikeSourcePoisson.__doc__
    translations = _identity(cells.SpikeSourcePoisson)


class SpikeSourceArray(cells.SpikeSourceArray):
    __doc__ = cells.SpikeSourceArray.__doc__
    translations = _identity(cells.SpikeSourceArray)


# ------------------------------------------------------------------ synapses

class StaticSynapse(synapses.StaticSynapse):
    __doc__ = synapses.StaticSynapse.__doc__
    translations = build_translations(("weight", "weight"), ("delay", "delay"))
    engine_model = "static_synapse"

    def _get_minimum_delay(self):
        return state.min_delay


class STDPMechanism(synapses.STDPMechanism):
    __doc__ = synapses.STDPMechanism.__doc__
    base_translations = build_translations(("weight", "weight"), ("delay", "delay"),
                                           ("dendritic_delay_fraction", "dendritic_delay_fraction"))
    engine_model = "stdp_synapse"

    def __init__(self, timing_dependence=None, weight_dependence=None, voltage_dependence=None,
                 dendritic_delay_fraction=1.0, weight=0.0, delay=None):
        if voltage_dependence is not None:
            raise NotImplementedError("STDPMechanism(voltage_dependence=...): spikeworks has no voltage-dependent STDP")
        if dendritic_delay_fraction != 1:
            raise NotImplementedError("STDPMechanism(dendritic_delay_fraction != 1): spikeworks' stdp_synapse, as NEST's, "
                                      "takes every delay as dendritic")
        if not isinstance(timing_dependence, SpikePairRule):
            raise NotImplementedError(f"STDP timing dependence {type(timing_dependence).__name__}: spikeworks has SpikePairRule")
        if not isinstance(weight_dependence, (AdditiveWeightDependence, MultiplicativeWeightDependence, GutigWeightDependence)):
            raise NotImplementedError(f"STDP weight dependence {type(weight_dependence).__name__}: spikeworks has "
                                      "AdditiveWeightDependence, MultiplicativeWeightDependence and GutigWeightDependence")
        super().__init__(timing_dependence, weight_dependence, voltage_dependence, dendritic_delay_fraction, weight, delay)

    def _get_minimum_delay(self):
        return state.min_delay

    def engine_params(self):
        """NEST stdp_synapse's parameters (Guetig weight dependence: mu 0 additive, 1 multiplicative)."""
        td = self.timing_dependence.parameter_space
        wd = self.weight_dependence.parameter_space
        td.shape = wd.shape = (1,)
        td.evaluate(simplify=True)
        wd.evaluate(simplify=True)
        t, w = dict(td.items()), dict(wd.items())
        if w.get("w_min", 0.0) != 0.0:
            raise NotImplementedError(f"STDP w_min = {w['w_min']}: spikeworks' stdp_synapse (NEST's) clips at 0")
        a_plus, a_minus = float(t["A_plus"]), float(t["A_minus"])
        if a_plus <= 0:
            raise errors.InvalidParameterValueError(f"SpikePairRule A_plus = {a_plus}: spikeworks needs A_plus > 0 "
                                                    "(NEST's lambda, with alpha = A_minus / A_plus)")
        mu = {AdditiveWeightDependence: (0.0, 0.0), MultiplicativeWeightDependence: (1.0, 1.0)}.get(type(self.weight_dependence))
        if mu is None:
            mu = (float(w["mu_plus"]), float(w["mu_minus"]))
        return {"tau_plus": float(t["tau_plus"]), "lambda": a_plus, "alpha": a_minus / a_plus,
                "mu_plus": mu[0], "mu_minus": mu[1], "Wmax": float(w["w_max"])}, float(t["tau_minus"])


def _stdp_component(base):
    return type(base.__name__, (base,), {"__doc__": base.__doc__, "translations": _identity(base), "possible_models": {"stdp_synapse"}})


SpikePairRule = _stdp_component(synapses.SpikePairRule)
AdditiveWeightDependence = _stdp_component(synapses.AdditiveWeightDependence)
MultiplicativeWeightDependence = _stdp_component(synapses.MultiplicativeWeightDependence)
GutigWeightDependence = _stdp_component(synapses.GutigWeightDependence)


def _unsupported_synapse(base, why):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"{base.__name__}: {why}")
    return type(base.__name__, (base,), {"__init__": __init__, "translations": _identity(base)})


TsodyksMarkramSynapse = _unsupported_synapse(synapses.TsodyksMarkramSynapse, "spikeworks has no short-term plasticity synapse")
Vogels2011Rule = _unsupported_synapse(synapses.Vogels2011Rule, "spikeworks has no inhibitory STDP rule")


# ------------------------------------------------------------------ current sources

class _CurrentSource:
    """A NEST current generator fed to the cells it is injected into (pA: PyNN's nA × 1000)."""
    engine_model = None

    def inject_into(self, cells):
        if state.built:
            raise NotImplementedError("inject_into after the first run: spikeworks fixes the network at its first run")
        if not getattr(cells, "injectable", True) or not all(c.celltype.injectable for c in _populations_of(cells)):
            raise TypeError("Can't inject current into a spike source.")
        object.__setattr__(self, "_targets", self.__dict__.get("_targets", []) + [cells])
        if self not in state.current_sources:
            state.current_sources.append(self)

    def set_native_parameters(self, parameters):
        parameters.evaluate(simplify=True)
        self.parameter_space.update(**dict(parameters.items()))
        if state.built and self.__dict__.get("_refs"):
            for ref in self.__dict__["_refs"]:
                state.request({"op": "set_device", "ref": ref, "params": self._device_params()})

    def get_native_parameters(self):
        return self.parameter_space

    def _values(self):
        ps = self.parameter_space
        ps.shape = (1,)
        ps.evaluate(simplify=True)
        return dict(ps.items())

    def _build_ops(self, ops):
        from .populations import engine_nodes
        refs = []
        params = self._device_params()
        for target in self._targets:
            for post in engine_nodes(target):
                ref = state.new_ref()
                refs.append(ref)
                ops.append({"do": "create", "ref": ref, "model": self.engine_model, "n": 1, "params": params})
                # As pyNN.nest connects its current generators: with the min delay.
                ops.append({"do": "connect", "pre": ref, "post": post, "conn": "all_to_all", "syn": {"weight": 1.0, "delay": state.min_delay}})
        object.__setattr__(self, "_refs", refs)


def _populations_of(cells):
    from .populations import engine_slices
    return [p for p, _, _ in engine_slices(cells)]


def _stop(v):
    return float("inf") if v is None or v >= 1e9 else float(v)


class DCSource(_CurrentSource, electrodes.DCSource):
    __doc__ = electrodes.DCSource.__doc__
    translations = _identity(electrodes.DCSource)
    engine_model = "dc_generator"

    def _device_params(self):
        p = self._values()
        return {"amplitude": 1000.0 * float(p["amplitude"]), "start": float(p["start"]), "stop": _stop(p["stop"])}


class NoisyCurrentSource(_CurrentSource, electrodes.NoisyCurrentSource):
    __doc__ = electrodes.NoisyCurrentSource.__doc__
    translations = _identity(electrodes.NoisyCurrentSource)
    engine_model = "noise_generator"

    def _device_params(self):
        p = self._values()
        return {"mean": 1000.0 * float(p["mean"]), "std": 1000.0 * float(p["stdev"]), "dt": float(p["dt"]),
                "start": float(p["start"]), "stop": _stop(p["stop"])}


def _sequence(v):
    return np.asarray(getattr(v, "value", v), dtype=float).ravel()


class StepCurrentSource(_CurrentSource, electrodes.StepCurrentSource):
    __doc__ = electrodes.StepCurrentSource.__doc__
    translations = _identity(electrodes.StepCurrentSource)
    engine_model = "step_current_generator"

    def _device_params(self):
        p = self._values()
        times, amplitudes = _sequence(p["times"]), 1000.0 * _sequence(p["amplitudes"])
        if times.size != amplitudes.size:
            raise errors.InvalidParameterValueError(f"StepCurrentSource: {times.size} times and {amplitudes.size} amplitudes: "
                                                    "give one amplitude per time")
        if times.size and times.min() < 0:
            raise ValueError("Step current cannot accept negative timestamps.")
        if times.size > 1 and np.diff(times).min() <= 0:
            raise ValueError("Step current timestamps should be monotonically increasing.")
        # As pyNN.nest: NEST changes the amplitude at t > 0 only, so the last time <= dt becomes dt (its value
        # then acts from the first step, as a DCSource from 0 does), earlier ones are dropped; times are rounded
        # to the grid, and of times rounded into one step the last one counts.
        dt = state.dt
        first = np.searchsorted(times, dt, side="right") - 1
        if first >= 0:
            times, amplitudes = times[first:].copy(), amplitudes[first:]
            times[0] = dt
        steps = np.rint(times / dt).astype(np.int64)
        keep = np.append(steps[1:] != steps[:-1], True) if steps.size else np.zeros(0, dtype=bool)
        return {"amplitude_times": [float(k * dt) for k in steps[keep]], "amplitude_values": [float(a) for a in amplitudes[keep]]}


class ACSource(_CurrentSource, electrodes.ACSource):
    __doc__ = electrodes.ACSource.__doc__
    translations = _identity(electrodes.ACSource)
    engine_model = "ac_generator"

    def _device_params(self):
        p = self._values()
        start, frequency = float(p["start"]), float(p["frequency"])
        # PyNN's sine starts at its phase at `start`; NEST's ac_generator runs on absolute time (pyNN.nest's
        # phase correction).
        phase = float(p["phase"]) - 360.0 * frequency * start / 1000.0
        return {"amplitude": 1000.0 * float(p["amplitude"]), "offset": 1000.0 * float(p["offset"]), "frequency": frequency,
                "phase": phase, "start": start, "stop": _stop(p["stop"])}
