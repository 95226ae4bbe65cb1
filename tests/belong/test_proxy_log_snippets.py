"""The documented proxies in front of gunicorn: deploy/Caddyfile.example and deploy/nginx.conf.example.

Neither may log a visit to an anonymous comment page, nor a client address or a URI (a path can hold
a password-reset key). The files are checked against the URLconf's anonymous pages in every
language; when nginx or caddy is installed, each proxy is run for real in front of a small upstream.
"""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import free_port

from .services import ROOT, wait_until

CADDYFILE = ROOT / "deploy" / "Caddyfile.example"
NGINX = ROOT / "deploy" / "nginx.conf.example"
SECRET_PATH = "/accounts/password/reset/key/1a-cbw3nz-0f9e8d7c6b5a49382716059483726150/"


def anonymous_paths() -> list[str]:
    """Every page of the anonymous namespaces, bare and behind every language prefix."""
    paths = []

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in settings.LOG_SKIP_NAMESPACES and pattern.name:
                paths.append(reverse(f"{namespace}:{pattern.name}"))

    walk(get_resolver().url_patterns)
    assert paths, "no anonymous pages found in the URLconf"
    # reverse() puts the active language's prefix on the comment pages (belong/i18n.py): start bare.
    codes = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    paths = [re.sub(rf"^/(?:{codes})/", "/", path) for path in paths]
    prefixed = [f"/{code}{path}" for code, _name in settings.LANGUAGES for path in paths]
    return paths + prefixed + [path.rstrip("/") for path in paths]


def caddy_pattern() -> re.Pattern:
    text = CADDYFILE.read_text()
    matcher = re.search(r"^\s*@anonymous path_regexp anonymous (\S+)$", text, re.MULTILINE)
    assert matcher, "no @anonymous path_regexp matcher"
    assert re.search(r"^\s*log_skip @anonymous$", text, re.MULTILINE)
    return re.compile(matcher.group(1))


def nginx_pattern() -> re.Pattern:
    text = NGINX.read_text()
    location = re.search(r'location ~\* "([^"]+)" \{\s*access_log off;', text)
    assert location, "no case-insensitive location with access_log off"
    return re.compile(location.group(1), re.IGNORECASE)


@pytest.mark.parametrize("pattern", [caddy_pattern, nginx_pattern], ids=["caddy", "nginx"])
def test_it_keeps_every_anonymous_page_out_of_the_proxy_access_log(pattern):
    compiled = pattern()

    for path in anonymous_paths():
        assert compiled.search(path), path
    for path in ("/", "/groups/", "/plan/deib-plan/", "/commentary/", "/groups/comment/", SECRET_PATH):
        assert not compiled.search(path), path


def test_it_forwards_the_headers_belong_trusts_and_logs_no_address_or_uri():
    nginx = NGINX.read_text()
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    # One hop: what the client claims is not passed on (TRUSTED_PROXY_COUNT=1).
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx
    assert "proxy_set_header Host $host;" in nginx
    log_format = re.search(r"log_format belong_private '([^']+)';", nginx).group(1)
    for variable in ("$remote_addr", "$request", "$uri", "$args", "$http_user_agent", "$http_referer"):
        assert variable not in log_format.split(), variable
    assert "access_log /var/log/nginx/belong.access.log belong_private;" in nginx

    caddy = CADDYFILE.read_text()
    assert "reverse_proxy 127.0.0.1:8000" in caddy
    directives = "\n".join(line for line in caddy.splitlines() if not line.strip().startswith("#"))
    assert "trusted_proxies" not in directives  # else a client could prepend addresses of its own
    for field in ("request>remote_ip", "request>client_ip", "request>uri", "request>headers"):
        assert re.search(rf"^\s*{re.escape(field)} delete$", caddy, re.MULTILINE), field


# --- The proxies for real, when installed ----------------------------------------------------------------


class Upstream:
    """Stands in for gunicorn: answers 200 and remembers the forwarded headers it was sent."""

    def __init__(self) -> None:
        seen = self.seen = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Upstream:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def visit(port: int, paths: list[str]) -> None:
    for path in paths:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(
            "GET",
            path,
            headers={
                "Host": "belong.district.example",
                "X-Forwarded-For": "198.51.100.66",
                "User-Agent": "agent-canary",
                "Referer": "https://referer-canary.example/",
            },
        )
        assert connection.getresponse().status == 200, path
        connection.close()


VISITS = ["/comment/", "/es/comment/receipt/", "/%63omment/", f"{SECRET_PATH}?next=query-canary", "/groups/"]


def assert_logged_only_the_signed_in_pages(log: str, upstream: Upstream) -> None:
    lines = [line for line in log.splitlines() if line.strip()]
    assert len(lines) == 2, log  # the reset-key page and /groups/, without their addresses
    for canary in (
        "comment",
        "cbw3nz",
        "query-canary",
        "agent-canary",
        "referer-canary",
        "127.0.0.1",
        "198.51.100.66",
        "/groups/",
        "/accounts/",
    ):
        assert canary not in log, canary
    assert len(upstream.seen) == len(VISITS)
    for request in upstream.seen:
        assert request["x-forwarded-for"] == "127.0.0.1"  # the client's own claim is dropped
        assert request["x-forwarded-proto"] == "http"
        assert request["host"] == "belong.district.example"


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_it_runs_the_nginx_snippet_in_front_of_an_upstream(tmp_path):
    port = free_port()
    text = NGINX.read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{free_port()};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{port};",
        "listen [::]:443 ssl http2;": "",
        "server 127.0.0.1:8000;": "server 127.0.0.1:UPSTREAM;",
        "/var/log/nginx/": f"{tmp_path}/",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    text = re.sub(r"^\s*ssl_\w+ .*;$", "", text, flags=re.MULTILINE)
    with Upstream() as upstream:
        (tmp_path / "belong.conf").write_text(text.replace("UPSTREAM", str(upstream.port)))
        (tmp_path / "nginx.conf").write_text(
            f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/main-error.log;\ndaemon off;\nevents {{}}\n"
            f"http {{\n client_body_temp_path {tmp_path}/body;\n proxy_temp_path {tmp_path}/proxy;\n"
            f" include {tmp_path}/belong.conf;\n}}\n"
        )
        configuration = ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
        checked = subprocess.run([*configuration, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        process = subprocess.Popen(configuration, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: (tmp_path / "nginx.pid").exists(), timeout=10, what="nginx to start")
            time.sleep(0.2)
            visit(port, VISITS)
        finally:
            process.terminate()
            process.wait(timeout=10)
        assert_logged_only_the_signed_in_pages((tmp_path / "belong.access.log").read_text(), upstream)


@pytest.mark.skipif(not shutil.which("caddy"), reason="caddy is not installed")
def test_it_runs_the_caddyfile_in_front_of_an_upstream(tmp_path):
    port = free_port()
    text = CADDYFILE.read_text()
    replacements = {
        "belong.district.example {": f"http://belong.district.example:{port} {{",
        "reverse_proxy 127.0.0.1:8000": "reverse_proxy 127.0.0.1:UPSTREAM",
        "output stdout": f"output file {tmp_path}/access.log",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    # No admin endpoint (it would bind the shared :2019) and no certificates in a test.
    text = "{\n\tadmin off\n\tauto_https off\n\tdefault_bind 127.0.0.1\n}\n" + text
    home = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    with Upstream() as upstream:
        (tmp_path / "Caddyfile").write_text(text.replace("UPSTREAM", str(upstream.port)))
        process = subprocess.Popen(
            [shutil.which("caddy"), "run", "--adapter", "caddyfile", "--config", str(tmp_path / "Caddyfile")],
            env={"PATH": "/usr/bin:/bin", **home},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:

            def answers() -> bool:
                assert process.poll() is None, process.stderr.read()
                try:
                    http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
                except OSError:
                    return False
                return True

            wait_until(answers, timeout=20, what="caddy to listen")
            visit(port, VISITS)
            time.sleep(0.3)
        finally:
            process.terminate()
            process.wait(timeout=10)
        assert_logged_only_the_signed_in_pages(Path(tmp_path / "access.log").read_text(), upstream)
