"""median interval: the tool's own confidence interval of a series' median in each run

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

Two nullable columns on the series rows, median_low and median_high: the interval the measuring tool computed
for the run's median (asv's 99 %), which the gate uses to weigh each baseline run and the candidate by how sure
the run itself was (docs/statistics.md, A run's own uncertainty). Rows stored before have none: their runs weigh
as they did. A NULL takes no space in a SQLite row beyond its header byte, nor in a Postgres row's null bitmap.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("median_low", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("median_high", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.drop_column("median_high")
        batch_op.drop_column("median_low")
