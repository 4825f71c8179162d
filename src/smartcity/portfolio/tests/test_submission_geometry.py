"""Submissions with a line, an area or city-wide, several images; the admin's map widget."""

import io
import json
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from smartcity.portfolio import geo
from smartcity.portfolio.models import Project, ProjectImage, Review
from smartcity.portfolio.services import review
from smartcity.portfolio.tests.test_submission import editor, form_data, partner  # noqa: F401

LINE_TEXT = "51.5136, 7.4653\n51.5150, 7.4700\n51.5170, 7.4750"
AREA_TEXT = "51.49, 7.50\n51.49, 7.51\n51.50, 7.51\n51.50, 7.50"


def png(name="bild.png", colour="blue"):
    buffer = io.BytesIO()
    Image.new("RGB", (12, 12), colour).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def located(demo, **extra):
    data = form_data(demo)
    del data["latitude"], data["longitude"]
    return {**data, **extra}


def log_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


# --- parsing the location text --------------------------------------------------------------


def test_vertex_lines_become_a_line_or_a_closed_area():
    line = geo.parse_location_text(LINE_TEXT, "line")
    assert line == {
        "type": "LineString",
        "coordinates": [[7.4653, 51.5136], [7.47, 51.515], [7.475, 51.517]],
    }
    area = geo.parse_location_text(AREA_TEXT, "area")
    assert area["type"] == "Polygon"
    ring = area["coordinates"][0]
    assert ring[0] == ring[-1] == [7.5, 51.49] and len(ring) == 5
    assert geo.location_text(area) == AREA_TEXT.replace("7.50", "7.5").replace("51.50", "51.5")
    assert geo.parse_location_text(geo.location_text(line), "line") == line


def test_geojson_text_is_accepted_and_checked():
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "LineString", "coordinates": [[7.46, 51.51], [7.47, 51.52]]},
    }
    assert geo.parse_location_text(json.dumps(feature), "line")["type"] == "LineString"
    with pytest.raises(ValidationError, match="Fläche"):
        geo.parse_location_text(json.dumps(feature), "area")
    with pytest.raises(ValidationError, match="GeoJSON"):
        geo.parse_location_text("{nope", "line")
    with pytest.raises(ValidationError, match="zwei Punkte"):
        geo.parse_location_text("51.5, 7.4", "line")
    with pytest.raises(ValidationError, match="Zeile 2"):
        geo.parse_location_text("51.5, 7.4\nBahnhof", "line")
    bow_tie = "51.49, 7.50\n51.50, 7.51\n51.49, 7.51\n51.50, 7.50"
    with pytest.raises(ValidationError, match="ungültig"):
        geo.parse_location_text(bow_tie, "area")


# --- the partner's form ---------------------------------------------------------------------


def test_partner_submits_a_line(client, demo, partner):  # noqa: F811
    log_in(client, partner)
    data = located(demo, location_kind="line", geometry=LINE_TEXT)
    assert client.post("/einreichen/neu/", data).status_code == 302
    project = Project.objects.get(title="Solarbänke")
    assert project.location["type"] == "LineString"
    assert len(project.location["coordinates"]) == 3
    assert not project.city_wide
    # Editing shows the line again as text, and the kind is chosen.
    page = client.get(f"/einreichen/{project.pk}/bearbeiten/")
    form = page.context["form"]
    assert form["location_kind"].value() == "line"
    assert form["geometry"].value() == geo.location_text(project.location)
    assert 'data-geo-edit="form"' in page.content.decode()


def test_partner_submits_an_area_as_geojson_without_choosing_the_kind(client, demo, partner):  # noqa: F811
    log_in(client, partner)
    area = geo.parse_location_text(AREA_TEXT, "area")
    assert (
        client.post("/einreichen/neu/", located(demo, geometry=json.dumps(area))).status_code == 302
    )
    assert Project.objects.get(title="Solarbänke").location == area


def test_city_wide_project_has_no_geometry(client, demo, partner):  # noqa: F811
    log_in(client, partner)
    assert (
        client.post("/einreichen/neu/", located(demo, location_kind="citywide")).status_code == 302
    )
    project = Project.objects.get(title="Solarbänke")
    assert project.location is None and project.city_wide


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"location_kind": "line", "geometry": "51.51, 7.46"}, "geometry"),
        ({"location_kind": "area", "geometry": ""}, "geometry"),
        ({"location_kind": "citywide", "latitude": "51.51", "longitude": "7.46"}, "location_kind"),
        ({"location_kind": "point"}, "latitude"),
        ({"geometry": LINE_TEXT}, "location_kind"),  # lines of points: line or area?
    ],
)
def test_bad_locations_name_the_field_and_write_nothing(client, demo, partner, extra, field):  # noqa: F811
    log_in(client, partner)
    response = client.post("/einreichen/neu/", located(demo, **extra))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Project.objects.filter(title="Solarbänke").exists()


def test_area_outside_the_city_is_refused(client, demo, partner):  # noqa: F811
    dortmund = demo["dortmund"]
    dortmund.boundary = {
        "type": "Polygon",
        "coordinates": [[[7.3, 51.4], [7.7, 51.4], [7.7, 51.6], [7.3, 51.6], [7.3, 51.4]]],
    }
    dortmund.save()
    log_in(client, partner)
    berlin = "52.52, 13.40\n52.53, 13.41\n52.52, 13.42"
    response = client.post("/einreichen/neu/", located(demo, location_kind="area", geometry=berlin))
    assert response.status_code == 400
    assert "nicht in der gewählten Stadt" in str(response.context["form"].errors["geometry"])
    inside = located(demo, location_kind="area", geometry=AREA_TEXT)
    assert client.post("/einreichen/neu/", inside).status_code == 302


def test_several_images_with_alt_text_and_licence(client, demo, partner, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    log_in(client, partner)
    data = form_data(
        demo,
        image=png("a.png"),
        image_alt_text="Bank von vorn",
        image_credit="Foto: Partner",
        image_licence="CC BY 4.0",
        image_3=png("c.png", "green"),
        image_3_alt_text="Bank bei Nacht",
        image_3_credit="Foto: Stadt",
    )
    assert client.post("/einreichen/neu/", data).status_code == 302
    project = Project.objects.get(title="Solarbänke")
    images = list(project.images.all())
    assert [(i.alt_text, i.credit, i.licence) for i in images] == [
        ("Bank von vorn", "Foto: Partner", "CC BY 4.0"),
        ("Bank bei Nacht", "Foto: Stadt", ""),
    ]
    assert all((tmp_path / i.image.name).exists() for i in images)


def test_image_without_description_names_its_field_and_writes_nothing(
    client,
    demo,
    partner,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    log_in(client, partner)
    data = form_data(
        demo,
        image=png(),
        image_alt_text="Bank",
        image_credit="Foto: Partner",
        image_4=png("d.png"),
        image_4_credit="Foto: Partner",
        image_5_alt_text="Beschreibung ohne Bild",
    )
    response = client.post("/einreichen/neu/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"image_4_alt_text", "image_5"}
    assert not Project.objects.filter(title="Solarbänke").exists()
    assert not ProjectImage.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


def test_a_failure_while_saving_leaves_no_rows_and_no_files(
    client,
    demo,
    partner,  # noqa: F811
    settings,
    tmp_path,
    monkeypatch,
):
    settings.MEDIA_ROOT = tmp_path

    def broken(*args, **kwargs):
        raise RuntimeError("history store is down")

    monkeypatch.setattr(review, "record_change", broken)
    log_in(client, partner)
    data = form_data(
        demo,
        image=png(),
        image_alt_text="Bank",
        image_credit="Foto",
        image_2=png("b.png"),
        image_2_alt_text="Bank 2",
        image_2_credit="Foto",
    )
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post("/einreichen/neu/", data)
    assert not Project.objects.filter(title="Solarbänke").exists()
    assert not ProjectImage.objects.exists()
    assert not list(tmp_path.rglob("*.png"))


def test_edit_removes_and_adds_images_up_to_five(
    client,
    demo,
    partner,  # noqa: F811
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    log_in(client, partner)
    five = {}
    for number in range(1, 6):
        prefix = "image" if number == 1 else f"image_{number}"
        five |= {
            prefix: png(f"{number}.png"),
            f"{prefix}_alt_text": f"Bild {number}",
            f"{prefix}_credit": "Foto",
        }
    assert client.post("/einreichen/neu/", form_data(demo, **five)).status_code == 302
    project = Project.objects.get(title="Solarbänke")
    assert project.images.count() == 5
    url = f"/einreichen/{project.pk}/bearbeiten/"
    sixth = {"image": png("6.png"), "image_alt_text": "Bild 6", "image_credit": "Foto"}
    response = client.post(url, form_data(demo, **sixth))
    assert response.status_code == 400
    assert "image" in response.context["form"].errors
    first = project.images.get(alt_text="Bild 1")
    first_file = tmp_path / first.image.name
    sixth = {"image": png("6.png"), "image_alt_text": "Bild 6", "image_credit": "Foto"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(demo, remove_images=[first.pk], **sixth))
    assert response.status_code == 302
    assert sorted(project.images.values_list("alt_text", flat=True)) == [
        "Bild 2",
        "Bild 3",
        "Bild 4",
        "Bild 5",
        "Bild 6",
    ]
    assert not first_file.exists()


def test_review_shows_geometry_and_all_images(
    client,
    demo,
    partner,  # noqa: F811
    editor,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    log_in(client, partner)
    data = located(
        demo,
        location_kind="area",
        geometry=AREA_TEXT,
        image=png(),
        image_alt_text="Quartier von oben",
        image_credit="Foto: Partner",
        image_2=png("b.png"),
        image_2_alt_text="Quartier bei Nacht",
        image_2_credit="Foto: Stadt",
        image_2_licence="CC0",
    )
    assert client.post("/einreichen/neu/", data).status_code == 302
    project = Project.objects.get(title="Solarbänke")
    log_in(client, editor)
    queue = client.get("/einreichen/pruefen/").content.decode()
    assert "Fläche" in queue
    assert "<td>2</td>" in queue
    page = client.get(f"/einreichen/pruefen/{project.pk}/")
    html = page.content.decode()
    config = json.loads(
        html.split('id="project-map-config" type="application/json">')[1].split("<")[0]
    )
    assert config["geometry"] == project.location
    assert "51.49, 7.5" in html  # the corners as text
    assert html.count('class="review-image"') == 2
    assert "Quartier bei Nacht" in html and "CC0" in html
    review.decide(project, editor, "accept")
    assert Project.objects.get(pk=project.pk).review == Review.PUBLISHED


# --- the admin's map widget -----------------------------------------------------------------


class FormFields(HTMLParser):
    """The values a browser would send for the first form with method=post."""

    def __init__(self):
        super().__init__()
        self.data, self._textarea, self._select, self._in_form = {}, None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self._in_form = True
        if not self._in_form or "name" not in attrs and tag != "option":
            return
        name = attrs.get("name")
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "file", "button"):
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(attrs.get("value", default))
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = [""]
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data.setdefault(self._select, []).append(attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def admin_form(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    parser = FormFields()
    parser.feed(response.content.decode())
    return response, parser.data


def test_admin_change_form_has_the_map_widget(admin_client, demo):
    project = Project.objects.exclude(location=None).first()
    response, data = admin_form(admin_client, f"/admin/portfolio/project/{project.pk}/change/")
    html = response.content.decode()
    assert 'data-geo-edit="geojson"' in html
    assert 'data-text="id_location"' in html
    assert '<textarea name="location"' in html
    assert "portfolio/geoedit.js" in html and "vendor/leaflet/leaflet.js" in html
    assert json.loads(data["location"][0]) == project.location
    # No inline script: everything executable comes from files (CSP script-src 'self').
    for chunk in html.split("<script")[1:]:
        head = chunk.split(">", 1)[0]
        assert "src=" in head or "application/json" in head, head


def test_admin_saves_geojson_text_and_rejects_invalid(admin_client, demo):
    project = Project.objects.exclude(location=None).first()
    url = f"/admin/portfolio/project/{project.pk}/change/"
    _, data = admin_form(admin_client, url)
    line = {"type": "LineString", "coordinates": [[7.46, 51.51], [7.47, 51.52]]}
    data["location"] = [json.dumps(line)]
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.location == line
    data["location"] = ['{"type": "LineString", "coordinates": [[7.46, 51.51]']
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "location" in response.context["adminform"].form.errors
    flat = [[7.4, 51.5], [7.4, 51.5], [7.5, 51.5], [7.4, 51.5]]  # no area
    data["location"] = [json.dumps({"type": "Polygon", "coordinates": [flat]})]
    response = admin_client.post(url, data)
    # The geometry's own message, not the JSON field's "Enter a valid JSON".
    assert "leer oder ungültig" in str(response.context["adminform"].form.errors["location"])
    project.refresh_from_db()
    assert project.location == line
