"""The seedbot command line, as a person or a script uses it."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main, run_chat
from retrieval.engine import Engine
from tests.paths import FIRST_ARTICLE, ROOT, SEEDS


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_ask_json_answers_from_the_first_article() -> None:
    done = run_cli("ask", "--json", "Who proposed a 30-day ceasefire?")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["answered"] is True
    top = data["results"][0]
    assert top["source"]["file"] == FIRST_ARTICLE
    assert "30-day general ceasefire" in top["excerpt"]
    assert top["excerpt"] in (SEEDS / FIRST_ARTICLE).read_text(encoding="utf-8")
    assert top["paragraph"] == 5
    assert top["source"]["author"] == "Jennifer Mathers"


def test_ask_prints_quotes_and_citations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Who is Yuri Ushakov?"]) == 0
    out = capsys.readouterr().out
    assert "[1] “" in out and "*Yuri* *Ushakov*" in out
    assert "paragraph 2" in out and "July 4, 2025" in out


def test_explain_says_why_the_top_passage_won(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--explain", "Who broke the ceasfire?"]) == 0
    why = json.loads(capsys.readouterr().out)["explanation"]
    assert why["corrections"] == {"ceasfire": "ceasefire"}
    assert "ceasefir" in {t["term"] for t in why["terms"]}  # stemmed, as the index holds it
    assert why["cross_encoder"]["shortlist"] == 10
    top = why["top"]
    assert top["matched_terms"] and 0 < top["coverage"] <= 1
    assert isinstance(top["relevance"], float)


def test_batch_mode_answers_every_line_in_order() -> None:
    lines = [
        "Who is Kirill Dmitriev?",
        "",
        "\x00\x07",
        "the of and",
        "x" * 10_000,
        "😀",
        "Who is Yuri Ushakov?",
    ]
    done = run_cli("ask", "--json", "-", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == len(lines)
    assert [row["answered"] for row in rows] == [True, False, False, False, False, False, True]
    assert all(row["message"] for row in rows if not row["answered"])
    assert "Traceback" not in done.stderr


def test_sources_lists_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "--json"]) == 0
    sources = json.loads(capsys.readouterr().out)
    assert [s["file"] for s in sources] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert sources[0]["outlet"] == "The Conversation"


def test_corpus_option_and_skipped_file_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ok.md").write_text(
        "# Harbour news\n\nThe harbour master closed the north pier after the storm.\n"
    )
    (tmp_path / "broken.txt").write_bytes(b"\xff\xfe\xfa bad bytes")
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    assert main(["ask", "--corpus", str(tmp_path), "--json", "Why was the pier closed?"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["results"][0]["source"]["title"] == "Harbour news"
    assert "broken.txt" in captured.err and "UTF-8" in captured.err
    assert "not read: report.pdf" in captured.err


def test_nothing_found_points_to_the_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "How do I bake sourdough bread?"]) == 0
    assert "seedbot sources" in capsys.readouterr().out


def test_chat_answers_pages_and_quits(seed_engine: Engine) -> None:
    out = io.StringIO()
    run_chat(seed_engine, io.StringIO("ceasefire\nmore\nsources\n\nquit\nnever read\n"), out)
    text = out.getvalue()
    assert "[1] “" in text and "[4] “" in text
    assert "Jennifer Mathers" in text
    assert "Please ask a question" in text


def test_chat_reads_a_follow_up_with_the_question_before(seed_engine: Engine) -> None:
    out = io.StringIO()
    chat = "Who is Kirill Dmitriev?\nwhy did he go to Washington?\ntell me more\n"
    run_chat(seed_engine, io.StringIO(chat), out)
    text = out.getvalue()
    assert "(read as: why did he go to Washington? (Who is Kirill Dmitriev?))" in text
    assert "[4] “" in text  # "tell me more" paged on


def test_start_without_token_opens_the_chat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="Who is Kirill Dmitriev?\nquit\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
        env={k: v for k, v in __import__("os").environ.items() if k != "DISCORD_TOKEN"},
    )
    assert done.returncode == 0, done.stderr
    assert "DISCORD_TOKEN" in done.stderr
    assert "Dmitriev" in done.stdout


def test_corpus_option_works_before_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text(
        "The harbour master closed the north pier after the storm hit.\n"
    )
    assert main(["--corpus", str(tmp_path), "sources", "--json"]) == 0
    assert [s["file"] for s in json.loads(capsys.readouterr().out)] == ["a.txt"]


def test_index_is_built_once_then_loaded_and_rebuilt_after_an_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for seed in SEEDS.glob("*.txt"):
        (tmp_path / seed.name).write_bytes(seed.read_bytes())
    assert main(["index", "--corpus", str(tmp_path)]) == 0
    assert " built in " in capsys.readouterr().out
    assert main(["index", "--corpus", str(tmp_path)]) == 0
    assert " loaded in " in capsys.readouterr().out
    with (tmp_path / FIRST_ARTICLE).open("a", encoding="utf-8") as article:
        article.write(
            "\nA new closing paragraph about the harbour and the ferry timetable was added.\n"
        )
    assert main(["index", "--corpus", str(tmp_path)]) == 0
    assert " rebuilt in " in capsys.readouterr().out
    assert (tmp_path / ".seedbot-index").is_dir()
