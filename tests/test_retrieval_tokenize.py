from retrieval.query import sanitize_question
from retrieval.text import fold, strip_control
from retrieval.tokenize import tokenize


def test_possessive_finds_the_name() -> None:
    assert tokenize("Trump’s") == tokenize("Trump") == tokenize("TRUMP'S") == ["trump"]


def test_curly_quotes_dashes_and_nbsp_are_normalised() -> None:
    assert fold("“Mistake” – it’s\u00a0over") == '"mistake" - it\'s over'
    assert tokenize("30‑day ceasefire") == tokenize("30-day ceasefire") == ["30", "day", "ceasefir"]


def test_case_folding_and_stemming_match_inflections() -> None:
    assert tokenize("Ceasefires negotiated") == tokenize("ceasefire negotiating")


def test_stopwords_are_dropped() -> None:
    assert tokenize("What is the of and who did") == []
    assert tokenize("Who proposed the ceasefire?") == ["propos", "ceasefir"]


def test_other_scripts_tokenize_without_error() -> None:
    assert tokenize("Что такое НАТО?") == ["что", "такое", "нато"]
    assert tokenize("北约是什么") != []


def test_emoji_and_punctuation_have_no_terms() -> None:
    assert tokenize("😀🔥 ?!... ***") == []


def test_control_characters_are_removed() -> None:
    assert strip_control("a\x00b\x07c\u200bd") == "abcd"
    assert tokenize(sanitize_question("cease\x00fire\x1b")) == tokenize("ceasefire")


def test_terminal_colour_codes_go_whole() -> None:
    assert strip_control("\x1b[1;31mceasefire\x1b[0m?") == "ceasefire?"
    assert strip_control("\x1b]0;title\x07Kyiv") == "Kyiv"
    assert strip_control("plain [31m text") == "plain [31m text"  # no escape, nothing to take


def test_compatibility_forms_fold() -> None:
    assert tokenize("ﬁnance ＮＡＴＯ") == tokenize("finance NATO")


def test_the_control_characters_are_exactly_unicodes_invisible_ones() -> None:
    """One definition, checked against the Unicode database: Cc but tab and newline, Cf, Cs, Co."""
    import re
    import sys
    import unicodedata

    from retrieval.text import CONTROL_CHARACTERS

    pattern = re.compile(f"[{CONTROL_CHARACTERS}]")
    stripped = {c for c in range(sys.maxunicode + 1) if pattern.match(chr(c))}
    wanted = {
        c
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) in ("Cc", "Cf", "Cs", "Co") and chr(c) not in "\t\n"
    }
    assert stripped <= wanted  # nothing visible is ever stripped
    if unicodedata.unidata_version == "14.0.0":  # the ranges are written for Python 3.11's
        assert stripped == wanted


def test_plain_line_is_one_clean_line() -> None:
    from retrieval.text import plain_line

    assert (
        plain_line("  who\u200b is\tthe\u00a0mayor?\n\n\x1b[31mnow\u202e ")
        == "who is the mayor? now"
    )
    assert plain_line("\udcff caf\ue000é") == "café"
    assert plain_line("") == ""


def test_british_and_american_spellings_are_one_term() -> None:
    assert tokenize("licence") == tokenize("license")
    assert tokenize("Defence organised colour") == tokenize("defense organized color")
    # A word spelt alike on both sides of the Atlantic is left as it is.
    assert tokenize("ceasefire") == ["ceasefir"]
