"""``{% project_participation project city %}``: the participation section of a project page."""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def project_participation(context, project, city):
    from smartcity.participation.views.projects import project_context

    request = context["request"]
    data = project_context(request, project, city)
    return render_to_string("participation/_project_participation.html", data, request=request)
