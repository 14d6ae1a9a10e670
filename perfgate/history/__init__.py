"""One series over many runs: `series.History` (the one type for it, loaded once from the store), its change
points (`change_points`), the weekly findings (`digest`) and the history site's pages (`site`).

`series` is vocabulary (the bottom of the house): the store returns it, the PR comment draws its sparkline from
it. The other modules are pure: histories in, findings out.
"""
