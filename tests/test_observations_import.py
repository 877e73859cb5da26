"""`turva observations import`: indicators' yearly values from JSON-stat 2.0 (PxWeb) and CSV.

The parsing is pure (graph/domain/jsonstat.py): every refusal names the dimension or the
row and the fix. The import merges the values into the graph in one transaction: visible
in the export, an existing year replaced, nothing written on any error.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import count_nodes
from turva.graph.domain.formats import read_document_data
from turva.graph.domain.jsonstat import (
    observations_from_csv,
    observations_from_jsonstat,
    parse_selections,
    relocate,
)
from turva.graph.domain.validate import validate_document
from turva.graph.errors import ValidationFailed
from turva.graph.store.documents import import_document
from turva.graph.store.export import export_document
from turva.graph.store.load import load_document

FIXTURES = Path(__file__).parent / "fixtures"
PXWEB = FIXTURES / "statfin_rpk_pxt_13it.json"
SPARSE = FIXTURES / "jsonstat_sparse.json"
CSV = FIXTURES / "observations.csv"
OFFENCE = "Rikosryhmä ja teonkuvauksen tarkenne"
CRIMINAL_CODE = {OFFENCE: "101T603"}
#: the criminal code offences of the PxWeb fixture: as ../shared/reference/public-facts.yaml
FACTS = {2020: 537700, 2021: 478600, 2022: 475900, 2023: 511200}


def _pxweb() -> dict[str, Any]:
    return json.loads(PXWEB.read_text(encoding="utf-8"))


def _problems(call: Any, *args: Any, **kwargs: Any) -> dict[str, str]:
    """Each issue's path and English text, when ``call`` refuses."""
    with pytest.raises(ValidationFailed) as caught:
        call(*args, **kwargs)
    return {issue.path: issue.text(str) for issue in caught.value.issues}


def _with_indicators() -> dict[str, Any]:
    doc = read_document_data(FIXTURES / "small.yaml")
    doc["indicators"] = [
        {
            "id": "criminal-code-offences",
            "name": {"fi": "Poliisin tietoon tulleet rikoslain rikokset"},
            "direction": "decrease",
            "phenomena": ["cybercrime"],
        },
        {
            "id": "homicides",
            "name": {"fi": "Henkirikokset"},
            "direction": "decrease",
            "phenomena": ["harassment"],
        },
    ]
    doc["observations"] = [
        {"indicator": "criminal-code-offences", "year": 2021, "value": 1, "source": "illustrative"}
    ]
    return doc


@pytest.fixture
def with_indicators(empty_graph):
    load_document(empty_graph, _with_indicators())
    return empty_graph


def _observations(driver) -> dict[tuple[str, int], tuple[Any, Any]]:
    exported = export_document(driver, history=False)
    return {
        (o["indicator"], o["year"]): (o["value"], o.get("source")) for o in exported["observations"]
    }


# --- JSON-stat: the pure parsing ------------------------------------------------------------


def test_a_pxweb_answer_gives_the_selected_offence_class_by_year():
    parsed = observations_from_jsonstat(_pxweb(), "criminal-code-offences", CRIMINAL_CODE)

    assert {o["year"]: o["value"] for o in parsed.observations} == {2019: 452800, **FACTS}
    assert parsed.missing == 0
    assert parsed.source == (
        "Tilastokeskus: Poliisin tietoon tullut rikollisuus muuttujina Vuosi, "
        "Rikosryhmä ja teonkuvauksen tarkenne ja Tiedot, updated 2024-03-20"
    )
    assert {o["source"] for o in parsed.observations} == {parsed.source}
    assert parsed.places[1] == ("Vuosi", "2020")


def test_another_category_gives_other_values():
    parsed = observations_from_jsonstat(_pxweb(), "x", {OFFENCE: "2101"})
    assert {o["year"]: o["value"] for o in parsed.observations}[2021] == 33800


def test_a_dimension_can_be_selected_by_its_label_and_the_time_to_one_year():
    data = _pxweb()
    data["dimension"][OFFENCE]["label"] = "Offence"
    parsed = observations_from_jsonstat(data, "x", {"offence": "101T603", "Vuosi": "2022"})
    assert [(o["year"], o["value"]) for o in parsed.observations] == [(2022, 475900)]


def test_a_sparse_value_object_with_a_null_skips_the_missing_years():
    data = json.loads(SPARSE.read_text(encoding="utf-8"))
    parsed = observations_from_jsonstat(data, "homicides")  # År: no role.time, one Uppgifter
    assert [(o["year"], o["value"]) for o in parsed.observations] == [(2022, 79), (2023, 57)]
    assert parsed.missing == 2  # 2021 absent from the object, 2024 null


def test_a_dataset_inside_a_dataset_key_is_read_too():
    parsed = observations_from_jsonstat({"dataset": _pxweb()}, "x", CRIMINAL_CODE)
    assert len(parsed.observations) == 5


def test_an_unselected_dimension_with_many_categories_is_named_with_its_codes():
    problems = _problems(observations_from_jsonstat, _pxweb(), "x", {})
    assert problems == {
        OFFENCE: "3 categories: choose one with --select "
        "'Rikosryhmä ja teonkuvauksen tarkenne'=CODE (the codes are 'SSS', '101T603', '2101')"
    }


def test_an_unknown_dimension_and_an_unknown_code_are_named():
    problems = _problems(observations_from_jsonstat, _pxweb(), "x", {OFFENCE: "999", "Alue": "091"})
    assert problems["--select.Alue"] == (
        "the dataset has no dimension 'Alue'; its dimensions are 'Vuosi', "
        "'Rikosryhmä ja teonkuvauksen tarkenne', 'Tiedot'"
    )
    assert problems[OFFENCE] == "unknown code '999'; the codes are 'SSS', '101T603', '2101'"


def test_an_unknown_code_lists_the_first_ten_codes():
    data = _pxweb()
    codes = [f"c{i:02}" for i in range(12)]
    data["dimension"]["Tiedot"]["category"] = {"index": codes}
    data["size"][2] = 12
    data["value"] = [1] * (5 * 3 * 12)
    problems = _problems(observations_from_jsonstat, data, "x", {**CRIMINAL_CODE, "Tiedot": "x"})
    assert problems["Tiedot"].endswith("'c08', 'c09' (+2)")


def test_no_time_dimension_is_refused_naming_the_dimensions():
    data = _pxweb()
    del data["role"]
    data["id"][0] = "Kausi"
    data["dimension"]["Kausi"] = data["dimension"].pop("Vuosi")
    data["dimension"]["Kausi"]["label"] = "Kausi"
    problems = _problems(observations_from_jsonstat, data, "x", CRIMINAL_CODE)
    assert problems == {
        "role.time": "no time dimension: the dataset needs `role.time` or a dimension called "
        "Vuosi, År or Year (its dimensions: Kausi, Rikosryhmä ja teonkuvauksen tarkenne, Tiedot)"
    }


def test_months_are_not_years():
    data = _pxweb()
    months = ["2023M01", "2023M02", "2023M03", "2023M04", "2023M05"]
    data["dimension"]["Vuosi"]["category"] = {"index": months}
    problems = _problems(observations_from_jsonstat, data, "x", CRIMINAL_CODE)
    assert problems["Vuosi.2023M01"] == (
        "'2023M01' is not a year: only yearly values can be imported "
        "(choose a yearly table or give years such as 2021)"
    )
    assert len(problems) == 5


def test_a_year_outside_1900_2100_and_a_value_that_is_no_number_are_named():
    data = _pxweb()
    years = ["1899", "2020", "2021", "2022", "2023"]
    data["dimension"]["Vuosi"]["category"] = {"index": years}
    data["value"][1 * 3 + 1] = ".."
    problems = _problems(observations_from_jsonstat, data, "x", CRIMINAL_CODE)
    assert problems == {
        "Vuosi.1899": "the year 1899 is outside 1900-2100",
        "Vuosi.2020": "the value '..' is not a finite number",
    }


def test_a_year_twice_is_refused():
    data = _pxweb()
    data["dimension"]["Vuosi"]["category"] = {"index": ["2019", "2020", "2021", "2022", " 2022"]}
    problems = _problems(observations_from_jsonstat, data, "x", CRIMINAL_CODE)
    assert problems == {"Vuosi. 2022": "the year 2022 is in the file twice (also Vuosi.2022)"}


def test_a_file_that_is_not_a_jsonstat_dataset_or_whose_sizes_disagree_is_refused():
    assert "class" in _problems(observations_from_jsonstat, {"format": "turva/1"}, "x")
    data = _pxweb()
    data["value"] = data["value"][:-1]
    assert _problems(observations_from_jsonstat, data, "x", CRIMINAL_CODE) == {
        "value": "14 values, but the dimensions' sizes multiply to 15"
    }


def test_a_malformed_select_is_refused():
    assert _problems(parse_selections, ["Vuosi"]) == {
        "--select": "'Vuosi' is not DIMENSION=CODE, e.g. --select Tiedot=rikokset_lkm"
    }


# --- CSV -------------------------------------------------------------------------------------


def test_a_csv_gives_its_rows_and_leaves_out_empty_values():
    parsed = observations_from_csv(CSV.read_text(encoding="utf-8"))
    assert len(parsed.observations) == 5
    assert parsed.missing == 1
    assert parsed.observations[3] == {
        "indicator": "homicides",
        "year": 2022,
        "value": 79,
        "source": "https://stat.fi/julkaisu/clgyvbukxauv60bw0fued3nqh",
    }


def test_a_csv_with_an_indicator_reads_only_its_rows():
    parsed = observations_from_csv(CSV.read_text(encoding="utf-8"), "homicides")
    assert [o["year"] for o in parsed.observations] == [2022, 2023]
    assert _problems(observations_from_csv, CSV.read_text(encoding="utf-8"), "nope") == {
        "--indicator": "no row of the file is for indicator 'nope'"
    }


def test_a_semicolon_csv_takes_decimal_commas():
    parsed = observations_from_csv("indicator;year;value\nx;2021;12,5\n")
    assert parsed.observations == [{"indicator": "x", "year": 2021, "value": 12.5, "source": None}]


def test_a_csv_missing_a_column_is_refused():
    assert _problems(observations_from_csv, "indicator,year,source\nx,2021,\n") == {
        "row[1]": "the column 'value' is missing: the header row must be "
        "indicator,year,value,source"
    }


def test_bad_csv_rows_are_named_by_their_row_number():
    text = "indicator,year,value\nx,2021,1\nx,20x1,2\nx,2022,abc\nx,2023,inf\n,2024,5\nx,2025,1,2\n"
    assert _problems(observations_from_csv, text) == {
        "row[3].year": "'20x1' is not a year: only yearly values can be imported "
        "(choose a yearly table or give years such as 2021)",
        "row[4].value": "the value 'abc' is not a finite number",
        "row[5].value": "the value 'inf' is not a finite number",
        "row[6].indicator": "required field is missing",
        "row[7]": "4 cells but the header has 3 columns",
    }


def test_a_csv_year_twice_for_an_indicator_is_refused():
    text = "indicator,year,value\nx,2021,1\ny,2021,2\nx,2021,3\n"
    assert _problems(observations_from_csv, text) == {
        "row[4]": "indicator 'x' has 2021 already on row 2"
    }


# --- into the graph ------------------------------------------------------------------------


def test_the_load_says_an_unknown_indicator_once_at_the_option():
    parsed = observations_from_jsonstat(_pxweb(), "nope", CRIMINAL_CODE)
    with pytest.raises(ValidationFailed) as caught:
        validate_document(parsed.document())
    issues = relocate(caught.value, parsed).issues
    assert [issue.path for issue in issues] == ["--indicator"]
    assert "unknown indicator 'nope'" in issues[0].text(str)


def test_an_import_is_in_the_export_and_replaces_the_same_year(with_indicators, turva, tmp_path):
    result = turva(
        "observations",
        "import",
        str(PXWEB),
        "--indicator",
        "criminal-code-offences",
        "--select",
        f"{OFFENCE}=101T603",
    )

    assert result.code == 0, result.stderr
    assert "imported 5 observations (4 new, 1 replaced)" in result.stdout
    assert "criminal-code-offences, years 2019-2023" in result.stdout
    assert "source: Tilastokeskus: Poliisin tietoon tullut rikollisuus" in result.stdout
    observations = _observations(with_indicators)
    assert {
        year: v for (i, year), (v, _) in observations.items() if i == "criminal-code-offences"
    } == {
        2019: 452800,
        **FACTS,
    }  # 2021's value 1 was replaced
    assert observations[("criminal-code-offences", 2021)][1].endswith("updated 2024-03-20")
    exported = tmp_path / "out.yaml"
    assert turva("export", str(exported), "--no-history").code == 0
    rows = yaml.safe_load(exported.read_text(encoding="utf-8"))["observations"]
    assert {"indicator": "criminal-code-offences", "year": 2023, "value": 511200} == {
        k: rows[-1][k] for k in ("indicator", "year", "value")
    }


def test_a_csv_import_in_finnish(with_indicators, turva):
    result = turva("--lang", "fi", "observations", "import", str(CSV))

    assert result.code == 0, result.stderr
    assert "tuotiin 5 havaintoa (4 uutta, 1 korvattu)" in result.stdout
    assert "1 puuttuva arvo jätettiin pois" in result.stdout
    assert _observations(with_indicators)[("homicides", 2023)] == (
        57,
        "https://stat.fi/julkaisu/cln328ikz5bck0bvzrnax22se",
    )


def test_an_error_writes_nothing_and_names_the_place_in_english_and_finnish(with_indicators, turva):
    before = _observations(with_indicators)
    nodes = count_nodes(with_indicators)
    args = ("observations", "import", str(PXWEB), "--indicator", "criminal-code-offences")

    en = turva(*args)
    fi = turva("--lang", "fi", *args)

    assert en.code == 1 and fi.code == 1
    assert "Traceback" not in en.stderr + fi.stderr
    assert f"{OFFENCE}: 3 categories: choose one with --select" in en.stderr
    assert f"{OFFENCE}: 3 luokkaa: valitse yksi valinnalla --select" in fi.stderr
    unknown = turva(
        "observations", "import", str(PXWEB), "--indicator", "nope", "--select", f"{OFFENCE}=SSS"
    )
    assert unknown.code == 1
    assert "--indicator: unknown indicator 'nope'" in unknown.stderr
    assert unknown.stderr.count("unknown indicator") == 1
    assert _observations(with_indicators) == before
    assert count_nodes(with_indicators) == nodes


def test_one_bad_row_keeps_the_good_ones_out(with_indicators, tmp_path):
    text = "indicator,year,value\ncriminal-code-offences,2022,5\nhomicides,2023,1e20\n"
    parsed = observations_from_csv(text)
    before = _observations(with_indicators)
    with pytest.raises(ValidationFailed) as caught:
        import_document(with_indicators, parsed.document(), who="test")
    issues = relocate(caught.value, parsed).issues
    assert [issue.path for issue in issues] == ["row[3].value"]
    assert _observations(with_indicators) == before


def test_ten_thousand_values_parse_and_load_in_one_transaction(with_indicators):
    doc = _with_indicators()
    indicators = [dict(doc["indicators"][0], id=f"i{n}") for n in range(50)]
    load_document(with_indicators, {"format": "turva/1", "indicators": indicators})
    lines = ["indicator,year,value,source"] + [
        f"i{n // 200},{1900 + n % 200},{n}.5,illustrative" for n in range(10_000)
    ]
    started = time.perf_counter()
    parsed = observations_from_csv("\n".join(lines))
    result = import_document(with_indicators, parsed.document(), who="test")
    seconds = time.perf_counter() - started
    assert result.report.created["observations"] == 10_000
    # 0.6-1.6 s measured on the shared 2-core test machine (the load's write dominates)
    assert seconds < 5


def test_unknown_indicators_of_a_csv_are_said_once_each_at_their_first_row(with_indicators):
    text = "indicator,year,value\nnope,2021,1\nnope,2022,2\nhomicides,2022,3\nother,2021,4\n"
    parsed = observations_from_csv(text)
    with pytest.raises(ValidationFailed) as caught:
        import_document(with_indicators, parsed.document(), who="test")
    issues = relocate(caught.value, parsed).issues
    assert [(issue.path, issue.text(str)) for issue in issues] == [
        ("row[2].indicator", "unknown indicator 'nope'"),
        ("row[5].indicator", "unknown indicator 'other'"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("x.xlsx", "", ("i", []), "observations are read from JSON-stat 2.0 (.json) or CSV"),
        ("x.json", "{not json", ("i", []), "is not JSON: Expecting property name"),
        ("x.json", "{}", (None, []), "give the indicator the dataset's values belong to"),
        ("x.csv", "indicator,year,value\n", (None, ["a=b"]), "a CSV file has none"),
    ],
)
def test_files_the_command_cannot_read_are_refused_before_the_graph(
    tmp_path, name, content, args, message
):
    from turva.api.cli.observations import read_observations
    from turva.graph.errors import TurvaError

    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TurvaError) as caught:
        read_observations(path, *args)
    assert message in caught.value.text_in("en")
