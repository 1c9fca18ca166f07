"""Tests run against the package in this checkout (installed or not) and the engine found as the package
finds it (SPIKEWORKS_ENGINE, `spikeworks` on PATH, or this checkout's bin/spikeworks.js after `npm ci`)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
REPOSITORY = os.path.dirname(PACKAGE_ROOT)

try:
    import pyNN.spikeworks  # noqa: F401  (installed with pip install ./python)
except ImportError:
    sys.path.insert(0, PACKAGE_ROOT)
    import _spikeworks_pynn_alias  # noqa: F401
