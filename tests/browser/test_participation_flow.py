"""Participation clicked through in a real browser: comments, replies, rating, report,
moderation; an idea from a visitor without account, confirmed and accepted. axe on each page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, log_in
from tests.browser.test_accessibility import AXE, AXE_OPTIONS

pytestmark = pytest.mark.browser

CONFIRMATION_LINK = re.compile(r"https?://\S+/konto/confirm-email/\S+/")
IDEA_LINK = re.compile(r"/beteiligung/ideen/bestaetigen/[^/\s]+/")


def assert_accessible(page):
    results = AXE.run(page, options=AXE_OPTIONS).response
    assert results["passes"]
    violations = [(v["id"], [node["target"] for node in v["nodes"]]) for v in results["violations"]]
    assert not violations, violations


def queued_mails() -> str:
    from django_q.models import OrmQ

    return " ".join(str(task.task["args"]) for task in OrmQ.objects.all())


@pytest.fixture
def project(cities):
    from smartcity.portfolio.models import Project

    project = Project.objects.create(
        title="Smarte Laternen", summary="Licht nach Bedarf", review="published", slug="laternen"
    )
    project.cities.add(cities["dortmund"])
    return project


def make_user(name, role=None, city=None):
    from allauth.account.models import EmailAddress

    from smartcity.accounts.models import Membership, User

    user = User.objects.create_user(name, f"{name}@example.org", PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if role:
        Membership.objects.create(user=user, city=city, role=role)
    return user


def test_citizen_comments_rates_reports_and_moderator_hides(
    browser, live_server, cities, project, page, mailoutbox
):
    from smartcity.participation.models import CityParticipation, Comment, Rating
    from smartcity.participation.services import comments

    CityParticipation.objects.create(city=cities["dortmund"], report_threshold=1)
    other = make_user("max")
    comments.post(other, project, cities["dortmund"], "Das braucht niemand!")

    page.goto("/konto/signup/")
    form = page.locator("main form")
    form.locator("input[name=email]").fill("erika@example.org")
    form.locator("input[name=username]").fill("erika")
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    link = CONFIRMATION_LINK.search(mailoutbox[0].body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/konto/profil/$"))

    page.goto("/beteiligung/dortmund/projekte/laternen/")
    assert_accessible(page)
    page.get_by_label("Ihr Kommentar").fill("Gute Sache, <em>bitte</em> auch in Hörde.")
    page.get_by_role("button", name="Kommentar senden").click()
    expect(page.locator(".comment-body").last).to_contain_text("bitte auch in Hörde")

    own = page.locator(".comment", has_text="bitte auch in Hörde")
    own.locator("summary").click()
    own.get_by_label("Antworten").fill("Und in Aplerbeck.")
    own.get_by_role("button", name="Antwort senden").click()
    expect(page.locator(".comment-replies")).to_contain_text("Und in Aplerbeck.")

    # Keyboard only: focus the rating group, arrow to another value, submit.
    page.get_by_label("5 Sterne").focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("4 Sterne")).to_be_checked()
    page.get_by_role("button", name="Bewertung speichern").click()
    expect(page.locator("#bewertung")).to_contain_text("aus 1 Bewertung")
    assert Rating.objects.get().stars == 4

    foreign = page.locator(".comment", has_text="Das braucht niemand")
    foreign.locator("summary").click()
    foreign.get_by_label("Grund der Meldung").fill("unsachlich")
    foreign.get_by_role("button", name="Kommentar melden").click()
    expect(page.locator(".messages")).to_contain_text("Moderation")
    assert_accessible(page)

    reported = Comment.objects.get(body="Das braucht niemand!")
    moderator_context = browser.new_context(locale="de-DE", base_url=live_server.url)
    log_in(moderator_context, make_user("mod", "moderator", cities["dortmund"]), live_server)
    moderation = moderator_context.new_page()
    moderation.goto("/beteiligung/dortmund/moderation/")
    assert_accessible(moderation)
    moderation.get_by_label(f"Kommentar {reported.pk} auswählen").check()
    moderation.get_by_label("Entscheidung").select_option("hide")
    moderation.get_by_label("Öffentliche Begründung").fill("Bitte sachlich bleiben")
    moderation.get_by_role("button", name="Für Auswahl entscheiden").click()
    expect(moderation.locator(".messages")).to_contain_text("1 Entscheidung")
    moderation.goto("/beteiligung/dortmund/moderation/verlauf/")
    expect(moderation.locator("main table")).to_contain_text("Bitte sachlich bleiben")
    assert_accessible(moderation)
    moderator_context.close()
    # The author of the hidden comment learns of the decision in the inbox.
    author_context = browser.new_context(locale="de-DE", base_url=live_server.url)
    log_in(author_context, other, live_server)
    inbox = author_context.new_page()
    inbox.goto("/beteiligung/postfach/")
    expect(inbox.locator("main ul").first).to_contain_text("Ihr Kommentar wurde ausgeblendet")
    assert_accessible(inbox)
    author_context.close()

    page.goto("/beteiligung/dortmund/projekte/laternen/")
    expect(page.locator(".comment-hidden")).to_contain_text("Bitte sachlich bleiben")


def test_visitor_idea_confirmed_and_accepted_by_editor(browser, live_server, cities, project, page):
    from smartcity.participation.models import Idea

    page.goto("/dortmund/ideen/neu/")
    assert_accessible(page)
    page.get_by_label("Titel").fill("Bänke am Phoenix-See")
    page.get_by_label("Beschreibung").fill("Mehr Sitzplätze <script>alert(1)</script>")
    page.get_by_label("E-Mail für Rückmeldungen").fill("besucher@example.org")
    page.get_by_label("Ich habe den Datenschutzhinweis").check()
    page.wait_for_timeout(3200)  # the time trap: people take longer than bots
    page.get_by_role("button", name="Idee senden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fast geschafft")

    link = IDEA_LINK.search(queued_mails()).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("bestätigt")
    idea = Idea.objects.get()
    assert idea.status == "received" and "<script" not in idea.description_html

    editor_context = browser.new_context(locale="de-DE", base_url=live_server.url)
    log_in(editor_context, make_user("redaktion", "editor", cities["dortmund"]), live_server)
    editor = editor_context.new_page()
    editor.goto("/beteiligung/dortmund/moderation/ideen/")
    editor.get_by_role("link", name="Bänke am Phoenix-See").click()
    assert_accessible(editor)
    editor.get_by_label("Neuer Status").select_option("in_review")
    editor.get_by_role("button", name="Speichern und Einreichende benachrichtigen").click()
    editor.goto(f"/beteiligung/dortmund/moderation/ideen/{idea.pk}/")
    editor.get_by_label("Neuer Status").select_option("accepted")
    editor.get_by_label("Öffentliche Antwort").fill("Wir stellen zehn Bänke auf.")
    editor.get_by_label("Projekt").select_option(str(project.pk))
    editor.get_by_role("button", name="Speichern und Einreichende benachrichtigen").click()
    expect(editor.locator(".messages")).to_contain_text("gespeichert")
    editor_context.close()

    assert "Wir stellen zehn Bänke auf." in queued_mails()
    page.goto(f"/dortmund/ideen/{idea.pk}/")
    expect(page.locator("main")).to_contain_text("Wir stellen zehn Bänke auf.")
    expect(page.locator("main")).not_to_contain_text("besucher@example.org")
    assert_accessible(page)
    page.goto("/dortmund/ideen/")
    expect(page.get_by_role("link", name="Bänke am Phoenix-See")).to_be_visible()
    assert_accessible(page)
