"""gate decisions: what the gate decided for each pull request, for the weekly digest

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gate_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("suite", sa.String(length=200), nullable=False),
        sa.Column("pr_number", sa.Integer(), nullable=True),
        sa.Column("head_commit", sa.String(length=64), nullable=False),
        sa.Column("base_commit", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("series_count", sa.Integer(), nullable=False),
        sa.Column("failing", sa.Text(), nullable=False),
        sa.Column("waived", sa.Text(), nullable=False),
        sa.Column("run_url", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_decisions")),
    )
    with op.batch_alter_table("gate_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_decisions_suite_recorded_at"), ["suite", "recorded_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("gate_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_decisions_suite_recorded_at"))
    op.drop_table("gate_decisions")
