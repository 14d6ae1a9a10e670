""" "Did you mean …?" for a name that is not one of the known ones: a branch, a series, a format, a key."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """' Did you mean 'x'?' when one known name is close to ``word``, else ''."""
    guess = difflib.get_close_matches(word, list(known), n=1)
    return f" Did you mean {guess[0]!r}?" if guess else ""
