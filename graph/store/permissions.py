"""What an editor may change in a measure, by its organisation's role in it.

A measure's ``responsible`` entries name a **lead** (``role: lead``, the default) and
**partners**. An editor token acts for its organisations:

* an editor of a **lead** organisation may change anything, including the
  ``responsible`` list (it may hand the lead on), and may delete the measure;
* an editor of a **partner** organisation (and of no lead) may change the measure's
  ``status``, ``start``, ``end``, ``resources`` and ``indicator`` only: not its
  ``responsible`` list, title, phenomena, goals or source, and it may not delete it;
* a new measure must name one of the editor's organisations as lead.

Admins may do everything. These rules come on top of the older one that every editor
write keeps (in :mod:`turva.api.auth`): one of the editor's organisations is responsible
for the measure both before and after the change. The checks run inside the write
transaction, on the record as stored before and after the write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from turva.graph.messages import N_

__all__ = ["PARTNER_FIELDS", "lead_organisations", "measure_refusal"]

#: the measure fields an editor of a partner organisation may change
PARTNER_FIELDS = ("status", "start", "end", "resources", "indicator")


def lead_organisations(record: dict[str, Any] | None) -> set[str]:
    """The organisations a measure names as lead."""
    return {
        r["organisation"]
        for r in (record or {}).get("responsible", [])
        if r.get("role", "lead") == "lead"
    }


def _changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def measure_refusal(
    organisations: Iterable[str], before: dict[str, Any] | None, after: dict[str, Any] | None
) -> tuple[str, dict[str, Any]] | None:
    """Why an editor of ``organisations`` may not make this write to a measure, or None:
    the catalogue's message id and its values, said in the reader's language where shown.

    ``before`` is None for a create, ``after`` None for a delete.

    >>> measure_refusal(["POHA"], None, {"id": "M1", "responsible": [{"organisation": "SM"}]})
    ... # doctest: +ELLIPSIS
    ('You write for %(organisations)s; a new measure must name one of them as its lead...
    """
    mine = set(organisations)
    listed = ", ".join(sorted(mine))
    if before is None:
        if after is not None and not lead_organisations(after) & mine:
            return N_(
                "You write for %(organisations)s; a new measure must name one of them as its "
                "lead (a responsible organisation with the role lead)."
            ), {"organisations": listed}
        return None
    leads = lead_organisations(before)
    if leads & mine:
        return None
    lead_text = ", ".join(sorted(leads)) or "–"
    if after is None:
        return N_(
            "You write for %(organisations)s, a partner of measure %(id)s; only editors of "
            "its lead (%(lead)s) or an admin may delete it."
        ), {"organisations": listed, "id": repr(before["id"]), "lead": lead_text}
    refused = [k for k in _changed(before, after) if k not in PARTNER_FIELDS]
    if refused:
        return N_(
            "You write for %(organisations)s, a partner of measure %(id)s (lead: %(lead)s); "
            "a partner may change %(allowed)s only, not %(refused)s. Ask an editor of the "
            "lead or an admin."
        ), {
            "organisations": listed,
            "id": repr(before["id"]),
            "lead": lead_text,
            "allowed": ", ".join(PARTNER_FIELDS),
            "refused": ", ".join(refused),
        }
    return None
