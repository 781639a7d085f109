"""The command line, run in-process through main(argv)."""

import json
import shutil
import subprocess
import sys

import pytest
from conftest import MINI_CORPUS, ROOT

from assistant.build import build_index
from assistant.cli import main

pytestmark = pytest.mark.slow


def test_build_then_ask_json_cites_a_phd_passage(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    index = tmp_path / "index"
    assert main(["build", "--index", str(index), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["files_scanned"] == 1 and report["chunks_added"] > 30

    assert main(["ask", "--index", str(index), "--json", "Do I need a PhD?"]) == 0
    record = json.loads(capsys.readouterr().out)
    excerpts = " ".join(c["excerpt"] for c in record["citations"][:3])
    assert "PhD (for research roles)" in excerpts or "Advanced degree required" in excerpts
    assert record["citations"][0]["source"] == "corpus/ai-ml-career-guide-2026.md"

    assert main(["ask", "--index", str(index), "Do I need a PhD?"]) == 0
    text = capsys.readouterr().out
    assert "[1]" in text and "lines" in text

    assert main(["build", "--index", str(index), "--if-stale"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_eval_writes_results_and_prints_metrics(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    index = tmp_path / "index"
    assert main(["build", "--index", str(index)]) == 0
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "a", "question": "Do I need a PhD?", "expect": "answer", "evidence": ["PhD"]})
        + "\n"
        + json.dumps({"id": "b", "question": "How do I bake bread?", "expect": "abstain"})
        + "\n"
    )
    out = tmp_path / "r.jsonl"
    capsys.readouterr()
    assert main(["eval", str(questions), "--index", str(index), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for metric in ("hit@1", "hit@3", "mrr@5", "false_abstain", "oos_abstain"):
        assert metric in printed
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[1]["abstained"] is True and rows[1]["citations"] == []


def test_ask_without_an_index_says_how_to_build_it(tmp_path, capsys):
    assert main(["ask", "--index", str(tmp_path / "none"), "Do I need a PhD?"]) == 2
    assert "python -m assistant build" in capsys.readouterr().err


def test_an_empty_question_exits_non_zero_with_a_hint_before_loading_anything(tmp_path, capsys):
    assert main(["ask", "--index", str(tmp_path / "no-index"), ""]) == 2
    assert "Please type a question" in capsys.readouterr().err


def test_eval_defaults_to_the_dev_set_kept_in_the_repository():
    from assistant.cli import DEV_SET, parser

    assert parser().parse_args(["eval"]).questions == str(DEV_SET)
    assert DEV_SET == ROOT / "tests" / "data" / "dev.jsonl" and DEV_SET.read_text().strip()


# `python -m assistant build` in a fresh process; prints the modules it imported, last.
BUILD_AND_LIST_MODULES = (
    "import json, sys\n"
    "from assistant.cli import main\n"
    "status = main(['build', *sys.argv[1:]])\n"
    "print(json.dumps({'status': status, 'modules': sorted(sys.modules)}))"
)
ANSWERING_STACK = {"assistant.assistant", "assistant.retrieval", "assistant.relevance", "assistant.answer", "bm25s"}


def test_build_imports_only_what_it_uses_and_the_model_only_when_there_is_text_to_embed(tmp_path, real_embedder):
    shutil.copytree(MINI_CORPUS, tmp_path / "corpus")
    build_index(tmp_path / "corpus", tmp_path / "index", real_embedder, project_root=tmp_path)

    def build() -> tuple[str, set[str]]:
        run = [sys.executable, "-c", BUILD_AND_LIST_MODULES, "--corpus", "corpus", "--index", "index"]
        out = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=True).stdout
        report, _, last = out.rstrip().rpartition("\n")
        listed = json.loads(last)
        assert listed["status"] == 0
        return report, set(listed["modules"])

    report, modules = build()  # nothing changed: every vector is reused, no model is loaded
    assert "units embedded: 0" in report
    assert not modules & {*ANSWERING_STACK, "torch", "sentence_transformers"}, modules & ANSWERING_STACK

    guide = tmp_path / "corpus" / "guide.md"
    guide.write_text(guide.read_text().replace("- Publish papers", "- Publish papers in journals"))
    report, modules = build()
    assert "units embedded: 2" in report and "sentence_transformers" in modules
    assert not modules & ANSWERING_STACK
