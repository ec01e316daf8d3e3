"""Where mediamon keeps its files: the user config and data directories, or one --home folder.

Precedence: explicit argument > ``MEDIAMON_HOME`` > platformdirs' user directories.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "mediamon"


@dataclass(frozen=True)
class Paths:
    """The folder of the user's sources.toml and the folder of the database."""

    config_dir: Path
    data_dir: Path

    @property
    def sources_file(self) -> Path:
        return self.config_dir / "sources.toml"

    @property
    def db_file(self) -> Path:
        return self.data_dir / "mediamon.db"


def resolve_paths(home: str | os.PathLike | None = None) -> Paths:
    """Config and data directories for this run."""
    home = home or os.environ.get("MEDIAMON_HOME")
    if home:
        root = Path(home).expanduser().resolve()
        return Paths(config_dir=root, data_dir=root)
    return Paths(
        config_dir=Path(platformdirs.user_config_dir(APP)),
        data_dir=Path(platformdirs.user_data_dir(APP)),
    )


def default_sources_file() -> Path:
    """The sources.toml shipped with mediamon (copied to the user's config on first run)."""
    packaged = Path(__file__).with_name("data") / "sources.toml"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[1] / "sources.toml"
