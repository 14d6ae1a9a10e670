"""The command line: thin click commands, one module per area. Each command builds one request value, hands
it to one `perfgate.app` function and prints what comes back; `group` maps perfgate's errors to exit codes.

Every command imports what it needs when it runs: `perfgate --version` and `--help` must not pay for
SQLAlchemy, PyGithub or SciPy (tests/test_layers.py checks the import graph).
"""

from __future__ import annotations

from perfgate.cli import action, alert, compare, config, db, digest, history, ingest, run, runs
from perfgate.cli.group import main

for command in (
    compare.compare_command,
    run.run_command,
    ingest.ingest_command,
    ingest.formats_command,
    config.config_group,
    action.gate_command,
    action.publish_command,
    history.history_command,
    history.export_command,
    history.import_command,
    history.prune_command,
    runs.runs_group,
    digest.digest_command,
    digest.site_command,
    alert.alert_command,
    db.db_group,
):
    main.add_command(command)

__all__ = ["main"]
