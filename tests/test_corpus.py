import re
from pathlib import Path

from conftest import ROOT, SEED

from assistant.corpus import CorpusProblem, load_corpus

GUIDE = ROOT / "corpus" / "ai-ml-career-guide-2026.md"


def seed_bullets() -> list[str]:
    bullets = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*(?:•\s*)+(.+)$", line)
        if match:
            bullets.append(match.group(1).strip())
    return bullets


def test_every_seed_bullet_is_a_list_item_of_the_corpus():
    corpus_items = {
        line[2:].strip() for line in GUIDE.read_text(encoding="utf-8").splitlines() if line.startswith("- ")
    }
    bullets = seed_bullets()
    assert len(bullets) > 100
    missing = [b for b in bullets if b not in corpus_items]
    assert missing == []


def test_every_seed_sentence_is_in_the_corpus_verbatim():
    corpus = GUIDE.read_text(encoding="utf-8")
    sentences = [
        line.strip()
        for line in SEED.read_text(encoding="utf-8").splitlines()
        if len(line.strip()) > 40 and not line.strip().startswith("•")
    ]
    assert sentences, "the seed has prose lines"
    assert [s for s in sentences if s not in corpus] == []


def test_corpus_has_the_guide_structure_as_headings():
    headings = [line for line in GUIDE.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert headings[0] == "# AI and Machine Learning Career Guide 2026"
    for expected in (
        "## AI/ML Career Roles",
        "### AI Research Scientist",
        "#### Graduate",
        "### Senior ML Engineer / Staff Scientist",
    ):
        assert expected in headings


def test_loader_reads_several_files_and_names_the_bad_ones(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text("# Good\n\nFine text.\n", encoding="utf-8")
    (corpus / "notes.txt").write_text("Plain notes.\n", encoding="utf-8")
    (corpus / "latin1.md").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (corpus / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (corpus / "empty.txt").write_text("  \n", encoding="utf-8")
    (corpus / "image.png").write_bytes(b"\x89PNG")  # not a corpus file type: ignored silently

    documents, problems = load_corpus(corpus, project_root=tmp_path)

    assert sorted(d.source for d in documents) == ["corpus/good.md", "corpus/notes.txt"]
    reasons = {p.source: p.reason for p in problems}
    assert set(reasons) == {"corpus/latin1.md", "corpus/binary.md", "corpus/empty.txt"}
    assert "UTF-8" in reasons["corpus/latin1.md"]
    assert "binary" in reasons["corpus/binary.md"]
    assert "empty" in reasons["corpus/empty.txt"]
    assert all(isinstance(p, CorpusProblem) and p.source in str(p) for p in problems)


def test_loader_normalises_line_endings_and_bom(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "dos.md").write_bytes(b"\xef\xbb\xbf# Title\r\n\r\n- item\r\n")
    documents, problems = load_corpus(corpus, project_root=tmp_path)
    assert problems == []
    assert documents[0].text == "# Title\n\n- item\n"


def test_a_link_out_of_the_corpus_is_refused_with_a_reason_and_never_read(mini_corpus, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("# Secrets\n\n- root:x:0:0:root:/root:/bin/bash\n")
    (mini_corpus / "passwd.md").symlink_to(secret)
    (mini_corpus / "again.md").symlink_to(mini_corpus / "guide.md")  # a link inside the corpus is fine
    documents, problems = load_corpus(mini_corpus, tmp_path)
    assert "root:x:0:0" not in " ".join(d.text for d in documents)
    assert [str(p) for p in problems] == [
        "corpus/passwd.md: is a link to a file outside the corpus folder; only files inside it are indexed"
    ]
    assert "corpus/again.md" in [d.source for d in documents]


def test_a_file_over_the_size_limit_is_skipped_with_a_reason(mini_corpus, tmp_path):
    (mini_corpus / "huge.md").write_text("# Huge\n\n" + "- a line of the huge file\n" * 50_000)  # 1.3 MB
    documents, problems = load_corpus(mini_corpus, tmp_path, max_file_bytes=1_000_000)
    assert "corpus/huge.md" not in [d.source for d in documents] and len(documents) == 3
    assert len(problems) == 1 and problems[0].source == "corpus/huge.md"
    assert "is 1.3 MB, over the limit of 1 MB" in problems[0].reason and "--max-file-mb" in problems[0].reason
