"""(being written: every view here answers 404 until its page is built)"""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def kpi(request, *args, **kwargs):
    raise Http404


def kpi_xlsx(request, *args, **kwargs):
    raise Http404


def assessment(request, *args, **kwargs):
    raise Http404


def assessment_xlsx(request, *args, **kwargs):
    raise Http404
