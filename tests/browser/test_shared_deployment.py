"""A shared deployment, end to end: two dashboard instances behind nginx (sticky by cookie,
websockets proxied), one PostgreSQL, one store folder, sign-in through a local OpenID Connect
provider. An action recorded through one instance appears through the other, and a change made
through the second is seen by the first. Everything listens on loopback and is removed afterwards."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import _free_port, copy_of_data, running_app, wait_for_app
from tests.browser.services import nginx_proxy, postgres_cluster

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
TEXT = "Agree a shared venue list with partners"


def _instance(url: str, route: str) -> str:
    request = urllib.request.Request(url + "/_stcore/health", headers={"Cookie": f"cohesion_route={route}"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return resp.headers["X-Cohesion-Instance"]


def _wait_until_serving(url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            _instance(url, "probe")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)  # readiness poll of a just-started server, not a wait in the test's logic


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    from oidc_provider_mock import User, run_server_in_thread

    folder = tmp_path_factory.mktemp("deploy")
    pg_port, port_a, port_b, proxy_port = (_free_port() for _ in range(4))
    users = [User(sub="member", claims={"email": "officer@example.org", "email_verified": True})]
    data = copy_of_data(folder)  # the one store folder both instances share
    started = time.monotonic()
    with run_server_in_thread(user_claims=users) as provider, postgres_cluster(pg_port) as db_url:
        secrets_file = folder / "secrets.toml"
        secrets_file.write_text(f"""
[auth]
redirect_uri = "http://127.0.0.1:{proxy_port}/oauth2callback"
cookie_secret = "{secrets.token_hex(16)}"
client_id = "cohesion-dashboard"
client_secret = "test-secret"
server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"

[roles]
members = ["@example.org"]
""", encoding="utf-8")
        args = ("--secrets.files", str(secrets_file))
        with running_app(data, port=port_a, args=args, COHESION_DATABASE_URL=db_url), \
                running_app(data, port=port_b, args=args, COHESION_DATABASE_URL=db_url), \
                nginx_proxy(proxy_port, [f"127.0.0.1:{port_a}", f"127.0.0.1:{port_b}"]) as url:
            _wait_until_serving(url)
            yield {"url": url, "db_url": db_url, "backends": {f"127.0.0.1:{port_a}", f"127.0.0.1:{port_b}"},
                   "started": started}


def _routes_to_each_instance(url: str) -> dict[str, str]:
    """A route cookie value per instance (nginx hashes the cookie, so each value always lands on one)."""
    found: dict[str, str] = {}
    for n in range(50):
        found.setdefault(_instance(url, f"route-{n}"), f"route-{n}")
        if len(found) == 2:
            return found
    pytest.fail(f"nginx sent 50 route cookies to one instance only: {found}")


def _signed_in_page(browser, url: str, route: str, backend: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_cookies([{"name": "cohesion_route", "value": route, "url": url}])
    page = context.new_page()
    response = page.goto(url)
    assert response.headers["x-cohesion-instance"] == backend  # sticky: this browser stays on this instance
    wait_for_app(page, 60000)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="member", exact=True).click()  # the provider's page
    page.wait_for_url(f"{url}/**", timeout=30000)
    response = page.goto(f"{url}/meeting")
    assert response.headers["x-cohesion-instance"] == backend
    wait_for_app(page, 60000)
    page.get_by_text("Signed in as officer@example.org (member)").wait_for(timeout=30000)
    page.get_by_text("Only a chair can mark a meeting as held").wait_for(timeout=30000)
    return context, page


def _open_update_panel(page) -> None:
    page.get_by_text("Update or correct a recorded item").click()


def _wait_for_item(page, label: str) -> None:
    # The chosen item is shown as the value of the select box's input.
    page.wait_for_function("(t) => [...document.querySelectorAll('input')].some(i => i.value === t)",
                           arg=label, timeout=30000)


def test_an_action_recorded_through_one_instance_appears_through_the_other(deployment, browser) -> None:
    url = deployment["url"]
    routes = _routes_to_each_instance(url)
    assert set(routes) == deployment["backends"]
    (backend_a, route_a), (backend_b, route_b) = sorted(routes.items())

    context_a, page_a = _signed_in_page(browser, url, route_a, backend_a)
    context_b, page_b = _signed_in_page(browser, url, route_b, backend_b)
    try:
        page_a.get_by_label("What was decided, or what is to be done").fill(TEXT)
        page_a.get_by_label("Owner (needed for an action)").fill("Cohesion lead")
        page_a.get_by_role("button", name="Save to the action log").click()
        page_a.get_by_text(f"Saved: action “{TEXT}”.").wait_for(timeout=30000)

        page_b.reload()  # instance B reads the same database
        wait_for_app(page_b, 60000)
        _open_update_panel(page_b)
        _wait_for_item(page_b, f"[open] {TEXT}")
        page_b.get_by_text("done", exact=True).click()
        page_b.get_by_role("button", name="Save the change").click()
        page_b.get_by_text(f"Saved version 2 of “{TEXT}” (done).").wait_for(timeout=30000)

        page_a.reload()  # and instance A sees B's change
        wait_for_app(page_a, 60000)
        _open_update_panel(page_a)
        _wait_for_item(page_a, f"[done] {TEXT}")
    finally:
        context_a.close()
        context_b.close()

    # The command line, pointed at the same PostgreSQL, lists it with who wrote each version.
    env = dict(os.environ, COHESION_DATABASE_URL=deployment["db_url"])
    out = subprocess.run([sys.executable, "-m", "cohesion", "meeting", "actions"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"[done] {TEXT} owner Cohesion lead (v2, by officer@example.org)" in out.stdout
    print(f"shared deployment: {time.monotonic() - deployment['started']:.1f} s from services start to here")


def test_without_sign_in_a_proxied_dashboard_is_read_only(tmp_path: Path, browser) -> None:
    """Behind a proxy on the same machine, loopback binding is no protection: writes are off."""
    data = copy_of_data(tmp_path)
    port, proxy_port = _free_port(), _free_port()
    with running_app(data, port=port), nginx_proxy(proxy_port, [f"127.0.0.1:{port}"]) as url:
        _wait_until_serving(url)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        try:
            page.goto(url)
            wait_for_app(page, 60000)
            page.goto(f"{url}/meeting")
            wait_for_app(page, 60000)
            page.get_by_text("this dashboard is served on a reverse proxy without sign-in configured").wait_for(
                timeout=30000)
            assert page.get_by_role("button", name="Mark meeting as held").count() == 0
            assert page.get_by_text("Record a decision or action").count() == 0
        finally:
            context.close()
