"""Where the spikeworks engine is: the command line that starts `spikeworks bridge`."""
import os
import shlex
import shutil

ENV = "SPIKEWORKS_ENGINE"


def _checkout():
    """The repository this package was installed from, or the one its source tree sits in."""
    try:
        from ._checkout import REPOSITORY  # written by setup.py at install
        candidates = [REPOSITORY]
    except ImportError:
        candidates = []
    candidates.append(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    for repo in candidates:
        if os.path.isfile(os.path.join(repo, "bin", "spikeworks.js")):
            return repo
    return None


def engine_command():
    """
    The engine's command line, first found of: $SPIKEWORKS_ENGINE (a spikeworks.js file, run with node, or
    a command line), `spikeworks` on PATH, the checkout's bin/spikeworks.js.
    """
    node = shutil.which("node")
    value = os.environ.get(ENV)
    if value:
        if value.endswith(".js"):
            if not os.path.isfile(value):
                raise FileNotFoundError(f"{ENV}={value!r}: no such file (expected the engine's bin/spikeworks.js)")
            if node is None:
                raise FileNotFoundError(f"{ENV} names {value!r}, but `node` (Node.js >= 20) is not on PATH")
            return [node, value]
        return shlex.split(value)
    on_path = shutil.which("spikeworks")
    if on_path:
        return [on_path]
    repo = _checkout()
    if repo is None:
        raise FileNotFoundError(
            f"the spikeworks engine was not found: set {ENV} to its bin/spikeworks.js, put `spikeworks` on PATH, "
            "or install this package from a spikeworks checkout (after `npm ci && npx tsup` there)")
    if node is None:
        raise FileNotFoundError("the spikeworks engine needs `node` (Node.js >= 20) on PATH")
    cli = os.path.join(repo, "dist", "cli.js")
    if not os.path.isfile(cli):
        raise FileNotFoundError(f"the spikeworks checkout at {repo} is not built: run `npm ci && npx tsup` there")
    return [node, os.path.join(repo, "bin", "spikeworks.js")]
