from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.roles import Action
from core.views import require_action


@login_required
@require_action(Action.POWER_VIEW)
def home(request):
    return render(request, "powers/home.html")
