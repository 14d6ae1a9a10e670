"""gate decisions name their series as rows: key (name, metric), verdict, reason

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

Decisions kept before this revision held JSON lists of "name: reason" strings (failing and waived). They are
converted to rows: the name is what comes before the first ": " (as the site read them), the metric unknown
(NULL: the site then marks every metric of that name, as it did), the verdict "regression" for a failing series
(the old rows did not say which failing verdict) and "waived" for a waived one. Downgrading writes the lists back.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_decisions = sa.table(
    "gate_decisions", sa.column("id", sa.Integer()), sa.column("failing", sa.Text()), sa.column("waived", sa.Text())
)
_decided = sa.table(
    "gate_decision_series",
    sa.column("decision_id", sa.Integer()),
    sa.column("position", sa.Integer()),
    sa.column("name", sa.Text()),
    sa.column("metric", sa.String(100)),
    sa.column("verdict", sa.String(20)),
    sa.column("reason", sa.Text()),
)


def upgrade() -> None:
    bind = op.get_bind()
    # Read the old lists first: on SQLite, batch mode rebuilds gate_decisions, and dropping the old copy would
    # cascade to rows that already pointed at it.
    old = bind.execute(sa.select(_decisions.c.id, _decisions.c.failing, _decisions.c.waived)).all()
    with op.batch_alter_table("gate_decisions", schema=None) as batch_op:
        batch_op.drop_column("failing")
        batch_op.drop_column("waived")
    op.create_table(
        "gate_decision_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("metric", sa.String(length=100), nullable=True),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["gate_decisions.id"],
            name=op.f("fk_gate_decision_series_decision_id_gate_decisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_decision_series")),
    )
    with op.batch_alter_table("gate_decision_series", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gate_decision_series_decision_id_position"), ["decision_id", "position"], unique=False
        )
    rows = []
    for decision_id, failing, waived in old:
        entries = [("regression", t) for t in json.loads(failing)] + [("waived", t) for t in json.loads(waived)]
        for position, (verdict, entry) in enumerate(entries):
            name, _, reason = str(entry).partition(": ")
            row = {"decision_id": decision_id, "position": position, "name": name, "metric": None}
            rows.append({**row, "verdict": verdict, "reason": reason})
    if rows:
        op.bulk_insert(_decided, rows)


def downgrade() -> None:
    bind = op.get_bind()
    lists: dict[int, tuple[list[str], list[str]]] = {}
    query = sa.select(_decided.c.decision_id, _decided.c.name, _decided.c.verdict, _decided.c.reason).order_by(
        _decided.c.decision_id, _decided.c.position
    )
    for decision_id, name, verdict, reason in bind.execute(query):
        failing, waived = lists.setdefault(decision_id, ([], []))
        (waived if verdict == "waived" else failing).append(f"{name}: {reason}")
    with op.batch_alter_table("gate_decision_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_decision_series_decision_id_position"))
    op.drop_table("gate_decision_series")
    with op.batch_alter_table("gate_decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failing", sa.Text(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("waived", sa.Text(), nullable=False, server_default="[]"))
    for decision_id, (failing, waived) in lists.items():
        bind.execute(
            _decisions.update()
            .where(_decisions.c.id == decision_id)
            .values(failing=json.dumps(failing), waived=json.dumps(waived))
        )
