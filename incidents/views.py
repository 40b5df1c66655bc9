"""Pages of the incident loop (being built: see incidents/urls.py)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def detail(request, pk):
    raise Http404
