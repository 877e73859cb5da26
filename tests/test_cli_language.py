"""The ``turva`` command speaks Finnish, Swedish or English: ``--lang``, ``TURVA_LANG``, the
locale, else English. Tables and messages change language; ``--format json|csv|md`` never do.
"""

from __future__ import annotations

import json

import pytest
from neo4j import Driver

from tests.conftest import DATASET_2021
from turva.api.cli import language
from turva.api.cli.language import locale_lang, use_lang
from turva.api.cli.output import column_title, section_title
from turva.graph.domain.formats import read_document_data
from turva.graph.messages import gettext_for
from turva.queries import results
from turva.queries.words import SECTION_TITLES

AS_OF = "2025-07-01"
GAPS = ("gaps", "--as-of", AS_OF)

#: nothing in the test's own environment may choose the language
NO_LANGUAGE: dict[str, str | None] = {
    "TURVA_LANG": None,
    "LC_ALL": None,
    "LC_MESSAGES": None,
    "LANG": None,
    "LANGUAGE": None,
}
FINNISH = {**NO_LANGUAGE, "LANG": "fi_FI.UTF-8"}
SWEDISH = {**NO_LANGUAGE, "TURVA_LANG": "sv"}

#: the Gaps sections as the pages and the command name them in English
GAP_TITLES_EN = [
    "Phenomena without measures",
    "Single-branch phenomena",
    "Goals without measures",
    "Measures without an owner",
    "Measures without resources",
    "Overdue measures",
    "Stakeholders missing from groups",
    "Phenomena outside the groups",
]


def _ok(result) -> str:
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout  # type: ignore[no-any-return]


# --- without Neo4j -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "fi_FI.UTF-8"}, "fi"),
        ({"LANG": "sv_FI.UTF-8"}, "sv"),
        ({"LC_MESSAGES": "sv_SE", "LANG": "fi_FI.UTF-8"}, "sv"),
        ({"LC_ALL": "fi_FI@euro", "LC_MESSAGES": "sv_SE"}, "fi"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LC_ALL": "C.UTF-8", "LANG": "fi_FI.UTF-8"}, None),  # LC_ALL decides, as for all
        ({"LC_ALL": "", "LANG": "fi"}, "fi"),  # an empty variable is unset
        ({"LANG": "de_DE.UTF-8"}, None),
        ({}, None),
    ],
)
def test_the_locale_names_the_language(environ: dict[str, str], lang: str | None) -> None:
    assert locale_lang(environ) == lang


def _sections_and_columns() -> list[tuple[str, str]]:
    pairs = []
    for kind in vars(results).values():
        if isinstance(kind, type) and issubclass(kind, results.AnalysisResult):
            for section, columns in getattr(kind, "COLUMNS", {}).items():
                pairs += [(section, column) for column in columns]
    return pairs


def test_every_section_and_column_has_words_in_every_language() -> None:
    pairs = _sections_and_columns()
    assert ("overdue_measures", "end") in pairs and ("actors", "organisation") in pairs
    sections = {section for section, _ in pairs} | {"rows"}  # coverage's one section
    assert sections <= set(SECTION_TITLES)
    fi, sv = gettext_for("fi"), gettext_for("sv")
    for section in sorted(sections):
        english = SECTION_TITLES[section]
        assert fi(english) != english and sv(english) != english, section
    for section, column in pairs:
        assert column_title(section, column) != column, (section, column)


def test_titles_speak_the_chosen_language() -> None:
    before = language.current_lang()
    try:
        assert use_lang("sv") == "sv"
        assert section_title("groups_missing_stakeholders") == "Aktörer som saknas i grupperna"
        assert column_title("busy_organisations", "count") == "Antal grupper"
        assert use_lang("fi") == "fi"
        assert section_title("overdue_measures") == "Myöhässä olevat toimenpiteet"
        assert column_title("rows", "SM") == "SM"  # coverage's branch ids are data
    finally:
        use_lang(before)


# --- the command, against the 2021 dataset ------------------------------------------------


def test_lang_option_gives_finnish_tables(loaded_2021: Driver, turva) -> None:
    printed = _ok(turva("--lang", "fi", *GAPS, env={**NO_LANGUAGE, "TURVA_LANG": "sv"}))
    for words in [
        "Ilmiöt ilman toimenpiteitä",
        "Myöhässä olevat toimenpiteet",
        "Toimenpide",  # the column of an overdue measure's id
        "Päättyy",
        "kausi 2021, tilanne 2025-07-01",
    ]:
        assert words in printed, words
    for english in GAP_TITLES_EN + ["period 2021", " End ", "none"]:
        assert english not in printed, english
    for section in results.Gaps.COLUMNS:
        assert section not in printed, section


def test_turva_lang_gives_swedish_tables(loaded_2021: Driver, turva) -> None:
    printed = _ok(turva("who-addresses", "cybercrime", env=SWEDISH))
    for words in ["Vem arbetar med detta", "Aktör", "Förvaltningsområde", "Åtgärder", "perioden"]:
        assert words in printed, words
    for english in ["Who addresses it", "Actors", "Organisation", "Administrative branch"]:
        assert english not in printed, english
    overlaps = _ok(turva("overlaps", env=SWEDISH))
    assert "Överlappande prioritetsgrupper" in overlaps and "minst 3 grupper" in overlaps
    assert "Group overlaps" not in overlaps and "group_overlaps" not in overlaps


def test_the_locale_gives_finnish_and_lc_all_c_english(loaded_2021: Driver, turva) -> None:
    finnish = _ok(turva(*GAPS, "--section", "overdue_measures", env=FINNISH))
    assert "Myöhässä olevat toimenpiteet" in finnish and "Overdue measures" not in finnish
    english = _ok(turva(*GAPS, "--section", "overdue_measures", env={**FINNISH, "LC_ALL": "C"}))
    assert "Overdue measures" in english and "Myöhässä" not in english


def test_json_is_the_same_in_every_language(loaded_2021: Driver, turva) -> None:
    printed = [
        _ok(turva(*options, *GAPS, "--format", "json", env=env))
        for options, env in [
            ((), NO_LANGUAGE),
            (("--lang", "fi"), NO_LANGUAGE),
            ((), SWEDISH),
            ((), FINNISH),
        ]
    ]
    assert printed[0] and all(p == printed[0] for p in printed)


@pytest.mark.parametrize("fmt", ["csv", "md"])
def test_csv_and_markdown_speak_the_chosen_language_with_the_same_ids(
    fmt: str, loaded_2021: Driver, turva
) -> None:
    overdue = json.loads(_ok(turva(*GAPS, "--format", "json", env=NO_LANGUAGE)))
    ids = [row["id"] for row in overdue["overdue_measures"]]
    english = _ok(turva(*GAPS, "--format", fmt, env=NO_LANGUAGE))
    finnish = _ok(turva("--lang", "fi", *GAPS, "--format", fmt, env=NO_LANGUAGE))
    swedish = _ok(turva(*GAPS, "--format", fmt, env=SWEDISH))
    assert "Overdue measures" in english and "Myöhässä" not in english
    assert "Myöhässä olevat toimenpiteet" in finnish and "Overdue measures" not in finnish
    assert "Försenade åtgärder" in swedish and "Overdue measures" not in swedish
    assert ids and all(i in text for i in ids for text in (english, finnish, swedish))


@pytest.mark.parametrize(
    ("env", "words", "english"),
    [
        ({**NO_LANGUAGE, "TURVA_LANG": "fi"}, "virhe: tuntematon ilmiö 'no-such'", "unknown"),
        (SWEDISH, "fel: okänt fenomen 'no-such'", "unknown"),
        (NO_LANGUAGE, "error: unknown phenomenon 'no-such'", "tuntematon"),
    ],
)
def test_errors_come_in_the_chosen_language(
    env: dict[str, str | None], words: str, english: str, loaded_2021: Driver, turva
) -> None:
    result = turva("who-addresses", "no-such", env=env)
    assert result.code == 1 and result.stdout == ""
    message = " ".join(result.stderr.split())
    assert words in message and english not in message, message


def test_the_commands_own_errors_and_counts_are_translated(
    loaded_2021: Driver, turva, tmp_path
) -> None:
    bad_date = turva("--lang", "sv", *GAPS[:2], "tomorrow")
    assert bad_date.code == 1
    assert "ange --as-of som ett datum" in " ".join(bad_date.stderr.split())
    section = turva("--lang", "fi", *GAPS, "--section", "nope")
    assert "tuntematon osio 'nope'" in " ".join(section.stderr.split())
    dry = _ok(turva("--lang", "fi", "load", "--dry-run", str(DATASET_2021)))
    # every record of the file and every yearly value of its indicators
    written = read_document_data(DATASET_2021)
    count = sum(len(v) for v in written.values() if isinstance(v, list))
    assert f"kelvollinen; ladattaisiin {count} tietuetta (" in " ".join(dry.split())
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: turva/1\nthemes: [{id: t1}]\n", encoding="utf-8")
    invalid = turva("--lang", "fi", "load", str(broken))
    assert invalid.code == 1
    message = " ".join(invalid.stderr.split())
    # the header and each issue speak Finnish; the issue keeps its field path
    assert "virhe: tiedostossa on 1 virhe, joten mitään ei tallennettu" in message, message
    assert "themes[0].name: pakollinen kenttä puuttuu" in message, message


def test_a_bad_turva_lang_is_a_clear_error(turva) -> None:
    result = turva("gaps", env={**NO_LANGUAGE, "TURVA_LANG": "de"})
    assert result.code == 1 and "Traceback" not in result.stderr
    assert "TURVA_LANG" in result.stderr and "internal error" not in result.stderr
    assert turva("--lang", "de", "gaps").code == 2  # a usage error, as for any bad option
