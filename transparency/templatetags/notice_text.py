"""``{{ notice.body|notice_text }}``: the text with its tables (transparency.text); ``|notice_excerpt:240`` a
short plain excerpt."""

from django import template
from django.utils.text import Truncator

from transparency import text

register = template.Library()


@register.filter
def notice_text(value):
    return text.as_html(str(value or ""))


@register.filter
def notice_excerpt(value, length=240):
    return Truncator(text.plain(str(value or ""))).chars(int(length))
