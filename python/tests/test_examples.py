"""PyNN-style example scripts (examples/pynn/README.md), each run as a script with `spikeworks` as its backend."""
import ast
import os
import subprocess
import sys

import pytest

from conftest import PACKAGE_ROOT

EXAMPLES = os.path.join(PACKAGE_ROOT, "examples", "pynn")
# Without an install, the finder of pyNN.spikeworks comes from the source tree.
BOOT = ("import sys, runpy; sys.path.insert(0, %r); import _spikeworks_pynn_alias; "
        "sys.argv = [sys.argv[1], 'spikeworks']; runpy.run_path(sys.argv[0], run_name='__main__')" % PACKAGE_ROOT)


def run_example(name, tmp_path):
    return subprocess.run([sys.executable, "-c", BOOT, os.path.join(EXAMPLES, name)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("name", ["simple_network.py", "simple_stdp.py", "varying_poisson.py", "current_injection.py", "izhikevich.py"])
def test_example_runs(name, tmp_path):
    r = run_example(name, tmp_path)
    assert r.returncode == 0, r.stderr


def test_varying_poisson_gives_the_rates_asked_for(tmp_path):
    r = run_example("varying_poisson.py", tmp_path)
    assert r.returncode == 0, r.stderr
    for line in r.stdout.splitlines():
        asked, given = float(line.split()[0]), float(line.split()[3])
        # 30 sources × 0.2 s: 6·rate spikes expected; five standard deviations.
        assert abs(given - asked) <= 5 * (asked / 6) ** 0.5 + 1e-9


def test_current_injection_records_every_cell_and_step(tmp_path):
    r = run_example("current_injection.py", tmp_path)
    assert r.returncode == 0, r.stderr
    # 500 ms at 0.1 ms and the value at 0, for the four cells.
    assert r.stdout.strip() == "(5001, 4)"


def test_izhikevich_step_current_drives_the_cells(tmp_path):
    r = run_example("izhikevich.py", tmp_path)
    assert r.returncode == 0, r.stderr
    counts = ast.literal_eval(r.stdout.strip())
    # Cell 1 has i_offset 0.014 nA throughout and so fires more than the other two, which only the step
    # (0.01 nA from 100 to 300 ms) and the one input spike drive.
    assert counts[1] > counts[2] > 0 and counts[3] > 0
