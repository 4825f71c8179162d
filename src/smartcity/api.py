"""The platform's JSON API at /api/v1/: one NinjaAPI, each capability adds its router."""

from ninja import NinjaAPI, Swagger

from smartcity.appointments.api import router as appointments_router
from smartcity.bridges.api import router as bridges_router
from smartcity.core import api_errors
from smartcity.core.api import router as core_router
from smartcity.defects.api import router as defects_router
from smartcity.news.api import router as news_router
from smartcity.opendata.api import router as opendata_router
from smartcity.participation.api import router as participation_router
from smartcity.portfolio.api import router as portfolio_router
from smartcity.reporting.api import router as reporting_router
from smartcity.schools.api import router as schools_router
from smartcity.sensors.api import router as sensors_router

api = NinjaAPI(
    title="Smart City Dortmund Schwerte API",
    version="1",
    description=(
        "Die JSON-Schnittstelle der Smart-City-Plattform. Schreibende Zugriffe brauchen ein "
        "API-Token: `Authorization: Bearer <token>`."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    # No validator badge: it would be fetched from a third-party host.
    docs=Swagger(settings={"validatorUrl": None}),
    openapi_url="/openapi.json",
)
api_errors.install(api)
api.add_router("/", core_router)
api.add_router("/", portfolio_router)
api.add_router("/", participation_router)
api.add_router("/", reporting_router)
api.add_router("/", sensors_router)
api.add_router("/", defects_router)
api.add_router("/", opendata_router)
api.add_router("/", appointments_router)
api.add_router("/", news_router)
api.add_router("/", bridges_router)
api.add_router("/", schools_router)
