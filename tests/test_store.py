import json
from pathlib import Path

import pytest
from conftest import FakeEmbedder

from assistant import Assistant
from assistant.build import build_index
from assistant.store import FORMAT_VERSION, IndexError_, load_store, read_manifest


def built(corpus: Path, tmp_path: Path, embedder) -> Path:
    index = tmp_path / "index"
    build_index(corpus, index, embedder, project_root=tmp_path)
    return index


def test_manifest_records_what_the_index_is(mini_corpus, tmp_path, fake_embedder):
    index = built(mini_corpus, tmp_path, fake_embedder)
    manifest = read_manifest(index)
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["model"] == {"name": "fake-hash-64", "dimension": 64, "normalized": True}
    assert manifest["metric"] == "inner_product"
    assert manifest["chunking"]["max_chars"] == 600
    assert set(manifest["corpus"]["files"]) == {"corpus/guide.md", "corpus/study.md", "corpus/notes.txt"}
    assert all(len(f["sha256"]) == 64 for f in manifest["corpus"]["files"].values())
    assert manifest["package_version"] and manifest["built_at"]
    rows = [json.loads(line) for line in (index / "current" / "chunks.jsonl").read_text().splitlines()]
    assert sum(len(r["units"]) for r in rows) == manifest["faiss"]["ntotal"]


def test_an_index_from_another_model_is_refused_with_the_rebuild_command(mini_corpus, tmp_path, fake_embedder):
    index = built(mini_corpus, tmp_path, fake_embedder)

    class Other(FakeEmbedder):
        name = "another-model"

    with pytest.raises(IndexError_, match="python -m assistant build"):
        Assistant.load(index, embedder=Other())


def test_an_index_of_another_format_version_is_refused(mini_corpus, tmp_path, fake_embedder):
    index = built(mini_corpus, tmp_path, fake_embedder)
    path = index / "current" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["format_version"] = FORMAT_VERSION + 1
    path.write_text(json.dumps(manifest))
    with pytest.raises(IndexError_, match="version .*python -m assistant build"):
        load_store(index, "fake-hash-64", 64)


@pytest.mark.parametrize("damage", ["missing", "corrupt-faiss", "corrupt-chunks", "corrupt-manifest"])
def test_a_missing_or_damaged_index_gets_a_clear_message(mini_corpus, tmp_path, fake_embedder, damage):
    index = built(mini_corpus, tmp_path, fake_embedder)
    build = index / "current"
    if damage == "missing":
        index = tmp_path / "nowhere"
    elif damage == "corrupt-faiss":
        (build / "vectors.faiss").write_bytes(b"not a faiss file")
    elif damage == "corrupt-chunks":
        (build / "chunks.jsonl").write_text("{broken json\n")
    else:
        (build / "manifest.json").write_text("{")
    with pytest.raises(IndexError_, match="python -m assistant build"):
        load_store(index, "fake-hash-64", 64)


def test_citations_name_the_file_and_lines_they_quote(mini_corpus, tmp_path, fake_embedder):
    index = built(mini_corpus, tmp_path, fake_embedder)
    assistant = Assistant.load(index, embedder=fake_embedder)
    result = assistant.ask("Kaggle ranking competence")
    assert not result.abstained
    top = result.citations[0]
    assert top.source == "corpus/notes.txt"
    lines = (tmp_path / top.source).read_text().split("\n")
    assert "\n".join(lines[top.start_line - 1 : top.end_line]) == top.excerpt
