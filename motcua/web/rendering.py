"""A form renderer that writes the common widgets (text inputs, hidden inputs, check boxes,
text areas, selects) in Python, with exactly the markup of Django's widget templates
(test_rendering holds the two equal); any other widget is rendered by the templates.

Django renders each widget, and each option of a select, through its template engine: on the
staff pages, with a dozen forms and their selects, that was a third of the page's CPU
(bench/pages.py). Here the same markup costs a few microseconds a widget."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape


def _s(value: Any) -> str:
    """The template filter stringformat:'s' (a plain str: escaped even when it was safe)."""
    return "%s" % (value,)  # noqa: UP031


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html"""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(_s(value))}"')
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html (text, hidden, checkbox, … include it)"""
    value = widget["value"]
    shown = f' value="{conditional_escape(_s(value))}"' if value is not None else ""
    return (f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>')


def _textarea(widget: dict[str, Any]) -> str:
    value = widget["value"]
    return (f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f'{conditional_escape(value) if value else ""}</textarea>')


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(f'\n  <option value="{conditional_escape(_s(option["value"]))}"'
                         f'{_attrs(option["attrs"])}>{conditional_escape(option["label"])}'
                         "</option>\n")  # the option template's own last line end
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _plain_select(widget: dict[str, Any]) -> str | None:
    """A select whose options use Django's option template (all of ours)."""
    if any(o["template_name"] != "django/forms/widgets/select_option.html"
           for _g, options, _i in widget["optgroups"] for o in options):
        return None
    return _select(widget)


FAST: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/hidden.html": _input,
    "django/forms/widgets/checkbox.html": _input,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _plain_select,
}


class FastWidgets(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        fast = FAST.get(template_name)
        if fast is not None and (html := fast(context["widget"])) is not None:
            return html
        return super().render(template_name, context, request)


# One for every form: a renderer keeps its template engine (and the templates it loaded).
FAST_WIDGETS = FastWidgets()
