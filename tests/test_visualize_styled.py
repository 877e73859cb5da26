"""One styled map for every format: the writers agree with it and with each other, and
inside turva.visualize imports point one way (no Neo4j needed)."""

from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from turva.graph.domain.provenance import provenance
from turva.visualize import export_map, styled_map
from turva.visualize.styled import LARGE_MAP
from turva.visualize.write_gexf import gexf_bytes
from turva.visualize.write_graphml import graphml_bytes
from turva.visualize.write_html import vis_data
from turva.visualize.write_json import node_link
from turva.visualize.write_png import png_bytes

VISUALIZE = Path(__file__).resolve().parent.parent / "visualize"
#: each module may import only modules before it (style and layout are one step)
ORDER = [
    {"views"},
    {"analytics"},
    {"style", "layout"},
    {"summary"},
    {"styled"},
    # charts: the situation picture's charts (branch colours from style)
    {"write_html", "write_png", "write_graphml", "write_gexf", "write_json", "charts"},
    {"export"},
    # briefing: the printable briefing (maps through export, charts)
    {"render", "__init__", "briefing"},  # render: until api/routes/maps.py stops importing it
]


def typed(graph: nx.Graph, view: str = "overview") -> nx.Graph:
    """``graph`` with the attributes a view gives: every node a theme (or as given)."""
    for node, attrs in graph.nodes(data=True):
        attrs.setdefault("type", "theme")
        attrs.setdefault("id", str(node))
        attrs.setdefault("label_fi", f"nimi {node}")
    graph.graph.update(view=view, filters={}, lang="fi")
    return graph


def small() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_node("organisation:SM", type="organisation", id="SM", branch="SM")
    graph.add_node("organisation:SPR", type="organisation", id="SPR")
    graph.add_node("phenomenon:cyber", type="phenomenon", id="cyber", branches=1)
    graph.add_node("phenomenon:fraud", type="phenomenon", id="fraud", branches=2)
    graph.add_node("measure:m1", type="measure", id="m1", status="cancelled")
    graph.add_edge("organisation:SM", "phenomenon:cyber", rel="WORKS_ON", weight=3)
    graph.add_edge("organisation:SM", "phenomenon:fraud", rel="WORKS_ON", weight=1)
    graph.add_edge("organisation:SPR", "phenomenon:fraud", rel="WORKS_ON", weight=12)
    graph.add_edge("organisation:SPR", "measure:m1", rel="WORKS_ON", weight=1)
    return typed(graph, "who-works-on-what")


def large() -> nx.Graph:
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(LARGE_MAP + 40, 2, seed=5), str)
    return typed(graph)


def test_styled_map_holds_looks_marks_and_legend():
    styled = styled_map(small(), base_url="http://x")
    nodes = {n.key: n for n in styled.nodes}
    assert [n.key for n in styled.nodes] == sorted(nodes)
    assert nodes["organisation:SM"].mark == "broker"  # it alone ties cyber on
    assert nodes["phenomenon:cyber"].mark == "single-branch"
    assert nodes["phenomenon:fraud"].mark is None
    assert nodes["organisation:SPR"].fill == "#9e9e9e"  # no branch
    assert nodes["measure:m1"].fill == "#eeeeee"  # cancelled fades
    assert nodes["organisation:SM"].url == "http://x/organisations/SM"
    widths = {(e.source, e.target): e.width for e in styled.edges}
    assert widths[("organisation:SPR", "phenomenon:fraud")] == 10.0  # capped at 10 measures
    assert not any(e.arrow for e in styled.edges)  # derived edges have no direction
    kinds = [e.kind for e in styled.legend]
    assert kinds == ["branch", "branch", "type", "status", "broker", "single-branch", "edge"]
    assert all(n.x is not None for n in styled.nodes) and styled.physics


def test_styled_map_leaves_the_view_graph_alone():
    graph = small()
    before = (dict(graph.graph), {n: dict(a) for n, a in graph.nodes(data=True)})
    styled = styled_map(graph)
    assert (dict(graph.graph), {n: dict(a) for n, a in graph.nodes(data=True)}) == before
    assert "degree" in styled.graph.nodes["organisation:SM"]


def test_small_html_maps_skip_the_layout_large_ones_never_do():
    assert all(n.x is None for n in styled_map(small(), positions=False).nodes)
    styled = styled_map(large(), positions=False)
    assert not styled.physics and all(n.x is not None for n in styled.nodes)


def test_every_writer_draws_the_same_positions():
    styled = styled_map(large())
    where = {n.key: (round(n.x, 1), round(n.y, 1)) for n in styled.nodes}  # type: ignore[arg-type]
    html = {n["id"]: (n["x"], n["y"]) for n in vis_data(styled)["nodes"]}
    assert html == where
    data = node_link(styled)
    assert {n["id"]: (n["x"], n["y"]) for n in data["nodes"]} == where
    graphml = nx.read_graphml(io.BytesIO(graphml_bytes(styled)))
    assert {n: (a["x"], a["y"]) for n, a in graphml.nodes(data=True)} == where
    gexf = nx.read_gexf(io.BytesIO(gexf_bytes(styled)))
    for node, attrs in gexf.nodes(data=True):
        position = attrs["viz"]["position"]
        # Gephi's y axis points up, the canvas's down
        assert (position["x"], -position["y"]) == pytest.approx(where[node], abs=0.051)
    assert png_bytes(styled).startswith(b"\x89PNG")


def test_every_writer_uses_the_same_colours_sizes_and_labels():
    styled = styled_map(small())
    nodes = {n.key: n for n in styled.nodes}
    html = {n["id"]: n for n in vis_data(styled)["nodes"]}
    gexf = nx.read_gexf(io.BytesIO(gexf_bytes(styled)))
    for key, node in nodes.items():
        assert html[key]["color"]["background"] == node.fill
        assert html[key]["size"] == round(node.size, 1)
        assert html[key]["label"] == gexf.nodes[key]["label"] == node.label
        viz = gexf.nodes[key]["viz"]
        assert "#{r:02x}{g:02x}{b:02x}".format(**viz["color"]) == node.fill
        assert viz["size"] == pytest.approx(node.size, abs=0.01)


def test_a_png_needs_a_laid_out_map():
    with pytest.raises(ValueError, match="laid-out"):
        png_bytes(styled_map(small(), positions=False))


def test_export_map_writes_every_format_from_one_styled_map():
    graph = small()
    body = json.loads(export_map(graph, "json"))
    assert {n["id"] for n in body["nodes"]} == set(graph.nodes)
    assert {"degree", "betweenness", "community", "broker", "x", "y"} <= set(body["nodes"][0])
    assert export_map(graph, "png").startswith(b"\x89PNG")
    html = export_map(graph, "html").decode()
    assert '"x":' not in html  # small maps settle with the browser's physics


def test_large_layouts_do_not_depend_on_the_hash_seed():
    script = (
        "import hashlib, json, networkx as nx\n"
        "from turva.visualize.layout import layout\n"
        "g = nx.relabel_nodes(nx.barabasi_albert_graph(400, 2, seed=1), lambda n: f'n{n}')\n"
        "pos = sorted((k, round(x, 6), round(y, 6)) for k, (x, y) in layout(g).items())\n"
        "print(hashlib.sha256(json.dumps(pos).encode()).hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1


def _imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name.startswith("turva.visualize."):
                found.add(name.split(".")[2])
    return found


def test_imports_inside_visualize_point_one_way():
    step = {module: i for i, modules in enumerate(ORDER) for module in modules}
    files = {p.stem for p in VISUALIZE.glob("*.py")}
    assert not files - set(step), "put every visualize module in ORDER"
    for module in sorted(files):
        for used in _imported_modules(VISUALIZE / f"{module}.py") & files:
            assert step[used] < step[module], (
                f"visualize/{module}.py imports {used}: imports point "
                "views -> analytics -> style/layout -> styled -> writers -> export"
            )


def test_writers_read_only_the_styled_map():
    writers = list(VISUALIZE.glob("write_*.py"))
    assert len(writers) == 5
    for path in writers:
        # no other writer, no analytics or layout of their own: the styled map and its look
        assert _imported_modules(path) <= {"styled", "style"}, path.name


#: the names of :func:`named`'s records in fi, sv and en (None: only the Finnish one is there,
#: and the view puts it in that language's place)
NAMED_LABELS = {
    "organisation:POHA": ("Poliisihallitus", "Polisstyrelsen", "National Police Board"),
    "organisation:FIU": ("Rahanpesun selvittelykeskus", None, "Financial Intelligence Unit"),
    "group:G8": ("Kyberrikollisuus", "It-brottslighet", "Cybercrime"),
    "measure:M01": ("Verkkopoliisin neuvonta", None, None),
}


def named() -> nx.DiGraph:
    """A group map in small: a sourced organisation, an illustrative one and membership,
    names in Finnish and Swedish (the measure only in Finnish)."""
    g = nx.DiGraph(view="group", filters={})
    g.add_node(
        "organisation:POHA", abbreviation="POHA", kind="agency", source="https://intermin.fi"
    )
    g.add_node("organisation:FIU", abbreviation="FIU", source="illustrative")
    g.add_node("group:G8", number=8, centre=True)
    g.add_node("measure:M01", status="ongoing", source="illustrative")
    for key, (fi, sv, en) in NAMED_LABELS.items():
        kind, record_id = key.split(":")
        g.nodes[key].update(type=kind, id=record_id, label_fi=fi, label_sv=sv or fi)
        g.nodes[key]["label_en"] = en or fi
    g.add_edge("organisation:POHA", "group:G8", rel="MEMBER_OF", role="lead", source="illustrative")
    g.add_edge("organisation:FIU", "group:G8", rel="MEMBER_OF", source="https://intermin.fi")
    g.add_edge("organisation:POHA", "measure:M01", rel="RESPONSIBLE_FOR")
    for _, _, attrs in g.edges(data=True):
        attrs.update(weight=1, provenance=provenance(attrs.get("source")))
    return g


def test_labels_and_tooltips_speak_the_maps_language():
    fi = {n.record_id: n for n in styled_map(named(), lang="fi", positions=False).nodes}
    sv = {n.record_id: n for n in styled_map(named(), lang="sv", positions=False).nodes}
    # organisations by abbreviation, the full name in the tooltip, in the map's language
    assert fi["POHA"].label == sv["POHA"].label == "POHA"
    assert "Poliisihallitus" in fi["POHA"].tooltip and "Polisstyrelsen" in sv["POHA"].tooltip
    assert "Polisstyrelsen" not in fi["POHA"].tooltip
    # names, not codes: a measure by its title (Finnish where Swedish is missing)
    assert fi["G8"].label == "8. Kyberrikollisuus" and sv["G8"].label == "8. It-brottslighet"
    assert sv["M01"].label == "Verkkopoliisin neuvonta"
    # the kind and the provenance in words
    assert "organisaatio, virasto" in fi["POHA"].tooltip
    assert "organisation, ämbetsverk" in sv["POHA"].tooltip
    assert "alkuperä: havainnollistava" in fi["FIU"].tooltip
    assert "agency" not in fi["POHA"].tooltip and "illustrative" not in fi["FIU"].tooltip


def test_illustrative_links_and_records_are_dashed_and_the_legend_says_so():
    styled = styled_map(named(), lang="fi", positions=False)
    dashed = {(e.source, e.target) for e in styled.edges if e.dashed}
    assert dashed == {("organisation:POHA", "group:G8")}
    assert {n.record_id for n in styled.nodes if n.dashed} == {"FIU", "M01"}
    edges = {(e["from"], e["to"]): e for e in vis_data(styled)["edges"]}
    assert edges["organisation:POHA", "group:G8"]["dashes"] is True
    assert edges["organisation:FIU", "group:G8"]["dashes"] is False
    nodes = {n["id"]: n for n in vis_data(styled)["nodes"]}
    assert nodes["organisation:FIU"]["shapeProperties"] == {"borderDashes": [5, 4]}
    assert "shapeProperties" not in nodes["organisation:POHA"]
    legend = {e.kind: e for e in styled.legend}
    assert legend["illustrative-edge"].dashed and "katkoviiva" in legend["illustrative-edge"].text
    assert "havainnollistava" in legend["illustrative-node"].text
    html = export_map(named(), "html", lang="fi").decode()
    assert "border-top-style:dashed" in html and "katkoviiva: havainnollistava yhteys" in html
    # a map with nothing illustrative has no such legend lines
    plain = named()
    plain.remove_nodes_from(["organisation:FIU", "measure:M01"])
    plain.edges["organisation:POHA", "group:G8"]["provenance"] = "sourced"
    kinds = {e.kind for e in styled_map(plain, positions=False).legend}
    assert not kinds & {"illustrative-edge", "illustrative-node"}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fi", ["Selite", "organisaatio", "painopisteryhmä", "katkoviiva", "Kartta tekstinä"]),
        (
            "sv",
            ["Teckenförklaring", "organisation", "prioritetsgrupp", "streckad", "Kartan som text"],
        ),
        ("en", ["Legend", "organisation", "priority group", "dashed", "The map as text"]),
    ],
)
def test_legend_and_text_alternative_are_translated(lang, words):
    html = export_map(named(), "html", lang=lang).decode()
    for word in words:
        assert word in html, word


def test_text_alternative_lists_nodes_and_links_with_provenance():
    html = export_map(named(), "html", lang="fi").decode()
    nodes = html.split('<table class="turva-map-nodes">')[1].split("</table>")[0]
    edges = html.split('<table class="turva-map-edges">')[1].split("</table>")[0]
    assert nodes.count("<tr") == 1 + 4  # the header and a row a node
    assert "POHA – Poliisihallitus" in nodes and "organisaatio, virasto" in nodes
    assert edges.count("<tr") == 1 + 3
    assert "on jäsenenä (vetäjä)" in edges
    assert "vastaa toimenpiteestä" in edges and "havainnollistava" in edges
    assert 'tabindex="0"' in html and 'aria-label="Verkostokartta:' in html


def test_exports_carry_provenance_on_nodes_and_edges():
    styled = styled_map(named(), lang="fi")
    data = node_link(styled)
    assert {n["id"]: n["provenance"] for n in data["nodes"]}["organisation:FIU"] == "illustrative"
    assert all(n["provenance"] in ("sourced", "unsourced", "illustrative") for n in data["nodes"])
    assert all("provenance" in e for e in data["edges"])
    for raw in (graphml_bytes(styled), gexf_bytes(styled)):
        text = raw.decode()
        assert "provenance" in text and "illustrative" in text and "source" in text
