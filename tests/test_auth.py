"""Who may write: the decision rule of cohesion/auth.py, without Streamlit."""

from __future__ import annotations

import pytest

from cohesion.auth import (
    NOT_CONFIGURED,
    SIGN_IN_NEEDED,
    RoleConfig,
    auth_configured,
    decide,
    is_loopback,
    role_config,
    role_for,
)

SECRETS = {
    "auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s", "client_id": "c",
             "client_secret": "x", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"},
    "roles": {"chairs": ["Chair@Stoke.gov.uk", "group:cohesion-chairs"], "members": ["@stoke.gov.uk"],
              "group_claim": "roles"},
}
ROLES = role_config(SECRETS)


def _user(email: str = "", **claims) -> dict:
    return {"is_logged_in": True, "email": email, **claims}


@pytest.mark.parametrize(("user", "role"), [
    (_user("chair@stoke.gov.uk"), "chair"),  # e-mail entries are case-insensitive
    (_user("officer@stoke.gov.uk"), "member"),  # "@domain" matches the whole domain
    (_user("officer@stoke.gov.uk.evil.example"), "viewer"),  # ...and only that domain
    (_user("someone@partner.org"), "viewer"),
    (_user("someone@partner.org", roles=["Cohesion-Chairs"]), "chair"),  # group claim named in [roles]
    (_user("someone@partner.org", roles="cohesion-chairs"), "chair"),  # a single group as a string
    (_user("someone@partner.org", groups=["cohesion-chairs"]), "viewer"),  # another claim is not read
    (_user("chair@stoke.gov.uk", email_verified=False), "viewer"),  # an unverified address proves nothing
])
def test_roles_come_from_email_domain_or_group_claim(user: dict, role: str) -> None:
    assert role_for(user, ROLES) == role


def test_auth_is_configured_only_with_shared_settings_and_a_provider() -> None:
    assert auth_configured(SECRETS)
    assert not auth_configured({})
    assert not auth_configured({"auth": {"redirect_uri": "x", "client_id": "c"}})  # no cookie_secret
    named = {"auth": {"redirect_uri": "x", "cookie_secret": "s", "google": {"client_id": "c"}}}
    assert auth_configured(named)


@pytest.mark.parametrize(("address", "local"), [
    ("localhost", True), ("127.0.0.1", True), ("127.0.1.1", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("", False), (None, False), ("192.168.1.10", False), ("dashboard.example", False),
])
def test_loopback_addresses(address: str | None, local: bool) -> None:
    assert is_loopback(address) is local


def _decide(**kw):
    args = {"auth_on": False, "user": None, "roles": RoleConfig(), "server_address": "localhost", "headers": {},
            "local_author": "alice (local account)"}
    args.update(kw)
    return decide(**args)


def test_local_without_sign_in_allows_everything_as_the_os_account() -> None:
    access = _decide()
    assert (access.can_record, access.can_chair, access.who, access.reason) == (True, True, "alice (local account)", "")


@pytest.mark.parametrize(("address", "headers", "where"), [
    ("0.0.0.0", {}, "address '0.0.0.0'"),
    (None, {}, "every network interface"),
    ("localhost", {"X-Forwarded-For": "10.0.0.5"}, "a reverse proxy"),  # nginx on the same machine
    ("127.0.0.1", {"forwarded": "for=10.0.0.5"}, "a reverse proxy"),
])
def test_served_to_others_without_sign_in_is_read_only_and_says_why(address, headers, where) -> None:
    access = _decide(server_address=address, headers=headers)
    assert not access.can_record and not access.can_chair and not access.sign_in
    assert access.reason == NOT_CONFIGURED.format(where=where)
    assert access.reason.startswith("Recording actions, marking a meeting as held and setting statuses are turned "
                                    f"off: this dashboard is served on {where} without sign-in configured")


def test_with_sign_in_configured_anonymous_visitors_read_and_are_offered_sign_in() -> None:
    access = _decide(auth_on=True, user={"is_logged_in": False})
    assert (access.role, access.sign_in, access.reason) == ("viewer", True, SIGN_IN_NEEDED)
    local = _decide(auth_on=True, user={"is_logged_in": False}, server_address="localhost")
    assert not local.can_record  # once sign-in is configured it applies on localhost too


def test_signed_in_roles_and_what_they_may_do() -> None:
    chair = _decide(auth_on=True, user=_user("chair@stoke.gov.uk"), roles=ROLES, server_address="0.0.0.0")
    member = _decide(auth_on=True, user=_user("officer@stoke.gov.uk"), roles=ROLES, server_address="0.0.0.0")
    viewer = _decide(auth_on=True, user=_user("guest@partner.org"), roles=ROLES, server_address="0.0.0.0")
    assert (chair.can_record, chair.can_chair, chair.who) == (True, True, "chair@stoke.gov.uk")
    assert (member.can_record, member.can_chair) == (True, False)
    assert member.chair_reason() == ("Only a chair can mark a meeting as held or set a manual status; you are "
                                     "signed in as officer@stoke.gov.uk, a member.")
    assert (viewer.can_record, viewer.can_chair) == (False, False)
    assert viewer.reason.startswith("You are signed in as guest@partner.org, a viewer: recording actions needs")
