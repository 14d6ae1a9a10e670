"""GitHub's cache and artifact services, with the rules that decide whether a job's step passes.

Cache (actions/cache v5): an entry is (scope, key, version); the version hashes the paths, so a different path
never matches. A job restores from its own ref's scope, then the pull request's base branch, then the default
branch; an exact key is a hit, else the newest entry whose key starts with a restore key. Saving a key that
already exists in the scope is refused ("Unable to reserve cache …"), which actions/cache reports as a warning
and the step passes: the data is silently not saved.

Artifacts (upload-artifact v4 and later): names are unique per workflow run, re-run attempts included; a second
upload of a name fails the step with 409 Conflict.
"""

from __future__ import annotations

import fnmatch
import hashlib
import itertools
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

_ORDER = itertools.count()


@dataclass
class CacheEntry:
    scope: str
    key: str
    version: str
    where: Path
    order: int


def _version(paths: list[str]) -> str:
    return hashlib.sha256("|".join(paths).encode()).hexdigest()


def _copy(source: Path, target: Path, *, link: bool = False) -> None:
    """Copy a file or tree; ``link`` hard-links files instead (a restore: the runner never edits them in place)."""
    if source.is_dir():
        copy = os.link if link else shutil.copy2
        shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True, copy_function=copy)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


@dataclass
class CacheService:
    root: Path
    entries: list[CacheEntry] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # keys whose save was refused as already reserved

    def restore(self, key: str, restore_keys: list[str], paths: list[str], scopes: list[str]) -> str | None:
        version = _version(paths)
        candidates = [e for e in self.entries if e.version == version]
        chosen: CacheEntry | None = None
        for scope in scopes:
            in_scope = sorted((e for e in candidates if e.scope == scope), key=lambda e: -e.order)
            chosen = next((e for e in in_scope if e.key == key), None)
            for prefix in restore_keys:
                if chosen is None:
                    chosen = next((e for e in in_scope if e.key.startswith(prefix)), None)
            if chosen is not None:
                break
        if chosen is None:
            return None
        for index, path in enumerate(paths):
            stored = chosen.where / str(index)
            if stored.exists():
                _copy(stored, Path(path), link=True)
        return chosen.key

    def save(self, key: str, paths: list[str], scope: str) -> bool:
        version = _version(paths)
        if any(e.key == key and e.version == version and e.scope == scope for e in self.entries):
            self.refused.append(key)
            return False
        where = self.root / f"entry-{next(_ORDER)}"
        saved_any = False
        for index, path in enumerate(paths):
            if Path(path).exists():
                _copy(Path(path), where / str(index))
                saved_any = True
        if not saved_any:
            return False
        self.entries.append(CacheEntry(scope, key, version, where, next(_ORDER)))
        return True

    def saved_keys(self, scope: str | None = None) -> list[str]:
        return [e.key for e in self.entries if scope is None or e.scope == scope]


class ArtifactConflict(Exception):
    pass


ARTIFACT_NAME_REFUSES = ('"', ":", "<", ">", "|", "*", "?", "\r", "\n", "\\", "/")  # @actions/artifact


def check_cache_key(key: str) -> None:
    """actions/cache's own validation: the step fails on such a key."""
    if "," in key:
        raise ValueError(f"Key Validation Error: {key} cannot contain commas.")
    if len(key) > 512:
        raise ValueError(f"Key Validation Error: {key} cannot be larger than 512 characters.")


@dataclass
class ArtifactStore:
    root: Path
    runs: dict[str, dict[str, Path]] = field(default_factory=dict)  # run id -> name -> files

    def upload(self, run_id: str, name: str, source: Path) -> None:
        bad = [c for c in ARTIFACT_NAME_REFUSES if c in name]
        if bad:
            raise ArtifactConflict(
                f"The artifact name is not valid: {name}. Contains the following character: {bad[0]!r}"
            )
        if name in self.runs.get(run_id, {}):
            raise ArtifactConflict(
                "Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: "
                "an artifact with this name already exists on the workflow run"
            )
        where = self.root / run_id / name
        _copy(source, where)
        self.runs.setdefault(run_id, {})[name] = where

    def download(self, run_id: str, pattern: str, target: Path, *, merge: bool) -> list[str]:
        names = sorted(n for n in self.runs.get(run_id, {}) if fnmatch.fnmatchcase(n, pattern or "*"))
        for name in names:
            _copy(self.runs[run_id][name], target if merge else target / name)
        return names
