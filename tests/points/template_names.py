"""The contract between a view and its template: every list a template loops over must be in the context.

A ``{% for x in name %}`` over a name the view never passes renders as an empty loop (the ``{% empty %}`` text)
without an error, so a page can say "no household" for a grid of 32 while the test that only POSTs passes.
``missing_loop_names(response)`` lists the names a rendered template always loops over (outside any ``{% if %}``)
that neither the context nor the template itself (loop variables, ``with``, ``… as name``) provides.
"""

from __future__ import annotations

from django.template import Template
from django.template.base import Node
from django.template.defaulttags import ForNode, IfNode, WithNode
from django.template.loader_tags import IncludeNode

GLOBAL_NAMES = {"forloop", "True", "False", "None", "block"}


def _nodes(node_or_list, *, into_if: bool = True):
    for node in node_or_list:
        yield node
        if isinstance(node, IfNode):
            if into_if:
                for _condition, nodelist in node.conditions_nodelists:
                    yield from _nodes(nodelist or [], into_if=into_if)
            continue
        for attr in getattr(node, "child_nodelists", ()):
            yield from _nodes(getattr(node, attr, None) or [], into_if=into_if)


def _root(filter_expression) -> str | None:
    var = getattr(filter_expression, "var", None)
    lookups = getattr(var, "lookups", None)
    return lookups[0] if lookups else None


def _bound_names(nodes: list[Node]) -> set[str]:
    names = set()
    for node in nodes:
        if isinstance(node, ForNode):
            names.update(node.loopvars)
        elif isinstance(node, WithNode):
            names.update(node.extra_context)
        elif isinstance(node, IncludeNode):
            names.update(node.extra_context)
        for attr in (
            "asvar",
            "var_name",
            "target_var",
        ):  # {% translate … as x %}, {% regroup … as x %}, {% url … as x %}
            value = getattr(node, attr, None)
            if isinstance(value, str):
                names.add(value)
    return names


def loop_names(template: Template) -> set[str]:
    """The root names of the sequences the template's own ``{% for %}`` tags always loop over (not those under an
    ``{% if %}``, which may be for another kind of user), less the names the template binds itself."""
    always = list(_nodes(template.nodelist, into_if=False))
    wanted = {_root(n.sequence) for n in always if isinstance(n, ForNode)} - {None}
    return wanted - _bound_names(list(_nodes(template.nodelist))) - GLOBAL_NAMES


def missing_loop_names(response) -> dict[str, set[str]]:
    """{template name: names looped over but given by nobody} for every template the response rendered."""
    context_keys: set[str] = set()
    for context in response.context or []:
        for layer in context.dicts:
            context_keys.update(layer)
    missing = {}
    for template in response.templates:
        names = loop_names(template) - context_keys
        if names:
            missing[template.name] = names
    return missing
