"""What browsers are told (issue 9, "Security headers"): a Content-Security-Policy without inline
script on every response, and pages that work under it (no inline script or style of ours).
Outside the layers, since it loads pages of several apps."""

from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


class Inline(HTMLParser):
    """What a page runs or styles inline, and the files it loads."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.scripts: list[str] = []  # src of each script file
        self.inline_scripts = 0
        self.style_elements = 0
        self.style_attributes: list[str] = []
        self.stylesheets: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes.append(tag)
        if any(name.startswith("on") for name in attrs):  # onclick=… is inline script too
            self.inline_scripts += 1
        if tag == "script":
            if attrs.get("src"):
                self.scripts.append(attrs["src"])
            elif attrs.get("type") != "application/json":  # data, never run
                self.inline_scripts += 1
        elif tag == "style":
            self.style_elements += 1
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])


STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


@pytest.mark.parametrize("url", ["/", "/?q=x&sector=abc", "/thu-tuc/1.004873/", "/dang-nhap/",
                                 "/dang-xuat/",
                                 "/tra-cuu/", "/tra-cuu/000.01.20.H40-261116-9999",
                                 "/admin/login/", "/admin/", "/admin/org/agency/",
                                 "/api/v1/units", "/healthz", "/khong-co-trang-nay"])
def test_every_response_has_the_strict_policy_and_pages_work_under_it(client, org, procedure,
                                                                     url):
    if url.startswith("/admin/") and url != "/admin/login/":
        org.officer_a.is_staff = org.officer_a.is_superuser = True
        org.officer_a.save()
        client.force_login(org.officer_a)
    response = client.get(url)
    assert response.status_code in (200, 404), url
    assert directives(response) == STRICT
    if response["Content-Type"].startswith("text/html"):
        page = Inline(response.content.decode())
        assert page.inline_scripts == 0, url
        assert page.style_elements == 0 and page.style_attributes == [], url


def test_the_pages_take_their_styles_and_scripts_from_static_files(client, db):
    page = Inline(client.get("/tra-cuu/").content.decode())
    assert page.stylesheets == ["/static/web/build/motcua.css"]
    assert page.scripts == ["/static/web/build/motcua.mjs", "/static/web/build/htmx.min.js"]
    for path in (*page.stylesheets, *page.scripts):
        assert finders.find(path.removeprefix("/static/")), f"{path}: run `make deps`"


def test_the_api_docs_run_no_inline_script_and_only_they_allow_inline_styles(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert directives(response) == {**STRICT, "style-src": ["'self'", "'unsafe-inline'"]}
    page = Inline(response.content.decode())
    assert page.inline_scripts == 0
    assert len(page.scripts) == 3  # Swagger UI's two files and its start-up script
    start = client.get(page.scripts[-1].replace("&amp;", "&"))
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in start.content.decode()
    for src in page.scripts[:2]:
        assert finders.find(src.removeprefix("/static/")), src


def test_with_https_plain_requests_are_redirected_but_the_health_check(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 600
    plain = client.get("/tra-cuu/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/tra-cuu/"
    assert client.get("/healthz").status_code == 200  # load balancers probe over HTTP
    secure = client.get("/tra-cuu/", secure=True)
    assert secure.status_code == 200 and secure["Strict-Transport-Security"] == "max-age=600"
