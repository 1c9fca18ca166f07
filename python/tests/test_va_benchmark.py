"""Seed 001's network (examples/va_benchmark.py) against the va-coba-pynn preset, and its write_data files."""
import contextlib
import glob
import importlib
import io
import json
import os
import subprocess
import sys

import neo
import pytest

from conftest import PACKAGE_ROOT, REPOSITORY

SEEDS = (1, 2)
TOLERANCE = 0.10


def run_script(seed, workdir):
    """The script as written, with the seed of its NumpyRNG and of the engine set to `seed`."""
    sys.path.insert(0, os.path.join(PACKAGE_ROOT, "examples"))
    try:
        va = importlib.import_module("va_benchmark")
    finally:
        sys.path.pop(0)
    va.rngseed = seed
    setup = va.sim.setup
    va.sim.setup = lambda *a, **k: setup(*a, rng_seed=seed, **k)
    old = os.getcwd()
    os.chdir(workdir)
    try:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            va.run(4000, 1000, do_pkl=True, verbose=True)
    finally:
        os.chdir(old)
        va.sim.setup = setup
    lines = dict(line.split(":", 1) for line in out.getvalue().splitlines() if " rate " in line)
    return {k.strip(): float(v.split()[0]) for k, v in lines.items()}


def run_preset(seed, workdir):
    out = subprocess.run(["node", os.path.join(REPOSITORY, "bin", "spikeworks.js"), "run", "va-coba-pynn", "--seed", str(seed),
                          "--json", "--out", os.path.join(workdir, f"preset-{seed}")],
                         check=True, capture_output=True, text=True).stdout
    summary = json.loads(out)
    summary = summary.get("summary", summary)
    return summary["rate_e_hz"], summary["rate_i_hz"]


def test_seed_001_network_rates_match_the_preset_and_its_files_load(tmp_path):
    python_e, python_i, preset_e, preset_i = [], [], [], []
    for seed in SEEDS:
        work = tmp_path / f"seed{seed}"
        work.mkdir()
        rates = run_script(seed, str(work))
        python_e.append(rates["Excitatory rate"])
        python_i.append(rates["Inhibitory rate"])
        e, i = run_preset(seed, str(tmp_path))
        preset_e.append(e)
        preset_i.append(i)
        files = sorted(glob.glob(str(work / "Results" / "**" / "*.pkl"), recursive=True))
        assert [os.path.basename(f).split("_")[1] for f in files] == ["exc", "inh"]
        blocks = {os.path.basename(f).split("_")[1]: neo.io.PickleIO(f).read_block() for f in files}
        exc = blocks["exc"].segments[0]
        assert len(exc.spiketrains) == 3200 and len(blocks["inh"].segments[0].spiketrains) == 800
        mean_exc = sum(len(s) for s in exc.spiketrains) / 3200
        assert mean_exc == pytest.approx(rates["Excitatory rate"], rel=1e-5)  # 1000 ms: spikes per cell = Hz (printed with %g)
        v = exc.analogsignals[0]
        assert v.shape == (10001, 2) and -80.0 < float(v.min()) and float(v.max()) <= -50.0
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    assert mean(python_e) == pytest.approx(mean(preset_e), rel=TOLERANCE)
    assert mean(python_i) == pytest.approx(mean(preset_i), rel=TOLERANCE)
