"""run samples: a run's samples in one row of run_samples, not in each of its series rows

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

Each run's series samples (their stored bytes, unchanged) are packed in the order of the run's series rows into
one value (perfgate/store/packed.py), and the series table loses its samples column. `perfgate prune` then
deletes one row per run instead of rewriting every series row of the runs it prunes (docs/storage.md).
Downgrading unpacks each value back into its series rows.
"""

from __future__ import annotations

import itertools

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_series = sa.table(
    "series",
    sa.column("id", sa.Integer()),
    sa.column("run_id", sa.Integer()),
    sa.column("samples", sa.LargeBinary()),
)
_run_samples = sa.table(
    "run_samples",
    sa.column("run_id", sa.Integer()),
    sa.column("series", sa.Integer()),
    sa.column("data", sa.LargeBinary()),
)
_RUNS = 50  # runs converted at a time: 50 runs of 2,000 series' samples are a few MB


def _run_batches(bind: sa.Connection) -> list[list[int]]:
    ids = bind.execute(sa.text("SELECT id FROM runs ORDER BY id")).scalars().all()
    return [list(ids[i : i + _RUNS]) for i in range(0, len(ids), _RUNS)]


def upgrade() -> None:
    from perfgate.store import packed

    bind = op.get_bind()
    op.create_table(
        "run_samples",
        sa.Column("run_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("series", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_run_samples_run_id_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_run_samples")),
    )
    for batch in _run_batches(bind):
        rows = bind.execute(
            sa.select(_series.c.run_id, _series.c.samples)
            .where(_series.c.run_id.in_(batch))
            .order_by(_series.c.run_id, _series.c.id)
        )
        values = []
        for run_id, group in itertools.groupby(rows, key=lambda r: r[0]):
            blobs = [bytes(r[1]) if r[1] is not None else None for r in group]
            if (data := packed.pack(blobs)) is not None:
                values.append({"run_id": run_id, "series": packed.held(blobs), "data": data})
        if values:
            bind.execute(_run_samples.insert(), values)
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.drop_column("samples")


def downgrade() -> None:
    from perfgate.store import packed

    bind = op.get_bind()
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("samples", sa.LargeBinary(), nullable=True))
    for batch in _run_batches(bind):
        ids = bind.execute(
            sa.select(_series.c.run_id, _series.c.id).where(_series.c.run_id.in_(batch)).order_by(_series.c.id)
        ).all()
        by_run: dict[int, list[int]] = {}
        for run_id, series_id in ids:
            by_run.setdefault(run_id, []).append(series_id)
        changed = []
        for run_id, data in bind.execute(
            sa.select(_run_samples.c.run_id, _run_samples.c.data).where(_run_samples.c.run_id.in_(batch))
        ):
            rows = by_run.get(run_id, [])
            for series_id, blob in zip(rows, packed.unpack(bytes(data), len(rows), run_id), strict=True):
                if blob is not None:
                    changed.append({"b_id": series_id, "samples": blob})
        if changed:
            bind.execute(
                _series.update().where(_series.c.id == sa.bindparam("b_id")).values(samples=sa.bindparam("samples")),
                changed,
            )
    op.drop_table("run_samples")
