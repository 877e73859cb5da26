"""The layout of a turva/1 workbook: its sheets, their columns and the words of both.

The sheet names and column headers below are part of the file format, as the keys of the
YAML are: a workbook written today must read tomorrow, so they are kept here as literal
tables (not in the message catalogue, whose translations may be improved at any time).
Every name and header has a Finnish, a Swedish and an English form; a workbook is written
in one language (Finnish unless asked) and read in any of the three
(``docs/spreadsheet.md``).

>>> sheet_spec("measures").words["fi"], column_header(sheet_spec("measures").columns[1], "en")
('Toimenpiteet', 'Title (fi)')
"""

from __future__ import annotations

from dataclasses import dataclass

from turva.graph.domain.model import SECTIONS

__all__ = [
    "LANGS",
    "Column",
    "SheetSpec",
    "SHEETS",
    "RECORD_SHEETS",
    "column_header",
    "sheet_spec",
    "INSTRUCTIONS",
]

LANGS = ("fi", "sv", "en")

Words = dict[str, str]


def _w(fi: str, sv: str, en: str) -> Words:
    return {"fi": fi, "sv": sv, "en": en}


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    ``key`` is where its value goes in a record: ``"id"``, ``"name.fi"`` (a language of a
    multilingual text), ``"resources.eur"``. ``kind`` says how a cell is read:

    - ``id`` an id; ``text`` text as it is; ``json`` a JSON value (the document sheet);
    - ``enum`` a word (or code) of ``enum``: ``status``, ``kind``, ``body_kind``,
      ``member_role``, ``responsible_role``, ``direction``;
    - ``ref`` one id or name of a record of section ``target``; ``refs`` several, split at
      ``;``; ``owner`` the record (of ``target``) a row of a relationship sheet belongs to;
    - ``int`` a whole number; ``number`` a whole or decimal number; ``date`` a day.
    """

    key: str
    kind: str
    words: Words
    target: str | None = None
    enum: str | None = None
    #: the column must be in the sheet (a record cannot be without it)
    required: bool = False

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: ``key`` is a record section (``measures``), a relationship sheet
    (``measures.responsible``), ``observations`` (the indicators' yearly values: rows of
    the document, not records), ``instructions``, ``document`` or ``changes``."""

    key: str
    words: Words
    columns: tuple[Column, ...] = ()

    @property
    def section(self) -> str | None:
        """The record section the sheet's rows belong to (None for the others)."""
        head = self.key.split(".")[0]
        return head if head in RECORD_SECTIONS else None

    @property
    def field(self) -> str | None:
        """``responsible`` or ``members`` for a relationship sheet."""
        parts = self.key.split(".")
        return parts[1] if len(parts) == 2 else None


#: the record sections are the document's (``model.SECTIONS``): a sheet per section
RECORD_SECTIONS = SECTIONS

_LANG_SUFFIX = {"fi": " (fi)", "sv": " (sv)", "en": " (en)"}


def _texts(field: str, words: Words, required: bool = False) -> tuple[Column, ...]:
    """One column per language of a multilingual text: ``Nimi (fi)``, ``Nimi (sv)``..."""
    return tuple(
        Column(
            f"{field}.{lang}",
            "text",
            {ui: words[ui] + _LANG_SUFFIX[lang] for ui in LANGS},
            required=required and lang == "fi",
        )
        for lang in LANGS
    )


def _ref(key: str, target: str, words: Words, required: bool = False) -> Column:
    """A column holding one record of section ``target``, by its id or name."""
    return Column(key, "ref", words, target=target, required=required)


def _refs(key: str, target: str, words: Words) -> Column:
    """A column holding records of section ``target``, their ids or names split at ``;``."""
    return Column(key, "refs", words, target=target)


_ID = Column("id", "id", _w("Tunnus", "Id", "Id"), required=True)
_SOURCE = Column("source", "text", _w("Lähde", "Källa", "Source"))
_NAME = _texts("name", _w("Nimi", "Namn", "Name"), required=True)
_THEMES = _w("Teemat", "Teman", "Themes")
_KIND = _w("Tyyppi", "Typ", "Kind")
_GROUP = _w("Ryhmä", "Grupp", "Group")
_INDICATOR = _texts("indicator", _w("Mittari", "Indikator", "Indicator"))
_THEME_REFS = _refs("themes", "themes", _THEMES)
_INDICATOR_REF = _w("Indikaattori", "Indikator", "Indicator")
_ORGANISATION = _ref(
    "organisation",
    "organisations",
    _w("Organisaatio", "Organisation", "Organisation"),
    required=True,
)


def _records(key: str, words: Words, *columns: Column) -> SheetSpec:
    """The sheet of a record section: the id, the section's own ``columns``, the source."""
    return SheetSpec(key, words, (_ID, *columns, _SOURCE))


def _entries(key: str, words: Words, owner_words: Words, role: str) -> SheetSpec:
    """A relationship sheet (``measures.responsible``): a row an organisation and its role
    in the record it belongs to."""
    return SheetSpec(
        key,
        words,
        (
            Column("owner", "owner", owner_words, target=key.split(".")[0], required=True),
            _ORGANISATION,
            Column("role", "enum", _w("Rooli", "Roll", "Role"), enum=role),
            _SOURCE,
        ),
    )


# The sheets are data: the Column(...) entries below are alike in shape only (each names
# its own field and words); what sheets share (id, source, names, references, relationship
# sheets) and words used more than once are made once above.
SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("instructions", _w("Ohjeet", "Anvisningar", "Instructions")),
    SheetSpec(
        "document",
        _w("Asiakirja", "Dokument", "Document"),
        (
            Column("key", "text", _w("Kenttä", "Fält", "Field"), required=True),
            Column("value", "text", _w("Arvo", "Värde", "Value"), required=True),
        ),
    ),
    _records("themes", _THEMES, *_NAME),
    _records(
        "branches",
        _w("Hallinnonalat", "Förvaltningsområden", "Branches"),
        *_NAME,
        _ref("ministry", "organisations", _w("Ministeriö", "Ministerium", "Ministry")),
    ),
    _records(
        "organisations",
        _w("Organisaatiot", "Organisationer", "Organisations"),
        *_NAME,
        Column("abbreviation", "text", _w("Lyhenne", "Förkortning", "Abbreviation")),
        Column("kind", "enum", _KIND, enum="kind", required=True),
        _ref("branch", "branches", _w("Hallinnonala", "Förvaltningsområde", "Branch")),
        _ref(
            "parent",
            "organisations",
            _w("Yläorganisaatio", "Överordnad organisation", "Parent organisation"),
        ),
    ),
    _records(
        "phenomena",
        _w("Ilmiöt", "Fenomen", "Phenomena"),
        *_NAME,
        *_texts("description", _w("Kuvaus", "Beskrivning", "Description")),
        _THEME_REFS,
        _ref("parent", "phenomena", _w("Yläilmiö", "Överordnat fenomen", "Broader phenomenon")),
    ),
    _records(
        "indicators",
        _w("Indikaattorit", "Indikatorer", "Indicators"),
        *_NAME,
        *_texts("unit", _w("Yksikkö", "Enhet", "Unit")),
        Column(
            "direction",
            "enum",
            _w("Suunta", "Riktning", "Direction"),
            enum="direction",
            required=True,
        ),
        Column(
            "phenomena",
            "refs",
            _w("Mitattavat ilmiöt", "Fenomen som mäts", "Phenomena measured"),
            target="phenomena",
            required=True,
        ),
    ),
    # the indicators' yearly values: one row per indicator and year (no id of their own)
    SheetSpec(
        "observations",
        _w("Havainnot", "Observationer", "Observations"),
        (
            _ref("indicator", "indicators", _INDICATOR_REF, required=True),
            Column("year", "int", _w("Vuosi", "År", "Year"), required=True),
            Column("value", "number", _w("Arvo", "Värde", "Value"), required=True),
            _SOURCE,
        ),
    ),
    _records(
        "priority_groups",
        _w("Painopisteryhmät", "Prioritetsgrupper", "Priority groups"),
        Column("number", "int", _w("Numero", "Nummer", "Number"), required=True),
        Column("period", "int", _w("Kausi", "Period", "Period"), required=True),
        *_NAME,
        _THEME_REFS,
        _refs("focuses_on", "phenomena", _w("Painopisteilmiöt", "Fokusfenomen", "Focus phenomena")),
    ),
    _entries(
        "priority_groups.members",
        _w("Ryhmien jäsenet", "Gruppmedlemmar", "Group members"),
        _GROUP,
        "member_role",
    ),
    _records(
        "bodies",
        _w("Yhteistyöelimet", "Samarbetsorgan", "Cooperation bodies"),
        Column("kind", "enum", _KIND, enum="body_kind", required=True),
        *_NAME,
    ),
    _entries(
        "bodies.members",
        _w("Elinten jäsenet", "Organens medlemmar", "Body members"),
        _w("Elin", "Organ", "Body"),
        "member_role",
    ),
    _records(
        "goals",
        _w("Tavoitteet", "Mål", "Goals"),
        *_texts("text", _w("Teksti", "Text", "Text"), required=True),
        _ref("group", "priority_groups", _GROUP),
        _refs("targets", "phenomena", _w("Kohdeilmiöt", "Målfenomen", "Target phenomena")),
        *_INDICATOR,
        Column("deadline", "date", _w("Määräaika", "Tidsfrist", "Deadline")),
        # the goal's ``target``: the five cells are given together or not at all
        _ref(
            "target.indicator",
            "indicators",
            _w("Tavoitteen indikaattori", "Målets indikator", "Target indicator"),
        ),
        Column("target.baseline_year", "int", _w("Lähtötason vuosi", "Basår", "Baseline year")),
        Column("target.baseline", "number", _w("Lähtötaso", "Utgångsnivå", "Baseline")),
        Column("target.year", "int", _w("Tavoitevuosi", "Målår", "Target year")),
        Column("target.value", "number", _w("Tavoitearvo", "Målvärde", "Target value")),
    ),
    _records(
        "measures",
        _w("Toimenpiteet", "Åtgärder", "Measures"),
        *_texts("title", _w("Otsikko", "Rubrik", "Title"), required=True),
        Column("status", "enum", _w("Tila", "Status", "Status"), enum="status", required=True),
        _refs("addresses", "phenomena", _w("Ilmiöt", "Fenomen", "Phenomena addressed")),
        _refs("advances", "goals", _w("Edistää tavoitteita", "Främjar mål", "Advances goals")),
        Column("start", "date", _w("Alkaa", "Börjar", "Start")),
        Column("end", "date", _w("Päättyy", "Slutar", "End")),
        Column("resources.eur", "number", _w("Euroa", "Euro", "Euros")),
        Column(
            "resources.person_years",
            "number",
            _w("Henkilötyövuodet", "Årsverken", "Person-years"),
        ),
        *_INDICATOR,
    ),
    _entries(
        "measures.responsible",
        _w("Vastuutahot", "Ansvariga", "Responsible"),
        _w("Toimenpide", "Åtgärd", "Measure"),
        "responsible_role",
    ),
    SheetSpec(
        "changes",
        _w("Muutoshistoria", "Ändringshistorik", "Change history"),
        (
            Column("change", "text", _w("Muutos", "Ändring", "Change"), required=True),
            Column("at", "text", _w("Aika", "Tid", "At")),
            Column("who", "text", _w("Tekijä", "Gjord av", "Who")),
            Column("type", "text", _w("Tyyppi", "Typ", "Type")),
            Column("id", "text", _w("Tunnus", "Id", "Id")),
            Column("action", "text", _w("Toiminto", "Händelse", "Action")),
            Column("before", "json", _w("Ennen", "Före", "Before")),
            Column("after", "json", _w("Jälkeen", "Efter", "After")),
        ),
    ),
)

_BY_KEY = {spec.key: spec for spec in SHEETS}
#: the sheets holding records, in the document's order
RECORD_SHEETS = tuple(spec for spec in SHEETS if spec.section and not spec.field)


def sheet_spec(key: str) -> SheetSpec:
    """The sheet of ``key``: a section (``measures``), ``measures.responsible``..."""
    return _BY_KEY[key]


def column_header(column: Column, lang: str) -> str:
    """The header of ``column`` in ``lang``."""
    return column.words[lang]


#: the instructions sheet, one paragraph a row, in each language
INSTRUCTIONS: dict[str, tuple[str, ...]] = {
    "fi": (
        "Sisäisen turvallisuuden yhteistoimintamallin tiedot (turva/1) taulukkona",
        "",
        "Jokainen välilehti on yksi tietuetyyppi, ja jokainen rivi on yksi tietue. "
        "Ensimmäinen rivi on otsikkorivi: älä muuta sitä.",
        "Tunnus: 1–64 merkkiä A–Z, a–z, 0–9, piste, alaviiva tai yhdysmerkki, alkaa kirjaimella "
        "tai numerolla. Tunnus on yksilöllinen välilehden sisällä.",
        "Viittaukset muihin tietueisiin (esim. Organisaatio, Hallinnonala, Ryhmä): kirjoita "
        "tunnus tai nimi. Nimi haetaan tämän työkirjan tietueista; jos nimi ei ole "
        "yksiselitteinen, kirjoita tunnus.",
        "Useita arvoja yhdessä solussa (Teemat, Ilmiöt, Mitattavat ilmiöt, Kohdeilmiöt, "
        "Edistää tavoitteita): "
        "erota puolipisteellä, esim. kyber; rahanpesu.",
        "Jäsenet ja vastuutahot ovat omilla välilehdillään (Ryhmien jäsenet, Elinten jäsenet, "
        "Vastuutahot): yksi rivi kutakin organisaatiota ja sen roolia kohti.",
        "Tila, Tyyppi, Rooli ja Suunta: valitse luettelosta.",
        "Indikaattorit: tilastot, jotka mittaavat ilmiöitä vuosittain. Suunta kertoo, kumpi "
        "on parempi: pienempi vai suurempi arvo. Mitattavia ilmiöitä on oltava vähintään yksi.",
        "Havainnot: yksi rivi kutakin indikaattoria ja vuotta kohden (Indikaattori, Vuosi, "
        "Arvo). Vuosi on 1900–2100, arvo on luku.",
        "Tavoitteen seuranta (Tavoitteet-välilehti): Tavoitteen indikaattori, Lähtötason vuosi, "
        "Lähtötaso, Tavoitevuosi ja Tavoitearvo täytetään kaikki tai jätetään kaikki tyhjiksi. "
        "Tavoitevuoden on oltava lähtötason vuoden jälkeen.",
        "Päivämäärät: päivämääränä tai muodossa VVVV-KK-PP tai P.K.VVVV. "
        "Luvut: numeroina (desimaalipilkku käy).",
        "Tekstit kolmella kielellä: (fi) on pakollinen, (sv) ja (en) vapaaehtoisia.",
        "Tyhjä solu tarkoittaa, ettei arvoa ole. Ladattaessa tietue korvaa saman tunnuksen "
        "tietueen kokonaan.",
        "Lähde: verkko-osoite, asiakirjan nimi tai 'illustrative' (havainnollistava).",
        "Asiakirja- ja Muutoshistoria-välilehdet pitävät tallessa asiakirjan tiedot ja "
        "muutoshistorian: jätä ne ennalleen.",
        "Lataus: turva load TIEDOSTO.xlsx. Virheilmoitus kertoo välilehden, rivin ja sarakkeen "
        "(esim. Toimenpiteet!D12); mitään ei tallenneta ennen kuin kaikki virheet on korjattu.",
    ),
    "sv": (
        "Uppgifterna i samarbetsmodellen för den inre säkerheten (turva/1) som kalkylblad",
        "",
        "Varje flik är en typ av post och varje rad en post. Den första raden är rubrikraden: "
        "ändra den inte.",
        "Id: 1–64 tecken A–Z, a–z, 0–9, punkt, understreck eller bindestreck, som börjar med en "
        "bokstav eller siffra. Ett id är unikt inom fliken.",
        "Hänvisningar till andra poster (t.ex. Organisation, Förvaltningsområde, Grupp): skriv "
        "id eller namn. Namnet söks bland posterna i denna arbetsbok; om namnet inte är "
        "entydigt, skriv id.",
        "Flera värden i en cell (Teman, Fenomen, Fenomen som mäts, Målfenomen, Främjar mål): "
        "skilj dem åt med "
        "semikolon, t.ex. kyber; penningtvatt.",
        "Medlemmar och ansvariga finns på egna flikar (Gruppmedlemmar, Organens medlemmar, "
        "Ansvariga): en rad per organisation och roll.",
        "Status, Typ, Roll och Riktning: välj i listan.",
        "Indikatorer: statistik som mäter fenomen år för år. Riktning anger vilket som är "
        "bättre: ett lägre eller ett högre värde. Minst ett fenomen som mäts krävs.",
        "Observationer: en rad per indikator och år (Indikator, År, Värde). Året är "
        "1900–2100, värdet är ett tal.",
        "Uppföljning av mål (fliken Mål): Målets indikator, Basår, Utgångsnivå, Målår och "
        "Målvärde fylls i alla eller lämnas alla tomma. Målåret ska vara efter basåret.",
        "Datum: som datum eller i formen ÅÅÅÅ-MM-DD eller D.M.ÅÅÅÅ. Tal: som siffror "
        "(decimalkomma går bra).",
        "Texter på tre språk: (fi) är obligatorisk, (sv) och (en) frivilliga.",
        "En tom cell betyder att värdet saknas. Vid laddning ersätter en post hela posten med "
        "samma id.",
        "Källa: en webbadress, ett dokuments namn eller 'illustrative' (illustrativ).",
        "Flikarna Dokument och Ändringshistorik bevarar dokumentets uppgifter och "
        "ändringshistoriken: lämna dem som de är.",
        "Laddning: turva load FIL.xlsx. Felmeddelandet anger flik, rad och kolumn "
        "(t.ex. Åtgärder!D12); ingenting sparas förrän alla fel är rättade.",
    ),
    "en": (
        "The data of the cooperation model for internal security (turva/1) as a spreadsheet",
        "",
        "Each sheet is one type of record and each row one record. The first row is the "
        "header row: do not change it.",
        "Id: 1-64 of A-Z, a-z, 0-9, full stop, underscore or hyphen, starting with a letter or "
        "digit. An id is unique within its sheet.",
        "References to other records (e.g. Organisation, Branch, Group): write an id or a name. "
        "A name is looked up among the records of this workbook; when a name is ambiguous, "
        "write the id.",
        "Several values in one cell (Themes, Phenomena addressed, Phenomena measured, Target "
        "phenomena, Advances goals): separate them with semicolons, e.g. cyber; "
        "money-laundering.",
        "Members and responsible organisations have sheets of their own (Group members, Body "
        "members, Responsible): one row per organisation and its role.",
        "Status, Kind, Role and Direction: pick from the list.",
        "Indicators: statistics that measure phenomena year by year. Direction says which is "
        "better: a lower or a higher value. At least one phenomenon measured is required.",
        "Observations: one row per indicator and year (Indicator, Year, Value). The year is "
        "1900-2100, the value a number.",
        "Goal targets (the Goals sheet): Target indicator, Baseline year, Baseline, Target "
        "year and Target value are filled in together or all left empty. The target year "
        "must be after the baseline year.",
        "Dates: as dates, or written YYYY-MM-DD or D.M.YYYY. Numbers: as numbers.",
        "Texts in three languages: (fi) is required, (sv) and (en) are optional.",
        "An empty cell means no value. On loading, a record replaces the whole record with the "
        "same id.",
        "Source: a web address, a document's name, or 'illustrative'.",
        "The Document and Change history sheets keep the document's own data and its history: "
        "leave them as they are.",
        "Loading: turva load FILE.xlsx. An error names the sheet, row and column "
        "(e.g. Measures!D12); nothing is saved until every error is corrected.",
    ),
}
