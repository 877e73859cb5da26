"""The single sign-on mapping file: from a person's claims to a role and organisations.

``TURVA_OIDC_MAPPING`` names a YAML file of rules. The **first rule that matches wins**:
put narrow rules (an admin group) before broad ones (a whole e-mail domain). A person
whom no rule matches gets a ``reader`` account at their first sign-in; an admin can
promote it (``turva user set-role``).

.. code-block:: yaml

    groups_claim: groups          # the claim that lists the person's groups (default)
    rules:
      - groups: [turva-admins]
        role: admin
      - email_domain: poliisi.fi
        role: editor
        organisations: [POHA]

A rule matches when *each* condition it gives holds: ``groups`` (one of the person's groups
is in the list) and ``email_domain`` (the domain of the ``email`` claim, or of
``preferred_username`` when it is an address, is one of them; a provider that says
``email_verified: false`` never matches a domain). ``role`` is ``reader``, ``editor`` or
``admin``; an editor needs ``organisations`` (ids in the graph), the others take none.

This module is pure: it reads and checks the file; whether the organisation ids exist is
checked where the graph is at hand (:mod:`turva.api.sso`).

>>> mapping = parse_mapping('''
... rules:
...   - {groups: [turva-admins], role: admin}
...   - {email_domain: poliisi.fi, role: editor, organisations: [POHA]}
... ''')
>>> mapping.match({"email": "maija@POLIISI.fi", "groups": ["turva-admins"]}).role
'admin'
>>> mapping.match({"email": "maija@poliisi.fi"}).organisations
('POHA',)
>>> mapping.match({"email": "x@example.org"}) is None
True
>>> parse_mapping("rules: [{groups: x, role: boss}]", "sso.yaml")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
turva.graph.errors.BadArgument: sso.yaml, rule 1, field role: unknown role 'boss': use one of ...
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from turva.graph.errors import BadArgument, Word
from turva.graph.messages import N_

__all__ = [
    "ROLES",
    "RULE_FIELDS",
    "Rule",
    "SsoMapping",
    "parse_mapping",
    "load_mapping",
    "email_of",
]

ROLES = ("reader", "editor", "admin")
#: the fields a rule may have
RULE_FIELDS = ("groups", "email_domain", "role", "organisations")
_TOP_KEYS = ("rules", "groups_claim")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]+@([^@\s]+)$")


@dataclass(frozen=True)
class Rule:
    """One rule: whom it matches (groups, e-mail domains) and what they get."""

    number: int  #: its place in the file, from 1 (errors name it)
    groups: frozenset[str]
    email_domains: frozenset[str]
    role: str
    organisations: tuple[str, ...]

    def matches(self, claims: Mapping[str, Any], groups_claim: str = "groups") -> bool:
        """Whether every condition of the rule holds for ``claims``."""
        if self.groups and not self.groups & _groups(claims, groups_claim):
            return False
        if self.email_domains:
            email = email_of(claims)
            domain = email.rsplit("@", 1)[1] if email else None
            if domain not in self.email_domains:
                return False
        return True


@dataclass(frozen=True)
class SsoMapping:
    """The rules of a mapping file, in order (the first match wins)."""

    rules: tuple[Rule, ...] = ()
    groups_claim: str = "groups"
    source: str = "mapping"

    def match(self, claims: Mapping[str, Any]) -> Rule | None:
        """The first rule that matches ``claims``, or None (a reader account)."""
        return next((r for r in self.rules if r.matches(claims, self.groups_claim)), None)

    @property
    def organisations(self) -> dict[str, list[int]]:
        """Every organisation id the rules name, with the numbers of the rules naming it."""
        named: dict[str, list[int]] = {}
        for rule in self.rules:
            for org in rule.organisations:
                named.setdefault(org, []).append(rule.number)
        return named


def _groups(claims: Mapping[str, Any], claim: str) -> frozenset[str]:
    value = claims.get(claim)
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list | tuple):
        return frozenset(str(v) for v in value)
    return frozenset()


def email_of(claims: Mapping[str, Any]) -> str | None:
    """The person's e-mail address in lower case: ``email``, else ``preferred_username``
    when it is an address (Entra ID's UPN); None when the provider says it is unverified.

    >>> email_of({"email": "Maija@Poliisi.fi"}), email_of({"preferred_username": "m@a.fi"})
    ('maija@poliisi.fi', 'm@a.fi')
    >>> email_of({"email": "m@a.fi", "email_verified": False}) is None
    True
    """
    if claims.get("email_verified") is False:
        return None
    for key in ("email", "preferred_username"):
        value = claims.get(key)
        if isinstance(value, str) and _EMAIL.match(value.strip()):
            return value.strip().lower()
    return None


def _texts(value: Any, where: Word) -> list[str]:
    """A text or a list of texts, as a list; else an error naming the field."""
    items = [value] if isinstance(value, str) else value
    if (
        not isinstance(items, list)
        or not items
        or not all(isinstance(v, str | int) and str(v).strip() for v in items)
    ):
        raise BadArgument.said(
            N_("%(where)s: give a text or a list of texts, e.g. [turva-admins]"), where=where
        )
    return [str(v).strip() for v in items]


#: the words refusing an unknown key: (message, the placeholders of the key and the allowed
#: keys); a rule's fields and the file's keys keep their own words for translators
_UNKNOWN_FIELD = (N_("%(where)s: unknown field %(field)s: use %(fields)s"), "field", "fields")
_UNKNOWN_KEY = (N_("%(file)s: unknown key %(key)s: use %(keys)s"), "key", "keys")


def _refuse_unknown(
    raw: dict[Any, Any], allowed: tuple[str, ...], words: tuple[str, str, str], **where: Any
) -> None:
    """Refuse ``raw`` if it has a key not ``allowed``, naming the first such key in ``words``.

    >>> _refuse_unknown({"rules": []}, _TOP_KEYS, _UNKNOWN_KEY, file="sso.yaml")
    >>> _refuse_unknown({"rule": []}, _TOP_KEYS, _UNKNOWN_KEY, file="sso.yaml")
    Traceback (most recent call last):
    turva.graph.errors.BadArgument: sso.yaml: unknown key 'rule': use rules, groups_claim
    """
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        message, key, keys = words
        found = {key: repr(unknown[0]), keys: ", ".join(allowed)}
        raise BadArgument.said(message, **where, **found)


def _rule(number: int, raw: Any, source: str) -> Rule:
    here = Word(N_("%(file)s, rule %(rule)s"), file=source, rule=number)

    def field(name: str) -> Word:
        return Word(
            N_("%(file)s, rule %(rule)s, field %(field)s"), file=source, rule=number, field=name
        )

    if not isinstance(raw, dict):
        raise BadArgument.said(
            N_("%(where)s: a rule is a mapping with role and groups or email_domain"), where=here
        )
    _refuse_unknown(raw, RULE_FIELDS, _UNKNOWN_FIELD, where=here)
    groups = _texts(raw["groups"], field("groups")) if "groups" in raw else []
    domains = []
    if "email_domain" in raw:
        for given in _texts(raw["email_domain"], field("email_domain")):
            domain = given.lower().removeprefix("@")
            if not _DOMAIN.match(domain):
                raise BadArgument.said(
                    N_("%(where)s: %(domain)s is not a domain such as poliisi.fi"),
                    where=field("email_domain"),
                    domain=repr(given),
                )
            domains.append(domain)
    if not groups and not domains:
        raise BadArgument.said(
            N_("%(where)s: give groups or email_domain (or both): whom does the rule match?"),
            where=here,
        )
    role = raw.get("role")
    if role not in ROLES:
        raise BadArgument.said(
            N_("%(where)s: unknown role %(role)s: use one of %(roles)s"),
            where=field("role"),
            role=repr(role),
            roles=", ".join(ROLES),
        )
    orgs = _texts(raw["organisations"], field("organisations")) if "organisations" in raw else []
    if role == "editor" and not orgs:
        raise BadArgument.said(
            N_("%(where)s: an editor changes what their organisations own: list their ids"),
            where=field("organisations"),
        )
    if role != "editor" and orgs:
        raise BadArgument.said(
            N_("%(where)s: only editors have organisations, not %(role)s"),
            where=field("organisations"),
            role=role,
        )
    return Rule(
        number=number,
        groups=frozenset(groups),
        email_domains=frozenset(domains),
        role=role,
        organisations=tuple(sorted(set(orgs))),
    )


def parse_mapping(text: str, source: str = "mapping") -> SsoMapping:
    """The mapping in ``text`` (YAML); ``source`` names the file in errors.

    Raises :class:`~turva.graph.errors.BadArgument` naming the rule and field at fault.
    """
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise BadArgument.said(
            N_("%(file)s is not valid YAML: %(error)s"), file=source, error=str(error)
        ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise BadArgument.said(
            N_("%(file)s: the mapping file needs a list of rules under 'rules:'"), file=source
        )
    _refuse_unknown(raw, _TOP_KEYS, _UNKNOWN_KEY, file=source)
    claim = raw.get("groups_claim", "groups")
    if not isinstance(claim, str) or not claim.strip():
        raise BadArgument.said(
            N_("%(file)s: groups_claim names a claim, such as groups or roles"), file=source
        )
    rules = tuple(_rule(n, rule, source) for n, rule in enumerate(raw["rules"], start=1))
    return SsoMapping(rules=rules, groups_claim=claim.strip(), source=source)


def load_mapping(path: Path | None) -> SsoMapping:
    """The mapping file at ``path``; no file (None) is no rules: everyone is a reader."""
    if path is None:
        return SsoMapping()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadArgument.said(
            N_("the single sign-on mapping file %(file)s cannot be read: %(error)s"),
            file=str(path),
            error=getattr(error, "strerror", None) or str(error),
        ) from None
    return parse_mapping(text, Path(path).name)
