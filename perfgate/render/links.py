"""The one test every renderer puts a link target through before it becomes an ``href`` or a Markdown link.

A stored gate decision's ``run_url``, ``--server-url`` and ``--site-url`` come from outside: a ``javascript:``,
``data:`` or ``vbscript:`` target would run script on a click. Only ``http:`` and ``https:`` URLs written in
plain printable ASCII pass; browsers drop tabs and newlines inside a URL and strip leading spaces and controls
before they read its scheme, so any such character refuses the URL instead of being cleaned away."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

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


@dataclass(frozen=True)
class Links:
    """Where commits and pull requests of the repository can be seen."""

    repository: str  # owner/name
    server: str = "https://github.com"

    @property
    def home(self) -> str:
        return f"{self.server}/{self.repository}"

    def commit(self, sha: str) -> str:
        return f"{self.home}/commit/{sha}"

    def compare(self, before: str, after: str) -> str:
        return f"{self.home}/compare/{before}...{after}"

    def pull(self, number: int) -> str:
        return f"{self.home}/pull/{number}"

    def issue(self, number: int) -> str:
        return f"{self.home}/issues/{number}"

    def pulls_with(self, sha: str) -> str:
        """GitHub's search for the pull request that brought a commit to main."""
        return f"{self.home}/pulls?q={quote(f'is:pr {sha}')}"


def linkable(links: Links | None) -> Links | None:
    """``links`` when its server and repository make http(s) links (render/links.href), else None: a
    ``--server-url javascript:…`` links nothing rather than everything to script."""
    return links if links is not None and href(links.commit("0")) is not None else None
