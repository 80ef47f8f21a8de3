"""Content-Security-Policy (issue 15, finding 9): every page is served with an enforced policy
that allows scripts from 'self' and the response's nonce only, and the HTML keeps to it (no
inline script without the nonce, no inline style attribute, no event-handler attribute, no
javascript: URL). The browser side is tests/e2e/test_csp.py."""

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from ume.core.choices import Role
from ume.soa import services as soa_services

pytestmark = pytest.mark.django_db

# Script types a browser executes (CSP applies to them); JSON data blocks are not executed.
EXECUTABLE = {"", "text/javascript", "module", "application/javascript"}


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    policy = {}
    for part in header.split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


def nonce_of(policy: dict[str, list[str]]) -> str | None:
    nonces = [v for v in policy["script-src"] if v.startswith("'nonce-")]
    return nonces[0].removeprefix("'nonce-").removesuffix("'") if nonces else None


class _Scan(HTMLParser):
    """Collects what the policy would refuse in a page, given the response's nonce."""

    def __init__(self, policy: dict[str, list[str]]):
        super().__init__()
        self.nonce = nonce_of(policy)
        attr = policy.get("style-src-attr", [])
        self.style_hashes = set(attr) if "'unsafe-hashes'" in attr else set()
        self.problems: list[str] = []
        self.inline_scripts = 0
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if name == "style" and _hash(value or "") not in self.style_hashes:
                self.problems.append(f"style attribute on <{tag}>: {value}")
            elif name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            elif name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")
        if tag == "style":
            self.problems.append("<style> element (style-src has no nonce)")
        if tag == "script":
            self._script = a

    def handle_endtag(self, tag):
        if tag != "script" or self._script is None:
            return
        a, self._script = self._script, None
        if "src" in a or (a.get("type") or "").lower() not in EXECUTABLE:
            return
        self.inline_scripts += 1
        if not self.nonce or a.get("nonce") != self.nonce:
            self.problems.append(f"inline <script> without the response's nonce: {a}")


def _hash(value: str) -> str:
    digest = base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def scan(response) -> _Scan:
    result = _Scan(policy_of(response))
    result.feed(response.content.decode())
    return result


def test_the_policy_is_enforced_with_a_nonce_and_nothing_unsafe(admin_client):
    response = admin_client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert "Content-Security-Policy-Report-Only" not in response.headers
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    policy = policy_of(response)
    nonce = nonce_of(policy)
    assert nonce and len(nonce) >= 16
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    # Inline style attributes: only the hashed one of DRF's browsable API.
    assert policy["style-src-attr"] == [
        "'unsafe-hashes'",
        _hash("float: right; margin-right: 10px"),
    ]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    # The htmx script carries the same nonce the header names.
    assert f'nonce="{nonce}"' in response.content.decode()


def test_each_response_gets_its_own_nonce(admin_client):
    url = reverse("core:dashboard")
    first, second = (nonce_of(policy_of(admin_client.get(url))) for _ in range(2))
    assert first and second and first != second


def _page_urls(world) -> list[str]:
    hq = world.hq
    soa = soa_services.soa_get_or_create(actor=world[Role.ADMIN], scope=hq)
    row = soa.rows.get(control__ref="8.13")
    return [
        reverse("core:dashboard"),
        reverse("catalogue:control_list"),
        reverse("catalogue:control_detail", args=["5.7"]),
        reverse("soa:index"),
        reverse("soa:detail", args=[hq.pk]),
        reverse("soa:row_edit", args=[hq.pk, row.pk]),
        reverse("soa:gap", args=[hq.pk]),
        reverse("soa:versions", args=[hq.pk]),
        reverse("measures:measure_list"),
        reverse("measures:measure_create"),
        reverse("core:scope_list"),
        reverse("core:department_create"),
        reverse("core:organisation_edit"),
        reverse("core:member_list"),
        reverse("core:member_detail", args=[world[Role.STAFF].pk]),
        reverse("core:audit_list"),
        reverse("core:account_security"),
        reverse("core:api_token_list"),
        reverse("mfa_index"),
        reverse("mfa_activate_totp"),
        reverse("account_change_password"),
        reverse("api-docs"),
        "/api/v1/scopes/",  # DRF's browsable API (a list with a filter form)
    ]


def test_pages_keep_to_the_policy(admin_client, world):
    """Every inline script carries the nonce, and nothing needs 'unsafe-inline'."""
    checked_inline = 0
    for url in _page_urls(world):
        response = admin_client.get(url, follow=True, headers={"accept": "text/html"})
        assert response.status_code == 200, url
        result = scan(response)
        assert not result.problems, (url, result.problems)
        checked_inline += result.inline_scripts
    assert checked_inline >= 1  # the measure form's script, with its nonce


def test_login_page_keeps_to_the_policy(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert nonce_of(policy_of(response))
    assert not scan(response).problems


def test_api_docs_load_their_init_script_from_the_server(client):
    """Swagger UI's init script is a separate response (SpectacularSwaggerSplitView), not an
    inline script the policy would refuse."""
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert scan(response).inline_scripts == 0
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content
