"""Settings of the gunicorn that bench/bench_load.py starts: the production settings, as
``make prod-local`` uses them on plain http, with the URL conf that adds the floor views."""

from kejiju.settings_production import *  # noqa: F401,F403

ROOT_URLCONF = "floor_urls"
