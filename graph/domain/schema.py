"""The graph schema: node labels, relationship types, constraints and indexes.

This module is the allow-list: Cypher text anywhere in turva may only name labels and
relationship types defined here (values always travel as parameters).
"""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import Driver

from turva.graph.domain import model

__all__ = [
    "NodeType",
    "RelType",
    "NODE_TYPES",
    "REL_TYPES",
    "LABELS",
    "REL_TYPE_NAMES",
    "node_type",
    "node_type_for_label",
    "label",
    "rel_type",
    "apply_schema",
    "schema_in_place",
    "FULLTEXT_INDEXES",
    "OBSERVATION_LABEL",
]


@dataclass(frozen=True)
class NodeType:
    """A kind of record: its document section, Neo4j label and the words users use."""

    section: str
    label: str
    model: type[model.Record]
    noun: str
    text_field: str  # the multilingual name field: name, text or title


@dataclass(frozen=True)
class RelType:
    """A relationship type between two labels, owned by the record whose field defines it.

    Loading a record replaces exactly the relationships it owns, so ``owner`` and
    ``field`` say which record and which of its fields a relationship comes from.
    """

    type: str
    start: str
    end: str
    owner: str
    field: str

    @property
    def owner_is_start(self) -> bool:
        return self.owner == self.start


NODE_TYPES: tuple[NodeType, ...] = (
    NodeType("themes", "Theme", model.Theme, "theme", "name"),
    NodeType("branches", "AdministrativeBranch", model.AdministrativeBranch, "branch", "name"),
    NodeType("organisations", "Organisation", model.Organisation, "organisation", "name"),
    NodeType("phenomena", "Phenomenon", model.Phenomenon, "phenomenon", "name"),
    NodeType("indicators", "Indicator", model.Indicator, "indicator", "name"),
    NodeType("priority_groups", "PriorityGroup", model.PriorityGroup, "priority group", "name"),
    NodeType("bodies", "CooperationBody", model.CooperationBody, "cooperation body", "name"),
    NodeType("goals", "Goal", model.Goal, "goal", "text"),
    NodeType("measures", "Measure", model.Measure, "measure", "title"),
)

# One row a relationship type, alike by design: this table is the allow-list that every
# write and query is checked against, kept literal so that it reads like the design card.
REL_TYPES: tuple[RelType, ...] = (
    RelType(
        "HAS_MINISTRY", "AdministrativeBranch", "Organisation", "AdministrativeBranch", "ministry"
    ),
    RelType("BELONGS_TO", "Organisation", "AdministrativeBranch", "Organisation", "branch"),
    RelType("PART_OF", "Organisation", "Organisation", "Organisation", "parent"),
    RelType("PART_OF", "Phenomenon", "Phenomenon", "Phenomenon", "parent"),
    RelType("IN_THEME", "Phenomenon", "Theme", "Phenomenon", "themes"),
    RelType("IN_THEME", "PriorityGroup", "Theme", "PriorityGroup", "themes"),
    RelType("MEASURES", "Indicator", "Phenomenon", "Indicator", "phenomena"),
    RelType("FOCUSES_ON", "PriorityGroup", "Phenomenon", "PriorityGroup", "focuses_on"),
    RelType("MEMBER_OF", "Organisation", "PriorityGroup", "PriorityGroup", "members"),
    RelType("MEMBER_OF", "Organisation", "CooperationBody", "CooperationBody", "members"),
    RelType("SETS", "PriorityGroup", "Goal", "Goal", "group"),
    RelType("TARGETS", "Goal", "Phenomenon", "Goal", "targets"),
    RelType("ADVANCES", "Measure", "Goal", "Measure", "advances"),
    RelType("ADDRESSES", "Measure", "Phenomenon", "Measure", "addresses"),
    RelType("RESPONSIBLE_FOR", "Organisation", "Measure", "Measure", "responsible"),
)

#: a year's value of an indicator: turva/1 data (the ``observations`` section) but not a
#: record type (no id of its own in the format; its node id is ``<indicator>/<year>``)
OBSERVATION_LABEL = "Observation"

#: labels of service records kept beside the domain graph (never part of turva/1 data):
#: the change history, API tokens, idempotency keys of retried creates (kept a day), and
#: the one node holding the graph's version (:func:`turva.graph.store.versions.graph_version`)
SERVICE_LABELS = ("Change", "ApiToken", "IdempotencyKey", "GraphVersion")
#: people's accounts (graph/store/accounts.py), their sign-in sessions, the changes made to
#: accounts, the failed sign-ins per username and the key that signs the login form's CSRF
#: cookie (graph/store/sessions.py), and the map views a person saved
#: (graph/store/saved_views.py): service records, never turva/1 data
ACCOUNT_LABELS = (
    "Account",
    "Session",
    "AccountChange",
    "LoginThrottle",
    "SigningKey",
    "SavedView",
)
#: the relationship of a session to its account (never part of turva/1 data either)
SERVICE_REL_TYPES = ("SESSION_OF",)

LABELS = (
    frozenset(nt.label for nt in NODE_TYPES)
    | {OBSERVATION_LABEL}
    | frozenset(SERVICE_LABELS)
    | frozenset(ACCOUNT_LABELS)
)
REL_TYPE_NAMES = frozenset(rt.type for rt in REL_TYPES) | frozenset(SERVICE_REL_TYPES)

_BY_SECTION = {nt.section: nt for nt in NODE_TYPES}
_BY_LABEL = {nt.label: nt for nt in NODE_TYPES}

#: one full-text index per language, each with the language's own analyzer
FULLTEXT_INDEXES = {
    "fi": ("turva_text_fi", "finnish"),
    "sv": ("turva_text_sv", "swedish"),
    "en": ("turva_text_en", "english"),
}


def node_type(section: str) -> NodeType:
    """The node type of a document section (``"measures"`` -> Measure)."""
    return _BY_SECTION[section]


def node_type_for_label(name: str) -> NodeType:
    """The node type of a label (``"Measure"``)."""
    return _BY_LABEL[name]


def label(name: str) -> str:
    """``name`` if it is an allowed label; the only way labels enter Cypher text."""
    if name not in LABELS:
        raise ValueError(f"label {name!r} is not in the schema")
    return name


def rel_type(name: str) -> str:
    """``name`` if it is an allowed relationship type."""
    if name not in REL_TYPE_NAMES:
        raise ValueError(f"relationship type {name!r} is not in the schema")
    return name


def _statements() -> list[str]:
    statements = [
        f"CREATE CONSTRAINT turva_{label(lb).lower()}_id IF NOT EXISTS "
        f"FOR (n:{label(lb)}) REQUIRE n.id IS UNIQUE"
        for lb in sorted(LABELS)
    ]
    domain = "|".join(nt.label for nt in NODE_TYPES)
    for lang, (index, analyzer) in FULLTEXT_INDEXES.items():
        fields = ", ".join(f"n.{f}_{lang}" for f in ("name", "text", "title"))
        statements.append(
            f"CREATE FULLTEXT INDEX {index} IF NOT EXISTS FOR (n:{domain}) ON EACH [{fields}] "
            f"OPTIONS {{indexConfig: {{`fulltext.analyzer`: '{analyzer}', "
            "`fulltext.eventually_consistent`: true}}"
        )
    statements.append(
        "CREATE INDEX turva_group_period IF NOT EXISTS FOR (g:PriorityGroup) ON (g.period)"
    )
    statements.append(
        "CREATE INDEX turva_measure_status IF NOT EXISTS FOR (m:Measure) ON (m.status)"
    )
    # an indicator's observations are found by its id
    statements.append(
        "CREATE INDEX turva_observation_indicator IF NOT EXISTS "
        f"FOR (o:{label(OBSERVATION_LABEL)}) ON (o.indicator)"
    )
    statements.append("CREATE INDEX turva_change_at IF NOT EXISTS FOR (c:Change) ON (c.at)")
    # one saved map view of a name per account (saving the name again replaces it)
    statements.append(
        "CREATE CONSTRAINT turva_savedview_owner_name IF NOT EXISTS "
        f"FOR (v:{label('SavedView')}) REQUIRE (v.owner, v.name) IS UNIQUE"
    )
    # a record page's History tab and its "last changed" line find its changes by these
    statements.append(
        "CREATE INDEX turva_change_record IF NOT EXISTS FOR (c:Change) ON (c.type, c.record_id)"
    )
    return statements


SCHEMA_STATEMENTS: tuple[str, ...] = tuple(_statements())


def _created_name(statement: str) -> str:
    words = statement.split()
    return words[words.index("CONSTRAINT" if "CONSTRAINT" in words else "INDEX") + 1]


_SCHEMA_NAMES = frozenset(_created_name(s) for s in SCHEMA_STATEMENTS)


def apply_schema(driver: Driver, database: str | None = None) -> None:
    """Create every constraint and index if missing, then wait until they are online.

    Idempotent: safe at every start (when everything is in place, one query). A full-text
    index whose configuration differs from the schema's (a store made before its indexes
    became eventually consistent) is dropped and created again.
    """
    records, _, _ = driver.execute_query(
        "SHOW INDEXES YIELD name, state, type, options, labelsOrTypes "
        "RETURN name, state, type, options, labelsOrTypes",
        database_=database,
    )
    online = {r["name"] for r in records if r["state"] == "ONLINE"}
    for r in records:
        if r["type"] == "FULLTEXT" and _outdated_fulltext(
            r["name"], r["options"], r["labelsOrTypes"]
        ):
            driver.execute_query(f"DROP INDEX {_schema_name(r['name'])}", database_=database)
            online.discard(r["name"])
    if _SCHEMA_NAMES <= online:
        return
    for statement in SCHEMA_STATEMENTS:
        driver.execute_query(statement, database_=database)
    driver.execute_query("CALL db.awaitIndexes(120)", database_=database)


#: the full-text indexes' configuration. Eventually consistent: Neo4j updates them just
#: after a commit instead of inside it, which took ~1 s off committing a 100x
#: load (``bench/README.md``, "Load"); a search may miss a write of the last moment.
FULLTEXT_CONFIG = {"fulltext.eventually_consistent": True}


def _outdated_fulltext(name: str, options: dict | None, labels: list[str] | None = None) -> bool:
    """Whether ``name`` is one of the schema's full-text indexes, configured otherwise or
    over other labels (a store made before a record type was added: indicators)."""
    analyzers = dict(FULLTEXT_INDEXES.values())
    if name not in analyzers:
        return False
    if labels is not None and set(labels) != {nt.label for nt in NODE_TYPES}:
        return True
    config = (options or {}).get("indexConfig") or {}
    expected = {"fulltext.analyzer": analyzers[name], **FULLTEXT_CONFIG}
    return any(config.get(k) != v for k, v in expected.items())


def _schema_name(name: str) -> str:
    # only the schema's own index names reach Cypher text
    if name not in _SCHEMA_NAMES:
        raise ValueError(f"index {name!r} is not in the schema")
    return name


def schema_in_place(driver: Driver, database: str | None = None) -> bool:
    """Whether every constraint and index of the schema exists and is online."""
    records, _, _ = driver.execute_query(
        "SHOW INDEXES YIELD name, state RETURN name, state", database_=database
    )
    online = {r["name"] for r in records if r["state"] == "ONLINE"}
    return _SCHEMA_NAMES <= online
