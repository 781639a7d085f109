"""The model in a child process (assistant/model_process.py): the same vectors as in the server's own
process, and a child that ends with its parent or recovers after it died."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.model_process import ModelProcess

QUESTIONS = ["Do I need a PhD?", "How much does a junior ML engineer earn?", "what math do i need"]


@pytest.fixture(scope="module")
def model():
    process = ModelProcess()
    yield process
    process.close()


def test_the_child_gives_the_models_own_vectors_and_words(model, real_embedder):
    assert (model.name, model.dimension) == (real_embedder.name, real_embedder.dimension)
    assert model.known_words() == real_embedder.known_words()
    # One torch thread in the child against torch's default in this process: float rounding at most.
    assert np.allclose(model.embed(QUESTIONS), real_embedder.embed(QUESTIONS), atol=1e-5)
    assert model.embed([]).shape == (0, model.dimension)


def test_a_child_that_died_fails_one_call_and_the_next_starts_a_new_one(model):
    assert model._process is not None
    os.kill(model._process.pid, signal.SIGKILL)
    model._process.join(10)
    with pytest.raises(RuntimeError, match="process ended"):
        model.embed(QUESTIONS[:1])
    assert model.embed(QUESTIONS[:1]).shape == (1, model.dimension)


def ended(pid: int) -> bool:
    """The process is gone, or a zombie waiting for init to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_the_child_ends_when_its_parent_is_killed(tmp_path):
    script = textwrap.dedent(
        """
        import sys, time
        sys.path.insert(0, sys.argv[1])
        from assistant.model_process import ModelProcess
        if __name__ == "__main__":
            model = ModelProcess()
            print(model._process.pid, flush=True)
            time.sleep(600)
        """
    )
    path = tmp_path / "parent.py"
    path.write_text(script)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parent = subprocess.Popen([sys.executable, str(path), root], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        parent.kill()  # SIGKILL: no atexit, no cleanup of its own
        parent.wait(10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not ended(child):
            time.sleep(0.1)
        gone = ended(child)
        assert gone, "the model's process outlived its parent"
    finally:
        parent.kill()
