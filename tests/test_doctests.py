"""The docstring examples of every library module run as tests, under their installed names.

``--doctest-modules`` would import ``graph/...`` a second time under the folder's name; this
walks the installed package ``turva`` instead, so each example runs against the same module
objects as the rest of the suite.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import turva.graph
import turva.queries
import turva.visualize

PACKAGES = (turva.graph, turva.queries, turva.visualize)


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        names.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            names.append(info.name)
    return sorted(names)


MODULES = _modules()


def test_the_walk_finds_the_library_modules():
    assert "turva.graph.domain.model" in MODULES
    assert "turva.queries.runner" in MODULES
    assert any(name.startswith("turva.visualize.") for name in MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
