"""The shapes of the appointment API."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Schema


class OpeningHoursOut(Schema):
    weekday: int = Field(description="0 = Montag … 6 = Sonntag")
    opens: dt.time
    closes: dt.time
    counters: int = Field(description="Gleichzeitige Termine in dieser Zeit")

    @staticmethod
    def resolve_counters(obj) -> int:
        return obj.counters or obj.office.counters


class OfficeOut(Schema):
    id: int
    city: str
    slug: str
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    counters: int
    slot_minutes: int
    opening_hours: list[OpeningHoursOut]

    @staticmethod
    def resolve_city(obj) -> str:
        return obj.city.slug

    @staticmethod
    def resolve_opening_hours(obj):
        return list(obj.opening_hours.all())


class ServiceOut(Schema):
    id: int
    city: str
    slug: str
    name: str
    description: str
    duration_minutes: int
    documents: list[str]
    offices: list[int]

    @staticmethod
    def resolve_city(obj) -> str:
        return obj.city.slug

    @staticmethod
    def resolve_documents(obj) -> list[str]:
        return obj.document_list()

    @staticmethod
    def resolve_offices(obj) -> list[int]:
        return [office.pk for office in obj.offices.all()]


class SlotOut(Schema):
    office: int
    start: dt.datetime
    end: dt.datetime
    free: int


class SlotList(Schema):
    service: int
    results: list[SlotOut]


class HoldIn(Schema):
    service: int
    office: int
    start: dt.datetime


class HoldOut(Schema):
    token: str
    office: int
    start: dt.datetime
    expires_at: dt.datetime


class BookingIn(Schema):
    name: str = Field(max_length=150)
    email: str = Field(max_length=254)
    hold: str | None = Field(
        None, description="Token einer Reservierung; sonst service/office/start"
    )
    service: int | None = None
    office: int | None = None
    start: dt.datetime | None = None


class BookingOut(Schema):
    code: str
    status: str
    service: int
    office: int
    start: dt.datetime
    end: dt.datetime
    counter: int
    name: str
    email: str

    @staticmethod
    def resolve_service(obj) -> int:
        return obj.service_id

    # Local time with its offset, like the slot list, so apps show what the office shows.
    @staticmethod
    def resolve_start(obj):
        return timezone.localtime(obj.start)

    @staticmethod
    def resolve_end(obj):
        return timezone.localtime(obj.end)

    @staticmethod
    def resolve_office(obj) -> int:
        return obj.office_id


class BookingCreated(BookingOut):
    key: str = Field(description="Geheimer Schlüssel zum Absagen/Verschieben; nur jetzt sichtbar")


class KeyIn(Schema):
    key: str


class MoveIn(Schema):
    key: str
    office: int
    start: dt.datetime


class PageMeta(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None


class ServicePage(PageMeta):
    results: list[ServiceOut]


class OfficePage(PageMeta):
    results: list[OfficeOut]
