"""The tables, as typed SQLAlchemy 2 models. Alembic migrations in migrations/ must match them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Stores UTC without a zone (the same on SQLite and Postgres) and hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: perfgate stores only timezone-aware times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RunRow(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    suite: Mapped[str] = mapped_column(String(200))
    branch: Mapped[str] = mapped_column(String(255))
    commit: Mapped[str] = mapped_column(String(64))
    pr_number: Mapped[int | None] = mapped_column(Integer)
    merge_base: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    source_format: Mapped[str] = mapped_column(String(64))
    environment: Mapped[str] = mapped_column(Text)  # JSON object of the Environment's known fields
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)

    __table_args__ = (
        # The baseline lookup: latest runs of a suite on a branch.
        Index(None, "suite", "branch", "recorded_at"),
        # Finding a branch's run for a commit (merge-base baselines).
        Index(None, "suite", "commit"),
    )


class SeriesKeyRow(Base):
    """A series' name and metric, stored once: a run's series rows point here instead of repeating a name of
    often 70 characters (and again in the unique index) in every row (revision 0005; docs/storage.md)."""

    __tablename__ = "series_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    metric: Mapped[str] = mapped_column(String(100))

    __table_args__ = (UniqueConstraint("name", "metric"),)


class SeriesRow(Base):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # a run's series in the order it gave them
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    key_id: Mapped[int] = mapped_column(ForeignKey("series_keys.id"))
    unit: Mapped[str] = mapped_column(String(50))
    direction: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer)
    mean: Mapped[float | None] = mapped_column(Float)
    stddev: Mapped[float | None] = mapped_column(Float)
    min: Mapped[float | None] = mapped_column(Float)
    median: Mapped[float | None] = mapped_column(Float)
    p90: Mapped[float | None] = mapped_column(Float)
    p95: Mapped[float | None] = mapped_column(Float)
    p99: Mapped[float | None] = mapped_column(Float)
    max: Mapped[float | None] = mapped_column(Float)
    errors: Mapped[int | None] = mapped_column(Integer)
    # The tool's own interval of the run's median (revision 0007): the gate weighs the run by it.
    median_low: Mapped[float | None] = mapped_column(Float)
    median_high: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        # run_id first: it also serves "all series of these runs".
        UniqueConstraint("run_id", "key_id"),
        # A series' history: its rows across runs, without reading every run's series.
        Index(None, "key_id", "run_id"),
    )


class RunSamplesRow(Base):
    """A run's raw samples, every series' in one packed value (perfgate/store/packed.py; revision 0006).

    Kept apart from the series rows so that `perfgate prune` deletes one row per run and leaves the rows holding
    the summaries untouched: dropping the samples from every series row rewrote each page of the pruned runs
    (4-6x the time of copying the file), where a deleted run's value only frees its pages (docs/storage.md)."""

    __tablename__ = "run_samples"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    series: Mapped[int] = mapped_column(Integer)  # how many of the run's series have samples in it
    data: Mapped[bytes] = mapped_column(LargeBinary)


class GateDecisionRow(Base):
    """What `perfgate gate` decided for a pull request: the weekly digest lists blocked and waived ones."""

    __tablename__ = "gate_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    suite: Mapped[str] = mapped_column(String(200))
    pr_number: Mapped[int | None] = mapped_column(Integer)
    head_commit: Mapped[str] = mapped_column(String(64))
    base_commit: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    verdict: Mapped[str] = mapped_column(String(20))  # "fail", "neutral" or "pass", as the report says
    series_count: Mapped[int] = mapped_column(Integer)
    run_url: Mapped[str | None] = mapped_column(Text)

    decided: Mapped[list[DecidedSeriesRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="DecidedSeriesRow.position", lazy="selectin"
    )

    __table_args__ = (Index(None, "suite", "recorded_at"),)


class DecidedSeriesRow(Base):
    """One failing or waived series of a gate decision: its key, verdict and reason (the site marks its page)."""

    __tablename__ = "gate_decision_series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("gate_decisions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # the report's order
    name: Mapped[str] = mapped_column(Text)
    metric: Mapped[str | None] = mapped_column(String(100))  # None: converted from a decision kept without it
    verdict: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index(None, "decision_id", "position"),)


class AlertRow(Base):
    """A step on main that `perfgate alert` announced: never announced twice, closed when the series recovers."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    suite: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(Text)
    metric: Mapped[str] = mapped_column(String(100))
    first_bad: Mapped[str] = mapped_column(String(64))  # the commit of the first run at the worse level
    last_good: Mapped[str] = mapped_column(String(64))
    before: Mapped[float] = mapped_column(Float)  # the levels either side of the step, in the series' unit
    after: Mapped[float] = mapped_column(Float)
    announced_at: Mapped[datetime] = mapped_column(UtcDateTime())
    issue_number: Mapped[int | None] = mapped_column(Integer)  # the GitHub issue, when one was opened
    recovered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    # Unique per step: two alert jobs at once cannot both remember (and announce) the same step.
    __table_args__ = (UniqueConstraint("suite", "name", "metric", "first_bad"),)
