"""Installs the .pth line that makes `import pyNN.spikeworks` find this package, and notes the checkout."""
import os
from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
PTH = "spikeworks_pynn.pth"


class BuildWithPth(build_py):
    def run(self):
        super().run()
        # A .pth file in site-packages runs its import line at start-up: it installs the finder that maps
        # pyNN.spikeworks to spikeworks_pynn (pyNN is a regular package: no folder can be added to it).
        self.copy_file(os.path.join(HERE, PTH), os.path.join(self.build_lib, PTH))
        # The checkout this was installed from: the engine's last fallback (docs/pynn.md).
        target = os.path.join(self.build_lib, "spikeworks_pynn", "_checkout.py")
        with open(target, "w") as f:
            f.write("REPOSITORY = %r\n" % os.path.dirname(HERE))


setup(cmdclass={"build_py": BuildWithPth})
