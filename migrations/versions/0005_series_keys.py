"""series keys: a series' name and metric stored once, not in every row and its index; no sample count

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

Each distinct (name, metric) of the series rows becomes a row of series_keys, and each series row points at
it (key_id) instead of holding the name itself; the unique (run_id, name, metric) becomes (run_id, key_id), and
an index (key_id, run_id) serves a series' history. sample_count goes: the samples' array knows its length.
Samples keep their stored encoding (perfgate/codec.py reads every one it ever wrote); new runs get the compact
ones. Space freed by the dropped columns returns to the file system after `VACUUM` (SQLite) or
`VACUUM FULL series` (Postgres); see docs/storage.md. Downgrading writes names, metrics and counts back, and
re-encodes every sample array as the zlib float64 that revision 0004's perfgate reads.
"""

from __future__ import annotations

import zlib

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_series = sa.table(
    "series",
    sa.column("id", sa.Integer()),
    sa.column("samples", sa.LargeBinary()),
    sa.column("sample_count", sa.Integer()),
)
_BATCH = 5000


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "series_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("metric", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_keys")),
        sa.UniqueConstraint("name", "metric", name=op.f("uq_series_keys_name_metric")),
    )
    bind.execute(sa.text("INSERT INTO series_keys (name, metric) SELECT DISTINCT name, metric FROM series"))
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.Integer(), nullable=True))
    if bind.dialect.name == "postgresql":
        bind.execute(
            sa.text(
                "UPDATE series SET key_id = k.id FROM series_keys k WHERE k.name = series.name "
                "AND k.metric = series.metric"
            )
        )
    else:
        bind.execute(
            sa.text(
                "UPDATE series SET key_id = (SELECT k.id FROM series_keys k WHERE k.name = series.name "
                "AND k.metric = series.metric)"
            )
        )
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_series_run_id_name_metric"), type_="unique")
        batch_op.drop_column("name")
        batch_op.drop_column("metric")
        batch_op.drop_column("sample_count")
        batch_op.alter_column("key_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f("fk_series_key_id_series_keys"), "series_keys", ["key_id"], ["id"])
        batch_op.create_unique_constraint(batch_op.f("uq_series_run_id_key_id"), ["run_id", "key_id"])
        batch_op.create_index(batch_op.f("ix_series_key_id_run_id"), ["key_id", "run_id"], unique=False)


def downgrade() -> None:
    from perfgate import codec  # reads every encoding; 0004's perfgate reads only zlib float64 (tag 1)

    bind = op.get_bind()
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("metric", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("sample_count", sa.Integer(), nullable=True))
    for column in ("name", "metric"):
        bind.execute(
            sa.text(f"UPDATE series SET {column} = (SELECT k.{column} FROM series_keys k WHERE k.id = series.key_id)")
        )
    bind.execute(sa.text("UPDATE series SET sample_count = 0 WHERE samples IS NULL"))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(_series.c.id, _series.c.samples)
            .where(_series.c.id > last, _series.c.samples.is_not(None))
            .order_by(_series.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        changed = []
        for row in rows:
            values = codec.decode(row.samples)
            blob = b"\x01" + zlib.compress(values.astype("<f8").tobytes(), 6)
            changed.append({"b_id": row.id, "samples": blob, "sample_count": int(values.size)})
        bind.execute(
            _series.update()
            .where(_series.c.id == sa.bindparam("b_id"))
            .values(samples=sa.bindparam("samples"), sample_count=sa.bindparam("sample_count")),
            changed,
        )
        last = rows[-1].id
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_key_id_run_id"))
        batch_op.drop_constraint(batch_op.f("uq_series_run_id_key_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_series_key_id_series_keys"), type_="foreignkey")
        batch_op.drop_column("key_id")
        batch_op.alter_column("name", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("metric", existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column("sample_count", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_series_run_id_name_metric"), ["run_id", "name", "metric"])
    op.drop_table("series_keys")
