import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcity.settings")
application = get_asgi_application()

# Single-Observation POSTs are stored in groups before Django's request cycle (sensors app).
from smartcity.sensors.sta.ingest import wrap  # noqa: E402 - needs the set-up above

application = wrap(application)
