"""WSGI entry point for the web server started by `kzreg up`.

RDAP (`/rdap/…`) bypasses Django's middleware stack through `kzreg.rdap.handler` (its speed target);
every other path is Django's ordinary handler.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
django_application = get_wsgi_application()

from kzreg.rdap.handler import RdapDispatcher  # noqa: E402  (needs the apps loaded above)

application = RdapDispatcher(django_application)
