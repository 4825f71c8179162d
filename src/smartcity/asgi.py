import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcity.settings")

# Django's request cycle in sync mode, one thread hop per request (see core/asgi_handler.py).
from smartcity.core.asgi_handler import get_asgi_application  # noqa: E402

application = get_asgi_application()

# Lean public read endpoints (e.g. the defect form's duplicate hint) are answered before
# Django's middleware chain, on the same request threads (core/lean.py).
from smartcity.core import lean  # noqa: E402 - needs the set-up above

application = lean.wrap(application)

# Single-Observation POSTs are stored in groups before Django's request cycle (sensors app).
from smartcity.sensors.sta.ingest import wrap  # noqa: E402 - needs the set-up above

application = wrap(application)
