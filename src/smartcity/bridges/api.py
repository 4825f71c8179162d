"""JSON endpoints of the bridges capability under /api/v1/."""

from ninja import Router

router = Router(tags=["bridges"])
