"""Webhooks: one JSON body POSTed to an incoming-webhook URL (Slack, Mattermost, Teams' connectors, or a team's
own endpoint), with a timeout and bounded retries.

An incoming webhook's secret is its path (``hooks.slack.com/services/T…/B…/…``): whatever happens, only the
URL's host is ever printed. 5xx answers, 429 and lost connections are retried (429's ``Retry-After`` honoured up to
a cap); any other answer is final. A failed delivery is an outcome, not an exception: the caller warns and goes
on with the other deliveries.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

ATTEMPTS = 3
TIMEOUT = 10.0  # seconds per attempt
MAX_WAIT = 30.0  # seconds of waiting between attempts, in all


@dataclass(frozen=True)
class Delivery:
    host: str  # the URL's host (and port): never its path or query, which hold the secret
    ok: bool
    detail: str  # "200", or what went wrong


def host_of(url: str) -> str:
    """What may be printed of a webhook URL."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        return f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return "?"


def post(
    url: str,
    body: str,
    *,
    attempts: int = ATTEMPTS,
    timeout: float = TIMEOUT,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST ``body`` (JSON text) to ``url``; retried on 5xx, 429 and lost connections."""
    host = host_of(url)
    if urlsplit(url).scheme not in ("http", "https"):
        return Delivery(host, False, "not an http(s) URL")
    waited, delay, detail = 0.0, 1.0, ""
    for attempt in range(attempts):
        try:
            answer = requests.post(
                url,
                data=body.encode("utf-8"),
                headers={"Content-Type": "application/json", "User-Agent": "perfgate"},
                timeout=timeout,
                allow_redirects=False,  # a redirect would re-send the message somewhere the user did not name
            )
        except requests.RequestException as exc:
            detail, wait = f"no answer ({type(exc).__name__})", delay
        else:
            if 200 <= answer.status_code < 300:
                return Delivery(host, True, str(answer.status_code))
            detail = f"answered {answer.status_code}"
            if answer.status_code != 429 and answer.status_code < 500:
                return Delivery(host, False, detail)
            wait = _retry_after(answer.headers.get("retry-after")) or delay
        if attempt == attempts - 1 or waited + wait > MAX_WAIT:
            break
        sleep(wait)
        waited, delay = waited + wait, delay * 2
    return Delivery(host, False, f"{detail}, after {attempt + 1} attempt{'s' if attempt else ''}")


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
