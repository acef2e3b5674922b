"""The national personal data store ("kho quản lý dữ liệu điện tử của tổ chức, cá nhân"):
every signed result goes to its owner's store there too (DOMAIN.md §6; the index's 4.4),
through the outbox.

- `queue_result` (subscribed to records' `ResultSigned`, in the transaction that signs the
  result): one outbox message, keyed `datastore:result:<public id>` (the store deduplicates on
  it), a stream of its own (one result's failure holds back no other). A result whose owner has
  no ID number or tax code is not sent (the national store is keyed by them).
- `render`, at delivery: the document's facts and the signed PDF, base64, with its SHA-256
  (the store checks it). `HttpDataStore.send` posts them to DATASTORE_URL (default: the
  sandbox's /datastore), cut into requests of at most DATASTORE_REQUEST_BYTES.
- `on_delivered`: the result is recorded as sent (records.national: a DataStoreLink `to`),
  and each delivery of personal data is written to the exchange log.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.core.formatting import local
from motcua.integration import exchange_log, http, outbox
from motcua.integration.models import OutboxMessage
from motcua.records import doctypes, national
from motcua.records.events import ResultSigned
from motcua.records.models import ResultDocument
from motcua.records.results import file_name

SYSTEM = "datastore"
KIND = "result"
DATA = "signed electronic result (PDF)"
PURPOSE = "Cấp kết quả điện tử vào kho dữ liệu của chủ sở hữu"


def result_key(result: ResultDocument) -> str:
    return f"datastore:result:{result.public_id}"


def queue_result(event: ResultSigned) -> None:
    result = event.result
    if not (result.owner_id_number or result.owner_tax_code):
        return
    outbox.queue(system=SYSTEM, kind=KIND, stream=f"datastore:result:{result.pk}",
                 key=result_key(result), dossier=result.dossier, now=event.at,
                 payload={"result": result.pk})


def _date(value: dt.date | None) -> str | None:
    return value.strftime("%Y%m%d") if value is not None else None


def document(result: ResultDocument, data: bytes) -> dict[str, Any]:
    """One document as the national store takes it."""
    return {
        "owner_key": result.owner_id_number or result.owner_tax_code,
        "owner_name": result.owner_name,
        "document_type": doctypes.of_component(result.title),
        "title": result.title or str(result.get_kind_display()),
        "number": result.number,
        "issuer": result.signer_agency.name,
        "issuer_code": result.signer_agency.code,
        "issued_on": _date(local(result.issued_at).date()),
        "valid_until": _date(result.valid_until),
        "dossier_code": result.dossier.code,
        "file": {"name": file_name(result), "content_type": "application/pdf",
                 "sha256": result.sha256, "base64": base64.b64encode(data).decode()},
    }


def render(rows: list[OutboxMessage]) -> list[dict[str, Any]]:
    """The messages' documents, in the rows' order, each with its key."""
    ids = [int(m.payload["result"]) for m in rows]
    found = {r.pk: r for r in ResultDocument.objects.filter(pk__in=ids)
             .select_related("signer_agency", "dossier")}
    out = []
    for m in rows:
        result = found[int(m.payload["result"])]
        with result.file.open("rb") as stored:
            out.append({"key": m.key, **document(result, stored.read())})
    return out


class DataStoreAdapter(Protocol):
    def send(self, documents: list[dict[str, Any]]) -> dict[str, str]:
        """Per key: "" when the store has the document (new or already had), else why it
        refused it. Raises NationalSystemUnavailable when the batch may be retried."""


def _requests(documents: list[dict[str, Any]], budget: int) -> list[list[dict[str, Any]]]:
    """The documents cut into requests of at most `budget` bytes (one document alone may be
    larger: it goes on its own)."""
    chunks: list[list[dict[str, Any]]] = []
    size = 0
    for doc in documents:
        weight = len(doc["file"]["base64"]) + 1000
        if chunks and size + weight <= budget:
            chunks[-1].append(doc)
            size += weight
        else:
            chunks.append([doc])
            size = weight
    return chunks


class HttpDataStore:
    """The national data store over HTTP (the sandbox's receiver by default):
    POST {url}/documents."""

    def __init__(self) -> None:
        self.url = str(settings.DATASTORE_URL or http.sandbox_url("/datastore"))

    def send(self, documents: list[dict[str, Any]]) -> dict[str, str]:
        results: dict[str, str] = {}
        with http.client(self.url, timeout=float(settings.NATIONAL_SEND_SECONDS)) as c:
            for chunk in _requests(documents, int(settings.DATASTORE_REQUEST_BYTES)):
                response = http.call(SYSTEM, c, "POST", self.url + "/documents",
                                     content=json.dumps({"documents": chunk}),
                                     headers={"Content-Type": "application/json"})
                if response.status_code != 200:
                    raise http.NationalSystemUnavailable(
                        SYSTEM, f"answered {response.status_code}: {response.text[:200]}")
                for key, r in response.json().get("results", {}).items():
                    results[key] = ("" if r.get("status") in ("stored", "duplicate")
                                    else str(r.get("reason") or r.get("status")))
        return results


def adapter() -> DataStoreAdapter:
    cls = import_string(settings.DATASTORE_ADAPTER)
    result: DataStoreAdapter = cls()
    return result


def send(rows: list[OutboxMessage]) -> dict[str, str]:
    return adapter().send(render(rows))


def on_delivered(rows: list[OutboxMessage], now: dt.datetime) -> None:
    delivered = list(ResultDocument.objects.filter(
        pk__in=[int(m.payload["result"]) for m in rows]).select_related("dossier"))
    national.sent_to_national_store(delivered, now)
    for result in delivered:
        exchange_log.record(exchange_log.Exchange(
            system=SYSTEM, operation="store_result", data=DATA, purpose=PURPOSE,
            id_number=result.owner_id_number, tax_code=result.owner_tax_code,
            dossier_code=result.dossier.code), exchange_log.Outcome.FOUND)


SYSTEM_ENTRY = outbox.System(send=send, on_delivered=on_delivered)
