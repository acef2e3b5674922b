"""`{% digitization_panel dossier %}`: the components of a dossier with their electronic copies
(records.digitization), the store documents they reuse, and, for a person who may digitize,
a form per component (workspace.digitization)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.selectors import DetailRelations
from motcua.records import digitization, doctypes, reuse, store
from motcua.records.models import DigitizedCopy, StoreItem
from motcua.workspace.digitization import AskAgainForm, DigitizeForm, initial_for

register = template.Library()


@dataclass
class Row:
    component: DossierComponent
    copy: DigitizedCopy | None
    type_label: str
    reused: StoreItem | None
    held: StoreItem | None  # a valid document of its type in the applicant's store
    form: DigitizeForm | None
    again: AskAgainForm | None

    @property
    def open(self) -> bool:
        return self.form is not None and self.form.is_bound


@register.inclusion_tag("workspace/includes/digitization_panel.html", takes_context=True)
def digitization_panel(context: template.Context, d: Dossier,
                       related: DetailRelations | None = None) -> dict[str, Any]:
    """`related`: the dossier's rows when the page has read them (its components)."""
    request = context["request"]
    allowed = digitization.can_digitize(request.user, d)
    sent = getattr(request, "digitization_sent", None)
    copies = digitization.copies_by_component(d.pk)
    reused = reuse.reused_items(d.pk)
    keys = [d.applicant_id_number, d.applicant_tax_code]
    today = timezone.localdate()
    held: dict[str, StoreItem] = {}
    for item in store.valid(StoreItem.objects.filter(owner_key__in=[k for k in keys if k]),
                            today):
        held.setdefault(item.document_type, item)
    rows = []
    components = [c for c, _files in related.components] if related else d.components.all()
    for component in components:
        doc_type = doctypes.of_component(component.name)
        form = again = None
        if allowed:
            key = f"digitize-{component.pk}"
            form = sent[1] if sent and sent[0] == key else DigitizeForm(
                initial=initial_for(d, component.name), prefix=f"c{component.pk}")
            again_key = f"again-{component.pk}"
            again = sent[1] if sent and sent[0] == again_key \
                else AskAgainForm(prefix=f"a{component.pk}")
        rows.append(Row(component, copies.get(component.pk), doctypes.label(doc_type),
                        reused.get(component.pk),
                        held.get(doc_type) if doc_type != doctypes.OTHER else None,
                        form, again))
    return {"d": d, "rows": rows, "allowed": allowed, "state": digitization.state_of(d.pk),
            "request": request, "csrf_token": context.get("csrf_token"),
            "next": request.get_full_path()}
