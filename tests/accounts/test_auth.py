import pytest

from core.models import AuditEvent
from tests.factories import PASSWORD


def test_login_by_username_and_by_phone(world, client):
    from accounts.models import User

    user = world.users["cadre_a1"]
    user.set_phone("13912345678")
    user.save()
    response = client.post("/login/", {"username": "cadre_a1", "password": PASSWORD})
    assert response.status_code == 302
    client.post("/logout/")
    response = client.post("/login/", {"username": "13912345678", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).last_login is not None


def test_wrong_password_gives_a_chinese_message(world, client):
    response = client.post("/login/", {"username": "cadre_a1", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名/手机号或密码错误" in response.content.decode()


def test_lockout_after_five_failures_even_with_the_right_password(world, client):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    pages = [client.post("/login/", {"username": "cadre_a1", "password": "wrong-password"}) for _ in range(4)]
    texts = [p.content.decode() for p in pages]
    assert "还可" not in texts[0]  # one slip: just the error
    assert "再输错 3 次" in texts[1] and "再输错 1 次" in texts[3] and "锁定 30 分钟" in texts[3]
    client.post("/login/", {"username": "cadre_a1", "password": "wrong-password"})
    response = client.post("/login/", {"username": "cadre_a1", "password": PASSWORD})
    assert response.status_code == 429
    last = AccessAttempt.objects.get(username="cadre_a1").attempt_time
    until = timezone.localtime(last + timedelta(minutes=30))
    page = response.content.decode()
    assert "已被锁定" in page and f"{until:%H:%M}" in page  # what happened, and when to try again
    token = client.post(
        "/api/auth/token", {"username": "cadre_a1", "password": PASSWORD}, content_type="application/json"
    )
    assert token.status_code == 429 and f"{until:%H:%M}" in token.json()["detail"]


def test_token_login_and_bearer_use(world, client):
    response = client.post(
        "/api/auth/token", {"username": "cadre_a1", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200 and me.json()["username"] == "cadre_a1"
    assert client.get("/api/auth/me", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401
    assert AuditEvent.objects.filter(action="accounts.token.issue").count() == 1


def test_token_with_bad_password_is_refused_in_chinese(world, client):
    response = client.post(
        "/api/auth/token", {"username": "cadre_a1", "password": "nope"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert "密码" in response.json()["detail"]


@pytest.mark.parametrize("payload", [{}, {"username": "x"}, {"password": "x"}, "not json"])
def test_token_with_malformed_body_is_422_in_chinese(world, client, payload):
    response = client.post("/api/auth/token", payload, content_type="application/json")
    assert response.status_code in (400, 422)


def test_passwords_are_hashed_with_argon2(world):
    assert world.users["cadre_a1"].password.startswith("argon2")


def test_account_page_creates_a_scoped_account(world, login):
    client = login(world.users["county_admin"])
    response = client.post(
        "/accounts/",
        {
            "username": "new_cadre",
            "display_name": "新村干部",
            "phone": "13511112222",
            "password": "Village@2026x",
            "role": "village_cadre",
            "region": world.village_a2.pk,
        },
    )
    assert response.status_code == 302
    from accounts.models import User

    new = User.objects.get(username="new_cadre")
    assert new.assignments.get().region == world.village_a2
    assert new.phone_masked == "135****2222"
    assert login(world.users["cadre_a1"]).get("/accounts/").status_code == 403


def test_disabling_an_account_blocks_login_and_tokens(world, client, login, api_token):
    headers = api_token(world.users["cadre_a1"])
    admin = login(world.users["county_admin"])
    assert admin.post(f"/accounts/{world.users['cadre_a1'].pk}/toggle/").status_code == 302
    client.logout()
    assert client.get("/api/auth/me", **headers).status_code == 401
    response = client.post("/login/", {"username": "cadre_a1", "password": PASSWORD})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="accounts.user.deactivate").count() == 1


def test_township_official_cannot_manage_accounts_and_cadre_roles_are_revocable(world, login):
    assert login(world.users["township_a"]).post(f"/accounts/{world.users['cadre_a1'].pk}/toggle/").status_code == 403
    admin = login(world.users["county_admin"])
    assignment = world.users["reviewer_a1"].assignments.get()
    assert admin.post(f"/accounts/roles/{assignment.pk}/revoke/").status_code == 302
    assert not world.users["reviewer_a1"].assignments.exists()
    assert AuditEvent.objects.filter(action="accounts.role.revoke").count() == 1


def test_an_expired_token_is_refused_and_use_is_written_at_most_once_a_minute(world, client):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import ApiToken

    response = client.post(
        "/api/auth/token", {"username": "cadre_a1", "password": PASSWORD}, content_type="application/json"
    )
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}
    token = ApiToken.objects.get(user__username="cadre_a1")
    assert token.last_used_at is None
    assert client.get("/api/auth/me", **bearer).status_code == 200
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    assert client.get("/api/auth/me", **bearer).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first_use  # within the minute: no second write
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    assert client.get("/api/auth/me", **bearer).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > first_use - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/auth/me", **bearer).status_code == 401
