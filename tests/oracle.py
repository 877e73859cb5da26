"""A second, independent implementation of the analyses: plain Python and networkx.

It reads the turva/1 document (never Neo4j) and follows the wording of
``docs/analyses.md`` as literally as possible, without caring about speed. The
differential tests require the Cypher analyses to give exactly the same JSON.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import math
from collections import defaultdict
from typing import Any

import networkx as nx

from turva.graph.domain.model import ACTIVE_STATUSES, MEASURE_STATUSES

__all__ = ["Oracle"]


def _day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _round_half_up(numerator: int, denominator: int) -> float:
    # exact: round(n / d, 3) with halves going up
    return ((2000 * numerator + denominator) // (2 * denominator)) / 1000


class Oracle:
    """The analyses over one turva/1 document (a dict as loaded from YAML/JSON)."""

    def __init__(self, doc: dict[str, Any]):
        self.doc = doc
        self.orgs = {o["id"]: o for o in doc.get("organisations", [])}
        self.phenomena = {p["id"]: p for p in doc.get("phenomena", [])}
        self.groups = {g["id"]: g for g in doc.get("priority_groups", [])}
        self.bodies = {b["id"]: b for b in doc.get("bodies", [])}
        self.goals = {g["id"]: g for g in doc.get("goals", [])}
        self.measures = {m["id"]: m for m in doc.get("measures", [])}
        self.branch_ids = sorted(b["id"] for b in doc.get("branches", []))
        self.indicators = {i["id"]: i for i in doc.get("indicators", [])}
        self.observations = doc.get("observations", [])
        # child -> parent edges: the descendants of p are the nodes that reach p
        self.hierarchy = nx.DiGraph()
        self.hierarchy.add_nodes_from(self.phenomena)
        for p in self.phenomena.values():
            if p.get("parent"):
                self.hierarchy.add_edge(p["id"], p["parent"])

    # --- building blocks, in the words of the definitions ------------------------------

    def active(self, m: dict[str, Any]) -> bool:
        return m["status"] in ACTIVE_STATUSES

    def active_measures(self) -> list[dict[str, Any]]:
        return [m for m in self.measures.values() if self.active(m)]

    def descendants(self, p: str) -> set[str]:
        return set(nx.ancestors(self.hierarchy, p))

    def ancestors(self, p: str) -> set[str]:
        return set(nx.descendants(self.hierarchy, p))

    def with_descendants(self, p: str) -> set[str]:
        return {p} | self.descendants(p)

    def owners(self, m: dict[str, Any]) -> list[str]:
        return [r["organisation"] for r in m.get("responsible", [])]

    def branch(self, org: str) -> str | None:
        return self.orgs[org].get("branch")

    def addressing(self, p: str) -> list[dict[str, Any]]:
        """Active measures on p or a descendant."""
        scope = self.with_descendants(p)
        return [m for m in self.active_measures() if scope & set(m.get("addresses", []))]

    def addressed(self, p: str) -> bool:
        return bool(self.addressing(p))

    def branches(self, p: str) -> list[str]:
        found = {self.branch(o) for m in self.addressing(p) for o in self.owners(m)}
        return sorted(b for b in found if b is not None)

    def periods(self) -> list[int]:
        return sorted({g["period"] for g in self.groups.values()})

    def period_or_latest(self, period: int | None) -> int | None:
        if period is not None:
            return period
        return self.periods()[-1] if self.groups else None

    def groups_of(self, period: int | None) -> list[dict[str, Any]]:
        return [g for g in self.groups.values() if g["period"] == period]

    def members(self, g: dict[str, Any]) -> set[str]:
        return {m["organisation"] for m in g["members"]}

    def scope(self, g: dict[str, Any]) -> set[str]:
        out: set[str] = set()
        for f in g["focuses_on"]:
            out |= self.with_descendants(f)
        return out

    # --- the filters (docs/analyses.md, "Filters"): they only choose rows -----------------

    def kept_phenomenon(self, p: str, theme: str | None, group: str | None) -> bool:
        """The theme filter: p has the theme; the group filter: p is in the group's scope."""
        if theme is not None and theme not in self.phenomena[p].get("themes", []):
            return False
        return group is None or p in self.scope(self.groups[group])

    def kept_measure(self, m: dict[str, Any], theme: str | None, group: str | None) -> bool:
        """A measure is kept when it addresses (directly) a kept phenomenon."""
        if theme is None and group is None:
            return True
        return any(self.kept_phenomenon(q, theme, group) for q in m.get("addresses", []))

    def kept_goal(self, goal: str, theme: str | None, group: str | None) -> bool:
        """A goal is kept when it targets a kept phenomenon."""
        if theme is None and group is None:
            return True
        targets = self.goals[goal].get("targets", [])
        return any(self.kept_phenomenon(q, theme, group) for q in targets)

    def of_branch(self, m: dict[str, Any], branch: str | None) -> bool:
        """The branch filter on a measure: an organisation of the branch is responsible."""
        return branch is None or any(self.branch(o) == branch for o in self.owners(m))

    def group_period(self, period: int | None, group: str | None) -> int | None:
        return self.groups[group]["period"] if group is not None and period is None else period

    # --- the analyses -------------------------------------------------------------------

    def who_addresses(self, phenomenon: str, period: int | None = None) -> dict[str, Any]:
        period = self.period_or_latest(period)
        scope = self.with_descendants(phenomenon)
        actors = []
        for org in sorted(self.orgs):
            measures = sorted(m["id"] for m in self.addressing(phenomenon) if org in self.owners(m))
            groups = sorted(
                g["id"]
                for g in self.groups_of(period)
                if scope & set(g["focuses_on"]) and org in self.members(g)
            )
            if measures or groups:
                actors.append(
                    {
                        "organisation": org,
                        "branch": self.branch(org),
                        "measures": measures,
                        "groups": groups,
                    }
                )
        return {"phenomenon": phenomenon, "actors": actors}

    def gaps(
        self,
        period: int | None,
        as_of: dt.date,
        branch: str | None = None,
        theme: str | None = None,
        group: str | None = None,
    ) -> dict[str, Any]:
        whole = self._gaps(self.group_period(period, group), as_of)
        ph = lambda p: self.kept_phenomenon(p, theme, group)  # noqa: E731
        m = lambda i: self.kept_measure(self.measures[i], theme, group)  # noqa: E731
        mb = lambda i: m(i) and self.of_branch(self.measures[i], branch)  # noqa: E731
        has_branch = lambda p: branch is None or branch in self.branches(p)  # noqa: E731
        rules: dict[str, Any] = {
            "unaddressed_phenomena": lambda r: ph(r["id"]),
            "single_branch_phenomena": lambda r: ph(r["id"]) and has_branch(r["id"]),
            "goals_without_measures": lambda r: self.kept_goal(r["id"], theme, group),
            "measures_without_owner": lambda r: m(r["id"]),
            "measures_without_resources": lambda r: mb(r["id"]),
            "overdue_measures": lambda r: mb(r["id"]),
            "groups_missing_stakeholders": lambda r: (
                (group is None or r["group"] == group)
                and (branch is None or self.branch(r["organisation"]) == branch)
                and any(ph(q) for q in r["phenomena"])
            ),
            "phenomena_outside_groups": lambda r: ph(r["id"]) and has_branch(r["id"]),
        }
        return {k: [r for r in rows if rules[k](r)] for k, rows in whole.items()}

    def _gaps(self, period: int | None, as_of: dt.date) -> dict[str, Any]:
        period = self.period_or_latest(period)
        groups = self.groups_of(period)
        phen = sorted(self.phenomena)
        active = sorted(self.active_measures(), key=lambda m: m["id"])
        missing = []
        for g in sorted(groups, key=lambda g: g["id"]):
            scope = self.scope(g)
            by_org: dict[str, set[str]] = defaultdict(set)
            for m in active:
                for q in set(m.get("addresses", [])) & scope:
                    for o in self.owners(m):
                        if o not in self.members(g):
                            by_org[o].add(q)
            missing += [
                {"group": g["id"], "organisation": o, "phenomena": sorted(qs)}
                for o, qs in sorted(by_org.items())
            ]

        def near_a_group(p: str) -> bool:
            near = {p} | self.ancestors(p) | self.descendants(p)
            return any(near & set(g["focuses_on"]) for g in groups)

        return {
            "unaddressed_phenomena": [{"id": p} for p in phen if not self.addressed(p)],
            "single_branch_phenomena": [
                {"id": p, "branches": self.branches(p)}
                for p in phen
                if self.addressed(p) and len(self.branches(p)) <= 1
            ],
            "goals_without_measures": [
                {"id": g}
                for g in sorted(self.goals)
                if not any(g in m.get("advances", []) for m in active)
            ],
            "measures_without_owner": [{"id": m["id"]} for m in active if not self.owners(m)],
            "measures_without_resources": [
                {"id": m["id"]} for m in active if m.get("resources") is None
            ],
            "overdue_measures": [
                {"id": m["id"], "end": _day(m["end"]).isoformat()}
                for m in active
                if m.get("end") is not None and _day(m["end"]) < as_of
            ],
            "groups_missing_stakeholders": missing,
            "phenomena_outside_groups": [
                {"id": p} for p in phen if self.addressed(p) and not near_a_group(p)
            ],
        }

    def what_if(self, without: list[str], period: int | None, as_of: dt.date) -> dict[str, Any]:
        """The gaps of a copy of the document from which ``without`` stepped out."""
        gone = set(without)
        doc = copy.deepcopy(self.doc)
        inactive = next(s for s in MEASURE_STATUSES if s not in ACTIVE_STATUSES)
        orphaned = []
        for m in doc.get("measures", []):
            owners = {r["organisation"] for r in m.get("responsible", [])}
            if self.active(m) and owners and owners <= gone:
                orphaned.append(m["id"])
                m["status"] = inactive
            m["responsible"] = [
                r for r in m.get("responsible", []) if r["organisation"] not in gone
            ]
        for section in ("priority_groups", "bodies"):
            for g in doc.get(section, []):
                g["members"] = [x for x in g["members"] if x["organisation"] not in gone]
        today, then = self.gaps(period, as_of), Oracle(doc).gaps(period, as_of)

        def new(key: str) -> list[dict[str, Any]]:
            before = {r["id"] for r in today[key]}
            return [r for r in then[key] if r["id"] not in before]

        def leads(g: dict[str, Any]) -> set[str]:
            return {x["organisation"] for x in g["members"] if x.get("role", "member") == "lead"}

        groups = sorted(self.groups_of(self.period_or_latest(period)), key=lambda g: g["id"])
        return {
            "without": sorted(gone),
            "orphaned_measures": [{"id": i} for i in sorted(orphaned)],
            "new_unaddressed_phenomena": new("unaddressed_phenomena"),
            "new_single_branch_phenomena": new("single_branch_phenomena"),
            "new_goals_without_measures": new("goals_without_measures"),
            "groups_without_lead": [
                {"id": g["id"]} for g in groups if leads(g) and leads(g) <= gone
            ],
        }

    def overlaps(
        self,
        period: int | None,
        min_branches: int = 3,
        min_groups: int = 3,
        branch: str | None = None,
        theme: str | None = None,
        group: str | None = None,
    ) -> dict[str, Any]:
        period = self.group_period(period, group)
        whole = self._overlaps(period, min_branches, min_groups)
        ph = lambda p: self.kept_phenomenon(p, theme, group)  # noqa: E731
        mb = lambda i: self.of_branch(self.measures[i], branch)  # noqa: E731
        themed = lambda g: theme is None or theme in self.groups[g].get("themes", [])  # noqa: E731
        rules: dict[str, Any] = {
            "multi_branch_phenomena": lambda r: (
                ph(r["id"]) and (branch is None or branch in r["branches"])
            ),
            "uncoordinated_measures": lambda r: ph(r["phenomenon"]) and (mb(r["a"]) or mb(r["b"])),
            "group_overlaps": lambda r: (
                (group is None or group in (r["a"], r["b"]))
                and (theme is None or themed(r["a"]) or themed(r["b"]))
                and (branch is None or any(self.branch(o) == branch for o in r["shared_members"]))
            ),
            "busy_organisations": lambda r: (
                (group is None or group in r["groups"])
                and (branch is None or self.branch(r["id"]) == branch)
                and (theme is None or any(themed(g) for g in r["groups"]))
            ),
        }
        return {k: [r for r in rows if rules[k](r)] for k, rows in whole.items()}

    def _overlaps(
        self, period: int | None, min_branches: int = 3, min_groups: int = 3
    ) -> dict[str, Any]:
        period = self.period_or_latest(period)
        groups = sorted(self.groups_of(period), key=lambda g: g["id"])
        multi = [
            {"id": p, "branches": self.branches(p), "count": len(self.branches(p))}
            for p in self.phenomena
            if self.addressed(p) and len(self.branches(p)) >= min_branches
        ]
        multi.sort(key=lambda r: (-r["count"], r["id"]))

        def share_a_group(x: str, y: str) -> bool:
            return any(x in self.members(g) and y in self.members(g) for g in groups)

        pairs = []
        active = sorted(self.active_measures(), key=lambda m: m["id"])
        for i, a in enumerate(active):
            for b in active[i + 1 :]:
                oa, ob = set(self.owners(a)), set(self.owners(b))
                if not oa or not ob or oa & ob:
                    continue
                if any(share_a_group(x, y) for x in oa for y in ob):
                    continue
                for p in set(a.get("addresses", [])) & set(b.get("addresses", [])):
                    pairs.append({"phenomenon": p, "a": a["id"], "b": b["id"]})
        pairs.sort(key=lambda r: (r["phenomenon"], r["a"], r["b"]))

        group_pairs = []
        for i, a in enumerate(groups):
            for b in groups[i + 1 :]:
                fa, fb = set(a["focuses_on"]), set(b["focuses_on"])
                shared_p = sorted(fa & fb)
                shared_m = sorted(self.members(a) & self.members(b))
                if shared_p or shared_m:
                    union = len(fa | fb)
                    group_pairs.append(
                        {
                            "a": a["id"],
                            "b": b["id"],
                            "shared_phenomena": shared_p,
                            "shared_members": shared_m,
                            "jaccard": _round_half_up(len(shared_p), union) if union else 0.0,
                        }
                    )

        busy = []
        for org in self.orgs:
            mine = sorted(g["id"] for g in groups if org in self.members(g))
            if len(mine) >= min_groups:
                busy.append({"id": org, "groups": mine, "count": len(mine)})
        busy.sort(key=lambda r: (-r["count"], r["id"]))
        return {
            "multi_branch_phenomena": multi,
            "uncoordinated_measures": pairs,
            "group_overlaps": group_pairs,
            "busy_organisations": busy,
        }

    def coverage(
        self, branch: str | None = None, theme: str | None = None, group: str | None = None
    ) -> dict[str, Any]:
        shown = [b for b in self.branch_ids if branch is None or b == branch]
        rows = []
        for p in sorted(self.phenomena):
            if not self.kept_phenomenon(p, theme, group):
                continue
            counts = {}
            for b in shown:
                counts[b] = sum(
                    1
                    for m in self.addressing(p)
                    if any(self.branch(o) == b for o in self.owners(m))
                )
            # distinct measures, whatever their organisations
            total = len({m["id"] for m in self.addressing(p)})
            rows.append({"phenomenon": p, "counts": counts, "total": total})
        return {"branches": shown, "rows": rows}

    def profile(self, org: str) -> dict[str, Any]:
        o = self.orgs[org]

        def entry_in(record: dict[str, Any]) -> dict[str, Any]:
            entry = next(m for m in record["members"] if m["organisation"] == org)
            return {"role": entry.get("role", "member"), "source": entry.get("source")}

        groups = [g for g in self.groups.values() if org in self.members(g)]
        groups.sort(key=lambda g: (g["period"], g["id"]))
        bodies = sorted(
            (b for b in self.bodies.values() if org in self.members(b)), key=lambda b: b["id"]
        )
        measures = []
        for m in sorted(self.measures.values(), key=lambda m: m["id"]):
            for r in m.get("responsible", []):
                if r["organisation"] == org:
                    measures.append(
                        {
                            "id": m["id"],
                            "status": m["status"],
                            "role": r.get("role", "lead"),
                            "source": r.get("source"),
                        }
                    )
        phenomena = sorted(
            {
                p
                for m in self.active_measures()
                if org in self.owners(m)
                for p in m.get("addresses", [])
            }
        )
        return {
            "organisation": org,
            "name": o["name"]["fi"],
            "kind": o["kind"],
            "branch": o.get("branch"),
            "parent": o.get("parent"),
            "groups": [
                {"id": g["id"], "period": g["period"], "number": g["number"], **entry_in(g)}
                for g in groups
            ],
            "bodies": [{"id": b["id"], "kind": b["kind"], **entry_in(b)} for b in bodies],
            "measures": measures,
            "phenomena": phenomena,
        }

    def path(self, a: str, b: str) -> dict[str, Any]:
        g = nx.Graph()
        names: dict[tuple[str, str], str] = {}
        for oid, o in self.orgs.items():
            names[("Organisation", oid)] = o["name"]["fi"]
        for pid, p in self.phenomena.items():
            names[("Phenomenon", pid)] = p["name"]["fi"]
        for gid, grp in self.groups.items():
            names[("PriorityGroup", gid)] = grp["name"]["fi"]
            for member in self.members(grp):
                g.add_edge(("Organisation", member), ("PriorityGroup", gid))
            for f in grp["focuses_on"]:
                g.add_edge(("PriorityGroup", gid), ("Phenomenon", f))
        for m in self.active_measures():
            names[("Measure", m["id"])] = m["title"]["fi"]
            for o in self.owners(m):
                g.add_edge(("Organisation", o), ("Measure", m["id"]))
            for p in m.get("addresses", []):
                g.add_edge(("Measure", m["id"]), ("Phenomenon", p))
        start, end = ("Organisation", a), ("Organisation", b)
        g.add_nodes_from([start, end])
        try:
            paths = list(nx.all_shortest_paths(g, start, end))
        except nx.NetworkXNoPath:
            return {"a": a, "b": b, "length": None, "path": []}
        best = min(paths, key=lambda path: [[node_id, kind] for kind, node_id in path])
        return {
            "a": a,
            "b": b,
            "length": len(best) - 1,
            "path": [
                {"type": kind, "id": node_id, "name": names[(kind, node_id)]}
                for kind, node_id in best
            ],
        }

    def changes(self, from_period: int, to_period: int) -> dict[str, Any]:
        before = sorted(self.groups_of(from_period), key=lambda g: g["id"])
        after = sorted(self.groups_of(to_period), key=lambda g: g["id"])
        numbers_before = {g["number"] for g in before}
        numbers_after = {g["number"] for g in after}
        focus_before = {p for g in before for p in g["focuses_on"]}
        focus_after = {p for g in after for p in g["focuses_on"]}
        matched = []
        for f in before:
            for t in after:
                if f["number"] != t["number"]:
                    continue
                matched.append(
                    {
                        "number": f["number"],
                        "from_group": f["id"],
                        "to_group": t["id"],
                        "entered_phenomena": sorted(set(t["focuses_on"]) - set(f["focuses_on"])),
                        "left_phenomena": sorted(set(f["focuses_on"]) - set(t["focuses_on"])),
                        "joined_members": sorted(self.members(t) - self.members(f)),
                        "left_members": sorted(self.members(f) - self.members(t)),
                    }
                )
        return {
            "from_period": from_period,
            "to_period": to_period,
            "added_groups": [
                {"id": g["id"], "number": g["number"]}
                for g in after
                if g["number"] not in numbers_before
            ],
            "removed_groups": [
                {"id": g["id"], "number": g["number"]}
                for g in before
                if g["number"] not in numbers_after
            ],
            "entered_phenomena": sorted(focus_after - focus_before),
            "left_phenomena": sorted(focus_before - focus_after),
            "matched_groups": matched,
        }

    # --- monitoring (docs/analyses.md, "goal-progress" and "attention") -------------------

    def observed(self, indicator: str) -> dict[int, int | float]:
        """The observations of ``indicator``: year -> value."""
        return {o["year"]: o["value"] for o in self.observations if o["indicator"] == indicator}

    def better(self, indicator: str, a: float, b: float) -> bool:
        """Whether value ``a`` meets value ``b`` in the indicator's direction (at least as good)."""
        if self.indicators[indicator]["direction"] == "decrease":
            return a <= b
        return a >= b

    def goal_progress(self, as_of: dt.date) -> dict[str, Any]:
        y = as_of.year
        rows = []
        for gid in sorted(self.goals):
            target = self.goals[gid].get("target")
            if target is None:
                continue
            ind = target["indicator"]
            by, base, ty, want = (
                target["baseline_year"],
                target["baseline"],
                target["year"],
                target["value"],
            )
            years = [yr for yr in self.observed(ind) if by < yr <= y]
            latest_year = max(years) if years else None
            latest = self.observed(ind)[latest_year] if latest_year is not None else None
            if latest is None or latest_year is None:
                status = "no_data"
            elif self.better(ind, latest, want):
                status = "achieved"
            elif self.better(
                ind, _line_change(base, latest, ty - by), _line_change(base, want, latest_year - by)
            ):
                status = "on_track"
            else:
                status = "off_track"
            rows.append(
                {
                    "goal": gid,
                    "indicator": ind,
                    "baseline_year": by,
                    "baseline": base,
                    "target_year": ty,
                    "target": want,
                    "latest_year": latest_year,
                    "latest": latest,
                    "progress": None if latest is None else _progress(base, latest, want),
                    "status": status,
                }
            )
        return {"as_of": as_of.isoformat(), "goals": rows}

    def worsening(self, indicator: str, y: int) -> bool:
        """The indicator's three latest observations with year <= y each got strictly worse."""
        seen = self.observed(indicator)
        last = [seen[yr] for yr in sorted(yr for yr in seen if yr <= y)][-3:]
        if len(last) < 3:
            return False
        decrease = self.indicators[indicator]["direction"] == "decrease"
        steps = zip(last, last[1:], strict=False)
        return all((after > before) if decrease else (after < before) for before, after in steps)

    def attention(self, as_of: dt.date, period: int | None = None) -> dict[str, Any]:
        gaps = self.gaps(period, as_of)
        unaddressed = {r["id"] for r in gaps["unaddressed_phenomena"]}
        single = {r["id"] for r in gaps["single_branch_phenomena"]}
        rows = []
        for p in sorted(self.phenomena):
            bad = sorted(
                i["id"]
                for i in self.indicators.values()
                if p in i["phenomena"] and self.worsening(i["id"], as_of.year)
            )
            if bad and (p in unaddressed or p in single):
                reason = "unaddressed" if p in unaddressed else "single_branch"
                rows.append({"phenomenon": p, "indicators": bad, "reason": reason})
        return {"as_of": as_of.isoformat(), "phenomena": rows}


def _line_change(start: float, end: float, years: int) -> float:
    """``(end - start) * years``: one side of the on-track comparison, without division.

    The line through (baseline_year, baseline) and (latest_year, latest) meets the target
    at target_year when baseline + (latest - baseline) * (target_year - baseline_year) /
    (latest_year - baseline_year) meets it; latest_year > baseline_year, so multiply.
    """
    return (end - start) * years


def _progress(baseline: float, latest: float, target: float) -> float | None:
    """(latest - baseline) / (target - baseline) to 3 decimals, halves away from zero."""
    a, b = latest - baseline, target - baseline
    if b == 0:
        return None
    if isinstance(a, int) and isinstance(b, int):
        # exact: 50 digits hold any quotient of numbers up to 2 * 10^15 near a half
        with decimal.localcontext(prec=50):
            exact = decimal.Decimal(a) / decimal.Decimal(b)
            rounded = exact.quantize(decimal.Decimal("0.001"), rounding=decimal.ROUND_HALF_UP)
            return float(int(rounded * 1000)) / 1000
    # decimal numbers: double precision, in the documented order
    p = float(a) / float(b)
    thousandths = math.floor(abs(p) * 1000 + 0.5)
    if thousandths == 0:
        return 0.0
    return (thousandths if p > 0 else -thousandths) / 1000
