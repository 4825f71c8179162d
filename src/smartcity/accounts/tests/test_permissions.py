import pytest

from smartcity.accounts.models import Membership, User
from smartcity.accounts.roles import Role

PERMISSION_BY_ROLE = {
    Role.EDITOR: "accounts.edit_content",
    Role.MODERATOR: "accounts.moderate",
    Role.DEPARTMENT: "accounts.handle_reports",
    Role.TEACHER: "accounts.manage_school",
    Role.PARTNER: "accounts.draft_partner_content",
}
ALL_PERMISSIONS = [*PERMISSION_BY_ROLE.values(), "accounts.manage_members"]


def make_user(name, city=None, role=None):
    user = User.objects.create_user(name, f"{name}@example.org", "pw-not-used-123")
    if city and role:
        Membership.objects.create(user=user, city=city, role=role)
    return user


@pytest.mark.parametrize("role", list(PERMISSION_BY_ROLE))
def test_each_role_grants_its_permission_only_in_its_city(cities, role):
    dortmund, schwerte = cities["dortmund"], cities["schwerte"]
    user = make_user(f"user-{role}", dortmund, role)
    granted = PERMISSION_BY_ROLE[role]
    assert user.has_perm(granted, dortmund)
    assert not user.has_perm(granted, schwerte)
    assert not user.has_perm(granted)  # no city, no role
    others = [p for p in ALL_PERMISSIONS if p != granted]
    if role == Role.EDITOR:
        others.remove("accounts.draft_partner_content")  # editors may draft for partners
        assert user.has_perm("accounts.draft_partner_content", dortmund)
    for permission in others:
        assert not user.has_perm(permission, dortmund), permission


def test_citizens_participate_everywhere_but_hold_no_roles(cities):
    citizen = make_user("citizen")
    for city in cities.values():
        assert citizen.has_perm("accounts.participate", city)
        for permission in ALL_PERMISSIONS:
            assert not citizen.has_perm(permission, city)


def test_anonymous_users_get_nothing(cities):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    for permission in ["accounts.participate", *ALL_PERMISSIONS]:
        assert not anonymous.has_perm(permission, cities["dortmund"])


def test_city_admin_may_do_everything_in_that_city_only(cities):
    admin = make_user("cityadmin", cities["schwerte"], Role.ADMIN)
    for permission in ALL_PERMISSIONS:
        assert admin.has_perm(permission, cities["schwerte"])
        assert not admin.has_perm(permission, cities["dortmund"])


def test_objects_with_a_city_are_checked_against_that_city(cities):
    from smartcity.core.models import District

    editor = make_user("editor", cities["dortmund"], Role.EDITOR)
    hoerde = District.objects.get(city=cities["dortmund"], slug="hoerde")
    ergste = District.objects.get(city=cities["schwerte"], slug="ergste")
    assert editor.has_perm("accounts.edit_content", hoerde)
    assert not editor.has_perm("accounts.edit_content", ergste)


def test_superuser_may_do_everything(cities):
    root = User.objects.create_superuser("root", "root@example.org", "pw-not-used-123")
    for permission in ALL_PERMISSIONS:
        assert root.has_perm(permission, cities["dortmund"])
