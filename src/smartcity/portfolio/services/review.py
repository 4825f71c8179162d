"""Partner submissions: submit, ask for changes, accept, decline — with notifications."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from smartcity.accounts.models import Membership
from smartcity.accounts.roles import Role
from smartcity.core.tasks import send_email_later
from smartcity.portfolio.models import PartnerRole, Project, ProjectImage, ProjectPartner, Review
from smartcity.portfolio.services.history import record_change


class ReviewError(ValueError):
    pass


def editor_emails(project) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                city__in=project.cities.all(), role__in=(Role.EDITOR, Role.ADMIN)
            ).values_list("user__email", flat=True)
        )
    )


def _notify(recipients, subject, body):
    recipients = [address for address in recipients if address]
    if recipients:
        transaction.on_commit(lambda: send_email_later(subject, body, recipients))


def save_submission(form, user) -> Project:
    """Create or update a submitted project from a valid SubmissionForm; all or nothing:
    when anything fails, the rows are rolled back and the image files written so far are
    deleted again; removed images lose their files only once the change is committed."""
    written = []
    try:
        with transaction.atomic():
            return _save_submission(form, user, written)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def _save_submission(form, user, written) -> Project:
    project = form.save(commit=False)
    is_new = project.pk is None
    if is_new:
        project.submitted_by = user
    project.location = form.location()
    project.city_wide = project.location is None
    project.review = Review.SUBMITTED
    project.save()
    project.cities.set([form.cleaned_data["city"]])
    project.action_fields.set(form.cleaned_data["action_fields"])
    chosen = set(form.cleaned_data.get("partners") or [])
    project.partner_roles.exclude(partner__in=chosen).delete()
    for partner in chosen:
        ProjectPartner.objects.get_or_create(
            project=project, partner=partner, defaults={"role": PartnerRole.PARTNER}
        )
    for image in form.cleaned_data.get("remove_images") or []:
        name = image.image.name
        image.delete()
        transaction.on_commit(lambda name=name: default_storage.delete(name))
    order = max(project.images.values_list("order", flat=True), default=0)
    for number, fields in enumerate(form.new_images, start=1):
        image = ProjectImage(project=project, order=order + number, **fields)
        image.image.save(fields["image"].name, fields["image"], save=False)
        written.append(image.image.name)
        image.save()
    changed = list(form.changed_data)
    record_change(
        project,
        user,
        _("eingereicht") if is_new else _("überarbeitet eingereicht"),
        changed,
    )
    _notify(
        editor_emails(project),
        _("Neues Projekt zur Prüfung: %s") % project.title,
        _("Ein Partner hat ein Projekt eingereicht. Prüfen: %s")
        % reverse("portfolio:review", kwargs={"pk": project.pk}),
    )
    return project


@transaction.atomic
def decide(project, editor, decision: str, note: str = "") -> Project:
    if project.review not in (Review.SUBMITTED, Review.CHANGES_REQUESTED):
        raise ReviewError(_("Dieses Projekt wartet nicht auf eine Prüfung."))
    note = (note or "").strip()
    if decision in ("changes", "decline") and not note:
        raise ReviewError(_("Bitte begründen Sie Ihre Entscheidung."))
    states = {
        "accept": Review.PUBLISHED,
        "changes": Review.CHANGES_REQUESTED,
        "decline": Review.DECLINED,
    }
    if decision not in states:
        raise ReviewError(_("Unbekannte Entscheidung."))
    project.review = states[decision]
    project.review_note = note
    project.save()
    label = {
        "accept": _("angenommen und veröffentlicht"),
        "changes": _("Änderungen erbeten"),
        "decline": _("abgelehnt"),
    }[decision]
    record_change(project, editor, label, ["review"])
    if project.submitted_by_id:
        body = _("Ihr Projekt „%(title)s“ wurde %(label)s.") % {
            "title": project.title,
            "label": label,
        }
        if note:
            body += "\n\n" + note
        if decision == "changes":
            body += "\n\n" + _("Bearbeiten: %s") % reverse(
                "portfolio:submission_edit", kwargs={"pk": project.pk}
            )
        _notify([project.submitted_by.email], _("Ihr Projekt: %s") % label, body)
    return project
