"""The one message catalogue: every marked text (pages, maps, the ``turva`` command) is
translated into Finnish and Swedish, the page templates hold no words of their own, and the
pages speak Finnish, Swedish and English (the command's languages: test_cli_language.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from neo4j import Driver

from tests.api_client import client
from turva.api import web
from turva.graph.domain import words
from turva.graph.domain.model import BODY_KINDS, MEASURE_STATUSES, ORGANISATION_KINDS
from turva.graph.messages import LANGS, gettext_for, po_files

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "api" / "templates"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _po(lang: str) -> Catalog:
    """The catalogue of ``lang`` as the service reads it: ``turva.po``, then any other file."""
    merged = Catalog(locale=lang)
    for path in po_files(lang):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if not message.id:
                    continue
                have = merged.get(message.id, context=message.context)
                done = have is not None and not have.fuzzy and _forms(have.string)
                if not done or not all(_forms(have.string)):
                    merged[message.id] = message
    return merged


def _keywords() -> list[str]:
    """The ``-k`` options of ``make messages`` (the Makefile is the one place they live)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    extract = re.search(r"pybabel extract(.*?)(?<!\\)\n", makefile, re.S)
    assert extract, "the Makefile's messages target runs pybabel extract"
    return [arg for k in re.findall(r"-k\s+(\S+)", extract.group(1)) for arg in ("-k", k)]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """What ``make messages`` extracts from the tree today, into a temporary .pot."""
    pot = tmp_path_factory.mktemp("messages") / "turva.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg"]
        + [*_keywords(), "--no-location", "--project", "turva", "-o", str(pot), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return read_po(handle)


def _forms(string: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if not string:
        return ()
    return (string,) if isinstance(string, str) else tuple(string)


def test_extraction_finds_the_pages_words(extracted):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    # from templates, N_ tables in web.py and maps.py, and ngettext in a template
    assert {"Gaps", "Who addresses it", "planned", "ministry", "Show"} <= ids
    assert {"Phenomena without measures", "Who works on what", "%(n)s phenomenon"} <= ids


def test_extraction_finds_the_commands_words(extracted):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    # the CLI's N_ tables (api/cli/output.py), _() messages and ngettext counts
    assert {"Overlapping priority groups", "Number of groups", "none", "error:"} <= ids
    assert {"unknown phenomenon %(id)s", "loaded %(n)s record", "at least %(n)s branch"} <= ids


@pytest.mark.parametrize("lang", LANGS)
def test_every_extracted_message_is_in_the_catalogue(extracted, lang):
    catalogue = _po(lang)
    problems = []
    for message in extracted:
        if not message.id:
            continue
        entry = catalogue.get(message.id, context=message.context)
        if entry is None:
            problems.append(f"missing: {message.context or ''} {message.id!r}")
            continue
        forms = _forms(entry.string)
        if entry.fuzzy or not forms or not all(forms):
            problems.append(f"not translated: {message.id!r}")
        if lang == "en" and forms != _forms(message.id):
            problems.append(f"English differs from its id: {message.id!r} -> {forms!r}")
    assert not problems, f"{lang}: run `make messages` and translate:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_their_placeholders(lang):
    for message in _po(lang):
        if not message.id or not message.string:
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(_forms(message.id))))
        for form in _forms(message.string):
            assert set(PLACEHOLDER.findall(form)) == wanted, (lang, message.id, form)


def test_swedish_is_mostly_written():
    entries = [m for m in _po("sv") if m.id]
    fuzzy = [m for m in entries if m.fuzzy]
    assert len(fuzzy) * 10 <= len(entries), [m.id for m in fuzzy]
    assert gettext_for("sv")("Gaps") == "Luckor"


def test_every_enum_value_has_words():
    assert set(words.STATUSES) == set(MEASURE_STATUSES)
    assert set(words.ORGANISATION_KINDS) == set(ORGANISATION_KINDS)
    assert set(words.BODY_KINDS) == set(BODY_KINDS)
    assert set(words.ROLES) == {"lead", "member", "partner"}
    fi = gettext_for("fi")
    assert fi(words.STATUSES["ongoing"]) == "käynnissä"
    assert fi(words.ORGANISATION_KINDS["ministry"]) == "ministeriö"


def test_no_per_request_callables_on_the_shared_template_environment():
    assert not {"_", "gettext", "ngettext", "tx", "t", "lang"} & set(web.templates.env.globals)


# --- the templates hold no words of their own ---------------------------------------------

#: the only letters a template may write itself
ALLOWED_WORDS = {"turva"}
_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_VISIBLE_ATTRIBUTE = re.compile(r'\b(aria-label|placeholder|title|alt)="([^"]*)"')
_CODE = re.compile(r"<(style|script)\b[^>]*>.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&#?\w+;")
_LETTERS = re.compile(r"[^\W\d_]+")


def _own_words(source: str) -> list[str]:
    text = _JINJA.sub(" ", source)
    words = [w for _, value in _VISIBLE_ATTRIBUTE.findall(text) for w in _LETTERS.findall(value)]
    text = _ENTITY.sub(" ", _TAG.sub(" ", _CODE.sub(" ", text)))
    return [w for w in words + _LETTERS.findall(text) if w not in ALLOWED_WORDS]


def test_own_words_finds_words():
    assert _own_words('<p title="Hello {{ x }}">{{ _("Gaps") }} OK</p>') == ["Hello", "OK"]


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_write_no_words_themselves(template):
    assert _own_words((TEMPLATES / template).read_text(encoding="utf-8")) == []


# --- the pages in each language -----------------------------------------------------------


WORDS = {
    "fi": ["Aukot", "Kattavuus", "Tietokannassa", "Painopisteryhmät", "Suomeksi"],
    "sv": ["Luckor", "Täckning", "I databasen", "Prioritetsgrupper", "Startsida"],
    "en": ["Gaps", "Coverage", "In the graph", "Priority groups", "Home"],
}
PHENOMENON_WORDS = {
    "fi": ["Kuka tekee tämän parissa", "Toimenpiteet", "Suppeammat ilmiöt", "Verkostokartta"],
    "sv": ["Vem arbetar med detta", "Åtgärder", "Snävare fenomen", "Nätverkskarta"],
    "en": ["Who addresses it", "Measures", "Narrower phenomena", "Network map"],
}
GAPS_WORDS = {
    "fi": ["Aukkoraportti", "Ilmiöt ilman toimenpiteitä", "Myöhässä olevat toimenpiteet"],
    "sv": ["Luckrapport", "Fenomen utan åtgärder", "Försenade åtgärder"],
    "en": ["Gap report", "Phenomena without measures", "Overdue measures"],
}


@pytest.fixture
def pages(graph_2021: Driver, neo4j_target):
    with client(graph_2021, neo4j_target.settings()) as c:
        yield c


def test_pages_speak_each_language(pages, dataset_2021):
    phenomena = len(dataset_2021["phenomena"])
    counts = {
        "fi": f"{phenomena} ilmiötä",
        "sv": f"{phenomena} fenomen",
        "en": f"{phenomena} phenomena",
    }
    for lang in LANGS:
        others = [w for other in LANGS if other != lang for w in WORDS[other][:2]]
        home = pages.get("/", params={"lang": lang}).text
        assert f'<html lang="{lang}">' in home
        for word in WORDS[lang] + [counts[lang]]:
            assert word in home, (lang, word)
        assert not [w for w in others if f">{w}<" in home], lang
        phenomenon = pages.get("/phenomena/harassment", params={"lang": lang}).text
        for word in PHENOMENON_WORDS[lang]:
            assert word in phenomenon, (lang, word)
        gaps = pages.get("/gaps", params={"lang": lang}).text
        for word in GAPS_WORDS[lang]:
            assert word in gaps, (lang, word)


def test_swedish_is_remembered_and_no_longer_finnish(pages):
    pages.get("/", params={"lang": "sv"})
    again = pages.get("/gaps").text  # the cookie remembers
    assert '<html lang="sv">' in again and "Luckrapport" in again
    assert "Aukkoraportti" not in again and "Gap report" not in again
    measure = pages.get("/measures/M01").text
    assert "Status" in measure and re.search(
        r"status-\w+\">(planerad|pågående|klar|inställd)<", measure
    )
    organisation = pages.get("/organisations/POHA").text
    assert "<dd>ämbetsverk</dd>" in organisation
    missing = pages.get("/organisations/NOPE")
    assert missing.status_code == 404
    assert "<h1>Hittades inte</h1>" in missing.text and "Aktör NOPE" in missing.text
    back = pages.get("/", params={"lang": "fi"}).text
    assert '<html lang="fi">' in back and "Aukot" in back


def test_language_switch_offers_all_three(pages):
    html = pages.get("/gaps", params={"lang": "sv", "period": "2021"}).text
    switch = re.search(r'<nav class="langs"[^>]*>(.*?)</nav>', html, re.S)
    assert switch and 'aria-label="Språk"' in switch.group(0)
    links = re.findall(
        r'<a href="([^"]+)" lang="(\w+)" hreflang="\2"([^>]*)>([^<]+)</a>', switch.group(1)
    )
    assert [(lang, name) for _, lang, _, name in links] == [
        ("fi", "Suomeksi"),
        ("sv", "På svenska"),
        ("en", "In English"),
    ]
    assert all("period=2021" in url and f"lang={lang}" in url for url, lang, _, _ in links)
    assert [lang for _, lang, current, _ in links if "aria-current" in current] == ["sv"]


def test_unknown_language_falls_back_to_finnish(pages):
    html = pages.get("/", params={"lang": "de"}).text
    assert '<html lang="fi">' in html and "Aukot" in html
