"""Only http(s) URLs become link targets (render/links.href): everything else a click could run is refused."""

from __future__ import annotations

import pytest

from perfgate.render.links import Links, href, linkable
from perfgate.render.markdown import safe_url

SCRIPTS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "JAVASCRIPT:alert(document.domain)",
    " javascript:alert(1)",  # browsers strip leading spaces and controls before the scheme
    "\x01javascript:alert(1)",
    "\x00https://x.example",
    "java\tscript:alert(1)",  # and drop tabs and newlines anywhere
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",  # scheme-relative: the page's own scheme decides
    "https:alert(1)",
    "https:/x",
    "http:///x",
    "https://x.example/\u202etxt.exe",
    "https://x.example/a b",
    'https://x.example/"onmouseover="alert(1)',
    "https://x.example/<script>",
    "\u3000https://x.example",
    "",
]


@pytest.mark.parametrize("url", SCRIPTS)
def test_anything_but_a_plain_http_url_is_no_link(url: str) -> None:
    assert href(url) is None
    assert safe_url(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/acme/shop/actions/runs/123",
        "http://ci.example:8080/job/7?attempt=2#log",
        "HTTPS://GitHub.com/acme/shop",
        "https://[::1]:8443/x",
        "https://x.example/%6Aavascript:a",
    ],
)
def test_http_and_https_urls_are_kept_as_they_are(url: str) -> None:
    assert href(url) == url


def test_none_is_no_link() -> None:
    assert href(None) is None


def test_a_server_that_is_not_http_links_nothing() -> None:
    assert linkable(Links("acme/shop", "javascript:alert(1)//")) is None
    assert linkable(Links('acme/shop"><script>', "https://github.com")) is None
    links = Links("acme/shop", "https://github.example")
    assert linkable(links) is links
