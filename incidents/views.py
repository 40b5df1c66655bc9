"""(being written: every view here answers 404 until its page is built)"""

from django.http import Http404


def incident_list(request, *args, **kwargs):
    raise Http404


def report(request, *args, **kwargs):
    raise Http404


def my_reports(request, *args, **kwargs):
    raise Http404


def queue(request, *args, **kwargs):
    raise Http404


def to_dispatch(request, *args, **kwargs):
    raise Http404


def board(request, *args, **kwargs):
    raise Http404


def follow_up(request, *args, **kwargs):
    raise Http404


def detail(request, *args, **kwargs):
    raise Http404


def step(request, *args, **kwargs):
    raise Http404
