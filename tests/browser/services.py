"""Throwaway PostgreSQL and nginx for the shared-deployment test, on loopback, in a temp folder.

Both come from Debian packages (`apt-get install postgresql nginx`; `make test` installs them
when run as root). Missing binaries fail the test on CI and skip it locally, like the reference
and browser tests. Nothing here touches the machine's own clusters or nginx configuration.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser.conftest import stop_process

NGINX = "/usr/sbin/nginx"


def require(found: bool, message: str) -> None:
    if not found:
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin folder (Debian layout)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; Debian's package creates the `postgres` account.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def postgres_cluster(port: int) -> Iterator[str]:
    """A fresh cluster on 127.0.0.1:port with database `cohesion`; yields its URL; removed afterwards."""
    bindir = pg_bin()
    require(bindir is not None, "PostgreSQL is not installed: apt-get install postgresql (make test does as root)")
    folder = Path(tempfile.mkdtemp(prefix="cohesion-pg-"))
    if os.geteuid() == 0:
        pg = pwd.getpwnam("postgres")
        os.chown(folder, pg.pw_uid, pg.pw_gid)
    data = folder / "data"
    try:
        subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "cohesion", "--auth=trust",
                                     "-E", "UTF8", "--no-sync"]), check=True, capture_output=True)
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                     str(folder / "log"), "-w", "-t", "60", "start"]), check=True, capture_output=True)
        try:
            subprocess.run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "cohesion", "cohesion"],
                           check=True, capture_output=True)
            yield f"postgresql://cohesion@127.0.0.1:{port}/cohesion"
        finally:
            subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                           capture_output=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


NGINX_CONF = """
# Test copy of the configuration in docs/deployment.md: two instances, sticky by cookie.
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
{user}
events {{ worker_connections 256; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{body}
}}
"""


def nginx_http_block(listen: str, backends: list[str]) -> str:
    """The `http {}` contents of the deployment guide, for these backends."""
    servers = "\n".join(f"        server {b};" for b in backends)
    return f"""
    # A browser keeps one dashboard instance: its session lives in that instance's memory.
    map $cookie_cohesion_route $cohesion_route {{
        ""      $request_id;
        default $cookie_cohesion_route;
    }}
    map $cookie_cohesion_route $cohesion_route_cookie {{
        ""      "cohesion_route=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      close;
    }}
    upstream cohesion_dashboards {{
        hash $cohesion_route consistent;
{servers}
    }}
    server {{
        listen {listen};
        location / {{
            proxy_pass http://cohesion_dashboards;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 1d;
            add_header Set-Cookie $cohesion_route_cookie;
            add_header X-Cohesion-Instance $upstream_addr always;
        }}
    }}
"""


@contextmanager
def nginx_proxy(port: int, backends: list[str]) -> Iterator[str]:
    """nginx on 127.0.0.1:port in front of `backends`; yields its URL."""
    require(Path(NGINX).exists(), "nginx is not installed: apt-get install nginx (make test does as root)")
    folder = Path(tempfile.mkdtemp(prefix="cohesion-nginx-"))
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(folder=folder, user="user root root;" if os.geteuid() == 0 else "",
                                      body=nginx_http_block(f"127.0.0.1:{port}", backends)), encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-p", str(folder), "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(conf)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(proc)
        shutil.rmtree(folder, ignore_errors=True)
