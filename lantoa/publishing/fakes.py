"""Local stand-ins for the Facebook Graph API and the Zalo OA API, for the tests and for
trying the connectors in the demo (``lantoa fakeplatforms``). They keep what was posted, so
a test can count the posts on the "platform" and a person can look at them in a browser.

One threaded HTTP server on 127.0.0.1 answers under three prefixes:

- ``/graph``      Graph API: ``POST /{page}/feed``, ``POST /{page}/photos`` (with
                  ``published=false`` + ``scheduled_publish_time`` checked 10 min–30 days
                  ahead), ``GET /{page}/feed``, ``GET /{page}/scheduled_posts``,
                  ``POST /me/messages``, ``DELETE /{post-id}`` (a post it made, scheduled
                  or not; 100/33 "does not exist" for any other id); errors as Graph
                  writes them (190, 4, 17, 32 …).
- ``/zalo``       Zalo OA API: ``POST /v2.0/article/create`` (→ token), ``/v2.0/article/verify``
                  (→ id, "-202 still processing" for the first ``verify_delay`` calls),
                  ``GET /v2.0/article/getslice``, ``/v2.0/article/getdetail``,
                  ``POST /v2.0/oa/message`` (broadcast), ``POST /v3.0/oa/message/cs``;
                  errors inside HTTP 200 (-216 invalid token, -32 rate limit …).
- ``/zalo-oauth`` ``POST /v4/oa/access_token``: refresh tokens are single-use (-14020 when
                  one is presented again).
- ``/``           an HTML page listing the posts and articles.

``strict=True`` (tests) accepts only the tokens registered with ``page_token`` /
``zalo_tokens``; ``strict=False`` (the demo command) accepts any token that does not contain
"expired". ``fail(key, status, body, times)`` scripts errors for a route key ("fb.feed",
"fb.photos", "fb.read", "fb.delete", "zalo.create", "zalo.verify", "zalo.read",
"zalo.broadcast", "zalo.oauth").
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SCHEDULE_MIN = dt.timedelta(minutes=10)
SCHEDULE_MAX = dt.timedelta(days=30)
# Facebook tolerates a little clock difference at the lower bound.
SCHEDULE_SLACK = dt.timedelta(seconds=90)


def graph_error(
    code: int, message: str, *, subcode: int | None = None, kind: str = "OAuthException"
) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": kind, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error["fbtrace_id"] = "AbCdEf123"
    return {"error": error}


TOKEN_EXPIRED = graph_error(190, "Error validating access token: Session has expired.", subcode=463)
RATE_LIMITED = graph_error(32, "Page request limit reached", kind="OAuthException")


def zalo_error(code: int, message: str) -> dict[str, Any]:
    return {"error": code, "message": message}


@dataclass
class Post:
    page_id: str
    id: str
    message: str
    link: str
    created: dt.datetime
    published: bool
    scheduled_for: dt.datetime | None = None
    photo_url: str = ""

    def as_graph(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "message": self.message,
            "created_time": self.created.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        }


@dataclass
class ZaloArticle:
    id: str
    token: str
    payload: dict[str, Any]
    created: dt.datetime
    verify_delay: int = 0

    @property
    def title(self) -> str:
        return str(self.payload.get("title") or "")


@dataclass
class Scripted:
    status: int
    body: Any
    times: int


@dataclass
class FakeState:
    page_tokens: dict[str, str] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    zalo_access: set[str] = field(default_factory=set)
    zalo_refresh: set[str] = field(default_factory=set)
    zalo_used_refresh: set[str] = field(default_factory=set)
    articles: list[ZaloArticle] = field(default_factory=list)
    broadcasts: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    failures: dict[str, list[Scripted]] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client that gave up is not our error


class FakePlatforms:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, strict: bool = True) -> None:
        self.strict = strict
        self.state = FakeState()
        self.lock = threading.Lock()
        self.verify_delay = 0
        self._ids = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _dispatch(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, body, ctype = fake.handle(self.command, parts.path, query, headers, raw)
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _dispatch
            do_POST = _dispatch
            do_DELETE = _dispatch

        self.server = _Server((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- control ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def graph_base(self) -> str:
        return self.url + "/graph"

    @property
    def zalo_api_base(self) -> str:
        return self.url + "/zalo"

    @property
    def zalo_oauth_base(self) -> str:
        return self.url + "/zalo-oauth"

    def settings(self) -> dict[str, str]:
        return {
            "LANTOA_GRAPH_API_BASE": self.graph_base,
            "LANTOA_ZALO_API_BASE": self.zalo_api_base,
            "LANTOA_ZALO_OAUTH_BASE": self.zalo_oauth_base,
        }

    def start(self) -> FakePlatforms:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def page_token(self, page_id: str, token: str) -> FakePlatforms:
        with self.lock:
            self.state.page_tokens[page_id] = token
        return self

    def zalo_tokens(self, *, access: str = "", refresh: str = "") -> FakePlatforms:
        with self.lock:
            if access:
                self.state.zalo_access.add(access)
            if refresh:
                self.state.zalo_refresh.add(refresh)
        return self

    def expire_zalo_access(self, token: str) -> None:
        with self.lock:
            self.state.zalo_access.discard(token)

    def fail(self, key: str, status: int, body: Any, times: int = 1) -> FakePlatforms:
        with self.lock:
            self.state.failures.setdefault(key, []).append(Scripted(status, body, times))
        return self

    def posts(self, page_id: str | None = None) -> list[Post]:
        with self.lock:
            return [p for p in self.state.posts if page_id is None or p.page_id == page_id]

    def articles(self) -> list[ZaloArticle]:
        with self.lock:
            return list(self.state.articles)

    def broadcasts(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.state.broadcasts)

    def calls(self, prefix: str = "") -> list[tuple[str, str]]:
        with self.lock:
            return [r for r in self.state.requests if r[1].startswith(prefix)]

    # -- request handling ---------------------------------------------------------------------

    def _scripted(self, key: str) -> Scripted | None:
        queue = self.state.failures.get(key)
        if not queue:
            return None
        head = queue[0]
        head.times -= 1
        if head.times <= 0:
            queue.pop(0)
        return head

    def handle(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], raw: bytes
    ) -> tuple[int, Any, str]:
        with self.lock:
            self.state.requests.append((method, path))
            if path in ("", "/"):
                return 200, self._html().encode(), "text/html; charset=utf-8"
            if path.startswith("/graph/"):
                status, body = self._graph(method, path[len("/graph") :], query, raw)
            elif path.startswith("/zalo-oauth/"):
                status, body = self._zalo_oauth(path[len("/zalo-oauth") :], raw)
            elif path.startswith("/zalo/"):
                status, body = self._zalo(method, path[len("/zalo") :], query, headers, raw)
            else:
                status, body = 404, {"error": "no such route"}
            return status, body, "application/json"

    # Graph ---------------------------------------------------------------------------------

    def _graph_token_ok(self, page_id: str, token: str) -> bool:
        if not token or "expired" in token:
            return False
        if not self.strict:
            return True
        if page_id == "me":
            return token in self.state.page_tokens.values()
        return self.state.page_tokens.get(page_id) == token

    def _graph(self, method: str, path: str, query: dict[str, str], raw: bytes) -> tuple[int, Any]:
        form = {k: v[-1] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        params = {**query, **form}
        # Graph paths may carry a version first (/v21.0/…).
        segments = [s for s in path.split("/") if s]
        if segments and segments[0].startswith("v") and segments[0][1:2].isdigit():
            segments = segments[1:]
        if len(segments) == 1 and method == "DELETE":
            return self._graph_delete(segments[0], params)
        if len(segments) != 2:
            return 404, graph_error(803, "Unknown path", kind="OAuthException")
        page_id, edge = segments
        key = {"feed": "fb.feed", "photos": "fb.photos", "messages": "fb.messages"}.get(edge, "")
        if method == "GET":
            key = "fb.read"
        scripted = self._scripted(key) if key else None
        if scripted is not None:
            return scripted.status, scripted.body
        if not self._graph_token_ok(page_id, params.get("access_token", "")):
            return 400, TOKEN_EXPIRED
        now = dt.datetime.now(dt.UTC)
        if method == "GET" and edge in ("feed", "published_posts", "scheduled_posts"):
            published = edge != "scheduled_posts"
            limit = int(params.get("limit") or 25)
            found = [
                p.as_graph()
                for p in reversed(self.state.posts)
                if p.page_id == page_id and p.published == published
            ][:limit]
            return 200, {"data": found}
        if method != "POST":
            return 405, graph_error(100, "Unsupported method")
        if edge == "messages":
            mid = f"m_{next(self._ids)}"
            self.state.messages.append({"page": page_id, "body": raw.decode(), "id": mid})
            return 200, {"recipient_id": "1", "message_id": mid}
        if edge not in ("feed", "photos"):
            return 400, graph_error(100, f"Unsupported post request: {edge}")
        published = params.get("published", "true") != "false"
        scheduled_for = None
        if not published:
            try:
                scheduled_for = dt.datetime.fromtimestamp(
                    int(params.get("scheduled_publish_time", "")), tz=dt.UTC
                )
            except ValueError:
                return 400, graph_error(100, "(#100) scheduled_publish_time is required")
            if not (now + SCHEDULE_MIN - SCHEDULE_SLACK <= scheduled_for <= now + SCHEDULE_MAX):
                return 400, graph_error(
                    100,
                    "(#100) The specified scheduled publish time is invalid. It must be "
                    "between 10 minutes and 30 days from the time of the API request.",
                )
        if edge == "feed":
            message = params.get("message", "")
            if not message and not params.get("link"):
                return 400, graph_error(100, "(#100) Missing message or link")
        else:
            message = params.get("caption", "")
            if not params.get("url"):
                return 400, graph_error(324, "(#324) Requires upload file")
        n = next(self._ids)
        post = Post(
            page_id=page_id,
            id=f"{page_id}_{1000 + n}",
            message=message,
            link=params.get("link", ""),
            created=now,
            published=published,
            scheduled_for=scheduled_for,
            photo_url=params.get("url", ""),
        )
        self.state.posts.append(post)
        if edge == "photos":
            return 200, {"id": str(5000 + n), "post_id": post.id}
        return 200, {"id": post.id}

    def _graph_delete(self, post_id: str, params: dict[str, str]) -> tuple[int, Any]:
        scripted = self._scripted("fb.delete")
        if scripted is not None:
            return scripted.status, scripted.body
        post = next((p for p in self.state.posts if p.id == post_id), None)
        # Graph checks the token before it looks for the object.
        owner = post.page_id if post is not None else "me"
        if not self._graph_token_ok(owner, params.get("access_token", "")):
            return 400, TOKEN_EXPIRED
        if post is None:
            return 400, graph_error(
                100,
                f"Unsupported delete request. Object with ID '{post_id}' does not exist, "
                "cannot be loaded due to missing permissions, or does not support this "
                "operation. Please read the Graph API documentation at "
                "https://developers.facebook.com/docs/graph-api",
                subcode=33,
                kind="GraphMethodException",
            )
        self.state.posts.remove(post)
        return 200, {"success": True}

    # Zalo ----------------------------------------------------------------------------------

    def _zalo_token_ok(self, token: str) -> bool:
        if not token or "expired" in token:
            return False
        return not self.strict or token in self.state.zalo_access

    def _zalo_oauth(self, path: str, raw: bytes) -> tuple[int, Any]:
        scripted = self._scripted("zalo.oauth")
        if scripted is not None:
            return scripted.status, scripted.body
        if path != "/v4/oa/access_token":
            return 404, {"error": "no such route"}
        form = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
        refresh = form.get("refresh_token", "")
        usable = refresh in self.state.zalo_refresh or (
            not self.strict and refresh and refresh not in self.state.zalo_used_refresh
        )
        if not usable:
            return 200, {
                "error": -14020,
                "error_name": "Invalid refresh token",
                "error_reason": "Refresh token is invalid or was used",
                "error_description": "Refresh token không hợp lệ hoặc đã được sử dụng",
            }
        self.state.zalo_refresh.discard(refresh)
        self.state.zalo_used_refresh.add(refresh)
        n = next(self._ids)
        access, new_refresh = f"fake-zalo-access-{n}", f"fake-zalo-refresh-{n}"
        self.state.zalo_access.add(access)
        self.state.zalo_refresh.add(new_refresh)
        return 200, {"access_token": access, "refresh_token": new_refresh, "expires_in": "90000"}

    def _zalo(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        raw: bytes,
    ) -> tuple[int, Any]:
        key = {
            "/v2.0/article/create": "zalo.create",
            "/v2.0/article/verify": "zalo.verify",
            "/v2.0/article/getslice": "zalo.read",
            "/v2.0/article/getdetail": "zalo.read",
            "/v2.0/oa/message": "zalo.broadcast",
            "/v3.0/oa/message/cs": "zalo.cs",
        }.get(path)
        if key is None:
            return 404, {"error": "no such route"}
        scripted = self._scripted(key)
        if scripted is not None:
            return scripted.status, scripted.body
        if not self._zalo_token_ok(headers.get("access_token", "")):
            return 200, zalo_error(-216, "Access token is invalid")
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return 200, zalo_error(-201, "Parameters are invalid")
        now = dt.datetime.now(dt.UTC)
        if path == "/v2.0/article/create":
            title = str(body.get("title") or "")
            cover = body.get("cover") or {}
            if not title or len(title) > 150:
                return 200, zalo_error(-201, "title is invalid (1-150 characters)")
            if len(str(body.get("description") or "")) > 300:
                return 200, zalo_error(-201, "description is too long (max 300)")
            if not isinstance(cover, dict) or not cover.get("photo_url"):
                return 200, zalo_error(-201, "cover value is invalid")
            n = next(self._ids)
            article = ZaloArticle(
                id=f"art{7000 + n}",
                token=f"tok-article-{n}",
                payload=body,
                created=now,
                verify_delay=self.verify_delay,
            )
            self.state.articles.append(article)
            return 200, {"error": 0, "message": "Success", "data": {"token": article.token}}
        if path == "/v2.0/article/verify":
            token = str(body.get("token") or "")
            for article in self.state.articles:
                if article.token == token:
                    if article.verify_delay > 0:
                        article.verify_delay -= 1
                        return 200, zalo_error(-202, "Article is being processed")
                    return 200, {"error": 0, "message": "Success", "data": {"id": article.id}}
            return 200, zalo_error(-201, "token is invalid")
        if path == "/v2.0/article/getslice":
            limit = int(query.get("limit") or 10)
            offset = int(query.get("offset") or 0)
            if limit > 10:
                return 200, zalo_error(-201, "maximum limit is 10")
            medias = [
                {
                    "id": a.id,
                    "title": a.title,
                    "status": "show",
                    "type": "normal",
                    "create_date": int(a.created.timestamp() * 1000),
                }
                for a in reversed(self.state.articles)
                if a.verify_delay == 0
            ]
            return 200, {
                "error": 0,
                "data": {"medias": medias[offset : offset + limit], "total": len(medias)},
            }
        if path == "/v2.0/article/getdetail":
            for article in self.state.articles:
                if article.id == query.get("id"):
                    return 200, {
                        "error": 0,
                        "data": {
                            **article.payload,
                            "id": article.id,
                            "link": f"https://zalo.me/article/{article.id}",
                        },
                    }
            return 200, zalo_error(-201, "article id is invalid")
        if path == "/v2.0/oa/message":
            mid = f"bc{next(self._ids)}"
            self.state.broadcasts.append({"id": mid, "body": body})
            return 200, {"error": 0, "message": "Success", "data": {"message_id": mid}}
        mid = f"cs{next(self._ids)}"
        self.state.messages.append({"zalo": True, "body": body, "id": mid})
        return 200, {"error": 0, "message": "Success", "data": {"message_id": mid}}

    # Page ----------------------------------------------------------------------------------

    def _html(self) -> str:
        def rows() -> Iterator[str]:
            for p in reversed(self.state.posts):
                when = p.scheduled_for or p.created
                state = "hẹn giờ" if not p.published else "đã đăng"
                yield (
                    f"<li><strong>Facebook {html.escape(p.page_id)}</strong> · {state} · "
                    f"{when:%H:%M %d/%m/%Y} UTC<br><pre>{html.escape(p.message)}</pre></li>"
                )
            for a in reversed(self.state.articles):
                yield (
                    f"<li><strong>Zalo OA bài {html.escape(a.id)}</strong> · "
                    f"{a.created:%H:%M %d/%m/%Y} UTC<br>{html.escape(a.title)}</li>"
                )

        items = "".join(rows()) or "<li>Chưa có bài nào.</li>"
        return (
            "<!doctype html><meta charset=utf-8><title>Nền tảng giả lập</title>"
            "<h1>Bài đã đăng lên nền tảng giả lập (Facebook, Zalo OA)</h1>"
            f"<ul>{items}</ul>"
        )
