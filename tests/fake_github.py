"""A fake GitHub REST API on loopback: real HTTP, real pagination (Link headers), injectable faults.

Only what perfgate uses: issue comments (list/create/edit/delete), issues, pulls, pulls of a commit,
check runs and commit statuses; for `perfgate alert`: issues (list by label and state, create, edit, close),
labels, and the comparison of two commits; for the accept label: an issue's labels and its issue events (the
staged-rollout block). Every request is recorded, so tests can assert on what was sent.
"""

from __future__ import annotations

import json
import re
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

PER_PAGE_DEFAULT = 30

# GitHub's own words, as its REST API answers them.
READ_ONLY = "Resource not accessible by integration"  # 403 to a read-only GITHUB_TOKEN (a fork's pull request)
DOCS = "https://docs.github.com/rest/issues/comments#create-an-issue-comment"
SECONDARY_RATE_LIMIT = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out "
    "to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000."
)

# A used-up primary rate limit: 403 (or 429), no Retry-After, and these headers (GitHub's own names and
# meanings: the GITHUB_TOKEN's 1,000 requests an hour, none left, when the window resets as Unix seconds).
PRIMARY_RATE_LIMIT = "API rate limit exceeded for installation ID 4242424."


def exhausted(reset: float, limit: int = 1000) -> dict[str, str]:
    """The headers of GitHub's answer when the primary rate limit is used up until ``reset`` (Unix time)."""
    return {
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(int(reset)),
        "x-ratelimit-used": str(limit),
        "x-ratelimit-resource": "core",
    }


@dataclass
class Fault:
    """Answer the next matching request(s) with this status instead of serving it."""

    method: str
    path_pattern: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "fault"
    delay: float = 0.0
    after: bool = False  # serve the request first, then answer with the fault (a lost response)
    # status 0: no fault, only the delay, then the request is served (to line up concurrent requests)


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int


class FakeGitHub:
    def __init__(self, owner: str = "acme", repo: str = "shop") -> None:
        self.full_name = f"{owner}/{repo}"
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.pulls: dict[int, dict[str, Any]] = {}
        self.check_runs: list[dict[str, Any]] = []
        self.statuses: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.read_only_tokens: set[str] = set()  # writes with these get GitHub's 403 for a read-only token
        self.no_issues_tokens: set[str] = set()  # a job without `issues: write`: issue and label writes get the 403
        self.users: dict[str, str] = {}  # personal access tokens -> their user's login (else the Actions bot)
        self.calls: list[Call] = []
        # perfgate alert: issues by number (pull requests share their numbers), labels by name, main's commits.
        self.issues: dict[int, dict[str, Any]] = {}
        self.labels: dict[str, dict[str, Any]] = {}
        self.main_commits: list[str] = []  # oldest first: what GET /compare answers from
        self._next_id = 1000
        self._lock = threading.Lock()
        self._init_labels()  # staged rollout: see its block below
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeGitHub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- state helpers for tests -------------------------------------------------------------

    def add_pull(
        self, number: int, head_sha: str, *, fork: bool = False, base_sha: str = "b" * 40, base_ref: str = "main"
    ) -> None:
        head_repo = None if fork else {"full_name": self.full_name, "fork": False}
        self.pulls[number] = {
            "number": number,
            "state": "open",
            "title": f"PR {number}",
            "head": {
                "sha": head_sha,
                "ref": "feature",
                "repo": head_repo or {"full_name": "someone/shop", "fork": True},
            },
            "base": {"sha": base_sha, "ref": base_ref, "repo": {"full_name": self.full_name}},
            "html_url": f"https://github.example/{self.full_name}/pull/{number}",
            "url": f"{self.url}/repos/{self.full_name}/pulls/{number}",
            "_commits": [head_sha],  # GitHub keeps a PR associated with every commit it ever had
        }
        self.comments.setdefault(number, [])

    def add_comment(self, number: int, body: str, login: str = "github-actions[bot]") -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            comment = {
                "id": self._next_id,
                "body": body,
                "user": {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"},
                "url": f"{self.url}/repos/{self.full_name}/issues/comments/{self._next_id}",
                "html_url": f"https://github.example/{self.full_name}/pull/{number}#issuecomment-{self._next_id}",
                "created_at": "2026-11-23T00:00:00Z",
                "updated_at": "2026-11-23T00:00:00Z",
            }
            self.comments.setdefault(number, []).append(comment)
            return comment

    # --- perfgate alert: issues, labels, merged pull requests --------------------------------------

    def add_merged_pull(self, number: int, commits: list[str], *, title: str, author: str = "octocat") -> None:
        """A pull request merged into main that brought ``commits``."""
        self.add_pull(number, commits[-1])
        self.pulls[number].update(
            state="closed",
            title=title,
            merged_at="2026-11-20T10:00:00Z",
            user={"login": author, "type": "User"},
            _commits=list(commits),
        )

    def open_issues(self) -> list[dict[str, Any]]:
        return [i for i in self.issues.values() if i["state"] == "open"]

    def _label(self, name: str) -> dict[str, Any]:
        if name not in self.labels:  # GitHub creates a label named on a new issue (with push access)
            self._next_id += 1
            self.labels[name] = {"id": self._next_id, "name": name, "color": "ededed", "description": None}
        return {**self.labels[name], "url": f"{self.url}/repos/{self.full_name}/labels/{name}", "default": False}

    def _new_issue(self, body: dict[str, Any], login: str) -> dict[str, Any]:
        with self._lock:
            number = max([0, *self.pulls, *self.issues]) + 1
            self._next_id += 1
            issue = {
                "id": self._next_id,
                "node_id": f"I_{self._next_id}",
                "number": number,
                "title": body["title"],
                "body": body.get("body"),
                "state": "open",
                "state_reason": None,
                "labels": [self._label(name) for name in body.get("labels", [])],
                "user": {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"},
                "url": f"{self.url}/repos/{self.full_name}/issues/{number}",
                "html_url": f"https://github.example/{self.full_name}/issues/{number}",
                "comments_url": f"{self.url}/repos/{self.full_name}/issues/{number}/comments",
                "created_at": "2026-11-23T00:00:00Z",
                "updated_at": "2026-11-23T00:00:00Z",
                "closed_at": None,
            }
            self.issues[number] = issue
            self.comments.setdefault(number, [])
            return issue

    def _issue_write(self, path: str) -> bool:
        """A write that needs `issues: write`: an issue, a label, or a comment on an issue (not a pull request)."""
        rest = path.removeprefix(f"/repos/{self.full_name}")
        number = re.fullmatch(r"/issues/(\d+)(?:/comments)?", rest)
        return rest in ("/issues", "/labels") or (number is not None and int(number.group(1)) not in self.pulls)

    def _alert_route(
        self, method: str, rest: str, query: dict[str, list[str]], body: Any, login: str, path: str
    ) -> tuple[int, Any, dict[str, str]] | None:
        """The routes `perfgate alert` uses, with GitHub's answers; None when the path is not one of them."""
        if rest == "/issues" and method == "GET":
            state = query.get("state", ["open"])[0]
            wanted = [n for n in query.get("labels", [""])[0].split(",") if n]
            found = [
                i
                for i in sorted(self.issues.values(), key=lambda i: i["number"])
                if state in ("all", i["state"]) and all(n in {x["name"] for x in i["labels"]} for n in wanted)
            ]
            if query.get("direction", ["desc"])[0] == "desc":
                found.reverse()
            return self._page(found, query, f"{self.url}{path}")
        if rest == "/issues" and method == "POST":
            return 201, self._new_issue(body, login), {}
        if (m := re.fullmatch(r"/issues/(\d+)", rest)) and int(m.group(1)) in self.issues:
            issue = self.issues[int(m.group(1))]
            if method == "PATCH":
                for key in ("title", "body", "state", "state_reason"):
                    if key in body:
                        issue[key] = body[key]
                if body.get("state") == "closed":
                    issue["closed_at"] = "2026-11-23T01:00:00Z"
            return 200, issue, {}
        if m := re.fullmatch(r"/labels/([^/]+)", rest):
            name = m.group(1)
            if name not in self.labels:
                return (
                    404,
                    {
                        "message": "Not Found",
                        "documentation_url": "https://docs.github.com/rest/issues/labels#get-a-label",
                    },
                    {},
                )
            return 200, self._label(name), {}
        if rest == "/labels" and method == "POST":
            if body["name"] in self.labels:
                errors = [{"resource": "Label", "code": "already_exists", "field": "name"}]
                docs = "https://docs.github.com/rest/issues/labels#create-a-label"
                return 422, {"message": "Validation Failed", "errors": errors, "documentation_url": docs}, {}
            self._label(body["name"])
            self.labels[body["name"]].update(color=body.get("color"), description=body.get("description"))
            return 201, self._label(body["name"]), {}
        if m := re.fullmatch(r"/compare/([0-9a-f]+)\.\.\.([0-9a-f]+)", rest):
            base, head = m.group(1), m.group(2)
            if base not in self.main_commits or head not in self.main_commits:
                return 404, {"message": "Not Found"}, {}
            between = self.main_commits[self.main_commits.index(base) + 1 : self.main_commits.index(head) + 1]
            per_page = int(query.get("per_page", ["250"])[0])
            page = int(query.get("page", ["1"])[0])
            commits = [
                {
                    "sha": c,
                    "url": f"{self.url}/repos/{self.full_name}/commits/{c}",
                    "commit": {"message": f"commit {c[:7]}"},
                }
                for c in between[(page - 1) * per_page : page * per_page]
            ]
            answer = {
                "url": f"{self.url}{path}",
                "status": "ahead",
                "ahead_by": len(between),
                "behind_by": 0,
                "total_commits": len(between),
                "commits": commits,
                "files": [],
            }
            last = max(1, -(-len(between) // per_page))
            links = f'<{self.url}{path}?per_page={per_page}&page={page + 1}>; rel="next"' if page < last else ""
            return 200, answer, ({"Link": links} if links else {})
        return None

    def requests(self, method: str, pattern: str = "") -> list[Call]:
        return [c for c in self.calls if c.method == method and re.search(pattern, c.path)]

    # --- HTTP ----------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _serve(self, method: str) -> None:
                parsed = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                token = self.headers.get("Authorization", "").split(" ")[-1]
                headers: dict[str, str]
                if method != "GET" and (
                    token in fake.read_only_tokens
                    or (token in fake.no_issues_tokens and fake._issue_write(parsed.path))
                ):
                    status, payload, headers = 403, {"message": READ_ONLY, "documentation_url": DOCS}, {}
                elif parsed.path == "/user" and method == "GET":  # who the token is: only for a user's token
                    login = fake.users.get(token)
                    status, payload, headers = (
                        (200, {"login": login, "type": "User"}, {})
                        if login
                        else (403, {"message": READ_ONLY, "documentation_url": DOCS}, {})
                    )
                else:
                    login = fake.users.get(token, "github-actions[bot]")
                    status, payload, headers = fake._route(method, parsed.path, parse_qs(parsed.query), body, login)
                fake.calls.append(Call(method, parsed.path, parse_qs(parsed.query), body, status))
                data = json.dumps(payload).encode() if payload is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_PATCH(self) -> None:
                self._serve("PATCH")

            def do_DELETE(self) -> None:
                self._serve("DELETE")

        return Handler

    def _fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and re.search(fault.path_pattern, path):
                    fault.times -= 1
                    return fault
        return None

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any, login: str = "github-actions[bot]"
    ) -> tuple[int, Any, dict[str, str]]:
        fault = self._fault(method, path)
        if fault is not None and fault.status == 0:
            threading.Event().wait(fault.delay)
            return self._serve_route(method, path, query, body, login)
        if fault is not None:
            if fault.after:
                self._serve_route(method, path, query, body, login)
            if fault.delay:
                threading.Event().wait(fault.delay)
            message = {"message": fault.message, "documentation_url": "https://docs.github.example"}
            return fault.status, message, fault.headers
        return self._serve_route(method, path, query, body, login)

    def _serve_route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any, login: str = "github-actions[bot]"
    ) -> tuple[int, Any, dict[str, str]]:
        base = f"/repos/{self.full_name}"
        if not path.startswith(base) and path != "/repos/" + self.full_name:
            return 404, {"message": "Not Found"}, {}
        rest = path[len(base) :]
        if rest == "":
            return (
                200,
                {"full_name": self.full_name, "name": self.full_name.split("/")[1], "url": f"{self.url}{base}"},
                {},
            )
        if (answer := self._alert_route(method, rest, query, body, login, path)) is not None:
            return answer
        if m := re.fullmatch(r"/issues/(\d+)/comments", rest):
            number = int(m.group(1))
            if method == "GET":
                return self._page(self.comments.get(number, []), query, f"{self.url}{path}")
            if method == "POST":
                return 201, self.add_comment(number, body["body"], login), {}
        if m := re.fullmatch(r"/issues/comments/(\d+)", rest):
            comment_id = int(m.group(1))
            for comments in self.comments.values():
                for i, comment in enumerate(comments):
                    if comment["id"] == comment_id:
                        if method == "PATCH":
                            comment["body"] = body["body"]
                            return 200, comment, {}
                        if method == "DELETE":
                            del comments[i]
                            return 204, None, {}
                        return 200, comment, {}
            return 404, {"message": "Not Found"}, {}
        if (labelled := self._serve_labels(method, rest, query, f"{self.url}{path}")) is not None:
            return labelled
        if m := re.fullmatch(r"/(issues|pulls)/(\d+)", rest):
            number = int(m.group(2))
            if number not in self.pulls:
                return 404, {"message": "Not Found"}, {}
            pull = dict(self.pulls[number])
            if m.group(1) == "issues":
                pull = {
                    "number": number,
                    "title": pull["title"],
                    "state": "open",
                    "pull_request": {"url": pull["url"]},
                    "url": f"{self.url}{base}/issues/{number}",
                    "html_url": pull["html_url"],
                }
            return 200, pull, {}
        if m := re.fullmatch(r"/commits/([0-9a-f]+)/pulls", rest):
            found = [p for p in self.pulls.values() if m.group(1) in (p["head"]["sha"], *p["_commits"])]
            return self._page(found, query, f"{self.url}{path}")
        if m := re.fullmatch(r"/commits/([0-9a-f]+)", rest):
            return 200, {"sha": m.group(1), "url": f"{self.url}{base}/commits/{m.group(1)}"}, {}
        if rest == "/check-runs" and method == "POST":
            run = {
                "id": len(self.check_runs) + 1,
                **body,
                "url": f"{self.url}{base}/check-runs/{len(self.check_runs) + 1}",
            }
            self.check_runs.append(run)
            return 201, run, {}
        if m := re.fullmatch(r"/statuses/([0-9a-f]+)", rest):
            status = {"id": len(self.statuses) + 1, "sha": m.group(1), **body}
            self.statuses.append(status)
            return 201, status, {}
        return 404, {"message": f"no route for {method} {path}"}, {}

    # --- staged rollout (issue 29): an issue's labels and its issue events ---------------------------
    # GET /repos/{o}/{r}/issues/{n}/labels and GET /repos/{o}/{r}/issues/{n}/events, paginated, in GitHub's shapes
    # (labels: id, node_id, url, name, description, color, default; events: id, node_id, url, actor, event,
    # commit_id, commit_url, created_at, label {name, color} for labeled/unlabeled, performed_via_github_app).
    # A pull request's labels are also in its payload (`labels`), as GitHub serves it.

    def _init_labels(self) -> None:
        self.issue_labels: dict[int, list[dict[str, Any]]] = {}
        self.issue_events: dict[int, list[dict[str, Any]]] = {}

    def add_issue_event(self, number: int, event: str, actor: str | None, at: str, **extra: Any) -> dict[str, Any]:
        """An issue event (oldest first, as GitHub lists them); ``actor`` None: a deleted user (GitHub's null)."""
        with self._lock:
            self._next_id += 1
            user = None if actor is None else {"login": actor, "id": self._next_id, "type": "User", "site_admin": False}
            item = {
                "id": self._next_id,
                "node_id": f"LE_{self._next_id}",
                "url": f"{self.url}/repos/{self.full_name}/issues/events/{self._next_id}",
                "actor": user,
                "event": event,
                "commit_id": None,
                "commit_url": None,
                "created_at": at,
                "performed_via_github_app": None,
                **extra,
            }
            self.issue_events.setdefault(number, []).append(item)
            return item

    def add_label(
        self, number: int, name: str, actor: str | None = "maintainer", at: str = "2026-12-03T07:00:00Z"
    ) -> None:
        """Label the issue or pull request as a user does: the label, and a `labeled` issue event."""
        label_id = zlib.crc32(name.encode())
        label = {
            "id": label_id,
            "node_id": f"LA_{label_id}",
            "url": f"{self.url}/repos/{self.full_name}/labels/{name}",
            "name": name,
            "description": None,
            "color": "0e8a16",
            "default": False,
        }
        self.issue_labels[number] = [*(x for x in self.issue_labels.get(number, []) if x["name"] != name), label]
        self._sync_pull_labels(number)
        self.add_issue_event(number, "labeled", actor, at, label={"name": name, "color": label["color"]})

    def remove_label(
        self, number: int, name: str, actor: str | None = "maintainer", at: str = "2026-12-03T08:00:00Z"
    ) -> None:
        self.issue_labels[number] = [x for x in self.issue_labels.get(number, []) if x["name"] != name]
        self._sync_pull_labels(number)
        self.add_issue_event(number, "unlabeled", actor, at, label={"name": name, "color": "0e8a16"})

    def _sync_pull_labels(self, number: int) -> None:
        if number in self.pulls:
            self.pulls[number]["labels"] = list(self.issue_labels.get(number, []))

    def _serve_labels(
        self, method: str, rest: str, query: dict[str, list[str]], url: str
    ) -> tuple[int, Any, dict[str, str]] | None:
        m = re.fullmatch(r"/issues/(\d+)/(labels|events)", rest)
        if m is None or method != "GET":
            return None
        number = int(m.group(1))
        if number not in self.pulls and number not in self.issue_labels and number not in self.issue_events:
            return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}, {}
        items = self.issue_labels.get(number, []) if m.group(2) == "labels" else self.issue_events.get(number, [])
        return self._page(list(items), query, url)

    # --- end of the staged rollout block --------------------------------------------------------------

    def _page(self, items: list[Any], query: dict[str, list[str]], url: str) -> tuple[int, Any, dict[str, str]]:
        per_page = int(query.get("per_page", [PER_PAGE_DEFAULT])[0])
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(items) // per_page))
        links = []
        # GitHub's links keep the request's other parameters (state, labels, sort, …), as PyGithub relies on.
        kept = "".join(
            f"&{k}={quote(v[0], safe='')}" for k, v in sorted(query.items()) if k not in ("page", "per_page")
        )
        if page < last:
            links.append(f'<{url}?per_page={per_page}&page={page + 1}{kept}>; rel="next"')
            links.append(f'<{url}?per_page={per_page}&page={last}{kept}>; rel="last"')
        return 200, chunk, ({"Link": ", ".join(links)} if links else {})


def running() -> Iterator[FakeGitHub]:
    fake = FakeGitHub().start()
    try:
        yield fake
    finally:
        fake.stop()
