"""The fast form renderer writes exactly what Django's widget templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.web.forms import DesignSystemForm
from motcua.web.rendering import FAST, FastWidgets

TEXT = st.text(alphabet=st.sampled_from('ab<>&"\' đĐ\n'), max_size=8)
ATTR = st.one_of(st.booleans(), TEXT, st.integers(-5, 5))


def widgets(value: str) -> list[tuple[forms.Widget, object]]:
    choices = [("", "—"), ("a", "A & B"), (1, mark_safe("<i>x</i>")), (value, value),
               ("Nhóm", [("g1", "G1"), ("g2", value)])]
    return [
        (forms.TextInput(), value), (forms.TextInput(attrs={"type": "search"}), None),
        (forms.TextInput(attrs={"type": "datetime-local"}), value),
        (forms.HiddenInput(), value), (forms.HiddenInput(), 12),
        (forms.CheckboxInput(), True), (forms.CheckboxInput(), False),
        (forms.Textarea(), value), (forms.Textarea(attrs={"rows": 2}), ""),
        (forms.Textarea(), mark_safe("<b>safe</b>")),
        (forms.Select(choices=choices), value), (forms.Select(choices=choices), 1),
        (forms.Select(choices=choices), None),
    ]


@settings(max_examples=60, deadline=None)
@given(value=TEXT, name=TEXT, attrs=st.dictionaries(st.sampled_from(
    ["class", "id", "aria-describedby", "disabled", "rows", "data-x"]), ATTR, max_size=3))
def test_every_fast_widget_renders_as_its_template(value, name, attrs):
    slow, fast = DjangoTemplates(), FastWidgets()
    for widget, shown in widgets(value):
        assert widget.template_name in FAST
        expected = widget.render(name, shown, attrs=attrs, renderer=slow)
        assert widget.render(name, shown, attrs=attrs, renderer=fast) == expected


def test_other_widgets_are_rendered_by_their_templates():
    widget = forms.ClearableFileInput()
    assert widget.template_name not in FAST
    assert widget.render("f", None, renderer=FastWidgets()) == widget.render(
        "f", None, renderer=DjangoTemplates())


@pytest.mark.parametrize("field", [forms.CharField(), forms.ChoiceField(choices=[("a", "A")])])
def test_design_system_forms_use_it(field):
    form = type("F", (DesignSystemForm,), {"x": field})({"x": "<a>"})
    assert isinstance(form.renderer, FastWidgets)
    assert 'class="govuk-' in str(form["x"])
