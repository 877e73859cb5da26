"""``turva briefing`` and the page's "Print / PDF": the same document, at most four A4
pages, whose text holds the key figures (real Neo4j, real Chromium, pypdf)."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import pypdf
import pytest

from tests.api_client import client
from turva.api.situation_pages import GAP_KEYS
from turva.graph.errors import TurvaError
from turva.queries import Analyses
from turva.visualize import briefing as printer

TODAY = dt.date.today()


def pdf_text(data: bytes) -> tuple[int, str]:
    """The PDF's page count and its text, ligatures and line breaks undone."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_briefing_pdf_holds_the_key_figures_on_four_pages(turva, loaded_2021, tmp_path, lang):
    out = tmp_path / "briefing.pdf"
    result = turva("briefing", "--lang", lang, "--as-of", TODAY.isoformat(), "-o", str(out))
    assert result.code == 0, result.stderr
    pages, text = pdf_text(out.read_bytes())
    assert 1 <= pages <= 4
    gaps = Analyses(loaded_2021).gaps(2021, TODAY)
    words = {
        "fi": {"overdue_measures": "myöhässä", "unaddressed_phenomena": "ilmiötä ilman"},
        "sv": {"overdue_measures": "försenade åtgärder", "unaddressed_phenomena": "fenomen utan"},
        "en": {"overdue_measures": "overdue measure", "unaddressed_phenomena": "phenomena without"},
    }[lang]
    for key, word in words.items():
        assert f"{len(getattr(gaps, key))} {word}" in text, (key, text[:600])
    for key in GAP_KEYS:
        assert re.search(rf"\b{len(getattr(gaps, key))}\b", text), key
    # the top gaps by name, not by id
    assert "M74" not in text and ("Huijaussoittojen" in text or "spoofed caller" in text)


def test_the_briefing_html_is_one_standalone_document(loaded_2021, neo4j_target):
    with client(loaded_2021, neo4j_target.settings()) as web:
        answer = web.get("/tilannekuva/briefing", params={"format": "html", "lang": "sv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert '<html lang="sv">' in page and "Nyckeltal" in page
    assert page.count('<figure class="chart-figure"') == 5
    # the network map is inline, and nothing is fetched from elsewhere
    assert 'src="data:image/png;base64,' in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "@page" in page and "break-before: page" in page


def test_a_bad_output_name_or_period_is_one_clear_line(turva, loaded_2021, tmp_path):
    wrong = turva("briefing", "-o", str(tmp_path / "x.docx"))
    assert wrong.code != 0 and ".pdf" in wrong.stderr and "Traceback" not in wrong.stderr
    period = turva("briefing", "--period", "1999", "-o", str(tmp_path / "x.html"))
    assert period.code != 0 and "1999" in period.stderr and "2021" in period.stderr
    assert "Traceback" not in period.stderr and not (tmp_path / "x.html").exists()


def test_without_chromium_the_error_names_what_to_install(monkeypatch):
    monkeypatch.setattr(printer, "chromium_path", lambda: None)
    with pytest.raises(TurvaError) as caught:
        printer.print_pdf("<!doctype html><p>x</p>")
    assert "apt-get install chromium" in caught.value.text_in("en")
    assert "chromium" in caught.value.text_in("fi")
