"""Dependencies shared by the routers, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from neo4j import Driver

from turva.graph.settings import Settings

__all__ = ["get_driver", "get_settings", "DriverDep", "SettingsDep"]


# async: a plain attribute read need not hop to the thread pool on every request
async def get_driver(request: Request) -> Driver:
    return request.app.state.driver  # type: ignore[no-any-return]


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


DriverDep = Annotated[Driver, Depends(get_driver)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
