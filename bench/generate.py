"""Synthetic turva/1 documents at a multiple of the 2021 dataset, for benchmarks.

``generate(1)`` has the 2021 dataset's composition (3 themes, 12 branches, 63
organisations, 64 phenomena in a 3-level hierarchy, 8 priority groups of one period,
3 bodies, 20 goals, 74 measures: 247 records, about 850 relationships).
Themes and branches stay constant (there are always 12 ministries); every other type
grows with ``scale``. At scale 100 that is about 23,000 records and 85,000
relationship-bearing list entries: about 110,000 things to write. Larger scales spread
priority groups over several periods (2021, 2023, ...) whose groups carry over most
members and focus phenomena from the previous period, so "what changed" has data.

With ``indicators=True`` the document also measures its phenomena: two indicators per
phenomenon (a random direction), ten years of observations each (2016-2025, a random
walk) and a target on about half of the goals, on an indicator of a phenomenon the goal
targets. That is opt-in so that the load benchmarks keep measuring the same documents
as before (at 100x it adds 12,800 indicators and 128,000 observations).

Every record is marked ``source: illustrative``. The output is deterministic for a
``(scale, seed, indicators)`` triple.

>>> doc = generate(1)
>>> len(doc["measures"]), doc["format"]
(74, 'turva/1')

Command line: ``python -m bench.generate --scale 10 -o /tmp/x.yaml`` (``.json`` too).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import sys
from pathlib import Path
from typing import Any

import yaml

__all__ = ["generate", "record_count", "relationship_count", "write_document", "BASE_COUNTS"]

ILLUSTRATIVE = "illustrative"

#: records per type in the 2021 dataset, the composition of scale 1
BASE_COUNTS = {
    "themes": 3,
    "branches": 12,
    "organisations": 63,
    "phenomena": 64,
    "priority_groups": 8,
    "bodies": 3,
    "goals": 20,
    "measures": 74,
}

THEMES = (
    ("internal-security", "sisäinen turvallisuus", "inre säkerhet", "internal security"),
    ("everyday-security", "arjen turvallisuus", "vardagssäkerhet", "everyday security"),
    ("sense-of-security", "turvallisuuden tunne", "trygghetskänsla", "sense of security"),
)

#: the 2021 dataset: the ministries come from it as they are (the branches too)
DATASET_2021 = Path(__file__).resolve().parents[1] / "data" / "2021.yaml"


def _ministries() -> tuple[tuple[str, str, str], ...]:
    """(id, Finnish name, English name) of each ministry, in the dataset's order."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with DATASET_2021.open(encoding="utf-8") as f:
        dataset = yaml.load(f, Loader=loader)
    return tuple(
        (o["id"], o["name"]["fi"], o["name"]["en"])
        for o in dataset["organisations"]
        if o.get("kind") == "ministry"
    )


MINISTRIES = _ministries()

# Non-ministry organisations of the 2021 dataset by kind (51 in all), and the share
# of each kind that belongs to an administrative branch (NGOs and the like do not).
ORGANISATION_MIX = (
    ("agency", 28, 1.0),
    ("ngo", 9, 0.0),
    ("regional", 4, 1.0),
    ("association", 3, 0.0),
    ("research", 3, 0.35),
    ("municipality", 2, 0.0),
    ("wellbeing-county", 2, 0.0),
)
ORG_WORDS = {
    "agency": ("virasto", "agency"),
    "ngo": ("yhdistys ry", "association"),
    "regional": ("aluevirasto", "regional agency"),
    "association": ("liitto ry", "federation"),
    "research": ("tutkimuslaitos", "research institute"),
    "municipality": ("kunta", "municipality"),
    "wellbeing-county": ("hyvinvointialue", "wellbeing services county"),
}
PLACES = (
    "Etelä", "Pohjois", "Itä", "Länsi", "Keski", "Sisä", "Lappi", "Häme", "Savo", "Karjala",
    "Uusimaa", "Pirkanmaa", "Kainuu", "Satakunta", "Pohjanmaa", "Kymi",
)  # fmt: skip
TOPICS = (
    ("kyber", "cyber"), ("väkivalta", "violence"), ("häirintä", "harassment"),
    ("syrjäytyminen", "social exclusion"), ("huumeet", "drugs"), ("petokset", "fraud"),
    ("liikenne", "traffic"), ("tulipalot", "fires"), ("tulvat", "floods"),
    ("radikalisoituminen", "radicalisation"), ("disinformaatio", "disinformation"),
    ("rikollisuus", "crime"), ("onnettomuudet", "accidents"), ("polarisaatio", "polarisation"),
    ("ikääntyminen", "ageing"), ("yksinäisyys", "loneliness"),
)  # fmt: skip
ASPECTS = (
    ("nuorten", "among young people"), ("verkossa", "online"), ("kouluissa", "in schools"),
    ("harvaan asutuilla alueilla", "in sparsely populated areas"), ("kaupungeissa", "in cities"),
    ("ikääntyneiden", "among older people"), ("työpaikoilla", "at workplaces"),
    ("kodeissa", "in homes"),
)  # fmt: skip
STATUSES = (("ongoing", 0.73), ("done", 0.135), ("planned", 0.11), ("cancelled", 0.025))
# depth shares of the 2021 phenomenon hierarchy: 9 roots, 40 children, 15 grandchildren
PHENOMENON_DEPTHS = (9, 40, 15)
BODY_KINDS = (
    ("cooperation-group", "yhteistyöryhmä", "cooperation group", (5, 15)),
    ("expert-network", "asiantuntijaverkosto", "expert network", (20, 40)),
    ("secretariat", "sihteeristö", "secretariat", (3, 6)),
)
MAX_GROUP_NUMBER = 999


def _count(section: str, scale: float) -> int:
    if section in ("themes", "branches"):
        return BASE_COUNTS[section]
    return max(1, round(BASE_COUNTS[section] * scale))


def _text(fi: str, en: str, sv: str | None = None) -> dict[str, str]:
    text = {"fi": fi}
    if sv:
        text["sv"] = sv
    text["en"] = en
    return text


def _themes() -> list[dict[str, Any]]:
    return [
        {"id": tid, "name": _text(fi, en, sv), "source": ILLUSTRATIVE} for tid, fi, sv, en in THEMES
    ]


def _branches() -> list[dict[str, Any]]:
    return [
        {
            "id": mid,
            "ministry": mid,
            "name": _text(f"{fi}n hallinnonala", f"{en} branch"),
            "source": ILLUSTRATIVE,
        }
        for mid, fi, en in MINISTRIES
    ]


def _organisations(rng: random.Random, scale: float) -> list[dict[str, Any]]:
    orgs: list[dict[str, Any]] = [
        {
            "id": mid,
            "name": _text(fi, en),
            "abbreviation": mid,
            "kind": "ministry",
            "branch": mid,
            "source": ILLUSTRATIVE,
        }
        for mid, fi, en in MINISTRIES
    ]
    total = _count("organisations", scale) - len(MINISTRIES)
    weights = [n for _, n, _ in ORGANISATION_MIX]
    agencies_by_branch: dict[str, list[str]] = {}
    for i in range(max(total, 0)):
        kind, _, branch_share = rng.choices(ORGANISATION_MIX, weights)[0]
        fi_word, en_word = ORG_WORDS[kind]
        place = rng.choice(PLACES)
        org: dict[str, Any] = {
            "id": f"org-{i + 1:06d}",
            "name": _text(f"{place} {fi_word} {i + 1}", f"{place} {en_word} {i + 1}"),
            "kind": kind,
        }
        if rng.random() < 0.4:
            org["abbreviation"] = f"O{i + 1}"
        if rng.random() < branch_share:
            branch = rng.choice(MINISTRIES)[0]
            org["branch"] = branch
            # about one agency in ten is a unit of an earlier agency of its branch
            earlier = agencies_by_branch.setdefault(branch, [])
            if kind == "agency" and earlier and rng.random() < 0.2:
                org["parent"] = rng.choice(earlier)
            elif kind == "agency":
                earlier.append(org["id"])
        org["source"] = ILLUSTRATIVE
        orgs.append(org)
    return orgs


def _phenomena(rng: random.Random, scale: float) -> list[dict[str, Any]]:
    total = _count("phenomena", scale)
    base = sum(PHENOMENON_DEPTHS)
    roots = max(1, round(total * PHENOMENON_DEPTHS[0] / base))
    middle = max(0, min(total - roots, round(total * PHENOMENON_DEPTHS[1] / base)))
    levels = [list(range(roots)), list(range(roots, roots + middle))]
    levels.append(list(range(roots + middle, total)))
    theme_ids = [t[0] for t in THEMES]
    phenomena: list[dict[str, Any]] = []
    for depth, level in enumerate(levels):
        # parents always come from the level above, so ids point backwards: no cycles
        parents = levels[depth - 1] if depth else []
        if depth == 2 and not parents:
            parents = levels[0]
        for i in level:
            topic_fi, topic_en = rng.choice(TOPICS)
            aspect_fi, aspect_en = rng.choice(ASPECTS)
            record: dict[str, Any] = {
                "id": f"ph-{i + 1:06d}",
                "name": _text(
                    f"{topic_fi.capitalize()} {aspect_fi} {i + 1}",
                    f"{topic_en.capitalize()} {aspect_en} {i + 1}",
                ),
                "themes": rng.sample(theme_ids, 1 if rng.random() < 0.75 else 2),
            }
            if parents:
                record["parent"] = f"ph-{rng.choice(parents) + 1:06d}"
            if rng.random() < 0.14:
                record["description"] = _text(
                    f"Ilmiön {i + 1} kuvaus: {topic_fi} {aspect_fi}.",
                    f"Description of phenomenon {i + 1}: {topic_en} {aspect_en}.",
                )
            record["source"] = ILLUSTRATIVE
            phenomena.append(record)
    phenomena.sort(key=lambda p: p["id"])
    return phenomena


def _members(rng: random.Random, org_ids: list[str], k: int) -> list[dict[str, Any]]:
    chosen = rng.sample(org_ids, min(k, len(org_ids)))
    return [
        {"organisation": org, "role": "lead" if j == 0 else "member"}
        for j, org in enumerate(chosen)
    ]


def _periods(groups: int, scale: float) -> list[int]:
    wanted = 1 if scale < 2 else 1 + math.ceil(math.log10(scale))
    count = max(wanted, math.ceil(groups / MAX_GROUP_NUMBER))
    return [2021 + 2 * k for k in range(count)]


def _priority_groups(
    rng: random.Random, scale: float, org_ids: list[str], phenomenon_ids: list[str]
) -> list[dict[str, Any]]:
    total = _count("priority_groups", scale)
    periods = _periods(total, scale)
    per_period = [total // len(periods) + (k < total % len(periods)) for k in range(len(periods))]
    theme_ids = [t[0] for t in THEMES]
    groups: list[dict[str, Any]] = []
    previous: dict[int, dict[str, Any]] = {}
    for period, count in zip(periods, per_period, strict=True):
        current: dict[int, dict[str, Any]] = {}
        for number in range(1, count + 1):
            before = previous.get(number)
            if before is not None and rng.random() < 0.8:
                # the group goes on: most focus phenomena and members carry over
                focus = [p for p in before["focuses_on"] if rng.random() < 0.75]
                members = [m for m in before["members"] if rng.random() < 0.8]
                name = before["name"]
                themes = before["themes"]
            else:
                focus, members = [], []
                topic_fi, topic_en = rng.choice(TOPICS)
                name = _text(
                    f"Painopisteryhmä {number}: {topic_fi}", f"Priority group {number}: {topic_en}"
                )
                themes = rng.sample(theme_ids, rng.choice((1, 1, 2)))
            focus_target = rng.randint(2, 6)
            spare = [p for p in rng.sample(phenomenon_ids, min(8, len(phenomenon_ids)))]
            focus += [p for p in spare if p not in focus][: max(0, focus_target - len(focus))]
            member_target = rng.randint(5, 15)
            have = {m["organisation"] for m in members}
            extra = [o for o in rng.sample(org_ids, min(20, len(org_ids))) if o not in have]
            members += [
                {"organisation": o, "role": "member"}
                for o in extra[: max(0, member_target - len(members))]
            ]
            members = [
                {"organisation": m["organisation"], "role": "lead" if j == 0 else "member"}
                for j, m in enumerate(members)
            ]
            group = {
                "id": f"PG{period}-{number}",
                "number": number,
                "period": period,
                "name": name,
                "themes": themes,
                "focuses_on": focus,
                "members": members,
                "source": ILLUSTRATIVE,
            }
            current[number] = group
            groups.append(group)
        previous = current
    return groups


def _bodies(rng: random.Random, scale: float, org_ids: list[str]) -> list[dict[str, Any]]:
    bodies = []
    for i in range(_count("bodies", scale)):
        kind, fi, en, (low, high) = BODY_KINDS[i % len(BODY_KINDS)]
        bodies.append(
            {
                "id": f"body-{i + 1:05d}",
                "kind": kind,
                "name": _text(f"{fi.capitalize()} {i + 1}", f"{en.capitalize()} {i + 1}"),
                "members": _members(rng, org_ids, rng.randint(low, high)),
                "source": ILLUSTRATIVE,
            }
        )
    return bodies


def _goals(
    rng: random.Random, scale: float, groups: list[dict[str, Any]], phenomenon_ids: list[str]
) -> list[dict[str, Any]]:
    goals = []
    for i in range(_count("goals", scale)):
        group = groups[i % len(groups)]
        k = 2 if rng.random() < 0.6 else 3
        # a goal mostly targets what its group focuses on
        targets = list(dict.fromkeys(group["focuses_on"] + rng.sample(phenomenon_ids, 1)))
        goal: dict[str, Any] = {
            "id": f"G-{i + 1:06d}",
            "group": group["id"],
            "text": _text(
                f"Tavoite {i + 1}: tilanne paranee vuoteen {group['period'] + 6} mennessä",
                f"Goal {i + 1}: the situation improves by {group['period'] + 6}",
            ),
            "targets": rng.sample(targets, min(k, len(targets))),
        }
        if rng.random() < 0.65:
            goal["indicator"] = _text(f"Mittari {i + 1} (%)", f"Indicator {i + 1} (%)")
        if rng.random() < 0.65:
            goal["deadline"] = f"{group['period'] + rng.randint(2, 6)}-12-31"
        goal["source"] = ILLUSTRATIVE
        goals.append(goal)
    return goals


def _measures(
    rng: random.Random,
    scale: float,
    org_ids: list[str],
    phenomenon_ids: list[str],
    goals: list[dict[str, Any]],
    period_of_goal: dict[str, int],
) -> list[dict[str, Any]]:
    statuses = [status for status, _ in STATUSES]
    weights = [share for _, share in STATUSES]
    targets_of = {g["id"]: g["targets"] for g in goals}
    measures = []
    for i in range(_count("measures", scale)):
        n_goals = rng.choices((0, 1, 2), (0.1, 0.85, 0.05))[0]
        advances = [g["id"] for g in rng.sample(goals, min(n_goals, len(goals)))]
        pool = [p for g in advances for p in targets_of[g]]
        pool = list(dict.fromkeys(pool + rng.sample(phenomenon_ids, min(2, len(phenomenon_ids)))))
        addresses = rng.sample(pool, min(rng.choices((1, 2, 3), (0.27, 0.6, 0.13))[0], len(pool)))
        # about 3% have no responsible organisation yet
        n_responsible = rng.choices((0, 1, 2, 3), (0.03, 0.2, 0.45, 0.32))[0]
        responsible = [
            {"organisation": org, "role": "lead" if j == 0 else "partner"}
            for j, org in enumerate(rng.sample(org_ids, min(n_responsible, len(org_ids))))
        ]
        status = rng.choices(statuses, weights)[0]
        period = period_of_goal[advances[0]] if advances else 2021
        measure: dict[str, Any] = {
            "id": f"M-{i + 1:06d}",
            "title": _text(f"Toimenpide {i + 1}", f"Measure {i + 1}"),
            "status": status,
            "responsible": responsible,
            "addresses": addresses,
            "advances": advances,
        }
        if rng.random() < 0.92:
            start = dt.date(period, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
            measure["start"] = start.isoformat()
            if status in ("done", "cancelled") or rng.random() < 0.3:
                end = start + dt.timedelta(days=rng.randint(90, 1500))
                measure["end"] = end.isoformat()
        if rng.random() < 0.9:
            resources: dict[str, Any] = {}
            if rng.random() < 0.85:
                resources["eur"] = rng.randrange(10_000, 5_000_000, 5_000)
            if not resources or rng.random() < 0.5:
                resources["person_years"] = round(rng.uniform(0.2, 12.0), 1)
            measure["resources"] = resources
        if rng.random() < 0.3:
            measure["indicator"] = _text(f"Mittari M{i + 1}", f"Indicator M{i + 1}")
        measure["source"] = ILLUSTRATIVE
        measures.append(measure)
    return measures


#: the years of the generated observations
OBSERVATION_YEARS = range(2016, 2026)
INDICATORS_PER_PHENOMENON = 2


def _indicators(
    rng: random.Random, phenomenon_ids: list[str], goals: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Indicators and their observations; sets ``target`` on about half of ``goals``."""
    indicators: list[dict[str, Any]] = []
    observations: list[dict[str, Any]] = []
    measuring: dict[str, list[dict[str, Any]]] = {}
    for phenomenon in phenomenon_ids:
        for _ in range(INDICATORS_PER_PHENOMENON):
            n = len(indicators) + 1
            indicator = {
                "id": f"I-{n:06d}",
                "name": _text(f"Mittari {n}", f"Indicator {n}", f"Indikator {n}"),
                "unit": _text("tapausta", "cases", "fall"),
                "direction": rng.choice(("decrease", "increase")),
                "phenomena": [phenomenon],
                "source": ILLUSTRATIVE,
            }
            indicators.append(indicator)
            measuring.setdefault(phenomenon, []).append(indicator)
            value = rng.randint(100, 50_000)
            for year in OBSERVATION_YEARS:
                observations.append(
                    {
                        "indicator": indicator["id"],
                        "year": year,
                        "value": value,
                        "source": ILLUSTRATIVE,
                    }
                )
                value = max(0, value + rng.randint(-value // 8 - 1, value // 8 + 1))
    baseline_of = {(o["indicator"], o["year"]): o["value"] for o in observations}
    for goal in goals:
        candidates = [i for p in goal["targets"] for i in measuring.get(p, [])]
        if not candidates or rng.random() < 0.5:
            continue
        indicator = rng.choice(candidates)
        baseline = baseline_of[(indicator["id"], 2020)]
        better = -1 if indicator["direction"] == "decrease" else 1
        goal["target"] = {
            "indicator": indicator["id"],
            "baseline_year": 2020,
            "baseline": baseline,
            "year": rng.choice((2024, 2027, 2030)),
            "value": round(baseline * (1 + better * rng.uniform(0, 0.3))),
        }
    return indicators, observations


def generate(scale: float, seed: int = 0, *, indicators: bool = False) -> dict[str, Any]:
    """A valid turva/1 document about ``scale`` times the size of the 2021 dataset.

    Parameters
    ----------
    scale : float
        Multiple of the 2021 dataset's record counts (themes and branches stay fixed).
    seed : int
        Random seed; the same ``(scale, seed)`` always gives the same document.
    indicators : bool
        Also two indicators per phenomenon, ten years of observations each, and goal
        targets (drawn after everything else: the other records stay the same).

    Examples
    --------
    >>> generate(10)["priority_groups"][0]["id"]
    'PG2021-1'
    >>> doc = generate(1, indicators=True)
    >>> len(doc["indicators"]), len(doc["observations"])
    (128, 1280)
    """
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    rng = random.Random(f"turva-bench-{seed}")
    organisations = _organisations(rng, scale)
    org_ids = [o["id"] for o in organisations]
    phenomena = _phenomena(rng, scale)
    phenomenon_ids = [p["id"] for p in phenomena]
    groups = _priority_groups(rng, scale, org_ids, phenomenon_ids)
    goals = _goals(rng, scale, groups, phenomenon_ids)
    period_of_group = {g["id"]: g["period"] for g in groups}
    period_of_goal = {g["id"]: period_of_group[g["group"]] for g in goals}
    doc = {
        "format": "turva/1",
        "themes": _themes(),
        "branches": _branches(),
        "organisations": organisations,
        "phenomena": phenomena,
        "priority_groups": groups,
        "bodies": _bodies(rng, scale, org_ids),
        "goals": goals,
        "measures": _measures(rng, scale, org_ids, phenomenon_ids, goals, period_of_goal),
    }
    if indicators:
        # a random stream of its own, so the records above are the same either way
        doc["indicators"], doc["observations"] = _indicators(
            random.Random(f"turva-bench-{seed}-indicators"), phenomenon_ids, goals
        )
    return doc


def record_count(doc: dict[str, Any]) -> int:
    """Records (nodes) in a document."""
    return sum(len(v) for v in doc.values() if isinstance(v, list))


_REL_FIELDS = {
    "branches": ("ministry",),
    "organisations": ("branch", "parent"),
    "phenomena": ("themes", "parent"),
    "priority_groups": ("themes", "focuses_on", "members"),
    "bodies": ("members",),
    "indicators": ("phenomena",),
    "goals": ("group", "targets"),
    "measures": ("responsible", "addresses", "advances"),
}


def relationship_count(doc: dict[str, Any]) -> int:
    """Relationships a document defines (each reference field entry is one)."""
    total = 0
    for section, fields in _REL_FIELDS.items():
        for record in doc.get(section, []):
            for name in fields:
                value = record.get(name)
                if isinstance(value, list):
                    total += len(value)
                elif value is not None:
                    total += 1
    return total


def write_document(doc: dict[str, Any], path: Path) -> None:
    """Write ``doc`` as YAML or JSON, chosen by the file extension."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    elif suffix in (".yaml", ".yml"):
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        text = yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True, width=120)
        path.write_text(text, encoding="utf-8")
    else:
        raise ValueError(f"cannot write {path}: use a .yaml, .yml or .json file name")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Write a synthetic turva/1 document about SCALE x the 2021 dataset.",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiple of 2021 (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("-o", "--output", type=Path, required=True, help=".yaml or .json file")
    parser.add_argument(
        "--indicators",
        action="store_true",
        help="also 2 indicators per phenomenon, 10 years of observations, goal targets",
    )
    args = parser.parse_args(argv)
    if not args.scale > 0:
        parser.error("--scale must be greater than 0")
    if args.output.suffix.lower() not in (".yaml", ".yml", ".json"):
        parser.error("--output must end in .yaml, .yml or .json")
    doc = generate(args.scale, args.seed, indicators=args.indicators)
    write_document(doc, args.output)
    print(
        f"wrote {args.output}: {record_count(doc)} records, "
        f"{relationship_count(doc)} relationships",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
