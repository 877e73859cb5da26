"""One settings object for every entry point (CLI, API, tests), read from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "default_home", "default_cache"]


def default_home() -> Path:
    """Per-user data folder for the managed local server (XDG data dir)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "turva"


def default_cache() -> Path:
    """Per-user cache for the Neo4j jars, kept outside the repository."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "turva"


class Settings(BaseSettings):
    """Where the graph lives and how the service behaves.

    ``NEO4J_URI`` set means "use that server"; unset means "use (and start) the managed
    local server under ``TURVA_HOME``".
    """

    # Each field is read from its documented variable alone. ``populate_by_name`` would
    # also match a field's own name (``home`` <- ``HOME``), which once put the managed
    # server's store straight into the user's home folder. In code, use the aliases
    # (``Settings(NEO4J_URI=...)``) or ``model_copy(update=...)``.
    model_config = SettingsConfigDict(extra="forbid", populate_by_name=False)

    neo4j_uri: str | None = Field(default=None, alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: str | None = Field(default=None, alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")

    home: Path = Field(default_factory=default_home, alias="TURVA_HOME")
    cache: Path = Field(default_factory=default_cache, alias="TURVA_CACHE")
    local_heap: str = Field(default="1g", alias="TURVA_NEO4J_HEAP")

    reads_require_token: bool = Field(default=False, alias="TURVA_READS_REQUIRE_TOKEN")
    max_body_bytes: int = Field(default=10 * 1024 * 1024, alias="TURVA_MAX_BODY_BYTES")
    public_url: str = Field(default="", alias="TURVA_PUBLIC_URL")
    access_log: bool = Field(default=True, alias="TURVA_ACCESS_LOG")

    #: a signed-in person's session ends after this many hours without a request
    session_idle_hours: float = Field(
        default=8.0, gt=0, le=24 * 30, alias="TURVA_SESSION_IDLE_HOURS"
    )
    #: single sign-on (OpenID Connect): all three set turn "Sign in with ..." on
    oidc_issuer: str = Field(default="", alias="TURVA_OIDC_ISSUER")
    oidc_client_id: str = Field(default="", alias="TURVA_OIDC_CLIENT_ID")
    oidc_client_secret: str = Field(default="", alias="TURVA_OIDC_CLIENT_SECRET")
    #: a YAML file mapping the provider's claims (groups, e-mail domain) to role and organisations
    oidc_mapping: Path | None = Field(default=None, alias="TURVA_OIDC_MAPPING")

    #: the language of the ``turva`` command's tables and messages (default: the locale's)
    lang: Literal["fi", "sv", "en"] | None = Field(default=None, alias="TURVA_LANG")

    @field_validator("lang", mode="before")
    @classmethod
    def _lang_code(cls, value: Any) -> Any:
        """``TURVA_LANG=`` (empty) is unset; ``FI`` is ``fi``."""
        if isinstance(value, str):
            return value.strip().lower() or None
        return value
