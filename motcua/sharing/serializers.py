"""What the data-sharing API gives: a dossier's status with its applicant (no more personal
data than another agency needs to match it: name, ID number or tax code; never the phone,
email or address) and its signed results."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.request import Request

from motcua.core.addresses import public_url
from motcua.dossiers.models import ApplicantKind, Channel, Dossier
from motcua.dossiers.serializers import AgencyRefSerializer, StatusSerializer, status_payload
from motcua.org.models import Agency
from motcua.records.models import ResultDocument, ResultKind


class SharedProcedureRefSerializer(serializers.Serializer):
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField()


class SharedApplicantSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ApplicantKind.choices)
    name = serializers.CharField()
    id_number = serializers.CharField(
        allow_blank=True, help_text=_("12-digit personal ID number; blank for an organisation."))
    tax_code = serializers.CharField(allow_blank=True)


class SharedDossierSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = SharedProcedureRefSerializer()
    status = StatusSerializer()
    channel = serializers.ChoiceField(choices=Channel.choices)
    applicant = SharedApplicantSerializer()
    receiving_agency = AgencyRefSerializer()
    handling_agency = AgencyRefSerializer()
    submitted_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    appointment_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.ChoiceField(
        choices=["result", "refusal", ""], allow_blank=True,
        help_text=_("result: the decision asked for; refusal: a reasoned refusal to resolve; "
                    "blank: not finished."))


def _agency(agency: Agency) -> dict[str, str]:
    return {"code": agency.code, "name": agency.name}


def dossier_payload(d: Dossier) -> dict[str, Any]:
    return {
        "code": d.code,
        "procedure": {"code": d.procedure.code, "name": d.procedure_version.name},
        "status": status_payload(d.status),
        "channel": d.channel,
        "applicant": {"kind": d.applicant_kind, "name": d.applicant_name,
                      "id_number": d.applicant_id_number, "tax_code": d.applicant_tax_code},
        "receiving_agency": _agency(d.receiving_agency),
        "handling_agency": _agency(d.handling_agency),
        "submitted_at": d.submitted_at, "received_at": d.received_at, "due_at": d.due_at,
        "appointment_at": d.appointment_at, "finished_at": d.finished_at,
        "returned_at": d.returned_at, "outcome": d.outcome,
    }


class SharedOwnerSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField(allow_blank=True)
    tax_code = serializers.CharField(allow_blank=True)


class SharedResultSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text=_("The result's public id (its verification page)."))
    kind = serializers.ChoiceField(choices=ResultKind.choices)
    title = serializers.CharField()
    number = serializers.CharField(help_text=_("Number and notation, e.g. 12/GCN-UBND."))
    owner = SharedOwnerSerializer()
    issued_at = serializers.DateTimeField()
    valid_until = serializers.DateField(allow_null=True)
    signed_at = serializers.DateTimeField()
    timestamp_at = serializers.DateTimeField(allow_null=True)
    signer_agency = AgencyRefSerializer()
    sha256 = serializers.CharField(help_text=_("SHA-256 of the signed PDF, in hexadecimal."))
    size = serializers.IntegerField(help_text=_("Bytes of the signed PDF."))
    verification_url = serializers.URLField(
        help_text=_("The public page that checks the signature (the document's QR code)."))
    file_url = serializers.URLField(help_text=_("The signed PDF, through this API."))


class SharedResultsSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("The dossier's code."))
    results = SharedResultSerializer(many=True, help_text=_(
        "The signed electronic results, newest first; empty while none is signed."))


def result_payload(r: ResultDocument, request: Request) -> dict[str, Any]:
    verify = reverse("portal:verify-result", kwargs={"public_id": r.public_id})
    file = reverse("sharing-result-file", kwargs={"code": r.dossier.code,
                                                  "public_id": r.public_id})
    return {
        "id": r.public_id, "kind": r.kind, "title": r.title, "number": r.number,
        "owner": {"name": r.owner_name, "id_number": r.owner_id_number,
                  "tax_code": r.owner_tax_code},
        "issued_at": r.issued_at, "valid_until": r.valid_until, "signed_at": r.signed_at,
        "timestamp_at": r.timestamp_at, "signer_agency": _agency(r.signer_agency),
        "sha256": r.sha256, "size": r.size,
        "verification_url": public_url(verify),
        "file_url": request.build_absolute_uri(file),
    }
