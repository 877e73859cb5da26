"""Access control through HTTP: the role x organisation x write matrix, tokens, and the CLI."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Driver

from tests.api_client import bearer, client, signed_in_as, token

OWN = "POHA"  # the editor's organisation in these tests


@pytest.fixture
def api(graph_2021: Driver, neo4j_target):
    with client(graph_2021, neo4j_target.settings()) as c:
        yield c


def _groups_with_member(dataset: dict[str, Any], org: str, member: bool) -> str:
    return next(
        g["id"]
        for g in dataset["priority_groups"]
        if any(m["organisation"] == org for m in g["members"]) == member
    )


def _other_org(dataset: dict[str, Any]) -> str:
    return next(o["id"] for o in dataset["organisations"] if o["id"] != OWN and o["id"] != "SM")


def _record(kind: str, rid: str, own: bool, dataset: dict[str, Any]) -> dict[str, Any]:
    if kind == "measures":
        org = OWN if own else _other_org(dataset)
        return {
            "id": rid,
            "title": {"fi": "Testitoimenpide"},
            "status": "planned",
            "responsible": [{"organisation": org, "role": "lead"}],
            "addresses": ["money-laundering"],
        }
    return {
        "id": rid,
        "text": {"fi": "Testitavoite"},
        "group": _groups_with_member(dataset, OWN, member=own),
        "targets": ["money-laundering"],
    }


def _attempt(api, admin: dict, who: dict, kind: str, action: str, own: bool, n: int, data) -> int:
    rid = f"auth-{kind}-{action}-{n}"
    record = _record(kind, rid, own, data)
    if action == "create":
        return api.post(f"/api/v1/{kind}", json=record, headers=who).status_code
    assert api.post(f"/api/v1/{kind}", json=record, headers=admin).status_code == 201
    if action == "replace":
        changed = {**record, "source": "changed"}
        return api.put(f"/api/v1/{kind}/{rid}", json=changed, headers=who).status_code
    return api.delete(f"/api/v1/{kind}/{rid}", headers=who).status_code


EXPECTED = {
    # role: (own organisation's record, another organisation's record)
    "anonymous": (401, 401),
    "reader": (403, 403),
    "editor": ("ok", 403),
    "admin": ("ok", "ok"),
}


def test_authorization_matrix(api, graph_2021, dataset_2021):
    admin = bearer(token(graph_2021, "admin"))
    headers = {
        "anonymous": {},
        "reader": bearer(token(graph_2021, "reader")),
        "editor": bearer(token(graph_2021, "editor", OWN)),
        "admin": admin,
    }
    wrong = []
    n = 0
    for role, expected in EXPECTED.items():
        for kind in ("measures", "goals"):
            for action in ("create", "replace", "delete"):
                for own, want in ((True, expected[0]), (False, expected[1])):
                    n += 1
                    got = _attempt(api, admin, headers[role], kind, action, own, n, dataset_2021)
                    ok = 200 <= got < 300 if want == "ok" else got == want
                    if not ok:
                        wrong.append((role, kind, action, "own" if own else "other", got, want))
    assert wrong == []


def test_editor_cannot_take_over_or_give_away_a_measure(api, graph_2021, dataset_2021):
    editor = bearer(token(graph_2021, "editor", OWN))
    other = next(
        m
        for m in dataset_2021["measures"]
        if all(r["organisation"] != OWN for r in m["responsible"])
    )
    current = api.get(f"/api/v1/measures/{other['id']}").json()
    takeover = {**current, "responsible": [*current["responsible"], {"organisation": OWN}]}
    response = api.put(f"/api/v1/measures/{other['id']}", json=takeover, headers=editor)
    assert response.status_code == 403
    assert OWN in response.json()["detail"]
    assert api.get(f"/api/v1/measures/{other['id']}").json() == current

    mine = next(
        m
        for m in dataset_2021["measures"]
        if any(r["organisation"] == OWN for r in m["responsible"])
    )
    current = api.get(f"/api/v1/measures/{mine['id']}").json()
    away = {**current, "responsible": [{"organisation": _other_org(dataset_2021)}]}
    assert api.put(f"/api/v1/measures/{mine['id']}", json=away, headers=editor).status_code == 403
    assert api.get(f"/api/v1/measures/{mine['id']}").json() == current
    changes = api.get("/api/v1/changes", params={"type": "measures"}).json()
    assert changes["count"] == 0


def test_editor_cannot_move_a_goal_into_a_foreign_group(api, graph_2021, dataset_2021):
    admin = bearer(token(graph_2021, "admin"))
    editor = bearer(token(graph_2021, "editor", OWN))
    goal = _record("goals", "g-move", True, dataset_2021)
    assert api.post("/api/v1/goals", json=goal, headers=admin).status_code == 201
    foreign = _groups_with_member(dataset_2021, OWN, member=False)
    response = api.put("/api/v1/goals/g-move", json={**goal, "group": foreign}, headers=editor)
    assert response.status_code == 403
    assert api.get("/api/v1/goals/g-move").json()["group"] == goal["group"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/phenomena"),
        ("put", "/api/v1/organisations/POHA"),
        ("delete", "/api/v1/themes/everyday-security"),
        ("post", "/api/v1/import"),
        ("post", "/api/v1/tokens"),
        ("get", "/api/v1/tokens"),
    ],
)
def test_editor_may_not_touch_other_types_imports_or_tokens(api, graph_2021, method, path):
    editor = bearer(token(graph_2021, "editor", OWN))
    body = (
        {"name": "wider", "role": "admin"} if method == "post" and path.endswith("tokens") else None
    )
    if path.endswith("POHA"):
        body = api.get(path).json()
    if path.endswith("phenomena"):
        body = {"id": "new-phenomenon", "name": {"fi": "Uusi ilmiö"}}
    if path.endswith("import"):
        body = {"format": "turva/1"}
    kwargs = {"json": body} if body is not None else {}
    response = getattr(api, method)(path, headers=editor, **kwargs)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_admin_makes_and_revokes_tokens_over_http(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    made = api.post(
        "/api/v1/tokens",
        json={"name": "poha editor", "role": "editor", "organisations": [OWN]},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    secret = made.json()["secret"]
    me = api.get("/api/v1/whoami", headers=bearer(secret)).json()
    assert me == {"role": "editor", "name": "poha editor", "organisations": [OWN]}
    listed = api.get("/api/v1/tokens", headers=admin).json()
    assert "poha editor" in [t["name"] for t in listed["data"]]
    assert "secret" not in str(listed) and "hash" not in str(listed)
    assert api.delete("/api/v1/tokens/poha editor", headers=admin).status_code == 200
    assert api.get("/api/v1/whoami", headers=bearer(secret)).status_code == 401


def test_editor_token_needs_known_organisations(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    response = api.post(
        "/api/v1/tokens",
        json={"name": "x", "role": "editor", "organisations": ["NOPE"]},
        headers=admin,
    )
    assert response.status_code == 422
    assert "NOPE" in response.json()["detail"]
    response = api.post("/api/v1/tokens", json={"name": "y", "role": "editor"}, headers=admin)
    assert response.status_code == 422


@pytest.mark.parametrize(
    "header",
    [
        "Bearer turva_000000000000_wrongwrongwrongwrongwrong",
        "Bearer nonsense",
        "Basic abc",
        "Bearer ",
    ],
)
def test_wrong_tokens_are_401(api, header):
    response = api.get("/api/v1/themes", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_reads_open_by_default_and_closed_when_configured(graph_2021, neo4j_target):
    with client(graph_2021, neo4j_target.settings()) as open_api:
        assert open_api.get("/api/v1/themes").status_code == 200
    with client(graph_2021, neo4j_target.settings(), reads_require_token=True) as closed:
        assert closed.get("/api/v1/themes").status_code == 401
        assert closed.get("/api/v1/search", params={"q": "rahanpesu"}).status_code == 401
        reader = bearer(token(graph_2021, "reader"))
        assert closed.get("/api/v1/themes", headers=reader).status_code == 200
        assert closed.get("/healthz").status_code == 200


def test_cli_tokens_work_against_the_api(turva, api, graph_2021):
    made = turva("token", "create", "--role", "editor", "--organisation", OWN, "--name", "cli ed")
    assert made.code == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("turva_")
    assert api.get("/api/v1/whoami", headers=bearer(secret)).json()["role"] == "editor"
    listed = turva("token", "list", "--json")
    assert "cli ed" in listed.stdout and secret not in listed.stdout
    revoked = turva("token", "revoke", "cli ed")
    assert revoked.code == 0, revoked.stderr
    assert api.get("/api/v1/whoami", headers=bearer(secret)).status_code == 401
    wrong = turva("token", "create", "--role", "boss", "--name", "x")
    assert wrong.code != 0 and "reader" in wrong.stderr and "Traceback" not in wrong.stderr


def test_the_login_cookie_reads_but_never_writes(graph_2021, neo4j_target):
    secret = token(graph_2021, "admin")
    theme = {"id": "cookie-theme", "name": {"fi": "keksi"}}
    with client(graph_2021, neo4j_target.settings(), reads_require_token=True) as api:
        # an admin's session cookie: it reads the API, and writes through pages' forms only
        signed_in_as(api, graph_2021, "admin")
        assert api.get("/api/v1/themes").status_code == 200
        # a browser sends the cookie with any request, even one another site makes
        refused = api.post("/api/v1/themes", json=theme)
        assert refused.status_code == 401
        assert api.get("/api/v1/themes/cookie-theme").status_code == 404
        api.cookies.clear()
        allowed = api.post("/api/v1/themes", json=theme, headers=bearer(secret))
        assert allowed.status_code == 201


# --- lead and partner editors of a measure ----------------------------------------------

LEAD, PARTNER, OTHER = "POHA", "KRP", "Tulli"

ROLE_MATRIX = {
    # caller: (change status, change responsible, delete)
    "lead editor": (200, 200, 204),
    "partner editor": (200, 403, 403),
    "other editor": (403, 403, 403),
    "admin": (200, 200, 204),
}


def _shared_measure(rid: str) -> dict[str, Any]:
    return {
        "id": rid,
        "title": {"fi": "Yhteinen toimenpide"},
        "status": "planned",
        "responsible": [
            {"organisation": LEAD, "role": "lead"},
            {"organisation": PARTNER, "role": "partner"},
        ],
        "addresses": ["money-laundering"],
    }


def test_lead_and_partner_editors_matrix(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    callers = {
        "lead editor": bearer(token(graph_2021, "editor", LEAD)),
        "partner editor": bearer(token(graph_2021, "editor", PARTNER)),
        "other editor": bearer(token(graph_2021, "editor", OTHER)),
        "admin": admin,
    }
    wrong = []
    for n, (caller, expected) in enumerate(ROLE_MATRIX.items()):
        headers = callers[caller]
        for action, want in zip(("status", "responsible", "delete"), expected, strict=True):
            rid = f"roles-{n}-{action}"
            record = _shared_measure(rid)
            assert api.post("/api/v1/measures", json=record, headers=admin).status_code == 201
            if action == "status":
                got = api.put(
                    f"/api/v1/measures/{rid}", json={**record, "status": "done"}, headers=headers
                )
            elif action == "responsible":
                more = [*record["responsible"], {"organisation": OTHER, "role": "partner"}]
                got = api.put(
                    f"/api/v1/measures/{rid}", json={**record, "responsible": more}, headers=headers
                )
            else:
                got = api.delete(f"/api/v1/measures/{rid}", headers=headers)
            if got.status_code != want:
                wrong.append((caller, action, got.status_code, want, got.text[:200]))
            elif want == 403:
                stored = api.get(f"/api/v1/measures/{rid}").json()
                assert stored["status"] == "planned" and len(stored["responsible"]) == 2
    assert wrong == []


def test_a_partner_editor_cannot_remove_or_become_the_lead(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    partner = bearer(token(graph_2021, "editor", PARTNER))
    record = _shared_measure("roles-coup")
    assert api.post("/api/v1/measures", json=record, headers=admin).status_code == 201
    for responsible in (
        [{"organisation": PARTNER, "role": "lead"}],
        [{"organisation": LEAD, "role": "partner"}, {"organisation": PARTNER, "role": "lead"}],
        [{"organisation": PARTNER, "role": "partner"}],
    ):
        put = api.put(
            "/api/v1/measures/roles-coup",
            json={**record, "responsible": responsible},
            headers=partner,
        )
        assert put.status_code == 403, put.text
        assert "responsible" in put.json()["detail"] and LEAD in put.json()["detail"]
        patch = api.patch(
            "/api/v1/measures/roles-coup", json={"responsible": responsible}, headers=partner
        )
        assert patch.status_code == 403
    stored = api.get("/api/v1/measures/roles-coup").json()["responsible"]
    assert sorted(stored, key=str) == sorted(record["responsible"], key=str)
    assert [
        c["action"] for c in api.get("/api/v1/changes", params={"id": "roles-coup"}).json()["data"]
    ] == ["create"]


def test_a_partner_editor_changes_status_dates_resources_and_indicator_only(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    partner = bearer(token(graph_2021, "editor", PARTNER))
    assert (
        api.post(
            "/api/v1/measures", json=_shared_measure("roles-partner"), headers=admin
        ).status_code
        == 201
    )
    allowed = {
        "status": "ongoing",
        "start": "2025-01-01",
        "end": "2026-06-30",
        "resources": {"eur": 20000, "person_years": 0.5},
        "indicator": {"fi": "Koulutettujen määrä"},
    }
    response = api.patch("/api/v1/measures/roles-partner", json=allowed, headers=partner)
    assert response.status_code == 200, response.text
    for field, value in (
        ("title", {"fi": "Uusi nimi"}),
        ("addresses", ["disinformation"]),
        ("advances", ["G1.1"]),
        ("source", "partner's note"),
    ):
        refused = api.patch("/api/v1/measures/roles-partner", json={field: value}, headers=partner)
        assert refused.status_code == 403, (field, refused.text)
        assert field in refused.json()["detail"]
    got = api.get("/api/v1/measures/roles-partner").json()
    assert {k: got[k] for k in allowed} == allowed
    assert got["title"] == {"fi": "Yhteinen toimenpide"}


def test_a_new_measure_names_the_editors_organisation_as_lead(api, graph_2021):
    editor = bearer(token(graph_2021, "editor", PARTNER))
    as_partner = {
        **_shared_measure("roles-new"),
        "responsible": [
            {"organisation": LEAD, "role": "lead"},
            {"organisation": PARTNER, "role": "partner"},
        ],
    }
    refused = api.post("/api/v1/measures", json=as_partner, headers=editor)
    assert refused.status_code == 403 and "lead" in refused.json()["detail"]
    as_lead = {
        **as_partner,
        "responsible": [
            {"organisation": PARTNER, "role": "lead"},
            {"organisation": LEAD, "role": "partner"},
        ],
    }
    assert api.post("/api/v1/measures", json=as_lead, headers=editor).status_code == 201
