"""The national personal data store's receiver (DOMAIN.md §6: results go to their owner's
store, keyed by personal ID number or tax code), and what tests read back.

    POST /datastore/documents   {"documents": [{"key", "owner_key", "owner_name",
                                 "document_type", "title", "number", "issuer", "issuer_code",
                                 "issued_on", "valid_until", "dossier_code",
                                 "file": {"name", "content_type", "sha256", "base64"}}, ...]}
        → 200 {"results": {key: {"status": "stored" | "duplicate" | "rejected", "reason"}}}
        A key already received is not stored again ("duplicate"): the sender may retry a batch
        whose answer it lost. A malformed document (an owner that is no ID number or tax code,
        dates not yyyyMMdd, a file that is no PDF or whose SHA-256 is not its content's) is
        "rejected" with its reason; the others of the batch are stored. A malformed request:
        400.
    Read back, outside /datastore/documents so that a fault rule on the receiver leaves them
    alone:
    GET    /datastore/received?owner=ID&key=K   what it holds, in order received (no content)
    GET    /datastore/documents/<key>/file      the stored file
    DELETE /datastore/received                  forget everything (tests)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox.datastore.models import StoredDocument

OWNER = re.compile(r"^(\d{12}|\d{10}|\d{10}-\d{3}|\d{13})$")
DATE = re.compile(r"^\d{8}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
REQUIRED = ("key", "owner_key", "owner_name", "document_type", "title", "issuer",
            "issuer_code", "issued_on", "file")
MAX_BATCH = 200
MAX_FILE = 20 * 1024 * 1024


def _checked(doc: Any) -> tuple[str, bytes]:
    """("", the file's bytes) when the store takes the document, else (why not, b"")."""
    if not isinstance(doc, dict):
        return "a document must be an object", b""
    missing = [f for f in REQUIRED if not doc.get(f)]
    if missing:
        return f"missing fields: {', '.join(missing)}", b""
    if not OWNER.match(str(doc["owner_key"])):
        return "owner_key is not a personal ID number or tax code", b""
    if not DATE.match(str(doc["issued_on"])) or (
            doc.get("valid_until") and not DATE.match(str(doc["valid_until"]))):
        return "dates are not yyyyMMdd", b""
    file = doc["file"]
    if not isinstance(file, dict) or not SHA256.match(str(file.get("sha256", ""))):
        return "file.sha256 missing", b""
    try:
        content = base64.b64decode(str(file.get("base64", "")), validate=True)
    except (binascii.Error, ValueError):
        return "file.base64 is not base64", b""
    if not content or len(content) > MAX_FILE:
        return "file empty or too large", b""
    if hashlib.sha256(content).hexdigest() != file["sha256"]:
        return "file.sha256 does not match the file", b""
    if not content.startswith(b"%PDF-"):
        return "file is not a PDF", b""
    return "", content


@csrf_exempt
def documents(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return JsonResponse({"error": "method not allowed"}, status=405)
    try:
        batch = json.loads(request.body)["documents"]
        if not isinstance(batch, list) or len(batch) > MAX_BATCH:
            raise ValueError(f"documents must be a list of at most {MAX_BATCH}")
        keys = [str(d["key"]) for d in batch]
    except (ValueError, KeyError, TypeError) as error:
        return JsonResponse({"error": f"bad request: {error}"}, status=400)
    results: dict[str, dict[str, str]] = {}
    with transaction.atomic():
        known = set(StoredDocument.objects.filter(key__in=keys).values_list("key", flat=True))
        new = []
        for doc in batch:
            key = str(doc["key"])
            if key in known:
                results[key] = {"status": "duplicate"}
                continue
            problem, content = _checked(doc)
            if problem:
                results[key] = {"status": "rejected", "reason": problem}
                continue
            known.add(key)
            new.append(StoredDocument(
                key=key, owner_key=doc["owner_key"], owner_name=str(doc["owner_name"])[:255],
                document_type=str(doc["document_type"])[:40], title=str(doc["title"])[:500],
                number=str(doc.get("number", ""))[:100], issuer=str(doc["issuer"])[:255],
                issuer_code=str(doc["issuer_code"])[:32], issued_on=doc["issued_on"],
                valid_until=doc.get("valid_until") or "",
                dossier_code=str(doc.get("dossier_code", ""))[:48],
                file_name=str(doc["file"].get("name", "document.pdf"))[:255],
                sha256=doc["file"]["sha256"], size=len(content), content=content))
            results[key] = {"status": "stored"}
        StoredDocument.objects.bulk_create(new)
        dupes = [k for k, r in results.items() if r["status"] == "duplicate"]
        if dupes:
            StoredDocument.objects.filter(key__in=dupes).update(
                times_received=F("times_received") + 1)
    return JsonResponse({"results": results})


def _as_json(d: StoredDocument) -> dict[str, Any]:
    return {"id": d.pk, "key": d.key, "owner_key": d.owner_key, "owner_name": d.owner_name,
            "document_type": d.document_type, "title": d.title, "number": d.number,
            "issuer": d.issuer, "issuer_code": d.issuer_code, "issued_on": d.issued_on,
            "valid_until": d.valid_until or None, "dossier_code": d.dossier_code,
            "file_name": d.file_name, "sha256": d.sha256, "size": d.size,
            "times_received": d.times_received, "received_at": d.received_at.isoformat()}


@csrf_exempt
def received(request: HttpRequest) -> JsonResponse:
    if request.method == "DELETE":
        StoredDocument.objects.all().delete()
        return JsonResponse({"documents": []})
    rows = StoredDocument.objects.defer("content").order_by("id")
    if owner := request.GET.get("owner"):
        rows = rows.filter(owner_key=owner)
    if key := request.GET.get("key"):
        rows = rows.filter(key=key)
    return JsonResponse({"documents": [_as_json(d) for d in rows[:1000]]})


def document_file(request: HttpRequest, key: str) -> HttpResponse:
    found = StoredDocument.objects.filter(key=key).first()
    if found is None:
        return JsonResponse({"error": "no such document"}, status=404)
    return HttpResponse(bytes(found.content), content_type="application/pdf")
