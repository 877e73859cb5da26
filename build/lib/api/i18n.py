"""The words of the web pages in Finnish (default) and English.

Names of records come from the data (``fi``/``sv``/``en``); these are only the page's
own labels. ``?lang=en`` switches and a cookie remembers the choice.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

__all__ = ["LANGS", "DEFAULT_LANG", "COOKIE", "choose_lang", "translator", "text_in"]

LANGS = ("fi", "en")
DEFAULT_LANG = "fi"
COOKIE = "turva_lang"

_WORDS: dict[str, tuple[str, str]] = {
    # key: (fi, en)
    "site": ("Sisäisen turvallisuuden yhteistyöverkko", "Internal security cooperation network"),
    "home": ("Etusivu", "Home"),
    "search": ("Haku", "Search"),
    "search_placeholder": (
        "Hae ilmiötä, toimijaa, toimenpidettä…",
        "Search phenomena, actors, measures…",
    ),
    "search_button": ("Hae", "Search"),
    "gaps": ("Aukot", "Gaps"),
    "coverage": ("Kattavuus", "Coverage"),
    "maps": ("Verkostokartat", "Network maps"),
    "map_who": ("Kuka tekee mitä", "Who works on what"),
    "map_collaboration": ("Yhteistyö", "Collaboration"),
    "map_overview": ("Yleiskuva", "Overview"),
    "network_map": ("Verkostokartta", "Network map"),
    "api_docs": ("API", "API"),
    "language": ("In English", "Suomeksi"),
    "counts": ("Tietokannassa", "In the graph"),
    "priority_groups_of": ("Painopisteryhmät", "Priority groups"),
    "period": ("Kausi", "Period"),
    "phenomenon": ("Ilmiö", "Phenomenon"),
    "phenomena": ("Ilmiöt", "Phenomena"),
    "organisation": ("Toimija", "Organisation"),
    "organisations": ("Toimijat", "Organisations"),
    "branch": ("Hallinnonala", "Administrative branch"),
    "branches": ("Hallinnonalat", "Administrative branches"),
    "no_branch": (
        "Ei hallinnonalaa (esim. järjestöt, kunnat)",
        "No branch (e.g. NGOs, municipalities)",
    ),
    "priority_group": ("Painopisteryhmä", "Priority group"),
    "priority_groups": ("Painopisteryhmät", "Priority groups"),
    "bodies": ("Yhteistyöelimet", "Cooperation bodies"),
    "goal": ("Tavoite", "Goal"),
    "goals": ("Tavoitteet", "Goals"),
    "measure": ("Toimenpide", "Measure"),
    "measures": ("Toimenpiteet", "Measures"),
    "themes": ("Teemat", "Themes"),
    "broader": ("Laajempi ilmiö", "Broader phenomenon"),
    "narrower": ("Suppeammat ilmiöt", "Narrower phenomena"),
    "description": ("Kuvaus", "Description"),
    "who_addresses": ("Kuka tekee tämän parissa", "Who addresses it"),
    "via_measures": ("toimenpiteiden kautta", "through measures"),
    "via_groups": ("ryhmien kautta", "through groups"),
    "nobody": ("Ei kukaan.", "Nobody."),
    "none": ("Ei yhtään.", "None."),
    "status": ("Tila", "Status"),
    "responsible": ("Vastuutahot", "Responsible"),
    "role": ("Rooli", "Role"),
    "lead": ("vetäjä", "lead"),
    "partner": ("kumppani", "partner"),
    "member": ("jäsen", "member"),
    "members": ("Jäsenet", "Members"),
    "focuses_on": ("Painopisteen ilmiöt", "Phenomena in focus"),
    "addresses": ("Kohdistuu ilmiöihin", "Addresses"),
    "advances": ("Edistää tavoitteita", "Advances goals"),
    "targets": ("Kohdeilmiöt", "Targets"),
    "deadline": ("Määräaika", "Deadline"),
    "indicator": ("Mittari", "Indicator"),
    "start": ("Alkaa", "Start"),
    "end": ("Päättyy", "End"),
    "resources": ("Resurssit", "Resources"),
    "person_years": ("henkilötyövuotta", "person-years"),
    "kind": ("Tyyppi", "Kind"),
    "parent": ("Kuuluu", "Part of"),
    "source": ("Lähde", "Source"),
    "illustrative": (
        "havainnollistava esimerkki, ei virallinen tieto",
        "illustrative, not official",
    ),
    "status_planned": ("suunniteltu", "planned"),
    "status_ongoing": ("käynnissä", "ongoing"),
    "status_done": ("valmis", "done"),
    "status_cancelled": ("peruttu", "cancelled"),
    "gap_report": ("Aukkoraportti", "Gap report"),
    "gaps_intro": (
        "Missä kukaan ei tee mitään, missä työ on yhden hallinnonalan varassa "
        "ja mistä puuttuu omistaja.",
        "Where nobody works, where work rests on one branch, and what lacks an owner.",
    ),
    "as_of": ("Päivänä", "As of"),
    "download_csv": ("Lataa CSV", "Download CSV"),
    "unaddressed_phenomena": ("Ilmiöt ilman toimenpiteitä", "Phenomena without measures"),
    "single_branch_phenomena": ("Yhden hallinnonalan ilmiöt", "Single-branch phenomena"),
    "goals_without_measures": ("Tavoitteet ilman toimenpiteitä", "Goals without measures"),
    "measures_without_owner": ("Toimenpiteet ilman vastuutahoa", "Measures without an owner"),
    "measures_without_resources": ("Toimenpiteet ilman resursseja", "Measures without resources"),
    "overdue_measures": ("Myöhässä olevat toimenpiteet", "Overdue measures"),
    "groups_missing_stakeholders": (
        "Ryhmistä puuttuvat toimijat",
        "Stakeholders missing from groups",
    ),
    "phenomena_outside_groups": (
        "Ilmiöt painopisteryhmien ulkopuolella",
        "Phenomena outside the groups",
    ),
    "coverage_intro": (
        "Aktiiviset toimenpiteet ilmiöittäin ja hallinnonaloittain (alailmiöt mukana). "
        "Punaiset rivit: ei yhtään toimenpidettä; keltaiset: vain yksi hallinnonala.",
        "Active measures per phenomenon and branch (narrower phenomena included). "
        "Red rows: no measures at all; yellow rows: a single branch only.",
    ),
    "total": ("Yhteensä", "Total"),
    "empty_row": ("ei toimenpiteitä", "no measures"),
    "single_row": ("yksi hallinnonala", "single branch"),
    "results_for": ("Tulokset haulle", "Results for"),
    "no_results": ("Ei tuloksia.", "No results."),
    "not_found": ("Ei löytynyt", "Not found"),
    "unavailable": (
        "Palvelu ei juuri nyt tavoita tietokantaa. Yritä hetken päästä uudelleen.",
        "The service cannot reach the database right now. Try again shortly.",
    ),
    "login": ("Kirjaudu", "Log in"),
    "token": ("Tunniste (API-token)", "Token (API token)"),
    "login_intro": (
        "Tämä palvelu vaatii tunnisteen myös lukemiseen.",
        "This service requires a token for reading too.",
    ),
    "login_failed": ("Tunniste ei kelpaa.", "The token is not valid."),
    "changes": ("Muutoshistoria", "Change history"),
    "who": ("Kuka", "Who"),
    "when": ("Milloin", "When"),
    "action": ("Muutos", "Action"),
}

_TYPE_WORDS = {
    "themes": "themes",
    "branches": "branches",
    "organisations": "organisations",
    "phenomena": "phenomena",
    "priority-groups": "priority_groups",
    "bodies": "bodies",
    "goals": "goals",
    "measures": "measures",
}


def choose_lang(request: Request) -> str:
    """``?lang=`` first, then the cookie, then Finnish."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in LANGS else DEFAULT_LANG


def translator(lang: str):
    """``t("gaps")`` -> "Aukot" (fi) / "Gaps" (en); unknown keys come back as they are."""
    index = LANGS.index(lang) if lang in LANGS else 0

    def t(key: str) -> str:
        if key in _TYPE_WORDS:
            key = _TYPE_WORDS[key]
        words = _WORDS.get(key)
        return words[index] if words else key

    return t


def text_in(value: Any, lang: str) -> str:
    """A multilingual text (``{"fi": ..., "en": ...}``) in ``lang``, falling back to Finnish."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get("fi") or next(iter(value.values()), "")
