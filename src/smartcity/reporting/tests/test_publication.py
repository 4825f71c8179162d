from smartcity.reporting import services
from smartcity.reporting.models import PeriodStatus, ProjectEntry
from smartcity.reporting.tests.builders import member


def test_a_published_report_is_frozen(client, programme):
    period = programme["period"]
    version = services.publish(period)
    url = period.get_absolute_url()
    assert "Sensornetz Innenstadt" in client.get(url).content.decode()

    ProjectEntry.objects.filter(project__code="DP 01").update(progress=99, traffic_light="stopped")
    programme["projects"][0].__class__.objects.filter(code="DP 01").update(title="Umbenannt")

    page = client.get(url).content.decode()
    assert "Sensornetz Innenstadt" in page and "Umbenannt" not in page
    api = client.get(f"/api/v1/reports/{period.slug}?city=dortmund").json()
    assert api["totals"]["by_light"]["stopped"] == 0
    version.refresh_from_db()
    assert version.figures["entries"][0]["progress"] == 40


def test_a_new_version_leaves_the_old_one(client, programme):
    period = programme["period"]
    services.publish(period)
    ProjectEntry.objects.filter(project__code="DP 01").update(progress=99)
    second = services.publish(period)
    assert second.number == 2
    assert period.versions.count() == 2
    newest = client.get(f"/api/v1/reports/{period.slug}?city=dortmund").json()
    first = client.get(f"/api/v1/reports/{period.slug}?city=dortmund&version=1").json()
    progress = {e["project"]["code"]: e["progress"] for e in newest["entries"]}
    assert progress["DP 01"] == 99
    assert {e["project"]["code"]: e["progress"] for e in first["entries"]}["DP 01"] == 40
    assert "Fassung 1" in client.get(period.get_absolute_url() + "?fassung=1").content.decode()


def test_internal_reports_are_for_editors_only(client, programme):
    period = programme["period"]
    period.status = PeriodStatus.INTERNAL
    period.save()
    assert client.get(period.get_absolute_url()).status_code == 404
    assert client.get(period.get_absolute_url() + "pdf/").status_code == 404
    response = client.get(f"/api/v1/reports/{period.slug}?city=dortmund")
    assert response.status_code == 404
    assert response.json()["error"]["code"]
    client.force_login(member(programme["city"], "editor"))
    assert client.get(period.get_absolute_url()).status_code == 200


def test_only_editors_publish(client, programme):
    period = programme["period"]
    url = period.get_absolute_url() + "veroeffentlichen/"
    client.force_login(member(programme["city"], "partner"))
    assert client.post(url).status_code == 403
    assert not period.versions.exists()
    client.force_login(member(programme["city"], "editor"))
    assert client.post(url).status_code == 302
    period.refresh_from_db()
    assert period.status == PeriodStatus.PUBLISHED and period.versions.count() == 1


def test_editors_preview_live_figures_of_a_published_period(client, programme):
    period = programme["period"]
    services.publish(period)
    ProjectEntry.objects.filter(project__code="DP 01").update(progress=99)
    url = period.get_absolute_url() + "?arbeitsstand=1"
    # For the public the parameter changes nothing: the frozen version is shown.
    assert client.get(url).context["figures"]["entries"][0]["progress"] == 40
    client.force_login(member(programme["city"], "editor"))
    response = client.get(url)
    assert response.context["figures"]["entries"][0]["progress"] == 99
    assert response.context["version"] is None


def test_period_list_shows_published_periods_to_the_public(client, programme):
    period = programme["period"]
    url = f"/{programme['city'].slug}/berichte/"
    assert period.title not in client.get(url).content.decode()
    services.publish(period)
    assert period.title in client.get(url).content.decode()
