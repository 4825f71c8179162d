"""The web pages: report form, confirmation, list, report page, statistics, back office."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from smartcity.accounts.models import Membership, User
from smartcity.accounts.roles import Role
from smartcity.defects import services
from smartcity.defects.models import Event, Report, Status
from smartcity.defects.tests.factories import INSIDE, OUTSIDE, jpeg_with_gps, setup_defects


@pytest.fixture
def pothole(cities, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return setup_defects(cities)


def form_data(**changes):
    data = {
        "category": "schlagloch",
        "latitude": str(INSIDE[0]),
        "longitude": str(INSIDE[1]),
        "description": "Tiefes Loch auf dem Radweg",
        "email": "",
        "consent": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def staff_user(city, name="amt", role=Role.DEPARTMENT):
    user = User.objects.create_user(name, f"{name}@example.org", "pw-123-long")
    Membership.objects.create(user=user, city=city, role=role)
    return user


def test_form_groups_categories_and_creates_a_report_with_photo(client, pothole):
    url = reverse("defects:new", kwargs={"city": "dortmund"})
    page = client.get(url).content.decode()
    assert '<optgroup label="Straßenbeleuchtung">' in page
    assert "script-src" in client.get(url)["Content-Security-Policy"]
    photo = SimpleUploadedFile("loch.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(url, {**form_data(email="anna@example.org"), "photos": [photo]})
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/dortmund/maengel/danke/{report.token}/"
    assert report.reporter_email == "anna@example.org" and report.photos.count() == 1
    thanks = client.get(response["Location"]).content.decode()
    assert f"<strong>{report.pk}</strong>" in thanks
    assert "Tiefbauamt" in thanks


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"latitude": str(OUTSIDE[0]), "longitude": str(OUTSIDE[1])}, "latitude", "außerhalb"),
        ({"description": "x" * 10_000}, "description", "höchstens 4000"),
        ({"consent": None}, "consent", "erforderlich"),
        ({"category": "gibtsnicht"}, "category", "gültige Auswahl"),
    ],
)
def test_form_errors_are_shown_at_their_fields(client, pothole, changes, field, text):
    url = reverse("defects:new", kwargs={"city": "dortmund"})
    response = client.post(url, form_data(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'aria-describedby="id_{field}' in page or f'id="id_{field}_error"' in page
    assert text in page
    assert 'aria-invalid="true"' in page
    assert Report.objects.count() == 0


def test_a_script_disguised_as_a_photo_is_refused_in_the_form(client, pothole):
    url = reverse("defects:new", kwargs={"city": "dortmund"})
    fake = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = client.post(url, {**form_data(), "photos": [fake]})
    assert response.status_code == 400
    assert "kein Foto" in response.content.decode()
    assert Report.objects.count() == 0


def test_list_detail_and_statistics_show_no_personal_data(client, pothole):
    report = services.create_report(
        pothole.city, category=pothole, latitude=INSIDE[0], longitude=INSIDE[1],
        description="Loch", email="geheim@example.org", name="Geheim Name",
        source=Report.Source.WEB,
    )  # fmt: skip
    services.change_status(report, None, status=Status.CONFIRMED, public_note="Gesehen.",
                           internal_note="Nur intern")  # fmt: skip
    for name, kwargs in [
        ("list", {}),
        ("detail", {"pk": report.pk}),
        ("statistics", {}),
    ]:
        response = client.get(reverse(f"defects:{name}", kwargs={"city": "dortmund", **kwargs}))
        assert response.status_code == 200
        page = response.content.decode()
        for secret in ("geheim@example.org", "Geheim Name", "Nur intern", report.token):
            assert secret not in page, (name, secret)
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "Gesehen." in detail and "Bestätigt" in detail
    stats = client.get(reverse("defects:statistics", kwargs={"city": "dortmund"}))
    assert stats.context["counts"]["categories"] == [
        {"group": "Straße und Gehweg", "name": "Schlagloch", "open": 1, "closed": 0}
    ]
    assert stats.context["levels"][0]["median_first_response_hours"] is not None


def test_support_button_counts_once_per_browser(client, pothole):
    report = services.create_report(
        pothole.city, category=pothole, latitude=INSIDE[0], longitude=INSIDE[1],
        description="Loch", source=Report.Source.WEB,
    )  # fmt: skip
    url = reverse("defects:support", kwargs={"city": "dortmund", "pk": report.pk})
    client.post(url)
    client.post(url)
    report.refresh_from_db()
    assert report.supporter_count == 1


def test_duplicate_and_address_helpers(client, pothole):
    from smartcity.defects.models import Address

    report = services.create_report(
        pothole.city, category=pothole, latitude=INSIDE[0], longitude=INSIDE[1],
        description="Loch", source=Report.Source.WEB,
    )  # fmt: skip
    url = reverse("api-v1:defects_duplicates", kwargs={"city": "dortmund"})
    found = client.get(url, {"category": "schlagloch", "lat": INSIDE[0], "lon": INSIDE[1]}).json()
    assert [item["id"] for item in found] == [report.pk]
    assert client.get(url, {"category": "laterne", "lat": INSIDE[0], "lon": INSIDE[1]}).json() == []
    assert client.get(url, {"category": "x", "lat": 1, "lon": 1}).status_code == 404
    Address.objects.create(
        city=pothole.city, street="Königswall", house_number="15", postcode="44137",
        latitude=51.517, longitude=7.459,
    )  # fmt: skip
    url = reverse("api-v1:defects_addresses", kwargs={"city": "dortmund"})
    assert client.get(url, {"q": "koenigswall 15"}).json()[0]["label"] == "Königswall 15, 44137"
    assert client.get(url, {"q": "Königswall"}).json()[0]["lat"] == 51.517
    assert client.get(url, {"q": "Hauptstr"}).json() == []


def test_queue_and_status_form_need_the_department_role(client, pothole, cities):
    report = services.create_report(
        pothole.city, category=pothole, latitude=INSIDE[0], longitude=INSIDE[1],
        description="Loch", email="anna@example.org", source=Report.Source.WEB,
    )  # fmt: skip
    queue = reverse("defects:queue", kwargs={"city": "dortmund"})
    work = reverse("defects:work", kwargs={"city": "dortmund", "pk": report.pk})
    assert client.get(queue).status_code == 302  # to the login
    citizen = User.objects.create_user("bürger", "b@example.org", "pw-123-long")
    client.force_login(citizen)
    assert client.get(queue).status_code == 403
    assert client.post(work, {"status": "resolved"}).status_code == 403
    elsewhere = staff_user(cities["schwerte"], "schwerte-amt")
    client.force_login(elsewhere)
    assert client.get(queue).status_code == 403

    staff = staff_user(pothole.city)
    client.force_login(staff)
    page = client.get(queue).content.decode()
    assert f"#{report.pk} Schlagloch" in page
    response = client.post(
        work,
        {
            "status": "in_progress",
            "public_note": "Ist beauftragt.",
            "internal_note": "Firma X",
            "expected_at": "2030-01-15",
            "assignee": staff.pk,
            "department": report.department_id,
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.assignee == staff
    assert report.expected_at.date().isoformat() == "2030-01-15"
    assert report.events.filter(kind=Event.Kind.STATUS, internal_note="Firma X").exists()
    assert "Firma X" in client.get(work).content.decode()  # staff see internal notes

    response = client.post(
        work, {"status": "duplicate", "duplicate_of": 999999, "department": report.department_id}
    )
    assert response.status_code == 400
    assert "gibt es in dieser Stadt nicht" in response.content.decode()


def test_queue_filters(client, pothole):
    light = pothole.__class__.objects.get(city=pothole.city, code="laterne")
    for category in (pothole, light):
        services.create_report(
            pothole.city, category=category, latitude=INSIDE[0], longitude=INSIDE[1],
            description="x", source=Report.Source.WEB,
        )  # fmt: skip
    client.force_login(staff_user(pothole.city))
    url = reverse("defects:queue", kwargs={"city": "dortmund"})
    response = client.get(url, {"category": "laterne"})
    assert [report.category.code for report in response.context["page"]] == ["laterne"]
    response = client.get(url, {"department": light.department.pk})
    assert [report.category.code for report in response.context["page"]] == ["laterne"]
    response = client.get(url, {"status": "resolved"})
    assert list(response.context["page"]) == []


def test_staff_forward_to_another_department_and_black_out_a_photo(
    client, pothole, django_capture_on_commit_callbacks
):
    from PIL import Image

    from smartcity.defects.models import Department
    from smartcity.defects.tests.factories import jpeg_with_gps

    report = services.create_report(
        pothole.city, category=pothole, latitude=INSIDE[0], longitude=INSIDE[1],
        description="Loch", photos=[jpeg_with_gps(size=(100, 100), colour=(255, 255, 255))],
        source=Report.Source.WEB,
    )  # fmt: skip
    client.force_login(staff_user(pothole.city))
    utility = Department.objects.get(city=pothole.city, slug="licht")
    work = reverse("defects:work", kwargs={"city": "dortmund", "pk": report.pk})
    response = client.post(work, {"status": "forwarded", "department": utility.pk})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.department == utility and report.status == Status.FORWARDED
    assert report.events.filter(kind=Event.Kind.ASSIGNED).exists()

    photo = report.photos.get()
    url = reverse(
        "defects:review_photo", kwargs={"city": "dortmund", "pk": report.pk, "photo": photo.pk}
    )

    def box(number, x, y, width, height):
        return {f"x_{number}": x, f"y_{number}": y, f"width_{number}": width,
                f"height_{number}": height}  # fmt: skip

    inside = box(1, "0", "0", "20", "20")
    for bad in (
        box(1, "80", "0", "50", "10"),  # outside the photo
        {**inside, **box(2, "80", "0", "50", "10")},  # one of two outside: none is applied
        {**inside, "x_3": "10"},  # an incomplete rectangle
        {},  # no rectangle at all
    ):
        response = client.post(url, {"action": "black_out", **bad}, follow=True)
        assert "Schwärzen nicht möglich" in response.content.decode()
        photo.refresh_from_db()
        assert photo.review == "pending"  # nothing changed
    # Two rectangles in one pass (the third one left empty is skipped).
    both = {**box(1, "0", "0", "30", "30"), **box(3, "60", "60", "30", "30")}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "black_out", **both})
    photo.refresh_from_db()
    assert photo.review == "approved"
    image = Image.open(photo.image.path).convert("L")
    assert image.getpixel((10, 10)) < 30 and image.getpixel((75, 75)) < 30  # both black
    assert image.getpixel((75, 10)) > 220 and image.getpixel((10, 75)) > 220  # the rest not
    assert image.getpixel((45, 45)) > 220
    citizen = User.objects.create_user("neugierig", "n@example.org", "pw-123-long")
    client.force_login(citizen)
    assert client.post(url, {"action": "approve"}).status_code == 403


def test_form_asks_the_chosen_category_questions(client, pothole):
    size = pothole.attributes.get(code="groesse")
    size.required = True
    size.save()
    url = reverse("defects:new", kwargs={"city": "dortmund"})
    page = client.get(url).content.decode()
    assert 'data-category="schlagloch"' in page and "Wie groß ist das Schlagloch?" in page
    response = client.post(url, form_data())
    assert response.status_code == 400
    assert 'id="id_attr_schlagloch__groesse_error"' in response.content.decode()
    response = client.post(url, form_data(attr_schlagloch__groesse="gross"))
    assert response.status_code == 302
    assert Report.objects.get().attributes == {"groesse": "gross"}
    # Another category's answers are not stored with a pothole.
    client.post(url, form_data(category="laterne", attr_laterne__mastnummer="L-1"))
    assert Report.objects.filter(category__code="laterne").get().attributes == {"mastnummer": "L-1"}


def test_the_queue_opens_with_the_staff_members_own_department(client, pothole):
    light = pothole.__class__.objects.get(city=pothole.city, code="laterne")
    for category in (pothole, light):
        services.create_report(
            pothole.city, category=category, latitude=INSIDE[0], longitude=INSIDE[1],
            description="x", source=Report.Source.WEB,
        )  # fmt: skip
    staff = staff_user(pothole.city)
    client.force_login(staff)
    url = reverse("defects:queue", kwargs={"city": "dortmund"})
    assert len(client.get(url).context["page"]) == 2  # no department of their own: all
    light.department.staff.add(staff)
    response = client.get(url)
    assert [report.category.code for report in response.context["page"]] == ["laterne"]
    assert response.context["form"]["department"].value() == light.department.pk
    # Choosing "all" departments in the filter shows everything again.
    response = client.get(url, {"department": "", "status": ""})
    assert len(response.context["page"]) == 2
    from smartcity.defects.personal_data import erase, export

    assert export(staff)["departments_as_staff"] == [f"dortmund: {light.department.name}"]
    erase(staff)
    assert not light.department.staff.exists()
