"""JSON endpoints of the schools capability under /api/v1/."""

from ninja import Router

router = Router(tags=["schools"])
