"""Kept only for ``api/routes/maps.py``, which imports ``ASSETS`` and ``render_fragment``
from here; once it imports ``ASSETS`` and ``map_fragment`` from ``turva.visualize``, delete
this module. The HTML writer is :mod:`turva.visualize.write_html`."""

from turva.visualize.export import map_fragment as render_fragment
from turva.visualize.write_html import ASSETS

__all__ = ["ASSETS", "render_fragment"]
