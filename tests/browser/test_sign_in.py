"""The real sign-in flow in a browser: Streamlit's st.login against a local OpenID Connect
provider (oidc-provider-mock, on loopback, started here), then what each role may do."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from cohesion.auth import SIGN_IN_NEEDED
from tests.browser.conftest import _free_port, copy_of_data, running_app, wait_for_app

pytestmark = pytest.mark.browser

CHAIR = "chair@example.org"
MEMBER = "officer@example.org"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub="chair", claims={"email": CHAIR, "email_verified": True}),
             User(sub="member", claims={"email": MEMBER, "email_verified": True, "groups": ["cohesion-members"]})]
    with run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def signed_app(provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("signin")
    port = _free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{secrets.token_hex(16)}"
client_id = "cohesion-dashboard"
client_secret = "test-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[roles]
chairs = ["{CHAIR}"]
members = ["group:cohesion-members"]
""", encoding="utf-8")
    data = copy_of_data(folder)
    with running_app(data, port=port, args=("--secrets.files", str(secrets_file))) as url:
        yield url, data


def _meeting(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page, 60000)
    page.goto(f"{url}/meeting")
    wait_for_app(page, 60000)


def _sign_in(page, url: str, sub: str) -> None:
    _meeting(page, url)
    # Meeting mode opens with the sidebar collapsed (a projector); open it as a person would.
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("text=Authorize Client", timeout=30000)  # the provider's own page
    assert page.url.startswith("http://localhost:")
    page.get_by_role("button", name=sub, exact=True).click()
    page.wait_for_url(f"{url}/**", timeout=30000)
    _meeting(page, url)


def test_visitors_read_only_until_they_sign_in(signed_app, browser_page) -> None:
    url, _data = signed_app
    page = browser_page
    _meeting(page, url)
    page.get_by_text(SIGN_IN_NEEDED).wait_for(timeout=30000)
    assert page.get_by_role("button", name="Mark meeting as held").count() == 0
    assert page.get_by_text("Record a decision or action").count() == 0


def test_a_chair_signs_in_records_an_action_and_is_named_as_its_author(signed_app, browser) -> None:
    url, data = signed_app
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        _sign_in(page, url, "chair")
        page.get_by_text(f"Signed in as {CHAIR} (chair)").wait_for(timeout=30000)
        page.get_by_role("button", name="Mark meeting as held").wait_for(timeout=30000)  # drawn after the sidebar
        page.get_by_label("What was decided, or what is to be done").fill("Invite partners to the spring forum")
        page.get_by_label("Owner (needed for an action)").fill("Cohesion lead")
        page.get_by_role("button", name="Save to the action log").click()
        page.get_by_text("Saved: action “Invite partners to the spring forum”.").wait_for(timeout=30000)
        page.screenshot(path=str(data.parent / "signed-in-chair.png"))
    finally:
        context.close()
    import os

    os.environ["COHESION_DATA_DIR"], old = str(data), os.environ.get("COHESION_DATA_DIR")
    try:
        from cohesion import db
        from cohesion.meeting.actions import read_actions

        db.forget_engines()
        [action] = [a for a in read_actions().actions if a.text == "Invite partners to the spring forum"]
        assert action.recorded_by == CHAIR
    finally:
        if old is None:
            os.environ.pop("COHESION_DATA_DIR")
        else:
            os.environ["COHESION_DATA_DIR"] = old
        db.forget_engines()


def test_a_member_by_group_claim_records_but_cannot_mark_held(signed_app, browser) -> None:
    url, _data = signed_app
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        _sign_in(page, url, "member")
        page.get_by_text(f"Signed in as {MEMBER} (member)").wait_for(timeout=30000)
        page.get_by_text("Only a chair can mark a meeting as held").wait_for(timeout=30000)  # end of the page
        assert page.get_by_text("Record a decision or action").is_visible()
        assert page.get_by_role("button", name="Mark meeting as held").count() == 0
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="End session").click()  # the provider's own logout page
        page.wait_for_url(f"{url}/**", timeout=30000)
        _meeting(page, url)
        page.get_by_text(SIGN_IN_NEEDED).wait_for(timeout=30000)  # read-only again
        assert page.get_by_role("button", name="Sign in").is_visible()
    finally:
        context.close()
