"""The nginx site of the deployment kit (deploy/nginx/) in front of the running app,
on loopback ports: what docs/operations.md says it does — TLS, a request id, static
files from disk, size limits, /metrics and /media closed."""

import json
import re
import signal
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.tools import DEPLOY, run, tool
from tests.e2e.conftest import _free_port

# -- the nginx site, in front of the app -------------------------------------------------


class Site:
    def __init__(self, https: int, http: int, monitoring: int) -> None:
        self.https, self.http, self.monitoring = https, http, monitoring
        self.tls = ssl.create_default_context()
        self.tls.check_hostname = False
        self.tls.verify_mode = ssl.CERT_NONE

    def get(
        self, path: str, *, data: bytes | None = None, plain: bool = False, port: int = 0
    ) -> tuple[int, dict[str, str], bytes]:
        url = (
            f"http://127.0.0.1:{port or self.http}{path}"
            if plain or port
            else f"https://127.0.0.1:{self.https}{path}"
        )
        request = urllib.request.Request(  # noqa: S310 (http and https on loopback)
            url, data=data, headers={"Host": "localhost"}
        )
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.tls), _NoRedirect()
        )
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture
def site(server: str, tmp_path: Path) -> Iterator[Site]:
    """nginx with the shipped site, in front of the tests' running app."""
    nginx = tool("nginx", "nginx-light")
    openssl = tool("openssl", "openssl")
    app_port = int(server.rsplit(":", 1)[1])
    https, http, monitoring = _free_port(), _free_port(), _free_port()
    # nginx's workers run as another user: what the site serves must be readable to
    # them, outside pytest's private temporary folders.
    shared = tempfile.TemporaryDirectory(prefix="aduan-static-")
    static = Path(shared.name)
    static.chmod(0o755)
    (static / "web").mkdir(mode=0o755)
    (static / "web/site.css").write_text("body { color: #222 }\n")
    made = run(
        openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=localhost",
        "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (tmp_path / "proxy.conf").write_text((DEPLOY / "nginx/aduan-proxy.conf").read_text())
    text = (DEPLOY / "nginx/aduan.conf").read_text()
    for shipped, here in [
        ("127.0.0.1:8000", f"127.0.0.1:{app_port}"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("/etc/ssl/aduan/fullchain.pem", str(tmp_path / "cert.pem")),
        ("/etc/ssl/aduan/privkey.pem", str(tmp_path / "key.pem")),
        ("/etc/nginx/aduan-proxy.conf", str(tmp_path / "proxy.conf")),
        ("/var/lib/aduan/static/", f"{static}/"),
        ("ssl_stapling on;", "ssl_stapling off;"),
        ("listen 9180;", f"listen 127.0.0.1:{monitoring};"),
        # The test's Prometheus is on loopback; the served site's name is localhost.
        ("allow 10.0.0.0/8;       # the monitoring network", "allow 127.0.0.1;"),
        ("proxy_set_header Host lapor.example.go.id;", "proxy_set_header Host localhost;"),
    ]:
        assert shipped in text, shipped
        text = text.replace(shipped, here)
    # Only loopback here: the shipped IPv6 lines listen on every address.
    text = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", text)
    (tmp_path / "site.conf").write_text(text)
    temp = tmp_path / "nginx-temp"
    temp.mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\nhttp {{\n"
        f"  access_log off;\n  client_body_temp_path {temp}; proxy_temp_path {temp};\n"
        f"  fastcgi_temp_path {temp}; uwsgi_temp_path {temp}; scgi_temp_path {temp};\n"
        f"  include {tmp_path}/site.conf;\n}}\n"
    )
    checked = run(nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"))
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(  # noqa: S603 (the machine's nginx, our configuration)
        [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    made_site = Site(https, http, monitoring)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if made_site.get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"nginx did not start: {(tmp_path / 'error.log').read_text()[-2000:]}")
            time.sleep(0.1)
        yield made_site
    finally:
        shared.cleanup()
        process.send_signal(signal.SIGQUIT)  # graceful
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_the_nginx_site_in_front_of_the_app(site: Site) -> None:
    status, headers, body = site.get("/readyz")
    assert status == 200 and json.loads(body)["database"] == "ok"
    # nginx's $request_id reaches the app, which answers with it.
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
    # Plain http only redirects.
    status, headers, _ = site.get("/lapor", plain=True)
    assert status == 301 and headers["Location"].startswith("https://")
    # Static files come from disk, kept long.
    status, headers, body = site.get("/static/web/site.css")
    assert status == 200 and body == b"body { color: #222 }\n"
    assert "immutable" in headers["Cache-Control"]
    # Nothing under /media is ever served from disk; /metrics only on the monitoring
    # listener, and nothing else there.
    assert site.get("/media/attachments/x.jpg")[0] == 404
    assert site.get("/metrics")[0] == 404
    status, headers, body = site.get("/metrics", port=site.monitoring)
    assert status == 200 and b"aduan_workers_alive" in body
    assert site.get("/readyz", port=site.monitoring)[0] == 404
    # A body over the limit is refused by nginx before the app reads any of it.
    assert site.get("/lapor", data=b"x" * (56 * 1024 * 1024))[0] == 413
