import numpy as np
import pytest
from spikeworks_pynn.bridge import Bridge, EngineDied, SpikeworksNameError, decode, encode


def test_frames_round_trip_with_binary_payloads():
    header = {"op": "x", "values": np.arange(5, dtype=np.int32), "nested": [{"t": np.linspace(0, 1, 3)}], "stop": float("inf")}
    frame = encode(header)
    n = int.from_bytes(frame[:4], "little")
    assert n == len(frame) - 4
    back, arrays = decode(frame[4:])
    assert back["values"] == {"$array": 0} and back["nested"][0]["t"] == {"$array": 1}
    assert back["stop"] == {"$number": "Infinity"}
    assert arrays[0].dtype == np.int32 and list(arrays[0]) == [0, 1, 2, 3, 4]
    assert np.allclose(arrays[1], [0, 0.5, 1])


def test_an_engine_that_dies_raises_with_its_stderr():
    with pytest.raises(EngineDied, match=r"(?s)exit code 3.*engine exploded"):
        Bridge(["node", "-e", "process.stderr.write('engine exploded'); process.exit(3)"])


def test_unknown_model_is_the_engines_message():
    b = Bridge()
    try:
        with pytest.raises(SpikeworksNameError, match="unknown neuron model 'no_such_model'|unknown .*'no_such_model'"):
            b.request({"op": "build", "dt": 0.1, "seed": 1, "ops": [{"do": "create", "ref": 1, "model": "no_such_model", "n": 1}]})
        # The engine stays up after an error.
        reply, _ = b.request({"op": "hello"})
        assert reply["protocol"] == 1
    finally:
        b.close()


def test_an_engine_killed_between_messages_raises_not_hangs():
    b = Bridge()
    b.process.kill()
    with pytest.raises(EngineDied, match="exit code -9"):
        b.request({"op": "hello"})
    b.close()
