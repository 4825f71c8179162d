from smartcity.portfolio.models.mapindex import MapEntry, MapEntryKey, MapFragment
from smartcity.portfolio.models.media import ProjectChange, ProjectImage, ProjectLink
from smartcity.portfolio.models.organisations import (
    ExpertTeam,
    Partner,
    PartnerKind,
    PartnerRole,
    ProjectPartner,
)
from smartcity.portfolio.models.places import Place, PlaceKind
from smartcity.portfolio.models.programme import (
    ActionField,
    Indicator,
    IndicatorValue,
    Milestone,
    Project,
    ProjectKind,
    ProjectStatus,
    Review,
    Strategy,
    Tag,
)

__all__ = [
    "ActionField",
    "ExpertTeam",
    "Indicator",
    "IndicatorValue",
    "MapEntry",
    "MapEntryKey",
    "MapFragment",
    "Milestone",
    "Partner",
    "PartnerKind",
    "PartnerRole",
    "Place",
    "PlaceKind",
    "Project",
    "ProjectChange",
    "ProjectImage",
    "ProjectKind",
    "ProjectLink",
    "ProjectPartner",
    "ProjectStatus",
    "Review",
    "Strategy",
    "Tag",
]
