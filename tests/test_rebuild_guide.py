"""The real guide and the real model: a one-section edit embeds that section again and nothing else."""

import shutil

import pytest
from conftest import ROOT

from assistant import Assistant
from assistant.build import build_index

pytestmark = pytest.mark.slow

OLD = "- Publish papers\n"
NEW = "- Publish papers at top venues\n"


def test_editing_one_section_of_the_guide_re_embeds_only_its_passage(guide_index, real_embedder, tmp_path):
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    index = tmp_path / "index"
    shutil.copytree(guide_index, index, symlinks=True)  # the session's full build, as if built here
    guide = tmp_path / "corpus" / "ai-ml-career-guide-2026.md"
    assert guide.read_text().count(OLD) == 1
    guide.write_text(guide.read_text().replace(OLD, NEW))

    report = build_index(tmp_path / "corpus", index, real_embedder, project_root=tmp_path)

    assert report.embedded_chunks == [
        "corpus/ai-ml-career-guide-2026.md::AI/ML Career Roles > AI Research Scientist::1"
    ]
    assert (report.chunks_changed, report.chunks_added, report.chunks_removed) == (1, 0, 0)
    assert report.units_embedded == 2 and report.units_reused > 100
    answer = Assistant.load(index, embedder=real_embedder).ask("Do research scientists publish at top venues?")
    assert any("Publish papers at top venues" in c.excerpt for c in answer.citations)
