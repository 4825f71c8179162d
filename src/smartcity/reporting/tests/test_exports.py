import csv
import io

from openpyxl import load_workbook

from smartcity.reporting.tests.builders import member


def test_csv_and_xlsx_hold_every_entry(client, programme):
    period = programme["period"]
    client.force_login(member(programme["city"], "editor"))
    response = client.get(period.get_absolute_url() + "export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Kennung"
    assert {row[1] for row in rows[1:]} == {p.title for p in programme["projects"]}
    portal = next(row for row in rows if row[0] == "DP 02")
    assert portal[9] == "80"  # slippage days: 20 + 60

    response = client.get(period.get_absolute_url() + "export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 4
    assert sum(row[6] for row in values[1:]) == 3500.0


def test_exports_are_for_editors(client, programme):
    period = programme["period"]
    assert client.get(period.get_absolute_url() + "export.csv").status_code == 302
    client.force_login(member(programme["city"], "citizen"))
    assert client.get(period.get_absolute_url() + "export.csv").status_code == 403
