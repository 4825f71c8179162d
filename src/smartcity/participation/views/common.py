"""Shared helpers of the participation pages."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from smartcity.core.models import City
from smartcity.participation.services import Refused


def city_or_404(slug: str) -> City:
    return get_object_or_404(City, slug=slug)


def published_project(city: City, key: str):
    from smartcity.portfolio.models import Project

    lookup = Q(slug=key) | (Q(pk=int(key)) if key.isdigit() else Q())
    project = Project.objects.published().filter(lookup, cities=city).first()
    if project is None:
        raise Http404
    return project


def error_messages(error: Exception) -> list[str]:
    if isinstance(error, Refused):
        return [error.message]
    if isinstance(error, ValidationError):
        return error.messages
    raise error
