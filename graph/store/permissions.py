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
) -> str | None:
    """Why an editor of ``organisations`` may not make this write to a measure, or None.

    ``before`` is None for a create, ``after`` None for a delete.
    """
    mine = set(organisations)
    listed = ", ".join(sorted(mine))
    if before is None:
        if after is not None and not lead_organisations(after) & mine:
            return (
                f"This editor token writes for {listed}; a new measure must name one of them "
                "as its lead (responsible entry with role 'lead')."
            )
        return None
    leads = lead_organisations(before)
    if leads & mine:
        return None
    lead_text = ", ".join(sorted(leads)) or "none"
    if after is None:
        return (
            f"This editor token writes for {listed}, a partner of measure {before['id']!r}; "
            f"only editors of its lead ({lead_text}) or an admin may delete it."
        )
    refused = [k for k in _changed(before, after) if k not in PARTNER_FIELDS]
    if refused:
        return (
            f"This editor token writes for {listed}, a partner of measure {before['id']!r} "
            f"(lead: {lead_text}); a partner may change {', '.join(PARTNER_FIELDS)} only, "
            f"not {', '.join(refused)}. Ask an editor of the lead or an admin."
        )
    return None
