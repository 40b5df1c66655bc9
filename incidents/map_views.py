"""(being written: every view here answers 404 until its page is built)"""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def incident_map(request, *args, **kwargs):
    raise Http404


def incident_geojson(request, *args, **kwargs):
    raise Http404
