"""Who may see what: teachers of a school, pupils of its classes (session), the wall display
(secret link); the public sees only the school page with daily summaries."""

import secrets

from django.http import Http404
from django.shortcuts import get_object_or_404

from smartcity.core.models import City
from smartcity.schools.models import Pupil, School, Teacher

PUPIL_SESSION_KEY = "schools_pupil"


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


def current_pupil(request) -> Pupil | None:
    pupil_id = request.session.get(PUPIL_SESSION_KEY)
    if not pupil_id:
        return None
    return Pupil.objects.select_related("school_class__school__city").filter(pk=pupil_id).first()


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
