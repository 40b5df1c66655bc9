"""(being written: every view here answers 404 until its page is built)"""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def matter_list(request, *args, **kwargs):
    raise Http404


def matter_create(request, *args, **kwargs):
    raise Http404


def matter_edit(request, *args, **kwargs):
    raise Http404


def matter_retire(request, *args, **kwargs):
    raise Http404


def matter_readmit(request, *args, **kwargs):
    raise Http404


def department_list(request, *args, **kwargs):
    raise Http404


def department_create(request, *args, **kwargs):
    raise Http404


def department_edit(request, *args, **kwargs):
    raise Http404


def rule_list(request, *args, **kwargs):
    raise Http404


def rule_create(request, *args, **kwargs):
    raise Http404


def rule_edit(request, *args, **kwargs):
    raise Http404


def rule_delete(request, *args, **kwargs):
    raise Http404
