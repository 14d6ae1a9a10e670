"""Where a command runs: its directory and clock, and the configuration file and database it names.

The command line builds one from its options and the moment it starts; the use cases open the
configuration and the database through it, so nothing below reads the clock, the environment or the
working directory on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from perfgate import config
from perfgate.config import Config
from perfgate.errors import InputError

if TYPE_CHECKING:  # SQLAlchemy and Alembic load when a command opens the database
    from perfgate.store import Store


@dataclass(frozen=True)
class Workspace:
    workdir: Path
    now: datetime  # UTC
    config_path: Path | None = None  # --config; else found from workdir upwards
    db_url: str | None = None  # --db; else .perfgate/history.db in workdir

    def config(self) -> Config:
        return load_config(self.config_path, self.workdir)

    def store(self) -> Store:
        from perfgate.store import Store, default_url

        return Store(self.db_url or default_url(self.workdir))


def load_config(explicit: Path | None, cwd: Path) -> Config:
    """The config named by --config, else perfgate.toml or [tool.perfgate] found upwards, else defaults."""
    path = explicit or config.find(cwd)
    if explicit is not None and not explicit.is_file():
        raise InputError(str(explicit), "no such configuration file")
    return config.load(path) if path else Config()
