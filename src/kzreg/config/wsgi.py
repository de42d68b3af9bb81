"""WSGI entry point for the web server started by `kzreg up`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
application = get_wsgi_application()
