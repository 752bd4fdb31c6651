"""Images are stored re-encoded, without what an upload carries beside its pixels: the attack
(megabytes of text chunks in a PNG, EXIF with a GPS position and big APPn segments in a JPEG) is
built here, uploaded, and what is stored is only the pixels — upright, the same bytes for the
same upload (one blob), and Pillow's own limits on text chunks are a typed error."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image, ImageCms, ImageOps

from core.documents.errors import DocumentErrorCode as Code
from core.documents.models import Blob, Document
from core.documents.services import document_upload
from core.errors import DomainError, DomainErrors
from tests.support.uploads import bearer, multipart_upload, stored_files, uploaded

pytestmark = pytest.mark.django_db

MB = 1_000_000
# What Pillow writes for a plain PNG and for a plain baseline JFIF JPEG, up to the scan.
PLAIN_PNG_CHUNKS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
SOF0, SOS, COM, APP0 = 0xC0, 0xDA, 0xFE, 0xE0
APPN = range(0xE0, 0xF0)


# Building and reading files ----------------------------------------------------------------


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    kinds, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kinds.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return kinds


def with_chunks(png: bytes, before_idat: list[bytes], after_idat: list[bytes] = ()) -> bytes:
    """``png`` with extra chunks after IHDR (33 bytes in) and before IEND (the last 12)."""
    return png[:33] + b"".join(before_idat) + png[33:-12] + b"".join(after_idat) + png[-12:]


def ztxt(keyword: bytes, size: int) -> bytes:
    """A zTXt chunk of ``size`` zero bytes, compressed to about a thousandth of that."""
    return chunk(b"zTXt", keyword + b"\0\0" + zlib.compress(bytes(size), 9))


def itxt(keyword: bytes, size: int) -> bytes:
    return chunk(b"iTXt", keyword + b"\0\1\0en\0\0" + zlib.compress(b"A" * size, 9))


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG's segments up to the start of the scan."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while True:
        marker = data[pos + 1]
        markers.append(marker)
        if marker == SOS:
            return markers
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length


def app_segment(n: int, payload: bytes) -> bytes:
    return bytes([0xFF, 0xE0 + n]) + struct.pack(">H", len(payload) + 2) + payload


def portrait(mode: str = "RGB", size: tuple[int, int] = (400, 500)) -> Image.Image:
    """An ID-photo-sized image whose pixels all differ from their neighbours' (gradients)."""
    ramp = Image.linear_gradient("L").resize(size)
    bands = [ramp, ramp.transpose(Image.Transpose.ROTATE_180), Image.radial_gradient("L")]
    rgb = Image.merge("RGB", [b.resize(size) for b in bands])
    return rgb if mode == "RGB" else rgb.convert(mode)


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def gps_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (29.0, 22.0, 30.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (47.0, 58.0, 41.0),
    }
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    return exif


def attack_png() -> bytes:
    """A valid 400×500 photo carrying ~2.7 MB of text (in ~3 KB), a private chunk and EXIF."""
    plain = encoded(portrait(), "PNG")
    return with_chunks(
        plain,
        [
            ztxt(b"Comment", 900_000),
            itxt(b"XML:com.adobe.xmp", 900_000),
            chunk(b"tEXt", b"Author\0" + b"x" * 50_000),
            chunk(b"prVt", bytes(200_000)),  # ancillary, private: Pillow skips it
            chunk(b"eXIf", gps_exif().tobytes()),
        ],
        [ztxt(b"Description", 900_000)],
    )


def attack_jpeg(orientation: int = 6) -> bytes:
    """A phone portrait stored landscape (500×400, orientation 6): red left, blue right, EXIF
    with GPS, an ICC profile, a comment and ~600 KB of APP13 segments."""
    landscape = Image.new("RGB", (500, 400), "blue")
    landscape.paste("red", (0, 0, 250, 400))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    plain = encoded(
        landscape,
        "JPEG",
        quality=95,
        exif=gps_exif(orientation).tobytes(),
        icc_profile=icc,
        comment=b"shot at home",
    )
    bulk = b"".join(app_segment(13, b"Photoshop 3.0\0" + bytes(60_000)) for _ in range(10))
    return plain[:2] + bulk + plain[2:]


# Uploading ---------------------------------------------------------------------------------


def upload(family, content: bytes, kind: str = "personal_photo", owner: str = "wife"):
    return document_upload(
        actor=family["user"],
        owner_id=family[owner].pk,
        kind=kind,
        file=SimpleUploadedFile("photo.png", content, "image/png"),
    )


def token_client(user) -> tuple[Client, dict]:
    return Client(enforce_csrf_checks=True), {"HTTP_AUTHORIZATION": f"Bearer {bearer(user)}"}


def refusal(family, content: bytes, kind: str = "personal_photo") -> DomainError:
    with pytest.raises((DomainError, DomainErrors)) as caught:
        upload(family, content, kind)
    [error] = getattr(caught.value, "errors", [caught.value])
    return error


def stored(documents_root, document) -> bytes:
    [path] = stored_files(documents_root)
    data = path.read_bytes()
    blob = document.blob
    assert path.name.startswith(blob.sha256) and hashlib.sha256(data).hexdigest() == blob.sha256
    assert blob.size == len(data)
    return data


# The attack, reproduced, and what is stored ------------------------------------------------


def test_a_png_with_megabytes_of_text_is_stored_as_its_pixels_only(family, documents_root):
    content = attack_png()
    original = opened(content)
    assert len(content) < 300_000  # well under MAX_BYTES: the upload is accepted
    assert len(original.info["Comment"]) == 900_000 and original.getexif().get_ifd(0x8825)
    assert {b"zTXt", b"iTXt", b"tEXt", b"prVt", b"eXIf"} <= set(png_chunks(content))

    document = upload(family, content)
    data = stored(documents_root, document)

    assert set(png_chunks(data)) <= PLAIN_PNG_CHUNKS
    image = opened(data)
    assert not image.getexif() and not {"Comment", "icc_profile", "exif"} & set(image.info)
    assert (image.mode, image.size) == (original.mode, original.size) == ("RGB", (400, 500))
    assert image.tobytes() == original.tobytes()
    assert (document.blob.width, document.blob.height) == (400, 500)


def test_many_text_chunks_within_pillows_limits_are_dropped(family, documents_root):
    content = with_chunks(encoded(portrait(), "PNG"), [ztxt(b"k%d" % i, MB) for i in range(40)])
    document = upload(family, content)
    assert set(png_chunks(stored(documents_root, document))) <= PLAIN_PNG_CHUNKS


def test_a_jpeg_with_gps_exif_and_app_segments_is_stored_upright_without_them(
    family, documents_root
):
    content = attack_jpeg()
    original = opened(content)
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the home's position, uploaded
    assert {0xE1, 0xE2, 0xED, COM} <= set(jpeg_markers(content))

    document = upload(family, content)
    data = stored(documents_root, document)

    markers = jpeg_markers(data)
    assert [m for m in markers if m in APPN] == [APP0] and COM not in markers
    assert SOF0 in markers  # baseline
    assert b"Exif" not in data and b"Photoshop" not in data and b"shot at home" not in data
    image = opened(data)
    assert not image.getexif() and not {"exif", "icc_profile", "comment"} & set(image.info)
    assert image.size == (400, 500) == (document.blob.width, document.blob.height)
    # Orientation 6 turned into pixels: what was left (red) is now on top.
    assert _near(image.getpixel((200, 100)), (255, 0, 0))
    assert _near(image.getpixel((200, 400)), (0, 0, 255))
    assert _mean_difference(image, ImageOps.exif_transpose(original)) < 2


def test_a_pngs_exif_orientation_is_applied_too(family, documents_root):
    upright = portrait()
    sideways = upright.transpose(Image.Transpose.ROTATE_90)  # orientation 6 turns it back
    content = encoded(sideways, "PNG", exif=gps_exif(orientation=6).tobytes())
    data = stored(documents_root, upload(family, content))
    assert b"eXIf" not in png_chunks(data)
    assert opened(data).tobytes() == upright.tobytes()


def test_the_same_upload_twice_is_one_blob_and_so_are_the_same_pixels(family, documents_root):
    png = attack_png()
    first = upload(family, png)
    again = upload(family, png)
    husband = upload(family, png, owner="head")
    bare = upload(family, encoded(portrait(), "PNG", compress_level=1), owner="head")
    assert again.pk == first.pk and husband.pk != first.pk
    assert first.blob_id == husband.blob_id == bare.blob_id  # metadata is not content

    jpeg = attack_jpeg()
    photos = [upload(family, jpeg), upload(family, jpeg, owner="head")]
    assert photos[0].blob_id == photos[1].blob_id != first.blob_id
    assert Blob.objects.count() == 2 and Document.objects.count() == 4
    assert len(stored_files(documents_root)) == 2


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda: [ztxt(b"Comment", 30 * MB)], id="zTXt-before-IDAT"),
        pytest.param(lambda: [itxt(b"XML:com.adobe.xmp", 30 * MB)], id="iTXt"),
        pytest.param(lambda: [ztxt(b"k%d" % i, MB) for i in range(70)], id="70-MB-in-all"),
    ],
)
def test_text_past_pillows_limits_is_a_typed_error(family, documents_root, content):
    data = with_chunks(encoded(portrait(), "PNG"), content())
    assert len(data) < 100_000
    error = refusal(family, data)
    assert (error.code, error.field) == (Code.CORRUPT_IMAGE, "file")
    assert stored_files(documents_root) == [] and not Blob.objects.exists()


def test_a_huge_text_chunk_after_the_pixels_is_a_typed_error_over_http(family, documents_root):
    data = with_chunks(encoded(portrait(), "PNG"), [], [ztxt(b"Comment", 30 * MB)])
    client, auth = token_client(family["user"])
    payload = uploaded(
        multipart_upload(client, owner=family["wife"], kind="PERSONAL_PHOTO", content=data, **auth)
    )
    assert payload["document"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("CORRUPT_IMAGE", "file")]
    assert stored_files(documents_root) == []


def test_the_attack_over_http_downloads_clean(family, documents_root):
    client, auth = token_client(family["user"])
    payload = uploaded(
        multipart_upload(
            client, owner=family["wife"], kind="PERSONAL_PHOTO", content=attack_png(), **auth
        )
    )
    assert payload["errors"] == []
    document = payload["document"]
    [path] = stored_files(documents_root)
    data = path.read_bytes()
    assert (document["size"], document["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    download = client.get(document["downloadUrl"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == data
    assert set(png_chunks(data)) <= PLAIN_PNG_CHUNKS


# Modes -------------------------------------------------------------------------------------


def _palette_with_transparency() -> bytes:
    image = portrait().quantize(64)
    return encoded(image, "PNG", transparency=bytes(range(0, 256, 4)))


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: encoded(portrait("L"), "PNG"), id="L"),
        pytest.param(lambda: encoded(portrait("1"), "PNG"), id="1"),
        pytest.param(lambda: encoded(portrait("LA"), "PNG"), id="LA"),
        pytest.param(lambda: encoded(portrait("RGBA"), "PNG"), id="RGBA"),
        pytest.param(
            lambda: encoded(portrait("RGB"), "PNG", transparency=(0, 0, 0)), id="RGB-tRNS"
        ),
        pytest.param(_palette_with_transparency, id="P-tRNS"),
        pytest.param(
            lambda: encoded(
                portrait("L").convert("I").point(lambda v: v * 257).convert("I;16"), "PNG"
            ),
            id="I;16",
        ),
    ],
)
def test_png_modes_keep_their_pixels(family, documents_root, make):
    content = make()
    original = opened(content)
    image = opened(stored(documents_root, upload(family, content, kind="birth_certificate")))
    assert (image.mode, image.size) == (original.mode, original.size)
    assert image.tobytes() == original.tobytes()
    assert image.info.get("transparency") == original.info.get("transparency")
    if original.mode == "P":
        assert image.getpalette() == original.getpalette()
        assert image.convert("RGBA").tobytes() == original.convert("RGBA").tobytes()


@pytest.mark.parametrize(("mode", "stored_mode"), [("CMYK", "RGB"), ("L", "L"), ("RGB", "RGB")])
def test_jpeg_modes(family, documents_root, mode, stored_mode):
    content = encoded(portrait(mode), "JPEG", quality=95)
    original = opened(content)
    image = opened(stored(documents_root, upload(family, content, kind="birth_certificate")))
    assert (image.format, image.mode, image.size) == ("JPEG", stored_mode, (400, 500))
    assert _mean_difference(image.convert("RGB"), original.convert("RGB")) < 4


# Limits ------------------------------------------------------------------------------------


def test_a_reencoding_above_max_bytes_is_too_large(family, documents_root, settings):
    noise = Image.frombytes("RGB", (400, 500), random.Random(1).randbytes(400 * 500 * 3))
    content = encoded(noise, "JPEG", quality=5)
    settings.DOCUMENTS = {**settings.DOCUMENTS, "MAX_BYTES": len(content)}  # the upload fits
    error = refusal(family, content)
    assert (error.code, error.field) == (Code.TOO_LARGE, "file")
    assert stored_files(documents_root) == [] and not Blob.objects.exists()


def test_too_many_pixels_is_still_refused_before_decoding(family, documents_root, settings):
    settings.DOCUMENTS = {**settings.DOCUMENTS, "MAX_MEGAPIXELS": 0.1}
    error = refusal(family, encoded(portrait(), "PNG"))
    assert error.code == Code.IMAGE_TOO_MANY_PIXELS


def _near(pixel: tuple[int, ...], colour: tuple[int, ...], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def _mean_difference(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    pairs = zip(a.tobytes(), b.tobytes(), strict=True)
    return sum(abs(x - y) for x, y in pairs) / (a.width * a.height * len(a.getbands()))
