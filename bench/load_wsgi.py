"""The WSGI application of the load benchmark: the portal, and beside it the floor views under
``/floor/`` served through Django's default middleware only (the list of ``startproject``), so
that the floor carries none of the portal's own middleware (idle timeout, password expiry,
lockout, change history, static files)."""

import os

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "load_settings")

DJANGO_DEFAULT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


class FloorHandler(WSGIHandler):
    def load_middleware(self, is_async=False):
        portal_middleware = settings.MIDDLEWARE
        settings.MIDDLEWARE = DJANGO_DEFAULT_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = portal_middleware


portal = get_wsgi_application()
floor = FloorHandler()


def application(environ, start_response):
    handler = floor if environ.get("PATH_INFO", "").startswith("/floor/") else portal
    return handler(environ, start_response)
