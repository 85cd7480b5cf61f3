"""Who may do what: viewers read, members record and update actions, chairs also mark a meeting
as held and set manual statuses.

Sign-in is Streamlit's built-in OpenID Connect (`st.login`, `[auth]` in .streamlit/secrets.toml).
Roles come from the `[roles]` section of the same file:

    [roles]
    chairs = ["chair@stoke.gov.uk", "group:cohesion-chairs"]
    members = ["@stoke.gov.uk", "group:cohesion-members"]   # "@domain" matches every address there
    group_claim = "groups"   # the ID-token claim listing a user's groups (default "groups")

A signed-in user matching no entry is a viewer. Without `[auth]`, the dashboard is a single
person's local tool: when the server is bound to a loopback address (the project's default,
see .streamlit/config.toml) and the request did not come through a proxy, everything is allowed
and rows are recorded as written by the OS account. On any other address, or behind a reverse
proxy, without sign-in configured, the write controls are hidden and the page says why.

`decide` is the whole rule, as a plain function tested without Streamlit; `page_access` is
the one call a page makes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ROLES = ("viewer", "member", "chair")
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")
NOT_CONFIGURED = (
    "Recording actions, marking a meeting as held and setting statuses are turned off: this dashboard "
    "is served on {where} without sign-in configured, so anyone who can open it could change the "
    "record. Configure sign-in ([auth] and [roles] in .streamlit/secrets.toml, see docs/deployment.md) "
    "or serve it on localhost only."
)
SIGN_IN_NEEDED = "Sign in to record actions or mark the meeting as held; until then the dashboard is read-only."
NOT_A_MEMBER = ("You are signed in as {who}, a viewer: recording actions needs the member role and marking a "
                "meeting as held needs the chair role. Ask the dashboard's administrator to add you under [roles].")
NOT_A_CHAIR = "Only a chair can mark a meeting as held or set a manual status; you are signed in as {who}, a member."


@dataclass(frozen=True)
class RoleConfig:
    chairs: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    group_claim: str = "groups"


@dataclass(frozen=True)
class Access:
    """What the current person may do, who they are for the record, and why anything is off."""

    role: str  # "viewer" | "member" | "chair"
    who: str  # written into `written_by` of every row they save
    reason: str = ""  # why the write controls are off or limited ("" when everything is allowed)
    sign_in: bool = False  # offer a "Sign in" button
    signed_in: bool = False

    @property
    def can_record(self) -> bool:
        return self.role in ("member", "chair")

    @property
    def can_chair(self) -> bool:
        return self.role == "chair"

    def chair_reason(self) -> str:
        """Why the chair-only controls are off ("" if they are on)."""
        if self.can_chair:
            return ""
        if self.role == "member":
            return NOT_A_CHAIR.format(who=self.who)
        return self.reason


def role_config(secrets: Mapping[str, Any]) -> RoleConfig:
    """The `[roles]` section, tolerating a missing or partial one."""
    section = secrets.get("roles") or {}

    def entries(key: str) -> tuple[str, ...]:
        value = section.get(key) or ()
        if isinstance(value, str):
            value = [value]
        return tuple(str(v).strip().lower() for v in value if str(v).strip())

    return RoleConfig(chairs=entries("chairs"), members=entries("members"),
                      group_claim=str(section.get("group_claim") or "groups"))


def auth_configured(secrets: Mapping[str, Any]) -> bool:
    """True when `[auth]` has what st.login needs (shared settings plus one provider)."""
    section = secrets.get("auth") or {}
    if not (section.get("redirect_uri") and section.get("cookie_secret")):
        return False
    if section.get("client_id") and section.get("server_metadata_url"):
        return True
    return any(isinstance(v, Mapping) and v.get("client_id") for v in section.values())


def _matches(entry: str, email: str, groups: set[str]) -> bool:
    if entry.startswith("group:"):
        return entry[6:] in groups
    if entry.startswith("@"):
        return bool(email) and email.endswith(entry)
    return bool(email) and email == entry


def role_for(user: Mapping[str, Any], roles: RoleConfig) -> str:
    """A signed-in user's role from their e-mail (verified only) and group claim."""
    email = str(user.get("email") or "").strip().lower()
    if user.get("email_verified") is False:
        email = ""  # an unverified address proves nothing
    raw = user.get(roles.group_claim) or ()
    groups = {str(g).strip().lower() for g in ([raw] if isinstance(raw, str) else raw)}
    if any(_matches(e, email, groups) for e in roles.chairs):
        return "chair"
    if any(_matches(e, email, groups) for e in roles.members):
        return "member"
    return "viewer"


def is_loopback(address: str | None) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1; False for "", None (all interfaces) and anything else."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def decide(*, auth_on: bool, user: Mapping[str, Any] | None, roles: RoleConfig, server_address: str | None,
           headers: Mapping[str, str], local_author: str) -> Access:
    """The whole rule (see the module docstring)."""
    if auth_on:
        if not user or not user.get("is_logged_in"):
            return Access(role="viewer", who="", reason=SIGN_IN_NEEDED, sign_in=True)
        who = str(user.get("email") or user.get("sub") or "signed-in user")
        role = role_for(user, roles)
        reason = NOT_A_MEMBER.format(who=who) if role == "viewer" else ""
        return Access(role=role, who=who, reason=reason, signed_in=True)
    proxied = any(h in {k.lower() for k in headers} for h in PROXY_HEADERS)
    if is_loopback(server_address) and not proxied:
        return Access(role="chair", who=local_author)
    where = "a reverse proxy" if proxied and is_loopback(server_address) else \
        f"address '{server_address}'" if server_address else "every network interface"
    return Access(role="viewer", who="", reason=NOT_CONFIGURED.format(where=where))


def page_access() -> Access:
    """The current session's access, from Streamlit's secrets, server address, headers and st.user."""
    import streamlit as st

    from cohesion.db import os_author

    try:
        secrets: Mapping[str, Any] = st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    except Exception:  # noqa: BLE001 - an unreadable secrets file must not take the page down
        secrets = {}
    auth_on = auth_configured(secrets)
    user = st.user.to_dict() if auth_on else None
    try:
        headers = dict(st.context.headers)
    except Exception:  # noqa: BLE001 - no request context (e.g. AppTest): no headers
        headers = {}
    return decide(auth_on=auth_on, user=user, roles=role_config(secrets),
                  server_address=st.get_option("server.address"), headers=headers, local_author=os_author())


def account_controls(access: Access) -> None:
    """Sign-in / sign-out buttons and who is signed in, in the sidebar."""
    import streamlit as st

    if access.sign_in:
        st.sidebar.button("Sign in", on_click=st.login, icon=":material/login:")
    elif access.signed_in:
        st.sidebar.text(f"Signed in as {access.who} ({access.role})")
        st.sidebar.button("Sign out", on_click=st.logout, icon=":material/logout:")
