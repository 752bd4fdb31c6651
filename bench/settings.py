"""Settings for benchmarks: the service's own settings, with the bench URLconf on top.

``ROOT_URLCONF`` adds the hand-written comparison views next to ``iqama.urls``. Everything
else, including the database (``DATABASE_URL``), comes from ``iqama.settings`` unchanged.
"""

from iqama.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
