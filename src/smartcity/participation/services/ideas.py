"""The idea pool: submit (confirmed by link), workflow with answers, supports."""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.core import search
from smartcity.core.services import district_for_point
from smartcity.participation.models import (
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    IdeaSupport,
    ModerationDecision,
)
from smartcity.participation.models.ideas import ALLOWED_TRANSITIONS
from smartcity.participation.sanitise import render_text
from smartcity.participation.services import Refused, limits, notify

CONFIRM_SALT = "participation.idea-confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def purge_unconfirmed() -> int:
    """Periodic job: an idea whose confirmation link has expired unused is deleted with its
    image (it never entered review and nobody else has seen it)."""
    cutoff = timezone.now() - timedelta(seconds=CONFIRM_MAX_AGE)
    stale = Idea.objects.filter(status=IdeaStatus.UNCONFIRMED, created_at__lt=cutoff)
    deleted = 0
    for idea in stale.iterator():
        if idea.image:
            idea.image.delete(save=False)
        idea.delete()
        deleted += 1
    return deleted


def submit(city, data: dict, image=None, user=None, address=None) -> Idea:
    """``data``: title, description, email, consent, optional name, action_field,
    longitude/latitude. Raises ValidationError naming the fields."""
    errors: dict[str, list[str]] = {}
    title = (data.get("title") or "").strip()
    description = (data.get("description") or "").strip()
    email = (data.get("email") or "").strip()
    if not title:
        errors["title"] = [_("Bitte einen Titel angeben.")]
    elif len(title) > 150:
        errors["title"] = [_("Der Titel ist zu lang (höchstens 150 Zeichen).")]
    if not description:
        errors["description"] = [_("Bitte die Idee beschreiben.")]
    elif len(description) > 5000:
        errors["description"] = [_("Die Beschreibung ist zu lang (höchstens 5000 Zeichen).")]
    if not email or "@" not in email or len(email) > 254:
        errors["email"] = [_("Bitte eine gültige E-Mail-Adresse angeben.")]
    if not data.get("consent"):
        errors["consent"] = [_("Bitte stimmen Sie dem Datenschutzhinweis zu.")]
    lon, lat = data.get("longitude"), data.get("latitude")
    if (lon is None) != (lat is None):
        errors["location"] = [_("Bitte Länge und Breite angeben oder keinen Ort.")]
    elif lon is not None and not (-180 <= float(lon) <= 180 and -90 <= float(lat) <= 90):
        errors["location"] = [_("Länge oder Breite liegt außerhalb des gültigen Bereichs.")]
    elif lon is not None and not city.contains(float(lon), float(lat)):
        errors["location"] = [_("Der Ort liegt nicht in %(city)s.") % {"city": city.name}]
    if image is not None:
        from smartcity.portfolio.images import clean_image

        try:
            image = clean_image(image)
        except ValidationError as error:
            errors["image"] = error.messages
    if errors:
        raise ValidationError(errors)
    limits.check("idea", user, address)
    with transaction.atomic():
        idea = Idea(
            city=city,
            title=title,
            description=description,
            description_html=render_text(description),
            action_field=data.get("action_field"),
            submitter_name=(data.get("name") or "").strip()[:120],
            submitter_email=email,
            submitted_by=user if user is not None and user.is_authenticated else None,
            consent_at=timezone.now(),
            search_text=search.normalise(f"{title} {description}"),
        )
        if lon is not None:
            idea.longitude, idea.latitude = float(lon), float(lat)
            idea.district = district_for_point(city, idea.longitude, idea.latitude)
        if image is not None:
            idea.image = image
        idea.save()
        token = signing.dumps({"i": idea.pk}, salt=CONFIRM_SALT)
        link = reverse("participation:idea_confirm", kwargs={"token": token})
        body = _(
            "Danke für Ihre Idee „%(title)s“. Bitte bestätigen Sie Ihre E-Mail-Adresse, "
            "damit wir sie prüfen können:\n\n%(link)s\n"
        ) % {"title": title, "link": link}
        transaction.on_commit(
            lambda: notify.email_address(email, _("Bitte bestätigen Sie Ihre Idee"), body)
        )
    return idea


def confirm(token: str) -> Idea | None:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    with transaction.atomic():
        idea = Idea.objects.select_for_update().filter(pk=data.get("i")).first()
        if idea is not None and idea.status == IdeaStatus.UNCONFIRMED:
            idea.status = IdeaStatus.RECEIVED
            idea.confirmed_at = timezone.now()
            idea.save(update_fields=["status", "confirmed_at"])
    return idea


def change_status(
    user, idea: Idea, status: str, answer: str = "", project=None, merged_into: Idea | None = None
) -> Idea:
    if not user.has_perm("participation.manage_ideas", idea.city):
        raise Refused("not_allowed", _("Dafür fehlt Ihnen die Berechtigung."))
    if status not in ALLOWED_TRANSITIONS.get(idea.status, set()):
        raise ValidationError(
            {
                "status": [
                    _("Von „%(old)s“ geht es nicht nach „%(new)s“.")
                    % {"old": idea.get_status_display(), "new": IdeaStatus(status).label}
                ]
            }
        )
    if status == IdeaStatus.ACCEPTED and project is None:
        raise ValidationError({"project": [_("Bitte das Projekt angeben.")]})
    if status == IdeaStatus.MERGED and (merged_into is None or merged_into.pk == idea.pk):
        raise ValidationError({"merged_into": [_("Bitte die andere Idee angeben.")]})
    if status == IdeaStatus.DECLINED and not answer.strip():
        raise ValidationError({"answer": [_("Bitte eine Begründung angeben.")]})
    with transaction.atomic():
        IdeaStatusChange.objects.create(
            idea=idea, from_status=idea.status, to_status=status, answer=answer, changed_by=user
        )
        ModerationDecision.objects.create(
            city=idea.city,
            idea=idea,
            moderator=user,
            action=ModerationDecision.Action.STATUS,
            reason=f"{status}: {answer}"[:500],
        )
        idea.status = status
        if answer.strip():
            idea.public_answer = answer.strip()
        if project is not None:
            idea.project = project
        if merged_into is not None:
            idea.merged_into = merged_into
        idea.save()
        body = _("Ihre Idee „%(title)s“ hat einen neuen Status: %(status)s.\n\n%(answer)s\n") % {
            "title": idea.title,
            "status": idea.get_status_display(),
            "answer": answer,
        }
        address = idea.submitter_email
        transaction.on_commit(
            lambda: notify.email_address(address, _("Neuigkeiten zu Ihrer Idee"), body)
        )
    return idea


def support(user, idea: Idea, address=None) -> bool:
    """+1, once per account; False when already supported."""
    from smartcity.participation.services.comments import require

    require(user, "participation.contribute", idea.city)
    if not idea.is_public:
        raise Refused("not_public", _("Diese Idee ist nicht öffentlich."), 404)
    limits.check("support", user, address)
    try:
        with transaction.atomic():
            IdeaSupport.objects.create(idea=idea, user=user)
            Idea.objects.filter(pk=idea.pk).update(supports_count=F("supports_count") + 1)
    except IntegrityError:
        return False
    return True


def public_ideas(city, q: str = "", status: str = ""):
    ideas = Idea.objects.published().select_related("action_field", "district")
    if city is not None:
        ideas = ideas.filter(city=city)
    for term in search.query_terms(q):
        ideas = ideas.filter(search_text__contains=term)
    if status:
        ideas = ideas.filter(status=status)
    return ideas
