"""Photo review: release, hide, or black out regions before a photo becomes public."""

from django.db import transaction

from smartcity.defects import photos as photo_intake
from smartcity.defects.errors import ReportInvalid
from smartcity.defects.models import Event, Photo


def _invalid(field, message):
    return ReportInvalid({field: [message]})


@transaction.atomic
def review_photo(photo: Photo, actor, *, approve: bool, boxes=None) -> Photo:
    """Approve (optionally after blacking out faces or number plates) or hide a photo."""
    if boxes:
        photo.image.open("rb")
        try:
            data = photo.image.read()
        finally:
            photo.image.close()
        try:
            image, thumb = photo_intake.black_out(data, boxes)
        except photo_intake.PhotoError as error:
            raise _invalid("boxes", str(error)) from error
        old = [photo.image.name, photo.thumbnail.name]
        new_image, new_thumb = photo_intake.content_files(image, thumb)
        photo.image.save(new_image.name, new_image, save=False)
        photo.thumbnail.save(new_thumb.name, new_thumb, save=False)
        storage = photo.image.storage
        transaction.on_commit(lambda: [storage.delete(name) for name in old])
    photo.review = Photo.Review.APPROVED if approve else Photo.Review.HIDDEN
    photo.save()
    Event.objects.create(report=photo.report, kind=Event.Kind.PHOTO, actor=actor)
    return photo
