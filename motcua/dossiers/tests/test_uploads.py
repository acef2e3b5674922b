"""Uploads are judged by their content, read with a parser of their kind, through the upload
endpoint as a client sends them (issue 9): a refused file gets its reason and leaves nothing
behind (no row, no timeline event, no file on disk)."""

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest
from django.utils.translation import gettext
from openpyxl import Workbook
from PIL import Image, ImageFile

from motcua.dossiers import uploads
from motcua.dossiers.models import DossierEvent, DossierFile
from motcua.dossiers.tests.test_api import payload
from motcua.tests.builders import pdf_bytes

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org'
    '/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://'
    'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Tờ khai'
    '</w:t></w:r></w:p></w:body></w:document>'
)


# --- files, good and hostile -------------------------------------------------------------------


def pdf_saved(build, **save) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    build(pdf)
    out = io.BytesIO()
    pdf.save(out, **save)
    return out.getvalue()


def dense_pdf(objects: int, **save) -> bytes:
    """A valid one-page PDF that also holds `objects` small objects (by default in object
    streams: a few bytes each)."""
    def build(pdf):
        pdf.Root.Extra = pdf.make_indirect(pikepdf.Array(
            [pdf.make_indirect(pikepdf.Dictionary(N=i)) for i in range(objects)]))

    save.setdefault("object_stream_mode", pikepdf.ObjectStreamMode.generate)
    return pdf_saved(build, **save)


def image(fmt: str, size=(400, 300)) -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(out, fmt)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG whose header claims width × height: a few dozen bytes, never decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def docx(extra: dict[str, bytes] | None = None, *, types: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if types:
            archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", DOCUMENT)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def zip_bomb_docx(megabytes: int) -> bytes:
    """A DOCX whose document part is `megabytes` MB of zeros: about 1 KB per MB packed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("_rels/.rels", RELS)
        with archive.open("word/document.xml", "w") as part:
            for _ in range(megabytes):
                part.write(b"\0" * 2**20)
    return out.getvalue()


def lying_about_size(package: bytes, name: str, size: int) -> bytes:
    """The package with `name`'s unpacked size rewritten to `size` in both of its headers."""
    data = bytearray(package)
    encoded = name.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:
        if data[local + 30:local + 30 + len(encoded)] == encoded:
            struct.pack_into("<I", data, local + 22, size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46:central + 46 + len(encoded)] == encoded:
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["Họ và tên", "Số định danh"])
    book.active.append(["Nguyễn Văn An", "037095001234"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the endpoint --------------------------------------------------------------------------------


@pytest.fixture
def dossier(api, org, procedure, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    api.force_authenticate(org.citizen)
    created = api.post("/api/v1/dossiers", payload(org, procedure), format="json")
    assert created.status_code == 201, created.content
    return created.json()


def upload(api, dossier, name: str, content: bytes):
    f = io.BytesIO(content)
    f.name = name
    return api.post(f"/api/v1/dossiers/{dossier['code']}/files",
                    {"file": f, "component_id": dossier["components"][0]["id"]},
                    format="multipart")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_refused(api, dossier, settings, name: str, content: bytes, reason: str) -> str:
    """Upload, expect a refusal with `reason`, and nothing stored; return the detail."""
    before = (DossierFile.objects.count(), DossierEvent.objects.count())
    response = upload(api, dossier, name, content)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["code"], body["reason"]) == ("upload_rejected", reason), body
    assert (DossierFile.objects.count(), DossierEvent.objects.count()) == before
    assert stored_files(settings) == []
    return body["detail"]


@pytest.fixture(params=["in memory", "on disk"])
def spooled(request, settings):
    """Small uploads stay in memory, larger ones go to a temporary file: check both ways."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 2**20 if request.param == "in memory" else 0


def test_real_files_of_every_kind_are_accepted_and_stored_unchanged(api, dossier, settings,
                                                                    spooled):
    restricted = pdf_saved(lambda pdf: None, encryption=pikepdf.Encryption(
        owner="chủ sở hữu", user="", allow=pikepdf.Permissions(extract=False)))
    files = {
        "to-khai.pdf": pdf_bytes(2),
        "han-che-in.pdf": restricted,  # opens without a password: readable
        "anh.jpg": image("JPEG"),
        "anh.png": image("PNG"),
        "don.docx": docx(),
        "bang.xlsx": xlsx(),
    }
    for name, content in files.items():
        response = upload(api, dossier, name, content)
        assert response.status_code == 201, (name, response.content)
    stored = {f.original_name: f for f in DossierFile.objects.all()}
    assert set(stored) == set(files)
    for name, content in files.items():
        assert stored[name].file.read() == content, name
    assert len(stored_files(settings)) == len(files)


def test_html_behind_a_pdf_header_is_refused_in_vietnamese(api, dossier, settings):
    html = b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n"
    detail = assert_refused(api, dossier, settings, "to-khai.pdf", html, "pdf_unreadable")
    assert detail == "Không đọc được tệp PDF: tệp bị hỏng hoặc không phải là PDF."


@pytest.mark.parametrize(("case", "reason"), [
    ("password", "pdf_password"),
    ("javascript", "pdf_script"),
    ("launch", "pdf_script"),
    ("attachment", "pdf_attachment"),
    ("cut short", "pdf_incomplete"),
])
def test_pdfs_officers_could_not_read_or_should_not_open_are_refused(api, dossier, settings,
                                                                    case, reason):
    def javascript(pdf):
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                                 JS=pikepdf.String("app.alert(1)"))

    def launch(pdf):  # a link on the page that starts a program
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 100, 100],
            A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")))]))

    def attachment(pdf):
        pdf.attachments["hoa-don.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00")

    content = {
        "password": lambda: pdf_saved(lambda pdf: None,
                                      encryption=pikepdf.Encryption(owner="o", user="mật khẩu")),
        "javascript": lambda: pdf_saved(javascript),
        # inside a compressed object stream, and with its name spelled with a #xx escape
        "launch": lambda: pdf_saved(launch, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        .replace(b"/Launch", b"/L#61unch"),
        "attachment": lambda: pdf_saved(attachment),
        "cut short": lambda: pdf_bytes(3)[:300],
    }[case]()
    assert_refused(api, dossier, settings, "giay-to.pdf", content, reason)


def test_a_pdf_that_only_mentions_javascript_in_its_title_is_accepted(api, dossier):
    def titled(pdf):
        pdf.docinfo["/Title"] = "Hướng dẫn /JS và /JavaScript /Launch"

    assert upload(api, dossier, "huong-dan.pdf", pdf_saved(titled)).status_code == 201


@pytest.fixture
def no_scan(monkeypatch):
    """The search for scripts and attachments must not run: the count refuses first."""
    def scan(objects):
        raise AssertionError("the objects were scanned")

    monkeypatch.setattr(uploads, "_active_content", scan)


def test_pdfs_of_too_many_objects_are_refused_before_they_are_scanned(api, dossier, settings,
                                                                      no_scan):
    settings.MAX_UPLOAD_PDF_OBJECTS = 1_000
    detail = assert_refused(api, dossier, settings, "day-dac.pdf", dense_pdf(1_100),
                            "pdf_objects")
    assert "hơn 1.000 đối tượng" in detail


def test_a_pdf_that_declares_fewer_objects_than_it_holds_is_counted_all_the_same(
        api, dossier, settings, no_scan):
    # a classic cross-reference table: its trailer's /Size may lie, the parser lists them all
    content = dense_pdf(600, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    size = re.search(rb"/Size \d+", content)
    assert size is not None and int(size.group()[6:]) > 600
    lying = content[:size.start()] + b"/Size 5".ljust(size.end() - size.start()) \
        + content[size.end():]
    settings.MAX_UPLOAD_PDF_OBJECTS = 500
    assert_refused(api, dossier, settings, "khai-thieu.pdf", lying, "pdf_objects")


def test_a_pdf_within_the_object_bound_is_scanned_and_accepted(api, dossier, settings):
    settings.MAX_UPLOAD_PDF_OBJECTS = 500
    assert upload(api, dossier, "vua-du.pdf", dense_pdf(400)).status_code == 201


def test_images_are_bounded_by_pixels_before_decoding(api, dossier, settings):
    # The issue's 30,000 × 30,000 PNG, 900 million pixels, in 80 bytes; and one just above
    # the setting but below Pillow's own limit.
    detail = assert_refused(api, dossier, settings, "anh.png", png_claiming(30_000, 30_000),
                            "image_pixels")
    assert detail == gettext("The image has more than %(mp)s million pixels.") % {"mp": "50"}
    assert_refused(api, dossier, settings, "anh.png", png_claiming(8_000, 7_000), "image_pixels")
    settings.MAX_UPLOAD_PIXELS = 400 * 300 - 1
    assert_refused(api, dossier, settings, "anh.jpg", image("JPEG"), "image_pixels")
    settings.MAX_UPLOAD_PIXELS = 400 * 300
    assert upload(api, dossier, "anh.jpg", image("JPEG")).status_code == 201


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_images_are_refused_even_where_weasyprint_told_pillow_to_accept_them(
        api, dossier, settings, monkeypatch, fmt):
    # WeasyPrint, once imported (to render the slips), sets this for the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    name = "anh.jpg" if fmt == "JPEG" else "anh.png"
    whole = image(fmt)
    assert_refused(api, dossier, settings, name, whole[:len(whole) // 2], "image_unreadable")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as it was, for WeasyPrint


def test_a_png_with_a_damaged_chunk_is_refused(api, dossier, settings):
    damaged = bytearray(image("PNG"))
    damaged[len(damaged) // 2:len(damaged) // 2 + 16] = b"\xff" * 16  # its CRC fails
    assert_refused(api, dossier, settings, "anh.png", bytes(damaged), "image_unreadable")


def test_the_issues_zip_bomb_docx_is_refused(api, dossier, settings):
    bomb = zip_bomb_docx(200)  # ≈ 200 KB that unpack to 200 MB
    assert len(bomb) < 300_000
    detail = assert_refused(api, dossier, settings, "don.docx", bomb, "office_size")
    assert detail == gettext("The Office file unpacks to more than %(mb)d MB.") % {"mb": 100}


def test_office_files_are_bounded_by_expansion_ratio(api, dossier, settings):
    assert_refused(api, dossier, settings, "don.docx", zip_bomb_docx(5), "office_ratio")
    settings.MAX_UPLOAD_ZIP_RATIO = 10_000
    assert upload(api, dossier, "don.docx", zip_bomb_docx(5)).status_code == 201


def test_a_package_that_lies_about_its_sizes_is_refused(api, dossier, settings):
    # 2 MB of zeros declared as 1 KB: the size and ratio checks pass, the CRC does not.
    settings.MAX_UPLOAD_ZIP_RATIO = 10_000
    liar = lying_about_size(zip_bomb_docx(2), "word/document.xml", 1024)
    assert_refused(api, dossier, settings, "don.docx", liar, "office_unreadable")


@pytest.mark.parametrize(("extra", "reason"), [
    ({"../../etc/cron.d/x": b"* * * * * root sh"}, "office_names"),
    ({"/etc/passwd": b"root"}, "office_names"),
    ({"word/../../x.xml": b"<x/>"}, "office_names"),
    ({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, "office_macros"),
])
def test_office_packages_with_unsafe_parts_are_refused(api, dossier, settings, extra, reason):
    assert_refused(api, dossier, settings, "don.docx", docx(extra), reason)


def test_office_packages_with_too_many_parts_or_none_of_theirs_are_refused(api, dossier,
                                                                         settings):
    settings.MAX_UPLOAD_ZIP_ENTRIES = 10
    many = docx({f"word/media/image{i}.xml": b"<x/>" for i in range(9)})
    assert_refused(api, dossier, settings, "don.docx", many, "office_entries")
    # begins like a DOCX (the sniffer is satisfied) but is no Office package
    assert_refused(api, dossier, settings, "don.docx", docx(types=False), "office_unreadable")
    # a workbook whose package names a main document that is not there
    book = io.BytesIO()
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("_rels/.rels", RELS.replace("word/document.xml", "xl/workbook.xml"))
        archive.writestr("xl/styles.xml", "<styleSheet/>")
    assert_refused(api, dossier, settings, "bang.xlsx", book.getvalue(), "office_unreadable")
