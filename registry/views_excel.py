"""Excel import and export of households (being built)."""

from django.http import HttpResponse


def import_households(request):
    return HttpResponse(status=501)


def import_template(request):
    return HttpResponse(status=501)


def export_households(request):
    return HttpResponse(status=501)
