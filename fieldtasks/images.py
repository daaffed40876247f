"""Checking and preparing an uploaded photo: pure, bytes in, a frozen PreparedPhoto out.

The type is read from the bytes, never the file name; the pixel count is checked from the header
before any pixel is decoded; the copy a client may ever see is re-encoded without EXIF.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import datetime

import imagehash
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from fieldtasks.i18n import N_, Sentence

MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
# The copy people see (and the hashes) is made from at most this many pixels: a JPEG is decoded at 1/2, 1/4 or
# 1/8 scale to get there, cheaply; PNG and WebP cannot be, so they may not be larger. (OCR reads the original.)
CLEAN_MAX_PIXELS = 16_000_000
# A camera photo holds far more data than this per pixel; a large image with less is a drawing or a bomb
# (a 38 KB PNG of 6300 x 6300 took 5.6 s and 312 MB to prepare).
MIN_BYTES_PER_PIXEL = 0.004
CLEAN_JPEG_QUALITY = 90

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
)
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME, _ORIENTATION = 36867, 306, 0x0112


class ImageError(ValueError):
    """The upload is not a photo we accept; `code` says why."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self):  # raised in a child process (fieldtasks.photo_processes), pickled back whole
        return (ImageError, (self.code, self.message))


@dataclass(frozen=True)
class PreparedPhoto:
    media_type: str
    extension: str
    width: int  # after EXIF orientation
    height: int
    byte_size: int
    sha256: str
    phash: int  # 64-bit perceptual hash as a signed integer (fits a BIGINT): finds candidates fast
    fine_hash: str  # 256-bit perceptual hash, hex: tells a copy from a look-alike among the candidates
    clean_jpeg: bytes
    blurred_jpeg: bytes | None  # asked for photos reported sensitive
    exif_taken_at: datetime | None
    exif_lat: float | None
    exif_lon: float | None


def sniff_media_type(data: bytes) -> str | None:
    for signature, media_type, _ in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def prepare_photo(data: bytes, *, blurred: bool = False) -> PreparedPhoto:
    """Check the photo and compute what verification needs (and its blurred copy, if asked); raise ImageError on
    anything unacceptable."""
    if len(data) > MAX_PHOTO_BYTES:
        raise ImageError("payload_too_large", Sentence("A photo may be at most {mb} MB.", mb=MAX_PHOTO_BYTES // 2**20))
    media_type = sniff_media_type(data)
    if media_type is None:
        raise ImageError("unsupported_image", N_("Send a JPEG, PNG or WebP photo."))
    image = _open(data, media_type)
    size = image.size
    _bound_decoding(image, len(data), media_type)  # before EXIF: a PNG's may sit after its pixels
    exif = image.getexif()
    taken_at = _exif_datetime(exif)
    lat, lon = _exif_position(exif)
    width, height = size if exif.get(_ORIENTATION, 1) < 5 else size[::-1]  # orientations 5 to 8: quarter turns
    try:
        upright = ImageOps.exif_transpose(image)
        rgb = upright.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ImageError("unreadable_image", Sentence("The image data is damaged: {error}", error=str(error))) from None
    clean = io.BytesIO()
    rgb.save(clean, "JPEG", quality=CLEAN_JPEG_QUALITY, optimize=True)
    return PreparedPhoto(
        media_type=media_type,
        extension=_EXTENSIONS[media_type],
        width=width,
        height=height,
        byte_size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        phash=_signed64(int(str(imagehash.phash(rgb)), 16)),
        fine_hash=str(imagehash.phash(rgb, hash_size=16)),
        clean_jpeg=clean.getvalue(),
        blurred_jpeg=_blurred(rgb) if blurred else None,
        exif_taken_at=taken_at,
        exif_lat=lat,
        exif_lon=lon,
    )


def _bound_decoding(image: Image.Image, byte_size: int, media_type: str) -> None:
    """Cheap facts first: refuse what no camera makes, and decode a large JPEG at a reduced scale."""
    width, height = image.size
    pixels = width * height
    if pixels > 4_000_000 and byte_size < pixels * MIN_BYTES_PER_PIXEL:
        raise ImageError("implausible_image", N_("This image holds too little data for its size to be a photo."))
    if pixels <= CLEAN_MAX_PIXELS:
        return
    if media_type != "image/jpeg":
        message = Sentence(
            "A PNG or WebP photo may have at most {mp} megapixels; send a JPEG.", mp=CLEAN_MAX_PIXELS // 1_000_000
        )
        raise ImageError("image_too_large", message)
    halvings = 1
    while pixels / 4**halvings > CLEAN_MAX_PIXELS:
        halvings += 1
    image.draft("RGB", (width >> halvings, height >> halvings))  # the JPEG decoder's own 1/2, 1/4 or 1/8 scale


def _open(data: bytes, media_type: str) -> Image.Image:
    """Open lazily (header only) and refuse oversized images before their pixels are decoded."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            message = Sentence("A photo may have at most {mp} megapixels.", mp=MAX_PIXELS // 1_000_000)
            raise ImageError("image_too_large", message) from None
        except (UnidentifiedImageError, OSError, ValueError):
            raise ImageError("unreadable_image", N_("The image cannot be read.")) from None
    if Image.MIME.get(image.format or "") != media_type:
        raise ImageError("unreadable_image", N_("The image content does not match its type."))
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageError(
            "image_too_large", Sentence("A photo may have at most {mp} megapixels.", mp=MAX_PIXELS // 1_000_000)
        )
    if width == 0 or height == 0:
        raise ImageError("unreadable_image", N_("The image is empty."))
    return image


def _exif_datetime(exif: Image.Exif) -> datetime | None:
    raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    try:
        # EXIF times carry no zone: kept naive, the verifier compares them with the store's local time.
        return datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S") if raw else None
    except ValueError:
        return None


def _exif_position(exif: Image.Exif) -> tuple[float | None, float | None]:
    gps = exif.get_ifd(_GPS_IFD)
    try:
        lat = _degrees(gps[2], gps.get(1, "N"), "S")
        lon = _degrees(gps[4], gps.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def _degrees(dms, ref, negative_ref: str) -> float:
    degrees, minutes, seconds = (float(part) for part in dms)
    value = degrees + minutes / 60 + seconds / 3600
    return -value if str(ref).upper().startswith(negative_ref) else value


def _signed64(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def blur(jpeg: bytes) -> bytes:
    """A copy too blurred to make out faces or text: what a moderator sees before choosing to reveal."""
    return _blurred(Image.open(io.BytesIO(jpeg)).convert("RGB"))


def _blurred(image: Image.Image) -> bytes:
    blurred = image.filter(ImageFilter.GaussianBlur(radius=max(8, max(image.size) // 40)))
    buffer = io.BytesIO()
    blurred.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()
