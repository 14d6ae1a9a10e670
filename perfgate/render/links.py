"""The one test every renderer puts a link target through before it becomes an ``href`` or a Markdown link.

A stored gate decision's ``run_url``, ``--server-url`` and ``--site-url`` come from outside: a ``javascript:``,
``data:`` or ``vbscript:`` target would run script on a click. Only ``http:`` and ``https:`` URLs written in
plain printable ASCII pass; browsers drop tabs and newlines inside a URL and strip leading spaces and controls
before they read its scheme, so any such character refuses the URL instead of being cleaned away."""

from __future__ import annotations

import re

# A scheme of http or https in any case, then an authority: nothing a browser could read as another scheme.
_WEB = re.compile(r"https?://[A-Za-z0-9\[]", re.IGNORECASE)
# Printable ASCII without space and the characters a URL never holds unencoded (quotes and angle brackets
# would also end an attribute or an autolink).
_ALLOWED = re.compile(r"[!#-;=?-\[\]_a-z~]+")


def href(url: str | None) -> str | None:
    """``url`` when it is safe to link to (an http or https URL), else None: show it as text or not at all."""
    if url and _ALLOWED.fullmatch(url) and _WEB.match(url):
        return url
    return None
