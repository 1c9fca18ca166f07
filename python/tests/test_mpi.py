"""`mpirun -np 2 python script.py` with pyNN.spikeworks: each process's engine is one MPI rank, and what the
script reads back is what one process reads (spikes, membrane traces, synapses), on every rank."""
import json
import os
import shutil
import subprocess
import sys

import neo
import pytest

from conftest import REPOSITORY

HERE = os.path.dirname(os.path.abspath(__file__))
ADDON = os.path.join(REPOSITORY, "native", "mpi", "build", "Release", "spikeworks_mpi.node")


def missing():
    if shutil.which("mpirun") is None:
        return "mpirun (apt-get install -y --no-install-recommends openmpi-bin libopenmpi-dev)"
    if not os.path.isfile(ADDON) and not os.environ.get("SPIKEWORKS_MPI_ADDON"):
        return "the MPI addon (npm run build:mpi)"
    return None


def needs_mpi():
    what = missing()
    if what is None:
        return
    # .ci/run installs both: there a missing piece is a failure, not a skip.
    if os.environ.get("SPIKEWORKS_REQUIRE_NATIVE") == "1":
        pytest.fail(f"SPIKEWORKS_REQUIRE_NATIVE=1 but {what} is missing")
    pytest.skip(f"needs {what}")


def run_script(tmp_path, name, ranks):
    out = str(tmp_path / name)
    cmd = [sys.executable, os.path.join(HERE, "mpi_network.py"), out]
    if ranks > 1:
        root = ["--allow-run-as-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        cmd = ["mpirun", *root, "--oversubscribe", "-np", str(ranks), *cmd]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.path.dirname(HERE), os.environ.get("PYTHONPATH")])))
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    results = []
    for k in range(ranks):
        with open(f"{out}.rank{k}") as f:
            results.append(json.load(f))
    return out, results


def test_two_mpi_ranks_read_back_what_one_process_does(tmp_path):
    needs_mpi()
    _, (one,) = run_script(tmp_path, "single", 1)
    out, (r0, r1) = run_script(tmp_path, "mpi", 2)
    assert one["num_processes"] == 1 and one["rank"] == 0
    assert (r0["num_processes"], r0["rank"]) == (2, 0)
    assert (r1["num_processes"], r1["rank"]) == (2, 1)
    assert one["spike_count"] > 100
    for key in ("spike_count", "spikes", "v", "v_shape", "ee_synapses", "ee", "listed"):
        assert r0[key] == one[key], key
        assert r1[key] == one[key], key
    # write_data: rank 0 writes the one file, with every cell.
    block = neo.io.PickleIO(f"{out}.pkl").read_block()
    assert len(block.segments[0].spiketrains) == 320
    assert block.annotations.get("mpi_processes", block.segments[0].annotations.get("mpi_processes")) in (2, None)
