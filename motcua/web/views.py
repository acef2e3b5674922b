"""Sign-in and sign-out with a local account, in the site's layout. The national e-ID sign-in
(VNeID) comes with the integrations; a failed password counts towards the lockout of
motcua/org/lockout.py, as on the API and the admin (see lockout.py here for the page)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.translation import gettext as _

from motcua.org.models import User
from motcua.web.forms import SignInForm


class SignInView(auth.LoginView):
    template_name = "web/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Staff start in their workspace, citizens on the portal (when no `next` says)."""
        if getattr(self.request.user, "kind", "") == User.Kind.STAFF:
            return resolve_url(settings.STAFF_START_URL)
        return super().get_default_redirect_url()


class SignOutView(auth.LogoutView):
    """POST signs out (a link cannot: another site could sign a user out); GET asks first."""

    http_method_names = ["get", "post", "options"]
    template_name = "web/sign_out.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, self.template_name)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.success(request, _("You have signed out."))
        return response
