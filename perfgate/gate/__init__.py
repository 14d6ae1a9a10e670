"""The gate: pooled baseline and candidate series → one verdict per series → a `Report`.

Read `report` first: the vocabulary every renderer speaks (verdicts, `Comparison`, `Report`; `settings`, the
rule's knobs and their defaults) and `rules`, what
perfgate.toml says about series (limits, budgets, waivers). Both sit at the bottom of the house and load nothing of
the engine. The engine decides: `pooling` (the runs of each side, per series), `shift` (the rank test and the
run-to-run spread), `counts` (error rates), `exact` (values without noise), `within_run` (drift during a run),
`policy` (allowances, budgets, waivers: the one place every user of a budget asks) and `evaluate` (all of it, for
every series, then Benjamini-Hochberg). This file imports nothing, so loading the vocabulary stays light.
"""
