import datetime

from smartcity.reporting.models import EntryState, ProjectEntry
from smartcity.reporting.tests.builders import make_period, member


def _url(period, project):
    return f"/{period.city.slug}/bericht/{period.slug}/eintraege/{project.slug}/"


def _data(**changes):
    data = {
        "progress": "55",
        "traffic_light": "on_track",
        "traffic_light_reason": "",
        "narrative": "Läuft.",
        "new_measures": "",
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "0",
        "budget-0-funding_source": "Bund",
        "budget-0-planned_eur": "12.500,00",
        "budget-0-spent_eur": "2.000,50",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-title": "Start",
        "milestones-0-planned_date": "2025-03-01",
        "milestones-0-actual_date": "2025-03-05",
    }
    data.update(changes)
    return data


def test_editor_enters_and_approves(client, programme):
    city = programme["city"]
    period = make_period(city, slug="2026", year=2026)
    project = programme["projects"][0]
    client.force_login(member(city, "editor"))
    response = client.post(_url(period, project), _data(approve="on"))
    assert response.status_code == 302
    entry = ProjectEntry.objects.get(period=period, project=project)
    assert entry.state == EntryState.APPROVED and entry.progress == 55
    line = entry.budget_lines.get()
    assert str(line.planned_eur) == "12500.00" and str(line.spent_eur) == "2000.50"
    assert entry.milestones.get().slippage_days(period.cut_off_date) == 4


def test_partner_lead_drafts_but_cannot_approve(client, programme):
    city = programme["city"]
    period = make_period(city, slug="2026", year=2026)
    own, other = programme["projects"][0], programme["projects"][1]
    lead = member(city, "partner", "lead")
    own.submitted_by = lead
    own.save()
    client.force_login(lead)
    assert client.post(_url(period, own), _data(approve="on")).status_code == 302
    assert ProjectEntry.objects.get(period=period, project=own).state == EntryState.DRAFT
    assert client.post(_url(period, other), _data()).status_code == 403
    assert not ProjectEntry.objects.filter(period=period, project=other).exists()


def _rejected(client, programme, field, message, **changes):
    city = programme["city"]
    period = make_period(city, slug="2026", year=2026)
    client.force_login(member(city, "editor"))
    response = client.post(_url(period, programme["projects"][0]), _data(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page or f"{field}" in page
    assert message in page
    assert not ProjectEntry.objects.filter(period=period).exists()
    return response


def test_progress_outside_0_to_100_is_rejected(client, programme):
    response = _rejected(client, programme, "progress", "kleiner oder gleich 100", progress="150")
    assert response.context["form"].errors["progress"]


def test_malformed_spent_budget_is_rejected(client, programme):
    response = _rejected(
        client,
        programme,
        "budget-0-spent_eur",
        "Betrag als Zahl",
        **{"budget-0-spent_eur": "zwölf Euro"},
    )
    assert response.context["budget"].forms[0].errors["spent_eur"]


def test_milestone_before_project_start_is_rejected(client, programme):
    project = programme["projects"][0]
    assert project.start_date == datetime.date(2023, 1, 1)
    response = _rejected(
        client,
        programme,
        "milestones-0-actual_date",
        "vor dem Projektbeginn (01.01.2023)",
        **{"milestones-0-actual_date": "2022-12-01"},
    )
    assert response.context["milestones"].forms[0].errors["actual_date"]


def test_reason_required_unless_on_track(client, programme):
    response = _rejected(
        client, programme, "traffic_light_reason", "begründen", traffic_light="delayed"
    )
    assert response.context["form"].errors["traffic_light_reason"]


def test_entries_list_per_role(client, programme):
    city, period = programme["city"], programme["period"]
    url = f"/{city.slug}/bericht/{period.slug}/eintraege/"
    client.force_login(member(city, "editor"))
    page = client.get(url).content.decode()
    assert all(project.title in page for project in programme["projects"])
    lead = member(city, "partner", "lead")
    own = programme["projects"][2]
    own.contact_email = lead.email
    own.save()
    client.force_login(lead)
    rows = client.get(url).context["rows"]
    assert [row["project"] for row in rows] == [own]
    client.force_login(member(city, "partner", "other"))
    assert client.get(url).status_code == 403
