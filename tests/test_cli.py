"""The seedbot command line, as a person or a script uses it."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main, run_chat, with_progress
from retrieval.engine import Engine
from tests.paths import FIRST_ARTICLE, ROOT, SEEDS

# What a user's environment might set and the tests must not inherit.
_CLEAN_ENV = {
    name: value
    for name, value in os.environ.items()
    if not name.startswith("SEEDBOT_") and name != "DISCORD_TOKEN"
}


def run_cli(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real ``python -m bot`` over the temporary copy of the seeds (unless --corpus)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env=_CLEAN_ENV | {"SEEDBOT_CORPUS_DIR": str(SEEDS)} | (env or {}),
    )


def run_cli_bytes(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    """As ``run_cli``, with raw bytes in and out: for what is not valid UTF-8."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env=_CLEAN_ENV | {"SEEDBOT_CORPUS_DIR": str(SEEDS)},
    )


def _harbour_corpus(folder: Path) -> Path:
    (folder / "harbour.md").write_text(
        "# Harbour news\n\nThe harbour master closed the north pier after the storm.\n",
        encoding="utf-8",
    )
    return folder


def _plain_text_corpus(folder: Path) -> Path:
    """The harbour article as plain text, without front matter: no parser but the plain one."""
    (folder / "harbour.txt").write_text(
        "Harbour news\n\nThe harbour master closed the north pier after the storm.\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(autouse=True)
def _seed_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process commands read the temporary copy of the seeds, never the repository's."""
    for name in [name for name in os.environ if name.startswith("SEEDBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("SEEDBOT_CORPUS_DIR", str(SEEDS))


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
    assert "no more quotes" in text  # one quote answers it: nothing to page on to


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


# -- the terminal shows no log records unless asked -------------------------------------


def test_chat_and_ask_print_no_log_records(tmp_path: Path) -> None:
    corpus = _harbour_corpus(tmp_path)
    (corpus / "broken.txt").write_bytes(b"\xff\xfe\xfa bad bytes")
    chat = run_cli("--corpus", str(corpus), "chat", stdin="Why was the pier closed?\nquit\n")
    assert chat.returncode == 0, chat.stderr
    assert "the north *pier* after the storm" in chat.stdout
    lines = chat.stderr.splitlines()
    assert lines and all(line.startswith("seedbot: skipped broken.txt") for line in lines)
    for command in (["ask", "pier"], ["sources"], ["ask", "--json", "-"]):
        done = run_cli("--corpus", str(corpus), *command, stdin="pier\n")
        assert done.returncode == 0, done.stderr
        assert [line for line in done.stderr.splitlines() if not line.startswith("seedbot: ")] == []


def test_log_level_brings_the_log_records_back(tmp_path: Path) -> None:
    corpus = _harbour_corpus(tmp_path)
    asked = run_cli("--corpus", str(corpus), "ask", "--log-level", "DEBUG", "pier")
    assert " DEBUG " in asked.stderr
    by_env = run_cli("--corpus", str(corpus), "ask", "pier", env={"SEEDBOT_LOG_LEVEL": "DEBUG"})
    assert " DEBUG " in by_env.stderr
    wrong = run_cli("--corpus", str(corpus), "ask", "--log-level", "LOUD", "pier")
    assert wrong.returncode == 2 and "DEBUG, INFO" in wrong.stderr


# -- a corpus folder that cannot be used is an error, in one line -----------------------


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("seedbot: "), done.stderr
    return lines[0]


def test_a_missing_corpus_folder_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    for command in (["ask", "x"], ["ask", "--json", "x"], ["sources"], ["chat"], ["index"]):
        line = _one_line_error(run_cli("--corpus", str(missing), *command))
        assert "does not exist" in line and "--corpus" in line and "SEEDBOT_CORPUS_DIR" in line
    line = _one_line_error(run_cli("ask", "x", env={"SEEDBOT_CORPUS_DIR": str(missing)}))
    assert str(missing) in line


def test_a_file_or_an_empty_folder_is_not_a_corpus(tmp_path: Path) -> None:
    article = _harbour_corpus(tmp_path) / "harbour.md"
    assert "is not a folder" in _one_line_error(run_cli("--corpus", str(article), "ask", "x"))
    empty = tmp_path / "empty"
    empty.mkdir()
    line = _one_line_error(run_cli("--corpus", str(empty), "ask", "x"))
    assert "holds no articles" in line and ".txt, .md or .html" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_corpus_folder_is_an_error(tmp_path: Path) -> None:
    corpus = _harbour_corpus(tmp_path)
    corpus.chmod(0)
    try:
        assert "cannot read" in _one_line_error(run_cli("--corpus", str(corpus), "ask", "x"))
    finally:
        corpus.chmod(0o755)


# -- one range for the number of quotes --------------------------------------------------


@pytest.mark.parametrize("top", ["0", "11", "12", "-1", "three"])
def test_top_outside_one_to_ten_is_refused(top: str) -> None:
    done = run_cli("ask", "--top", top, "ceasefire")
    assert done.returncode == 2
    assert "the number of quotes must be a whole number from 1 to 10" in done.stderr


@pytest.mark.parametrize("value", ["0", "50", "many"])
def test_seedbot_top_k_outside_one_to_ten_is_refused_in_the_same_words(value: str) -> None:
    line = _one_line_error(run_cli("ask", "ceasefire", env={"SEEDBOT_TOP_K": value}))
    assert "the number of quotes must be a whole number from 1 to 10" in line
    assert "SEEDBOT_TOP_K" in line and "validation error" not in line.lower()


def test_top_ten_gives_up_to_ten_quotes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--top", "10", "ceasefire"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert 3 < len(results) <= 10


# -- batches ------------------------------------------------------------------------------


def test_plain_batch_prints_each_question_before_its_answer() -> None:
    questions = ["Who is Yuri Ushakov?", "hi", "Who proposed a 30-day ceasefire?"]
    done = run_cli("ask", "-", stdin="\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    places = [out.index(f"Q{n}: {q}") for n, q in enumerate(questions, start=1)]
    assert places == sorted(places) and places[0] == 0
    first, second, third = (out[a:b] for a, b in zip(places, [*places[1:], len(out)], strict=True))
    assert "Ushakov" in first and "[1] “" in first
    assert "[1] “" not in second  # small talk: a reply, no quotes
    assert "30-day" in third


def test_json_output_is_valid_utf8_one_object_a_line() -> None:
    stdin = (
        b"Who is \xff\xfe Yuri Ushakov?\n"  # not UTF-8
        b"ceasefire \xe2\x80\xa8 line separator\n"  # U+2028 inside a question
        b"\xed\xa0\x80 encoded surrogate\n"
        b"Who is Kirill Dmitriev?\n"
    )
    done = run_cli_bytes("ask", "--json", "-", stdin=stdin)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")  # raises on any invalid byte
    lines = text.splitlines()  # splits on U+2028 too: it must not occur raw
    assert len(lines) == 4 and text.endswith("\n")
    rows = [json.loads(line) for line in lines]
    assert rows[0]["question"] == "Who is \ufffd\ufffd Yuri Ushakov?" and rows[0]["answered"]
    assert "\u2028" in rows[1]["question"] and "\\u2028" in lines[1]
    assert rows[3]["answered"] is True


def test_a_file_name_that_is_not_utf8_is_cited_safely(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / name).write_text(
        "The harbour master closed the north pier after the storm.\n", encoding="utf-8"
    )
    as_json = run_cli_bytes("--corpus", str(tmp_path), "ask", "--json", "-", stdin=b"pier\n")
    assert as_json.returncode == 0, as_json.stderr
    row = json.loads(as_json.stdout.decode("utf-8"))
    # The corpus names such a file by its display form, the undecodable byte shown as U+FFFD.
    assert row["results"][0]["source"]["file"] == "caf\ufffd.txt"
    listed = run_cli_bytes("--corpus", str(tmp_path), "sources", "--json", stdin=b"")
    assert json.loads(listed.stdout.decode("utf-8"))[0]["file"] == "caf\ufffd.txt"
    plain = run_cli_bytes("--corpus", str(tmp_path), "ask", "pier", stdin=b"")
    assert plain.returncode == 0 and "caf\ufffd.txt" in plain.stdout.decode("utf-8")


# -- eval ---------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_eval_progress_bar_moves_on_a_terminal_only(seed_engine: Engine) -> None:
    terminal = _Terminal()
    answer, close = with_progress(seed_engine.answer, 2, terminal)
    answer("Who is Yuri Ushakov?")
    answer("Who is Kirill Dmitriev?")
    close()
    assert "2/2" in terminal.getvalue()
    pipe = io.StringIO()
    same, close = with_progress(seed_engine.answer, 2, pipe)
    assert same == seed_engine.answer
    close()
    assert pipe.getvalue() == ""


def _two_questions(tmp_path: Path) -> Path:
    """A labelled file of one answerable and one unanswerable question."""
    questions = tmp_path / "q.jsonl"
    rows = [
        {
            "id": "a",
            "question": "Who is Yuri Ushakov?",
            "answerable": True,
            "answers": ["Putin’s foreign policy aide Yuri Ushakov"],
            "category": "factoid",
        },
        {
            "id": "b",
            "question": "How do I bake sourdough bread?",
            "answerable": False,
            "answers": [],
            "category": "unanswerable",
        },
    ]
    questions.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return questions


def test_eval_through_a_pipe_prints_the_report_and_no_bar(tmp_path: Path) -> None:
    questions = _two_questions(tmp_path)
    done = run_cli("eval", str(questions))
    assert done.returncode == 0, done.stderr
    assert "hit@1" in done.stdout
    assert "%|" not in done.stderr and "questions" not in done.stderr


def test_eval_on_a_terminal_shows_the_bar(tmp_path: Path) -> None:
    """The real command with its stderr on a pseudo-terminal, as a person runs it."""
    import fcntl
    import pty
    import struct
    import termios
    import threading

    questions = _two_questions(tmp_path)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # as a window has
    seen: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the other end closed
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "eval", str(questions)],
            stdout=subprocess.PIPE,
            stderr=slave,
            cwd=ROOT,
            timeout=120,
            check=False,
            env=_CLEAN_ENV | {"SEEDBOT_CORPUS_DIR": str(SEEDS)},
        )
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    assert done.returncode == 0
    assert b"hit@1" in done.stdout
    shown = b"".join(seen).decode("utf-8", "replace")
    assert "questions: 100%" in shown and "2/2" in shown


# -- --explain ------------------------------------------------------------------------------


def test_explain_prints_a_readable_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--explain", "Who broke the ceasfire?"]) == 0
    out = capsys.readouterr().out
    why = out[out.index("Why:") :]
    assert "{" not in why  # not JSON
    assert "spelling: ceasfire → ceasefire" in why
    for row in ("word coverage", "unknown names", "closeness in meaning", "cross-encoder logit"):
        assert row in why
    assert "≥ 0.25" in why  # coverage beside its threshold
    assert "verdict: no-answer rule: answer; answered" in why
    assert "because: " in why


def test_explain_says_why_a_question_is_declined(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--explain", "What is the capital of Canada?"]) == 0
    why = capsys.readouterr().out.split("Why:")[1]
    assert "declined (" in why
    because = why.split("because: ")[1]
    assert "unrelated" in because or "something else" in because or "never mention" in because


# -- index ----------------------------------------------------------------------------------


def test_index_that_cannot_be_saved_says_so(tmp_path: Path) -> None:
    corpus = _harbour_corpus(tmp_path)
    (corpus / ".seedbot-index").write_text("in the way")  # a file where the folder goes
    done = run_cli("--corpus", str(corpus), "index")
    assert done.returncode == 1
    assert "not saved, cannot write" in done.stdout and "small corpus" not in done.stdout
    assert "%|" not in done.stderr  # no progress bars into a pipe


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_index_on_a_read_only_folder_says_it_is_read_only(tmp_path: Path) -> None:
    corpus = _harbour_corpus(tmp_path)
    corpus.chmod(0o555)
    try:
        done = run_cli("--corpus", str(corpus), "index")
    finally:
        corpus.chmod(0o755)
    assert done.returncode == 1
    assert "is read-only" in done.stdout and "small corpus" not in done.stdout


def test_index_of_a_small_corpus_says_where_it_is_saved(tmp_path: Path) -> None:
    done = run_cli("--corpus", str(_harbour_corpus(tmp_path)), "index")
    assert done.returncode == 0, done.stderr
    assert f"saved in {tmp_path / '.seedbot-index'}" in done.stdout
    assert (tmp_path / ".seedbot-index").is_dir()


# -- --article ------------------------------------------------------------------------------


def test_article_that_names_nothing_is_an_error() -> None:
    line = _one_line_error(run_cli("ask", "--article", "no such piece", "ceasefire"))
    assert "no article is named" in line and "seedbot sources" in line


def test_article_restricts_the_answer_to_one_article(capsys: pytest.CaptureFixture[str]) -> None:
    second = "002_cedde9cd03eafeb7.txt"
    assert main(["ask", "--json", "--top", "5", "Trump"]) == 0
    everywhere = json.loads(capsys.readouterr().out)["results"]
    assert len({r["source"]["file"] for r in everywhere}) == 2  # both articles name him
    assert main(["ask", "--json", "--top", "5", "--article", second, "Trump"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results and {r["source"]["file"] for r in results} == {second}
    assert main(["ask", "--json", "--article", second, "ceasefire"]) == 0  # only the other has it
    assert json.loads(capsys.readouterr().out)["answered"] is False
    title = json.loads(run_cli("sources", "--json").stdout)[1]["title"]
    assert main(["ask", "--json", "--article", title, "Who is Yuri Ushakov?"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert {r["source"]["file"] for r in results} == {second}


# -- start-up: a command loads only what it uses ----------------------------------------------


def test_ask_without_models_loads_no_model_runtime_discord_or_vote_store(tmp_path: Path) -> None:
    """Nor the parsers of what the folder does not hold (Markdown, front matter, web pages,
    aliases) or the spelling index a question without typos never needs."""
    script = (
        "import sys\n"
        "from bot.cli import main\n"
        "code = main(['ask', '--json', 'Why was the pier closed?'])\n"
        "wanted = ('onnxruntime', 'discord', 'bot.store', 'sqlite3', 'trafilatura', 'tqdm',\n"
        "          'markdown_it', 'frontmatter', 'yaml', 'symspellpy', 'rapidfuzz')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in wanted or m in wanted))\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env=_CLEAN_ENV
        | {
            "SEEDBOT_CORPUS_DIR": str(_plain_text_corpus(tmp_path)),
            "SEEDBOT_SEMANTIC": "false",
            "SEEDBOT_CROSS_ENCODER": "false",
        },
    )
    assert done.returncode == 0, done.stderr
    answer, loaded = done.stdout.splitlines()
    assert json.loads(answer)["answered"] is True
    assert loaded == "[]"
