"""How k6 metric names become perfgate series: shared by the summary and the NDJSON readers.

``http_req_duration{name:search}`` is the endpoint ``search`` measured by ``latency``; ``http_req_failed``
is ``error_rate``, ``http_reqs`` is ``throughput``, ``checks`` is ``pass_rate``. Metrics without a
``name`` tag keep k6's own name.
"""

from __future__ import annotations

import re

_SUBMETRIC = re.compile(r"^([^{]+)\{(.*)\}$")
METRIC_NAMES = {
    "http_req_duration": "latency",
    "http_req_failed": "error_rate",
    "http_reqs": "throughput",
    "checks": "pass_rate",
}


def split(k6_name: str) -> tuple[str, str]:
    """(series name, metric) for a k6 metric or sub-metric name."""
    match = _SUBMETRIC.match(k6_name)
    base, tags = (match.group(1), match.group(2)) if match else (k6_name, "")
    metric = METRIC_NAMES.get(base, base)
    if tags.startswith("name:") and "," not in tags:
        return tags[len("name:") :], metric
    return k6_name, metric
