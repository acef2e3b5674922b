"""Checks on uploaded files: size, real content type (sniffed, not trusted), safe names, and the
content itself, read by a parser of its kind before anything is stored (issue 9). A refusal is
an UploadRejected (400 problem+json, code `upload_rejected`) with the reason in the user's
language and a stable `reason` code.

- PDF: opened with pikepdf (qpdf). Refused when it cannot be read (a file that merely begins
  with `%PDF`), when it has no page or no end (cut short), when it needs a password to open
  (the officers could not read it; a PDF whose encryption only restricts printing or copying
  opens without one and is accepted), when it carries JavaScript or an action that launches a
  program (the usual way a PDF attacks the viewer of whoever opens it, here an officer; no
  application form needs them), and when it carries attached files (they would reach the
  officers unchecked: each is uploaded on its own). Nothing in the file is changed: what is
  stored is what was sent. The search for scripts and attachments reads every object of the
  file (about 1 s of CPU per 300,000), so a file of more than MAX_UPLOAD_PDF_OBJECTS objects
  is refused before it: first by the count its trailer declares (free), then by the objects
  the parser found (the list the search reads anyway; a classic cross-reference table may
  declare fewer than it holds).
- JPEG, PNG: Pillow reads the header only, and the image must have at most MAX_UPLOAD_PIXELS
  pixels before anything is decoded (a 30,000 × 30,000 PNG of a few kilobytes would decode to
  gigabytes). Pillow's own decompression-bomb check stays on as well: whatever the setting, it
  refuses an image above twice Image.MAX_IMAGE_PIXELS (≈ 179 million pixels). Then the data is
  checked, in little memory: a PNG's every chunk and its CRC up to the end (Pillow's verify), a
  JPEG decoded at an eighth of its size. A truncated or corrupt image is refused.
- DOCX, XLSX (ZIP packages): read, never extracted. At most MAX_UPLOAD_ZIP_ENTRIES entries; no
  entry named with an absolute path or `..`, none twice; no macros; unpacked, at most
  MAX_UPLOAD_UNZIPPED_BYTES and at most MAX_UPLOAD_ZIP_RATIO times the file's size. Then every
  entry is decompressed as a stream and its CRC checked: a lying size in the directory is
  caught, and the reader stops at the declared sizes, so the work stays within those bounds.
  Last, it must be a package of its kind: [Content_Types].xml, and the main document that
  _rels/.rels names, there, under word/ (DOCX) or xl/ (XLSX).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, cast

import filetype
import pikepdf
from defusedxml import ElementTree
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from PIL import Image, ImageFile

from motcua.core.errors import InvalidInput

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED = {
    PDF: {".pdf"},
    JPEG: {".jpg", ".jpeg"},
    PNG: {".png"},
    DOCX: {".docx"},
    XLSX: {".xlsx"},
}


class UploadRejected(InvalidInput):
    code = "upload_rejected"


def safe_name(name: str) -> str:
    name = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/")))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"/\\|?*')
    return name.strip(" .")[:200] or "file"


def check_upload(upload: UploadedFile) -> tuple[str, str, str]:
    """(safe name, content type, sha256) or UploadRejected with the reason."""
    if upload.size is None or upload.size == 0:
        raise UploadRejected(_("The file is empty."), reason="empty")
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise UploadRejected(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.MAX_UPLOAD_BYTES // 2**20},
            reason="too_large",
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    name = safe_name(upload.name or "file")
    extension = os.path.splitext(name)[1].lower()
    if kind is None or kind.mime not in ALLOWED:
        raise UploadRejected(_("Only PDF, JPEG, PNG, DOCX and XLSX files are accepted."),
                             reason="type")
    if extension not in ALLOWED[kind.mime]:
        raise UploadRejected(_("The file's name does not match its content."), reason="name")
    try:
        CONTENT_CHECKS[kind.mime](upload)
    finally:
        upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return name, kind.mime, digest.hexdigest()


# --- PDF ----------------------------------------------------------------------------------------

# A quick look at each object's text for the names below; only the objects that show one are
# walked, so a harmless title that mentions "/JS" does not refuse a file.
_ACTIVE_HINT = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|EF)\b")
_SCRIPT_ACTIONS = (pikepdf.Name.JavaScript, pikepdf.Name.Launch)
_CONTAINERS = (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)


def _check_pdf(upload: UploadedFile) -> None:
    unreadable = _("The PDF file cannot be read: it is damaged or is not a PDF.")
    try:
        with pikepdf.open(cast(BinaryIO, upload)) as pdf:  # UploadedFile proxies its file
            pages = len(pdf.pages)
            declared = pdf.trailer.get(pikepdf.Name.Size)
            if isinstance(declared, int) and declared - 1 > settings.MAX_UPLOAD_PDF_OBJECTS:
                raise _too_many_objects()
            objects = pdf.objects
            if len(objects) > settings.MAX_UPLOAD_PDF_OBJECTS:
                raise _too_many_objects()
            found = _active_content(objects)
    except UploadRejected:
        raise
    except pikepdf.PasswordError:
        raise UploadRejected(
            _("The PDF file needs a password to open, so officers could not read it: "
              "upload it without the password."), reason="pdf_password") from None
    except Exception:  # any failure to parse hostile input is a refusal, never a 500
        raise UploadRejected(unreadable, reason="pdf_unreadable") from None
    if pages == 0:
        raise UploadRejected(unreadable, reason="pdf_unreadable")
    upload.seek(max(0, (upload.size or 0) - 1024))
    if b"%%EOF" not in upload.read():
        # A PDF ends with %%EOF (readers look in its last 1,024 bytes): without it the file
        # was cut short, and qpdf "repaired" it, into fewer pages than were sent perhaps.
        raise UploadRejected(_("The PDF file is incomplete: it was cut short."),
                             reason="pdf_incomplete")
    if found == "script":
        raise UploadRejected(
            _("The PDF file contains JavaScript or an action that starts a program; such "
              "files are not accepted."), reason="pdf_script")
    if found == "attachment":
        raise UploadRejected(
            _("The PDF file carries attached files; upload each of them on its own."),
            reason="pdf_attachment")


def _too_many_objects() -> UploadRejected:
    limit = numberformat.format(  # 200.000 in Vietnamese, 200,000 in English
        settings.MAX_UPLOAD_PDF_OBJECTS, get_format("DECIMAL_SEPARATOR"), grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"), force_grouping=True)
    return UploadRejected(
        _("The PDF file is made of more than %(n)s objects (the parts a PDF is built of), "
          "far more than a paper document needs: save or scan it again as a simpler PDF.")
        % {"n": limit}, reason="pdf_objects")


def _active_content(objects: Iterable[pikepdf.Object]) -> str | None:
    """"script" (JavaScript, launch actions), "attachment" (embedded files) or None, among a
    PDF's `objects`."""
    for obj in objects:
        if isinstance(obj, pikepdf.Stream):
            text = obj.stream_dict.unparse(resolved=True)
        elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array):
            text = obj.unparse(resolved=True)
        else:
            continue
        if _ACTIVE_HINT.search(text) and (found := _active_in(obj)):
            return found
    return None


def _active_in(root: pikepdf.Object) -> str | None:
    """Walk one object and the direct objects inside it (indirect ones are walked on their own
    turn), without recursion: a hostile file may nest deeply."""
    stack = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            if (obj.get(pikepdf.Name.S) in _SCRIPT_ACTIONS or pikepdf.Name.JS in obj
                    or pikepdf.Name.JavaScript in obj):
                return "script"
            if (obj.get(pikepdf.Name.Type) == pikepdf.Name.EmbeddedFile
                    or pikepdf.Name.EmbeddedFiles in obj or pikepdf.Name.EF in obj):
                return "attachment"
            children = [value for _key, value in obj.items()]
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            continue
        stack.extend(c for c in children if isinstance(c, _CONTAINERS) and not c.is_indirect)
    return None


# --- images -------------------------------------------------------------------------------------


def _check_image(upload: UploadedFile, fmt: str) -> None:
    limit = settings.MAX_UPLOAD_PIXELS
    too_large = UploadRejected(
        _("The image has more than %(mp)s million pixels.") % {"mp": f"{limit / 1e6:g}"},
        reason="image_pixels")
    unreadable = UploadRejected(
        _("The image cannot be read: it is damaged, cut short or not really a %(format)s "
          "image.") % {"format": fmt}, reason="image_unreadable")
    try:
        with _truncation_reported(), Image.open(upload, formats=[fmt]) as image:  # header only
            width, height = image.size
            if width * height > limit:
                raise too_large
            if fmt == "PNG":
                image.verify()  # every chunk and its CRC, up to IEND; decodes nothing
            else:  # JPEG: decode at 1/8 scale (the DCT's own), a few MB at most
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
    except UploadRejected:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, checked in Image.open
        raise too_large from None
    except Exception:  # any failure to decode hostile input is a refusal, never a 500
        raise unreadable from None


@contextlib.contextmanager
def _truncation_reported() -> Iterator[None]:
    """Pillow reports a truncated or broken image only while ImageFile.LOAD_TRUNCATED_IMAGES is
    off, and WeasyPrint turns it on for the whole process when it is imported (for its own
    rendering). Off while an upload is checked, then as it was: a worker process serves one
    request at a time (gunicorn's sync workers), so no rendering runs meanwhile."""
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


# --- Office (OOXML packages) --------------------------------------------------------------------

_MACROS = re.compile(r"(^|/)vbaProject\.bin$|(^|/)vbaData\.xml$", re.IGNORECASE)


def _check_office(upload: UploadedFile, main_part: str) -> None:
    unreadable = UploadRejected(
        _("The Office file cannot be read: it is damaged or is not a Word or Excel document."),
        reason="office_unreadable")
    try:
        archive = zipfile.ZipFile(upload)
    except Exception:  # BadZipFile, a directory that points outside the file, …
        raise unreadable from None
    with archive:
        entries = archive.infolist()
        if len(entries) > settings.MAX_UPLOAD_ZIP_ENTRIES:
            raise UploadRejected(
                _("The Office file has more than %(n)d parts.")
                % {"n": settings.MAX_UPLOAD_ZIP_ENTRIES}, reason="office_entries")
        names = [entry.filename for entry in entries]
        if len(set(names)) != len(names) or any(_unsafe_name(n) for n in names):
            raise UploadRejected(
                _("The Office file contains a part with an unsafe name."), reason="office_names")
        if any(_MACROS.search(n) for n in names):
            raise UploadRejected(
                _("The Office file contains macros; save it as a document without macros."),
                reason="office_macros")
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > settings.MAX_UPLOAD_UNZIPPED_BYTES:
            raise UploadRejected(
                _("The Office file unpacks to more than %(mb)d MB.")
                % {"mb": settings.MAX_UPLOAD_UNZIPPED_BYTES // 2**20}, reason="office_size")
        if unpacked > settings.MAX_UPLOAD_ZIP_RATIO * (upload.size or 0):
            raise UploadRejected(
                _("The Office file unpacks to more than %(ratio)d times its size.")
                % {"ratio": settings.MAX_UPLOAD_ZIP_RATIO}, reason="office_ratio")
        try:
            damaged = archive.testzip()  # streams each entry, checks its CRC; extracts nothing
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError,
                NotImplementedError):  # encrypted or unknown compression: unreadable too
            damaged = "?"
        if damaged is not None or not _is_package_of(archive, names, main_part):
            raise unreadable


def _is_package_of(archive: zipfile.ZipFile, names: list[str], folder: str) -> bool:
    """An Office package of its kind: the content types, and a main document (the package's
    officeDocument relationship) that is there, under word/ (DOCX) or xl/ (XLSX)."""
    if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
        return False
    try:
        relationships = ElementTree.fromstring(archive.read("_rels/.rels"))
    except Exception:  # not XML, or XML with entities (defusedxml refuses them)
        return False
    for relationship in relationships:
        if relationship.get("Type", "").endswith("/officeDocument"):
            target = relationship.get("Target", "").lstrip("/")
            return target.startswith(folder) and target in names
    return False


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) is not None
            or ".." in parts or "\x00" in name)


CONTENT_CHECKS: dict[str, Callable[[UploadedFile], None]] = {
    PDF: _check_pdf,
    JPEG: lambda upload: _check_image(upload, "JPEG"),
    PNG: lambda upload: _check_image(upload, "PNG"),
    DOCX: lambda upload: _check_office(upload, "word/"),
    XLSX: lambda upload: _check_office(upload, "xl/"),
}
