"""The report as a PDF for the council's documents (reportlab, pure Python).

Cover page, table of contents (two passes with ``multiBuild``), page numbers in the footer,
charts from ``reportlab.graphics`` and tables; rendered from the same figures as the page.
"""

import datetime
import io
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

LIGHT_COLOURS = {
    "on_track": colors.HexColor("#2e7d32"),
    "at_risk": colors.HexColor("#f9a825"),
    "delayed": colors.HexColor("#e65100"),
    "stopped": colors.HexColor("#b71c1c"),
}
STYLES = getSampleStyleSheet()
H1 = ParagraphStyle("H1", parent=STYLES["Heading1"], fontSize=16)
H2 = ParagraphStyle("H2", parent=STYLES["Heading2"], fontSize=12)
BODY = STYLES["BodyText"]
SMALL = ParagraphStyle("Small", parent=BODY, fontSize=8, leading=10)
TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3ecf4")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _date(iso: str | None) -> str:
    return datetime.date.fromisoformat(iso).strftime("%d.%m.%Y") if iso else "–"


def _euro(value: float) -> str:
    text = f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} €"


def _p(text, style=BODY) -> Paragraph:
    return Paragraph(escape(str(text)), style)


class ReportDocument(BaseDocTemplate):
    def __init__(self, stream, title: str):
        super().__init__(
            stream,
            pagesize=A4,
            title=title,
            author="Smart City Dortmund Schwerte",
            leftMargin=2 * cm,
            rightMargin=2 * cm,
            topMargin=2 * cm,
            bottomMargin=2 * cm,
            lang="de-DE",
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="main")
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[frame]),
                PageTemplate(id="body", frames=[frame], onPage=self._footer),
            ]
        )
        self.report_title = title

    def _footer(self, canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(self.leftMargin, 1.2 * cm, self.report_title)
        canvas.drawRightString(A4[0] - self.rightMargin, 1.2 * cm, f"Seite {doc.page}")
        canvas.restoreState()

    def afterFlowable(self, flowable):
        # Headings register themselves in the table of contents (and as PDF bookmarks).
        if isinstance(flowable, Paragraph) and flowable.style.name in ("H1", "H2"):
            level = 0 if flowable.style.name == "H1" else 1
            text = flowable.getPlainText()
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
            self.notify("TOCEntry", (level, text, self.page, key))


def _status_chart(figures) -> Drawing:
    fields = figures["by_field"]
    lights = list(figures["light_labels"])
    drawing = Drawing(17 * cm, max(4 * cm, 0.9 * cm * len(fields) + 2 * cm))
    chart = HorizontalBarChart()
    chart.x, chart.y = 5.5 * cm, 1.5 * cm
    chart.width, chart.height = 10 * cm, drawing.height - 2 * cm
    chart.data = [[field["counts"][light] for field in fields] or [0] for light in lights]
    chart.categoryAxis.categoryNames = [field["name"][:32] for field in fields] or [""]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.style = "stacked"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    for index, light in enumerate(lights):
        chart.bars[index].fillColor = LIGHT_COLOURS[light]
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 5.5 * cm, 0.6 * cm
    legend.alignment, legend.columnMaximum, legend.fontSize = "right", 1, 7
    legend.colorNamePairs = [
        (LIGHT_COLOURS[light], figures["light_labels"][light]) for light in lights
    ]
    drawing.add(legend)
    return drawing


def _budget_chart(figures) -> Drawing:
    entries = [entry for entry in figures["entries"] if entry["budget_planned"]]
    drawing = Drawing(17 * cm, max(4 * cm, 0.5 * cm * len(entries) + 2.5 * cm))
    chart = HorizontalBarChart()
    chart.x, chart.y = 4 * cm, 1.5 * cm
    chart.width, chart.height = 11.5 * cm, drawing.height - 2 * cm
    chart.data = [
        [entry["budget_planned"] for entry in entries] or [0],
        [entry["budget_spent"] for entry in entries] or [0],
    ]
    chart.categoryAxis.categoryNames = [
        (entry["project"]["code"] or entry["project"]["title"])[:24] for entry in entries
    ] or [""]
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 6
    chart.bars[0].fillColor = colors.HexColor("#90caf9")
    chart.bars[1].fillColor = colors.HexColor("#00568f")
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 4 * cm, 0.6 * cm
    legend.alignment, legend.columnMaximum, legend.fontSize = "right", 1, 7
    legend.colorNamePairs = [
        (chart.bars[0].fillColor, "geplant"),
        (chart.bars[1].fillColor, "ausgegeben"),
    ]
    drawing.add(legend)
    return drawing


def _milestone_chart(figures) -> Drawing:
    rows = figures.get("milestone_timeline", [])
    drawing = Drawing(17 * cm, 7 * cm)
    chart = VerticalBarChart()
    chart.x, chart.y = 1.5 * cm, 2 * cm
    chart.width, chart.height = 15 * cm, 4.5 * cm
    keys = [
        ("on_time", "termingerecht", LIGHT_COLOURS["on_track"]),
        ("late", "verspätet", LIGHT_COLOURS["delayed"]),
        ("open", "offen", colors.HexColor("#9e9e9e")),
    ]
    chart.data = [[row[key] for row in rows] or [0] for key, _label, _colour in keys]
    chart.categoryAxis.categoryNames = [row["quarter"] for row in rows] or [""]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 45
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    for index, (_key, _label, colour) in enumerate(keys):
        chart.bars[index].fillColor = colour
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 1.5 * cm, 0.3 * cm
    legend.alignment, legend.columnMaximum, legend.fontSize = "right", 1, 7
    legend.colorNamePairs = [(colour, label) for _key, label, colour in keys]
    drawing.add(legend)
    return drawing


def _table(header, rows, widths=None) -> Table:
    data = [[_p(cell, SMALL) for cell in header]] + [
        [_p(cell, SMALL) for cell in row] for row in rows
    ]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return table


def _summary(figures) -> list:
    totals = figures["totals"]
    labels = figures["light_labels"]
    rows = [["Projekte im Bericht", totals["projects"]]]
    rows += [[f"davon {labels[light]}", count] for light, count in totals["by_light"].items()]
    rows += [
        ["Durchschnittlicher Fortschritt", f"{totals['average_progress']} %"],
        ["Budget geplant", _euro(totals["budget_planned"])],
        ["Budget ausgegeben", _euro(totals["budget_spent"])],
        ["Budgetausschöpfung", f"{totals['budget_use_percent']} %"],
        ["Fällige Meilensteine", totals["milestones_due"]],
        ["davon termingerecht", totals["milestones_on_time"]],
        ["Verzug insgesamt (Tage)", totals["slippage_days"]],
    ]
    return [
        Paragraph("Zusammenfassung", H1),
        _table(["Kennzahl", "Wert"], rows, [9 * cm, 6 * cm]),
        Spacer(1, 0.5 * cm),
        Paragraph("Stand der Projekte je Handlungsfeld", H2),
        _status_chart(figures),
        Paragraph("Meilensteine im Zeitverlauf", H2),
        _milestone_chart(figures),
        Paragraph("Budget je Projekt", H2),
        _budget_chart(figures),
    ]


def _entry(entry) -> list:
    project = entry["project"]
    title = f"{project['code']} {project['title']}".strip()
    story = [
        Paragraph(escape(title), H2),
        _table(
            ["Fortschritt", "Ampel", "Begründung"],
            [[f"{entry['progress']} %", entry["traffic_light_label"], entry["reason"] or "–"]],
            [3 * cm, 3 * cm, 11 * cm],
        ),
    ]
    if entry["narrative"]:
        story.append(_p(entry["narrative"]))
    if entry["milestones"]:
        story.append(
            _table(
                ["Meilenstein", "geplant", "erreicht", "Verzug (Tage)"],
                [
                    [m["title"], _date(m["planned"]), _date(m["actual"]), m["slippage_days"]]
                    for m in entry["milestones"]
                ],
                [8 * cm, 3 * cm, 3 * cm, 3 * cm],
            )
        )
    if entry["budget"]:
        story.append(
            _table(
                ["Finanzierungsquelle", "geplant", "ausgegeben"],
                [
                    [line["source"], _euro(line["planned"]), _euro(line["spent"])]
                    for line in entry["budget"]
                ],
                [9 * cm, 4 * cm, 4 * cm],
            )
        )
    if entry["indicators"]:
        story.append(
            _table(
                ["Kennzahl", "Wert", "Ziel", "Stichtag"],
                [
                    [
                        i["name"],
                        i["value"] if i["value"] is not None else "–",
                        i["target"] if i["target"] is not None else "–",
                        _date(i["date"]),
                    ]
                    for i in entry["indicators"]
                ],
                [8 * cm, 3 * cm, 3 * cm, 3 * cm],
            )
        )
    measures = entry["new_measures"] + [
        f"aus dem Ideenpool: {idea}" for idea in entry.get("accepted_ideas", [])
    ]
    if measures:
        story.append(_p("Neue Maßnahmen: " + "; ".join(measures)))
    story.append(Spacer(1, 0.3 * cm))
    return story


def _changes(figures) -> list:
    changes = figures["changes"]
    story = [Paragraph("Veränderungen seit dem letzten Bericht", H1)]
    if not changes["previous"]:
        return story + [_p("Dies ist der erste Bericht; es gibt keinen Vergleich.")]
    rows = []
    for item in changes["items"]:
        title = f"{item['project']['code']} {item['project']['title']}".strip()
        if item["kind"] == "new":
            rows.append([title, "neu im Bericht", ""])
        else:
            rows.append(
                [
                    title,
                    f"{item['light_before']} → {item['light_after']}",
                    f"{item['progress_before']} % → {item['progress_after']} %",
                ]
            )
    story.append(_p(f"Verglichen mit: {changes['previous']['title']}"))
    if rows:
        story.append(_table(["Projekt", "Ampel", "Fortschritt"], rows, [8 * cm, 5 * cm, 4 * cm]))
    else:
        story.append(_p("Keine Veränderungen."))
    return story


def render_pdf(figures: dict) -> bytes:
    period, city = figures["period"], figures["city"]
    # the period's title names the report already ("Sachstandsbericht 2025")
    title = f"{period['title']} – {city['name']}"
    stream = io.BytesIO()
    document = ReportDocument(stream, title)
    cover_title = ParagraphStyle("Cover", parent=STYLES["Title"], fontSize=26, leading=32)
    version = figures.get("version")
    story = [
        Spacer(1, 6 * cm),
        Paragraph(escape("Sachstandsbericht Smart City"), cover_title),
        Paragraph(escape(f"{city['name']} · {period['title']}"), STYLES["Title"]),
        Spacer(1, 1 * cm),
        _p(f"Berichtszeitraum {_date(period['start_date'])} bis {_date(period['cut_off_date'])}"),
        _p(f"Fassung {version['number']}" if version else "Arbeitsstand, nicht veröffentlicht"),
        NextPageTemplate("body"),
        PageBreak(),
        Paragraph("<b>Inhalt</b>", STYLES["Title"]),
    ]
    toc = TableOfContents()
    toc.levelStyles = [
        ParagraphStyle("TOC1", fontName="Helvetica-Bold", fontSize=10, leading=14),
        ParagraphStyle("TOC2", fontName="Helvetica", fontSize=9, leading=12, leftIndent=14),
    ]
    story += [toc, PageBreak()]
    story += _summary(figures)
    by_id = {entry["project"]["id"]: entry for entry in figures["entries"]}
    for field in figures["by_field"]:
        story += [PageBreak(), Paragraph(escape(field["name"]), H1)]
        for pk in field["projects"]:
            story += _entry(by_id[pk])
    story += [PageBreak()] + _changes(figures)
    story += [
        Paragraph("Projektliste", H1),
        _table(
            ["Kennung", "Projekt", "Stadtbezirk", "Ampel", "Fortschritt"],
            [
                [
                    e["project"]["code"],
                    e["project"]["title"],
                    e["project"]["district"] or "stadtweit",
                    e["traffic_light_label"],
                    f"{e['progress']} %",
                ]
                for e in figures["entries"]
            ],
            [2 * cm, 7 * cm, 3 * cm, 2.5 * cm, 2.5 * cm],
        ),
    ]
    document.multiBuild(story)
    return stream.getvalue()
