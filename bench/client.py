"""A tiny HTTP client for the benchmark and the load test (standard library only).

It talks plain HTTP to gunicorn on localhost but says ``X-Forwarded-Proto: https``, as the TLS proxy in front of
production does, so the production settings (HTTPS redirect, secure cookies, CSRF referer check) are exercised
as they are. It keeps cookies itself (a cookie jar would not send ``Secure`` cookies over plain HTTP), never
follows redirects and never retries: every response is reported as it came.
"""

from __future__ import annotations

import http.client
import re
import secrets
import time
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
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


@dataclass
class Form:
    """One ``<form>`` of a page, as a browser would submit it: the values it carries (hidden inputs, filled-in
    fields, checked boxes, each select's chosen option, textareas) and its submit buttons."""

    action: str
    method: str = "get"
    enctype: str = "application/x-www-form-urlencoded"
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)

    def values(self, *, button: tuple[str, str] | None = None, **changes: str) -> list[tuple[str, str]]:
        """What the browser sends after the person typed ``changes`` and pressed ``button`` (name, value)."""
        kept = [(name, value) for name, value in self.fields if name not in changes]
        sent = kept + list(changes.items())
        if button and button[0]:
            sent.append(button)
        return sent


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower(),
                              enctype=a.get("enctype", "application/x-www-form-urlencoded"))
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                form.buttons.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a and name:
                    form.fields.append((name, a.get("value", "on")))
            elif kind not in ("file", "reset", "button") and name:
                form.fields.append((name, a.get("value", "")))
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            form.buttons.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, []]
            self._select[1].append(self._option)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._textarea[1])
            self._form.fields.append((self._textarea[0], text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options = self._select
            chosen = [o for o in options if o[1]] or options[:1]
            for value, _selected, text in chosen:
                self._form.fields.append((name, value if value is not None else "".join(text).strip()))
            self._select = None


def forms_in(html: str) -> list[Form]:
    """Every form of a page, in order (standard library only; enough for the platform's own markup)."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    for form in parser.forms:
        form.action = unescape(form.action)
    return parser.forms


def multipart(values: list[tuple[str, str]]) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body, as a browser sends a form with ``enctype="multipart/form-data"``."""
    boundary = "----benchform" + secrets.token_hex(12)
    parts = []
    for name, value in values:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode("utf-8"), f"multipart/form-data; boundary={boundary}"


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

    def request(self, method: str, path: str, data: dict | list | None = None, headers: dict | None = None,
                *, body: bytes | None = None, content_type: str = "") -> Response:
        base = f"https://{self.host}:{self.port}"
        sent = {"Host": f"{self.host}:{self.port}", "X-Forwarded-Proto": "https", "Accept-Language": "da",
                "Referer": base + path}
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        if not self.keepalive:
            sent["Connection"] = "close"
        if self.client_ip:
            sent["X-Forwarded-For"] = self.client_ip
        if data is not None:
            body = urlencode(data, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            sent["Content-Type"] = content_type
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

    def submit(self, form: Form, values: list[tuple[str, str]], **kwargs) -> Response:
        """POST ``values`` to the form's action the way its ``enctype`` says (the CSRF token is one of them)."""
        if form.enctype.lower().startswith("multipart/"):
            body, content_type = multipart(values)
            return self.request("POST", form.action, body=body, content_type=content_type, **kwargs)
        return self.request("POST", form.action, data=values, **kwargs)

    def login(self, email: str, password: str) -> Response:
        """The real allauth login form: GET it for the CSRF token, POST e-mail and password."""
        page = self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"csrfmiddlewaretoken": page.csrf(), "login": email,
                                                  "password": password})
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Login as {email} failed: HTTP {response.status}")
        return response
