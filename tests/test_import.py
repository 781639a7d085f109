import subprocess
import sys

from conftest import ROOT


def test_the_pipeline_imports_without_any_web_framework():
    code = (
        "import sys; sys.modules['gradio'] = None; sys.modules['fastapi'] = None; sys.modules['argparse'] = None\n"
        "import assistant, assistant.retrieval, assistant.build, assistant.answer, assistant.live\n"
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "ok", out.stderr
