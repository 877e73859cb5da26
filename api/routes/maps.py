"""Network maps (owned by the maps work; registered in api/main.py)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["maps"])
