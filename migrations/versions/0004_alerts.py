"""alerts: the steps on main that `perfgate alert` announced, so none is announced twice

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("suite", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("metric", sa.String(length=100), nullable=False),
        sa.Column("first_bad", sa.String(length=64), nullable=False),
        sa.Column("last_good", sa.String(length=64), nullable=False),
        sa.Column("before", sa.Float(), nullable=False),
        sa.Column("after", sa.Float(), nullable=False),
        sa.Column("announced_at", sa.DateTime(), nullable=False),
        sa.Column("issue_number", sa.Integer(), nullable=True),
        sa.Column("recovered_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("suite", "name", "metric", "first_bad", name=op.f("uq_alerts_suite_name_metric_first_bad")),
    )


def downgrade() -> None:
    op.drop_table("alerts")
