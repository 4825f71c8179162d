import io

from pypdf import PdfReader

from smartcity.reporting import services


def _pdf(client, programme):
    period = programme["period"]
    services.publish(period)
    response = client.get(period.get_absolute_url() + "pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def test_pdf_has_cover_contents_and_every_project(client, programme):
    reader = _pdf(client, programme)
    # Cover, contents, summary with charts, one page per action field, changes/list.
    assert 5 <= len(reader.pages) <= 10
    text = "\n".join(page.extract_text() for page in reader.pages)
    for project in programme["projects"]:
        assert project.title in text
    assert "Inhalt" in reader.pages[1].extract_text()
    assert "Seite 3" in reader.pages[2].extract_text()
    assert "Fassung 1" in reader.pages[0].extract_text()


def test_contents_lists_the_action_fields_with_pages(client, programme):
    reader = _pdf(client, programme)
    contents = reader.pages[1].extract_text()
    assert "Zusammenfassung" in contents and "Mobilität" in contents
    assert [item.title for item in reader.outline if not isinstance(item, list)][:2] == [
        "Zusammenfassung",
        "Daten",
    ]
