import pytest

from motcua.dossiers.tests.factories import at, received

pytestmark = pytest.mark.django_db


def test_the_qr_address_of_form_01_shows_the_dossier_without_personal_data(client, org,
                                                                           procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    response = client.get(f"/tra-cuu/{d.code}")
    assert response.status_code == 200
    html = response.content.decode()
    assert d.code in html and procedure.name in html
    assert "N***** V** An" in html
    assert "09:00 19/11/2026" in html  # the appointment, hh:mm dd/mm/yyyy
    assert "Nguyễn Văn An" not in html and "037095001234" not in html
    assert 'lang="vi"' in html


def test_the_search_form_redirects_to_the_code_and_unknown_codes_are_404(client, db):
    response = client.get("/tra-cuu/", {"code": " 000.01.20.H40-261116-0001 "})
    assert response.status_code == 302
    assert response["Location"] == "/tra-cuu/000.01.20.H40-261116-0001"
    missing = client.get("/tra-cuu/000.01.20.H40-261116-0001")
    assert missing.status_code == 404
    typed = client.get("/tra-cuu/<script>alert(1)</script>")
    assert typed.status_code == 404 and "<script>alert(1)" not in typed.content.decode()
