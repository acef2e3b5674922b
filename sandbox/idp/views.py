"""The VNeID sign-in page of the sandbox (the OpenID Connect provider sends the browser here)."""

from __future__ import annotations

from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_protect


@csrf_protect
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or "/idp/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/idp/"
    error = ""
    id_number = ""
    if request.method == "POST":
        id_number = request.POST.get("id_number", "").strip()[:12]
        user = authenticate(request, username=id_number,
                            password=request.POST.get("password", "")[:200])
        if user is not None:
            login(request, user, backend="sandbox.idp.backends.CitizenBackend")
            return HttpResponseRedirect(next_url)
        error = "Số định danh cá nhân hoặc mật khẩu không đúng."
    return render(request, "idp/sign_in.html",
                  {"next": next_url, "error": error, "id_number": id_number},
                  status=400 if error else 200)
