"""Who may see what: teachers of a school, pupils of its classes (session), the wall display
(secret link); the public sees only the school page with daily summaries."""

import secrets

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.crypto import constant_time_compare, salted_hmac

from smartcity.core.models import City
from smartcity.schools.models import Pupil, School, Teacher

PUPIL_SESSION_KEY = "schools_pupil"
# A hash of the pupil's password hash: a new password (e.g. reset by the teacher) ends every
# other session of that pupil, as Django does for user accounts.
PUPIL_AUTH_KEY = "schools_pupil_auth"
# A pupil who logged in with a one-time password, until they choose their own.
PUPIL_PENDING_KEY = "schools_pupil_pending"


def get_school(city: str, school: str) -> School:
    return get_object_or_404(School.objects.select_related("city"), city__slug=city, slug=school)


def get_city(slug: str) -> City:
    return get_object_or_404(City, slug=slug)


def teacher_at(user, school: School) -> Teacher | None:
    """The user's teacher link to ``school`` while they hold the teacher role in its city."""
    if not user.is_authenticated:
        return None
    if not user.has_perm("accounts.manage_school", school.city):
        return None
    return Teacher.objects.filter(user=user, school=school).first()


def teacher_schools(user, city: City):
    if not user.is_authenticated or not user.has_perm("accounts.manage_school", city):
        return School.objects.none()
    if user.is_superuser:
        return School.objects.filter(city=city)
    return School.objects.filter(city=city, teachers__user=user)


def pupil_auth_hash(pupil: Pupil) -> str:
    return salted_hmac("smartcity.schools.pupil", pupil.password).hexdigest()


def log_in_pupil(request, pupil: Pupil) -> None:
    request.session.cycle_key()
    request.session.pop(PUPIL_PENDING_KEY, None)
    request.session[PUPIL_SESSION_KEY] = pupil.pk
    request.session[PUPIL_AUTH_KEY] = pupil_auth_hash(pupil)


def current_pupil(request) -> Pupil | None:
    """The logged-in pupil; None when their password changed since (or must be changed)."""
    pupil_id = request.session.get(PUPIL_SESSION_KEY)
    if not pupil_id:
        return None
    pupil = (
        Pupil.objects.select_related("school_class__school__city")
        .filter(pk=pupil_id, must_change_password=False)
        .first()
    )
    if pupil is None or not constant_time_compare(
        request.session.get(PUPIL_AUTH_KEY, ""), pupil_auth_hash(pupil)
    ):
        return None
    return pupil


def pending_pupil(request) -> Pupil | None:
    """The pupil who logged in with a one-time password and must now choose their own."""
    pupil_id = request.session.get(PUPIL_PENDING_KEY)
    if not pupil_id:
        return None
    return (
        Pupil.objects.select_related("school_class__school__city")
        .filter(pk=pupil_id, must_change_password=True)
        .first()
    )


def can_view_school(request, school: School) -> bool:
    user = request.user
    if user.is_authenticated and user.is_superuser:
        return True
    if teacher_at(user, school) is not None:
        return True
    pupil = current_pupil(request)
    return pupil is not None and pupil.school_class.school_id == school.pk


def require_school_member(request, school: School) -> None:
    if not can_view_school(request, school):
        raise Http404


def check_display_key(school: School, key: str) -> None:
    if not secrets.compare_digest(school.display_key, key):
        raise Http404
