"""A tiny HTTP client for the benchmark and the load test (standard library only).

It talks plain HTTP to gunicorn on localhost but says ``X-Forwarded-Proto: https``, as the TLS proxy in front of
production does, so the production settings (HTTPS redirect, secure cookies, CSRF referer check) are exercised
as they are. It keeps cookies itself (a cookie jar would not send ``Secure`` cookies over plain HTTP), never
follows redirects and never retries: every response is reported as it came.
"""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def csrf(self) -> str:
        found = CSRF_INPUT.search(self.text)
        return found.group(1) if found else ""


class Session:
    def __init__(self, host: str, port: int, *, timeout: float = 30.0, keepalive: bool = True,
                 client_ip: str | None = None):
        """``keepalive=False``: one connection per request, as a browser opening the site again would. With
        keep-alive, a connection the server closed while idle fails the next request; browsers resend it
        silently, and this client never resends anything. ``client_ip``: the address the TLS proxy would put in
        X-Forwarded-For (every virtual user has its own, as real people do, for the per-IP rate limits)."""
        self.host, self.port, self.timeout, self.keepalive = host, port, timeout, keepalive
        self.client_ip = client_ip
        self.cookies: dict[str, str] = {}
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None) -> Response:
        base = f"https://{self.host}:{self.port}"
        sent = {"Host": f"{self.host}:{self.port}", "X-Forwarded-Proto": "https", "Accept-Language": "da",
                "Referer": base + path}
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        if not self.keepalive:
            sent["Connection"] = "close"
        if self.client_ip:
            sent["X-Forwarded-For"] = self.client_ip
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        started = time.perf_counter()
        conn = self._connection()
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            content = raw.read()
        except Exception:
            self.close()  # a fresh connection next time; the error itself goes to the caller
            raise
        elapsed = time.perf_counter() - started
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                cookie = SimpleCookie()
                cookie.load(value)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        if not self.keepalive or raw.getheader("Connection", "").lower() == "close":
            self.close()
        return Response(raw.status, content, {k.lower(): v for k, v in raw.getheaders()}, elapsed)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Response:
        data = dict(data)
        data.setdefault("csrfmiddlewaretoken", self.cookies.get("csrftoken", ""))
        return self.request("POST", path, data=data, **kwargs)

    def login(self, email: str, password: str) -> Response:
        """The real allauth login form: GET it for the CSRF token, POST e-mail and password."""
        page = self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"csrfmiddlewaretoken": page.csrf(), "login": email,
                                                  "password": password})
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Login as {email} failed: HTTP {response.status}")
        return response
