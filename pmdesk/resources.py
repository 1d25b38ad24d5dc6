# SPDX-License-Identifier: GPL-3.0-or-later
"""Finding files under resources/ both in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

import pmdesk


def resource_path(*parts: str) -> Path:
    """The path of a resource file, e.g. resource_path("schemas", "programme.schema.json").

    The wheel force-includes resources/ as pmdesk/resources; a source checkout (or an editable
    install) keeps it beside the package. The installed location wins when both exist.
    """
    package_dir = Path(pmdesk.__file__).resolve().parent
    installed = package_dir / "resources"
    if installed.is_dir():
        return installed.joinpath(*parts)
    return package_dir.parent.joinpath("resources", *parts)


def schema_path(name: str) -> Path:
    """A JSON Schema published with PMDesk (resources/schemas/<name>)."""
    return resource_path("schemas", name)
