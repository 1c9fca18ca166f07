"""Makes `import pyNN.spikeworks` load spikeworks_pynn (imported at start-up by spikeworks_pynn.pth).

pyNN is a regular package, so another distribution cannot add a pyNN/spikeworks folder to it; a finder
on sys.meta_path answers for that one name instead. It imports nothing until pyNN.spikeworks is asked for.
"""
import importlib
import importlib.abc
import importlib.util
import sys

ALIAS = "pyNN.spikeworks"
TARGET = "spikeworks_pynn"


class _AliasLoader(importlib.abc.Loader):
    def create_module(self, spec):
        return importlib.import_module(TARGET)

    def exec_module(self, module):
        pass


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != ALIAS:
            return None
        return importlib.util.spec_from_loader(ALIAS, _AliasLoader())


def install():
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.append(_AliasFinder())


install()
