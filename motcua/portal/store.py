"""The citizen's data store (/kho-du-lieu/): every document of the signed-in person's store
(records.store), each downloadable. Another person's document is "not found" (404), as one
that does not exist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from motcua.core.errors import NotFound
from motcua.records import doctypes, files, store

ITEMS_PER_PAGE = 20


@login_required
def my_store(request: HttpRequest) -> HttpResponse:
    items = store.items_of(request.user)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(item, doctypes.label(item.document_type), item.valid_on(today)) for item in page]
    return render(request, "portal/my_store.html",
                  {"page": page, "rows": rows, "keys": store.keys_of(request.user)})


@login_required
def store_file(request: HttpRequest, item_id: int) -> FileResponse:
    try:
        item = store.readable_item(request.user, item_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    return files.response(item.blob, item.file_name)
