"""Shapes of the portfolio API."""

import datetime

from ninja import Field, Schema

from smartcity.portfolio.models import PartnerRole


class ActionFieldOut(Schema):
    id: int
    slug: str
    name: str
    order: int
    colour: str
    icon: str
    strategy: str = Field(..., alias="strategy.slug")


class PartnerRoleOut(Schema):
    slug: str = Field(..., alias="partner.slug")
    name: str = Field(..., alias="partner.name")
    role: str


class MilestoneOut(Schema):
    title: str
    planned_date: datetime.date | None
    actual_date: datetime.date | None


class IndicatorValueOut(Schema):
    date: datetime.date
    value: float


class IndicatorOut(Schema):
    name: str
    unit: str
    baseline: float | None
    target: float | None
    target_date: datetime.date | None
    values: list[IndicatorValueOut] = Field(..., alias="values.all")


class ProjectOut(Schema):
    id: int
    code: str
    slug: str
    title: str
    summary: str
    description: str
    kind: str
    status: str
    review: str
    cities: list[str]
    action_fields: list[str]
    start_date: datetime.date | None
    end_date: datetime.date | None
    budget_eur: float | None
    funding_source: str
    lead_department: str
    contact_name: str
    contact_email: str
    location: dict | None
    city_wide: bool
    district: str | None
    tags: list[str]
    partners: list[PartnerRoleOut]
    milestones: list[MilestoneOut]
    indicators: list[IndicatorOut]
    url: str
    is_demo: bool
    updated_at: datetime.datetime

    @staticmethod
    def resolve_cities(project):
        return [city.slug for city in project.cities.all()]

    @staticmethod
    def resolve_action_fields(project):
        return [field.slug for field in project.action_fields.all()]

    @staticmethod
    def resolve_district(project):
        return project.district.slug if project.district else None

    @staticmethod
    def resolve_tags(project):
        return [tag.name for tag in project.tags.all()]

    @staticmethod
    def resolve_partners(project):
        return list(project.partner_roles.all())

    @staticmethod
    def resolve_milestones(project):
        return list(project.milestones.all())

    @staticmethod
    def resolve_indicators(project):
        return list(project.indicators.all())

    @staticmethod
    def resolve_url(project, context):
        from smartcity.portfolio.services.mapindex import project_url

        cities = project.cities.all()
        path = project_url(project, cities[0].slug if cities else None)
        return context["request"].build_absolute_uri(path)


class PartnerOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    website: str
    description: str
    member_since: datetime.date | None
    founding_member: bool
    expert_teams: list[str]
    projects: list[str]
    is_demo: bool

    @staticmethod
    def resolve_expert_teams(partner):
        return [team.slug for team in partner.expert_teams.all()]

    @staticmethod
    def resolve_projects(partner):
        return [
            role.project.slug
            for role in partner.project_roles.all()
            if role.project.review == "published"
        ]


class PlaceOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    city: str = Field(..., alias="city.slug")
    description: str
    address: str
    location: dict
    district: str | None
    opening_hours: str
    contact_email: str
    contact_phone: str
    website: str
    is_demo: bool

    @staticmethod
    def resolve_district(place):
        return place.district.slug if place.district else None


class PartnerRoleIn(Schema):
    partner: str
    role: PartnerRole = PartnerRole.PARTNER


class ProjectIn(Schema):
    code: str = ""
    title: str = Field(..., min_length=1, max_length=200)
    summary: str = Field(..., min_length=1, max_length=600)
    description: str = ""
    kind: str = "city"
    status: str = "planned"
    cities: list[str] = Field(..., min_length=1)
    action_fields: list[str] = []
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    budget_eur: float | None = None
    funding_source: str = ""
    lead_department: str = ""
    contact_name: str = ""
    contact_email: str = ""
    location: dict | None = None
    tags: list[str] = []
    partners: list[PartnerRoleIn] = []


class ProjectPatch(Schema):
    code: str | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = Field(None, min_length=1, max_length=600)
    description: str | None = None
    kind: str | None = None
    status: str | None = None
    cities: list[str] | None = None
    action_fields: list[str] | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    budget_eur: float | None = None
    funding_source: str | None = None
    lead_department: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    location: dict | None = None
    tags: list[str] | None = None
    partners: list[PartnerRoleIn] | None = None
