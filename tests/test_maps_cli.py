"""`turva map` writes every view in every format for the 2021 dataset, offline-ready."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from neo4j import Driver
from typer.testing import CliRunner

from tests.maps_support import REMOTE_ASSET, map_data
from turva.api.cli import load_commands
from turva.visualize import FORMATS, VIEWS, MapRequest, read_map

ARGS = {
    "who-works-on-what": ["--period", "2021"],
    "group": ["--id", "PG2021-8"],
    "phenomenon": ["--id", "polarisation", "--radius", "2"],
    "organisation": ["--id", "POHA"],
    "collaboration": [],
    "overview": [],
}


@pytest.fixture(scope="module")
def expected(loaded_2021: Driver) -> dict[str, nx.Graph]:
    """What each view holds, read directly (the CLI must write the same)."""
    requests = {
        "who-works-on-what": MapRequest("who-works-on-what", period=2021),
        "group": MapRequest("group", id="PG2021-8"),
        "phenomenon": MapRequest("phenomenon", id="polarisation", radius=2),
        "organisation": MapRequest("organisation", id="POHA"),
        "collaboration": MapRequest("collaboration"),
        "overview": MapRequest("overview"),
    }
    return {view: read_map(loaded_2021, r) for view, r in requests.items()}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("view", VIEWS)
def test_every_view_in_every_format(loaded_2021, expected, neo4j_target, tmp_path, view, fmt):
    out = tmp_path / f"{view}.{fmt}"
    result = CliRunner().invoke(
        load_commands(), ["map", view, *ARGS[view], "-o", str(out)], env=neo4j_target.env()
    )
    assert result.exit_code == 0, result.output
    graph = expected[view]
    assert graph.number_of_nodes() > 5
    if fmt == "html":
        html = out.read_text(encoding="utf-8")
        data = map_data(html)
        assert {n["id"] for n in data["nodes"]} == set(graph.nodes)
        assert len(data["edges"]) == graph.number_of_edges()
        assert REMOTE_ASSET.search(html) is None, "the map must not load anything remote"
        assert "vis.Network" in html and "turva-map-legend" in html
        urls = [n["url"] for n in data["nodes"] if n["url"]]
        assert urls and all(u.startswith("http://127.0.0.1:8000/") for u in urls)
    elif fmt == "graphml":
        read = nx.read_graphml(out)
        assert set(read.nodes) == set(graph.nodes)
        assert read.number_of_edges() == graph.number_of_edges()
        assert {"type", "degree", "betweenness", "community"} <= set(
            next(iter(read.nodes(data=True)))[1]
        )
    elif fmt == "gexf":
        read = nx.read_gexf(out)
        assert set(read.nodes) == set(graph.nodes)
        assert read.number_of_edges() == graph.number_of_edges()
        assert "viz" in next(iter(read.nodes(data=True)))[1]
    elif fmt == "json":
        data = json.loads(out.read_text(encoding="utf-8"))
        assert {n["id"] for n in data["nodes"]} == set(graph.nodes)
        assert len(data["edges"]) == graph.number_of_edges()
        assert data["graph"]["view"] == view
    else:
        raw = out.read_bytes()
        assert raw.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")
        assert (width, height) == (1600, 1050)


def test_bad_arguments_are_one_clear_line(loaded_2021, turva, tmp_path):
    cases = [
        (["map", "group", "-o", "g.html"], "needs an id"),
        (["map", "overview", "-o", "x.pdf"], "extension must be one of .html, .graphml"),
        (
            ["map", "who-works-on-what", "--period", "1999", "-o", "w.html"],
            "periods in the graph: 2021",
        ),
        # --id takes a name too (turva.queries.resolve): it says nothing is called that
        (["map", "phenomenon", "--id", "no-such", "-o", "p.png"], "'no-such'"),
        (["map", "maps", "-o", "m.html"], "unknown map view 'maps'"),
    ]
    for args, words in cases:
        result = turva(*args)
        assert result.code == 1, (args, result.stderr)
        assert words in result.stderr
        assert "Traceback" not in result.stderr
    assert not list(Path(tmp_path).glob("*.html"))


def test_base_url_and_language(loaded_2021, turva, tmp_path):
    result = turva(
        "map",
        "group",
        "--id",
        "PG2021-8",
        "--lang",
        "en",
        "--base-url",
        "https://turva.intra.example",
        "-o",
        "g.html",
    )
    assert result.code == 0, result.stderr
    assert "wrote g.html" in result.stderr
    data = map_data((tmp_path / "g.html").read_text(encoding="utf-8"))
    urls = {n["id"]: n["url"] for n in data["nodes"]}
    assert urls["group:PG2021-8"] == "https://turva.intra.example/groups/PG2021-8"
    assert "Cybercrime as a threat to everyday security" in (tmp_path / "g.html").read_text()


def test_names_as_id_names_on_the_map_and_provenance_in_the_export(loaded_2021, turva, tmp_path):
    # an inflected Finnish name picks the phenomenon; the map speaks Swedish
    result = turva(
        "map", "phenomenon", "--id", "rahanpesun", "--radius", "1", "--lang", "sv", "-o", "p.html"
    )
    assert result.code == 0, result.stderr
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    nodes = {n["id"]: n for n in map_data(html)["nodes"]}
    assert "phenomenon:money-laundering" in nodes
    assert "Teckenförklaring" in html and "Kartan som text" in html
    assert "ursprung:" in nodes["phenomenon:money-laundering"]["title"]
    result = turva("map", "group", "--id", "PG2021-8", "-o", "g.json")
    assert result.code == 0, result.stderr
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert {n["provenance"] for n in data["nodes"]} <= {"sourced", "unsourced", "illustrative"}
    members = [e for e in data["edges"] if e["rel"] == "MEMBER_OF"]
    assert members and {e["provenance"] for e in members} == {"illustrative"}
