"""Names shared by the command line, the Action and the modules that act on them; import-free, so that
`perfgate --help` can list them without loading the modules that use them."""

from __future__ import annotations

DEFAULT_SUITE = "default"
# The Action's `mode`, `comment` and `fail-on` inputs (and the gate/publish options of the same names).
GATE_MODES = ("auto", "record", "compare")  # the Action's `publish` mode runs `perfgate publish` instead
COMMENT_POLICIES = ("always", "on-change", "on-regression", "never")
FAIL_ON = ("regression", "budget", "never")
