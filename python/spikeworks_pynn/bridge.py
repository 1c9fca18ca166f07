"""The Python end of `spikeworks bridge`: one engine process, framed messages (docs/pynn.md)."""
import json
import math
import struct
import subprocess
import tempfile

import numpy as np
from pyNN import errors

from .engine import engine_command

DTYPES = {"f64": np.float64, "f32": np.float32, "i32": np.int32, "u32": np.uint32}
NAMES = {np.dtype(v).str: k for k, v in DTYPES.items()}


class EngineError(Exception):
    """An error the engine reported that is not about a parameter value or a name."""


class EngineDied(EngineError):
    """The engine process ended while a message was waiting for its reply."""


class SpikeworksParameterError(errors.InvalidParameterValueError):
    """The engine's ParameterError: `parameter`, `value` and `allowed` as the engine named them."""

    def __init__(self, message, parameter=None, value=None, allowed=None):
        super().__init__(message)
        self.parameter, self.value, self.allowed = parameter, value, allowed

    def __str__(self):
        return self.args[0]


class SpikeworksNameError(errors.InvalidModelError):
    """The engine's UnknownNameError (a model, rule or variable name it does not have)."""

    def __str__(self):
        return self.args[0]


def _raise(error):
    kind, message = error.get("type"), error.get("message", "")
    if kind == "ParameterError":
        raise SpikeworksParameterError(message, error.get("parameter"), error.get("value"), error.get("allowed"))
    if kind == "UnknownNameError":
        raise SpikeworksNameError(message)
    raise EngineError(f"{kind}: {message}")


def _wire_array(a):
    a = np.ascontiguousarray(a)
    if a.dtype.kind == "b":
        a = a.astype(np.int32)
    elif a.dtype.kind in "iu" and a.dtype != np.uint32:
        a = a.astype(np.int32)
    elif a.dtype.kind == "f" and a.dtype != np.float32:
        a = a.astype(np.float64)
    if a.dtype.str not in NAMES:
        raise TypeError(f"arrays travel as f64, f32, i32 or u32, not {a.dtype}")
    return a.reshape(-1)


def _extract(value, arrays):
    """The header with every numpy array replaced by {"$array": k} (the payload list grows)."""
    if isinstance(value, np.ndarray):
        arrays.append(_wire_array(value))
        return {"$array": len(arrays) - 1}
    if isinstance(value, dict):
        return {k: _extract(v, arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_extract(v, arrays) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return {"$number": "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")}
    return value


def encode(header, arrays=()):
    arrays = list(arrays)
    header = _extract(header, arrays)
    header["arrays"] = [{"dtype": NAMES[a.dtype.str], "length": int(a.size)} for a in arrays]
    text = json.dumps(header, allow_nan=False).encode()
    body = b"".join([struct.pack("<I", len(text)), text] + [a.tobytes() for a in arrays])
    return struct.pack("<I", len(body)) + body


def decode(body):
    (n,) = struct.unpack_from("<I", body, 0)
    header = json.loads(body[4:4 + n].decode())
    at = 4 + n
    arrays = []
    for spec in header.pop("arrays", []):
        dtype = np.dtype(DTYPES[spec["dtype"]])
        size = spec["length"] * dtype.itemsize
        arrays.append(np.frombuffer(body, dtype=dtype, count=spec["length"], offset=at).copy())
        at += size
    return header, arrays


class Bridge:
    """One engine process: request() sends a message and waits for its reply (the engine answers in order)."""

    def __init__(self, command=None, mpi=False):
        # Under mpirun the engine inherits this process's MPI environment and joins the job as its rank.
        self.command = (command or engine_command()) + ["bridge"] + (["--comm", "mpi"] if mpi else [])
        # stderr goes to a file: a pipe nobody reads could fill and block the engine.
        self._stderr = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr)
        except OSError as e:
            raise EngineError(f"could not start the spikeworks engine ({' '.join(self.command)}): {e}") from e
        hello, _ = self.request({"op": "hello"})
        self.rank, self.size = hello.get("rank", 0), hello.get("size", 1)

    def _died(self, while_doing):
        code = self.process.wait()
        self._stderr.seek(0)
        err = self._stderr.read().decode(errors="replace").strip()
        raise EngineDied(f"the spikeworks engine ({' '.join(self.command)}) ended with exit code {code} while {while_doing}"
                         + (f"; its stderr:\n{err}" if err else " (no output on stderr)"))

    def _read(self, n, op):
        data = self.process.stdout.read(n)
        if data is None or len(data) < n:
            self._died(f"answering '{op}'")
        return data

    def request(self, header, arrays=()):
        """Send a message; the reply's header and payloads, or the engine's error raised as a PyNN exception."""
        op = header.get("op")
        if self.process.poll() is not None:
            self._died(f"waiting for '{op}'")
        try:
            self.process.stdin.write(encode(header, arrays))
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            self._died(f"receiving '{op}'")
        (n,) = struct.unpack("<I", self._read(4, op))
        reply, out = decode(self._read(n, op))
        if not reply.pop("ok", False):
            _raise(reply.get("error", {}))
        return reply, out

    def close(self):
        if self.process.poll() is None:
            try:
                self.request({"op": "end"})
            except EngineError:
                pass
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self._stderr.close()
