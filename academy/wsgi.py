import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")

application = get_wsgi_application()

# Everything loaded so far (Django, the URLconf, the apps' modules) lives as long as the
# process: frozen, the collector's full passes stop walking it on every request's garbage.
gc.collect()
gc.freeze()
