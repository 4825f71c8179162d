"""The report page, its PDF and exports, and the entry forms for editors and project leads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcity.core.models import City
from smartcity.portfolio import tiles
from smartcity.portfolio.models import Project
from smartcity.reporting import exports, pdf, services
from smartcity.reporting.forms import BudgetFormSet, EntryForm, MilestoneFormSet
from smartcity.reporting.models import EntryState, PeriodStatus, ProjectEntry, ReportingPeriod
from smartcity.reporting.permissions import can_draft, can_view, is_editor


def _period(request, city, period) -> ReportingPeriod:
    period = get_object_or_404(
        ReportingPeriod.objects.select_related("city"), city__slug=city, slug=period
    )
    if not can_view(request.user, period):
        raise Http404
    return period


def _figures(request, period):
    # Editors may preview the live figures of a published period before issuing a new version.
    if "arbeitsstand" in request.GET and is_editor(request.user, period.city):
        return services.report_figures(period), None
    number = request.GET.get("fassung")
    figures, version = services.current_figures(
        period, int(number) if number and number.isdigit() else None
    )
    if figures is None:
        raise Http404
    return figures, version


def period_list(request, city):
    city = get_object_or_404(City, slug=city)
    periods = ReportingPeriod.objects.filter(city=city)
    if not is_editor(request.user, city):
        periods = periods.filter(status=PeriodStatus.PUBLISHED)
    return render(request, "reporting/period_list.html", {"city": city, "periods": periods})


def report(request, city, period):
    period = _period(request, city, period)
    figures, version = _figures(request, period)
    by_id = {entry["project"]["id"]: entry for entry in figures["entries"]}
    sections = [
        {**field, "entries": [by_id[pk] for pk in field["projects"] if pk in by_id]}
        for field in figures["by_field"]
    ]
    charts = {
        "labels": [field["name"] for field in figures["by_field"]],
        "lights": figures["light_labels"],
        "counts": {
            light: [field["counts"][light] for field in figures["by_field"]]
            for light in figures["light_labels"]
        },
        "milestones": figures.get("milestone_timeline", []),
        "budget": {
            "labels": [
                entry["project"]["code"] or entry["project"]["title"]
                for entry in figures["entries"]
            ],
            "planned": [entry["budget_planned"] for entry in figures["entries"]],
            "spent": [entry["budget_spent"] for entry in figures["entries"]],
        },
    }
    map_config = {
        "tiles": tiles.tile_config(),
        "center": [period.city.latitude or 51.5, period.city.longitude or 7.46],
        "features": [
            {
                "type": "Feature",
                "geometry": entry["project"]["location"],
                "properties": {
                    "title": f"{entry['project']['code']} {entry['project']['title']}".strip(),
                    "url": entry["project"]["url"],
                    "light": entry["traffic_light"],
                    "label": entry["traffic_light_label"],
                },
            }
            for entry in figures["entries"]
            if entry["project"].get("location")
        ],
    }
    context = {
        "map_config": map_config,
        "period": period,
        "figures": figures,
        "sections": sections,
        "charts": charts,
        "version": version,
        "versions": period.versions.all() if period.status == PeriodStatus.PUBLISHED else [],
        "is_editor": is_editor(request.user, period.city),
    }
    return tiles.allow_tiles(render(request, "reporting/report.html", context))


def report_pdf(request, city, period):
    period = _period(request, city, period)
    figures, _version = _figures(request, period)
    response = HttpResponse(pdf.render_pdf(figures), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="sachstandsbericht-{period.city.slug}-{period.slug}.pdf"'
    )
    return response


@login_required
def entries(request, city, period):
    period = get_object_or_404(
        ReportingPeriod.objects.select_related("city"), city__slug=city, slug=period
    )
    projects = Project.objects.filter(cities=period.city).order_by("code", "title")
    if not is_editor(request.user, period.city):
        projects = [project for project in projects if can_draft(request.user, period, project)]
        if not projects:
            raise PermissionDenied
    states = dict(ProjectEntry.objects.filter(period=period).values_list("project_id", "state"))
    rows = [{"project": project, "state": states.get(project.pk)} for project in projects]
    return render(
        request,
        "reporting/entries.html",
        {
            "period": period,
            "rows": rows,
            "is_editor": is_editor(request.user, period.city),
            "state_labels": dict(EntryState.choices),
        },
    )


@login_required
def entry_edit(request, city, period, project):
    period = get_object_or_404(
        ReportingPeriod.objects.select_related("city"), city__slug=city, slug=period
    )
    project = get_object_or_404(Project, slug=project, cities=period.city)
    if not can_draft(request.user, period, project):
        raise PermissionDenied
    editor = is_editor(request.user, period.city)
    entry = ProjectEntry.objects.filter(period=period, project=project).first()
    if entry is None:
        entry = ProjectEntry(period=period, project=project, drafted_by=request.user)
        initial_milestones = True
    else:
        initial_milestones = False
    data = request.POST if request.method == "POST" else None
    form = EntryForm(data, instance=entry, may_approve=editor)
    budget = BudgetFormSet(data, instance=entry, prefix="budget")
    milestones = MilestoneFormSet(
        data, instance=entry, prefix="milestones", form_kwargs={"project_start": project.start_date}
    )
    if initial_milestones and data is None:
        # A new entry starts from the portfolio's milestones.
        milestones = MilestoneFormSet(
            instance=entry,
            prefix="milestones",
            form_kwargs={"project_start": project.start_date},
            initial=[
                {"title": m.title, "planned_date": m.planned_date, "actual_date": m.actual_date}
                for m in project.milestones.filter(planned_date__isnull=False)
            ],
        )
        milestones.extra = len(milestones.initial) + 1
    if data is not None and all([form.is_valid(), budget.is_valid(), milestones.is_valid()]):
        with transaction.atomic():
            entry = form.save(commit=False)
            if editor and form.cleaned_data.get("approve"):
                entry.state, entry.approved_by = EntryState.APPROVED, request.user
            elif not editor:
                entry.state = EntryState.DRAFT
            entry.save()
            budget.instance = milestones.instance = entry
            budget.save()
            milestones.save()
        messages.success(request, _("Der Eintrag wurde gespeichert."))
        return redirect("reporting:entries", city=period.city.slug, period=period.slug)
    return render(
        request,
        "reporting/entry_form.html",
        {
            "period": period,
            "project": project,
            "form": form,
            "budget": budget,
            "milestones": milestones,
            "entry": entry,
        },
    )


@require_POST
@login_required
def publish(request, city, period):
    period = get_object_or_404(ReportingPeriod, city__slug=city, slug=period)
    if not is_editor(request.user, period.city):
        raise PermissionDenied
    version = services.publish(period, request.user)
    messages.success(
        request,
        _("Fassung %(number)s des Berichts ist veröffentlicht.") % {"number": version.number},
    )
    return redirect(period)


@login_required
def export(request, city, period, fmt):
    period = get_object_or_404(
        ReportingPeriod.objects.select_related("city"), city__slug=city, slug=period
    )
    if not is_editor(request.user, period.city):
        raise PermissionDenied
    if fmt not in exports.FORMATS:
        raise Http404
    return exports.response(period, fmt)
