"""The installable app's part of every page (templates/base.html): ``{% pwa_head %}`` in <head> (the manifest,
theme colour, home-screen icon, the texts and the scripts of the offline queue and of photo reduction) and
``{% pwa_body_attrs %}`` on <body> (the longest photo side of the signed-in person's county, the signed-in user,
the page's CSRF token)."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html

from core.pwa import THEME_COLOR, photo_max_side, texts

register = template.Library()


@register.simple_tag(takes_context=True)
def pwa_head(context):
    # no request: a RequestContext would run every context processor again (the navigation, the unread count)
    return render_to_string("pwa/_head.html", {"theme_color": THEME_COLOR, "texts": texts()})


@register.simple_tag(takes_context=True)
def pwa_body_attrs(context):
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    return format_html(
        ' data-photo-max-side="{}" data-user="{}" data-csrf="{}"',
        photo_max_side(user if signed_in else None),
        user.pk if signed_in else "",
        context.get("csrf_token") or "",
    )
