"""Names shared by the command line, the Action and the modules that act on them; import-free, so that
`perfgate --help` can list them without loading the modules that use them."""

from __future__ import annotations

DEFAULT_SUITE = "default"
# The Action's `mode`, `comment` and `fail-on` inputs (and the gate/publish options of the same names).
GATE_MODES = ("auto", "record", "compare", "ab")  # the Action's `publish` mode runs `perfgate publish` instead
COMMENT_POLICIES = ("always", "on-change", "on-regression", "never")
FAIL_ON = ("regression", "budget", "never")
# `perfgate run --rounds`: the paired test's smallest p is 2^-N (every round worse), and Benjamini-Hochberg asks a
# lone regression among m benchmarks for q/m: 10 rounds reach 1/1024, below 0.05/m for up to 51 benchmarks.
DEFAULT_ROUNDS = 10
# `perfgate run --confirm`: --max-rounds defaults to this many times --rounds (looks at 10, 20, 30 rounds). Three
# Pocock-type looks keep each look's threshold near half of q (0.023 at q = 0.05); five would lower it to 0.016,
# and the first look, which most regressions stop at, would need rounds it does not have (benchmarks/ab_noise.py).
CONFIRM_LOOKS = 3
