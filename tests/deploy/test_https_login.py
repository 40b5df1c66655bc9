"""Signing in behind the HTTPS proxy of docs/deploy.md (issue 17, item 23): with the guide's environment file the
login form posted from https://<host> is accepted (it was refused with 403: no SECURE_PROXY_SSL_HEADER, so Django
took the request for plain HTTP and the https Origin for a foreign one)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from tests.deploy.support import documented_env, fresh_env, settings_in
from tests.factories import PASSWORD

PROXY_SETTINGS = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "CSRF_TRUSTED_ORIGINS",
]
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}  # what the guide's nginx sets on every request it passes on


def production(tmp_path, **changes) -> dict:
    """The proxy-related settings config/settings.py computes from the guide's environment file (+ changes)."""
    env = {**documented_env(tmp_path), **changes}
    values = settings_in(fresh_env(**env), PROXY_SETTINGS)
    values = {k: v for k, v in values.items() if v is not None}
    if "SECURE_PROXY_SSL_HEADER" in values:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def sign_in(client: Client, host: str, origin: str, user) -> tuple:
    page = client.get("/login/", HTTP_HOST=host, **HTTPS)
    assert page.status_code == 200
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/login/",
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        HTTP_HOST=host,
        HTTP_ORIGIN=origin,
        **HTTPS,
    )
    return page, response


@pytest.mark.django_db
def test_login_through_the_https_proxy_with_debug_off(world, tmp_path):
    values = production(tmp_path)
    assert values["DEBUG"] is False
    host = values["ALLOWED_HOSTS"][0]
    with override_settings(**values):
        client = Client(enforce_csrf_checks=True)
        page, response = sign_in(client, host, f"https://{host}", world.users["cadre_a1"])
        assert response.status_code == 302, response.content.decode()[:500]
        assert response["Location"] == "/"
        assert client.get("/", HTTP_HOST=host, **HTTPS).status_code == 200  # signed in
        # The cookies go over HTTPS only, and browsers are told to keep to HTTPS.
        assert client.cookies["sessionid"]["secure"] and page.cookies["csrftoken"]["secure"]
        assert page["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_without_the_proxy_settings_the_same_login_is_refused(world, tmp_path):
    """What the issue saw (the settings before the fix): the https Origin does not match, 403."""
    values = production(tmp_path)
    values.pop("SECURE_PROXY_SSL_HEADER", None)
    values.update(SECURE_SSL_REDIRECT=False, CSRF_TRUSTED_ORIGINS=[])
    host = values["ALLOWED_HOSTS"][0]
    with override_settings(**values):
        _page, response = sign_in(Client(enforce_csrf_checks=True), host, f"https://{host}", world.users["cadre_a1"])
        assert response.status_code == 403


@pytest.mark.django_db
def test_an_origin_on_another_port_is_trusted_when_listed(world, tmp_path):
    host, cadre = "zhili.example.gov.cn", world.users["cadre_a1"]
    listed = production(tmp_path, DJANGO_CSRF_TRUSTED_ORIGINS=f" https://{host}:8443 , https://other.example.cn")
    assert listed["CSRF_TRUSTED_ORIGINS"] == [f"https://{host}:8443", "https://other.example.cn"]
    with override_settings(**listed):
        _page, response = sign_in(Client(enforce_csrf_checks=True), host, f"https://{host}:8443", cadre)
        assert response.status_code == 302
    unlisted = production(tmp_path, DJANGO_CSRF_TRUSTED_ORIGINS="")
    with override_settings(**unlisted):
        _page, response = sign_in(Client(enforce_csrf_checks=True), host, f"https://{host}:8443", cadre)
        assert response.status_code == 403


@pytest.mark.django_db
def test_plain_http_is_sent_to_https_but_the_health_probe_is_not(tmp_path):
    values = production(tmp_path)
    host = values["ALLOWED_HOSTS"][0]
    with override_settings(**values):
        client = Client()
        response = client.get("/login/", HTTP_HOST=host)
        assert response.status_code == 301 and response["Location"] == f"https://{host}/login/"
        assert client.get("/healthz", HTTP_HOST=host).status_code == 200
