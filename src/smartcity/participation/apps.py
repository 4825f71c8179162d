from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "smartcity.participation"
    label = "participation"
    verbose_name = _("Beteiligung")

    def ready(self):
        from smartcity.core.navigation import NavItem, navigation
        from smartcity.core.registries import DemoLoader, PageSection, demo_loaders, page_sections
        from smartcity.core.tasks import periodic
        from smartcity.participation import demo, layers, personal_data, signals  # noqa: F401

        layers.register()
        page_sections.register(
            "participation",
            PageSection("participation", "portfolio.project", render_project_section),
        )
        navigation.register(
            "ideas", NavItem("ideas", _("Ideen"), "participation:ideas", per_city=True, order=35)
        )
        personal_data.register()
        demo_loaders.register("participation", DemoLoader("participation", demo.load, order=300))
        periodic(
            "participation-purge-addresses",
            "smartcity.participation.jobs.purge_addresses",
            "15 3 * * *",
        )
        periodic(
            "participation-purge-unconfirmed-ideas",
            "smartcity.participation.jobs.purge_unconfirmed",
            "25 3 * * *",
        )
        periodic(
            "participation-moderators-digest",
            "smartcity.participation.jobs.moderators_digest",
            "0 7 * * *",
        )


def render_project_section(request, project, city):
    """Comments and rating on a project page (registered for ``portfolio.project``)."""
    from django.template.loader import render_to_string

    from smartcity.participation.views.projects import project_context

    data = project_context(request, project, city)
    return render_to_string("participation/_project_participation.html", data, request=request)
