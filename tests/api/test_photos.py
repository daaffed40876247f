"""Photo upload: idempotent retries, type by content, size limits, EXIF handled and stripped."""

import io
import struct
import threading
import zlib

import pytest
from PIL import Image
from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.images import CLEAN_MAX_PIXELS, MAX_PHOTO_BYTES, ImageError, prepare_photo
from tests.fieldwork import (
    HERE,
    NUTELLA,
    fresh_fix,
    new_worker,
    on_site,
    photo_bytes,
    published_campaign,
    task_at,
    upload,
)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims huge dimensions: refused from its header, its pixels never decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


@pytest.mark.both_storages  # stored in a bucket too
def test_a_retry_after_a_dropped_connection_returns_the_same_photo(client, connection):
    worker, task = on_site(client)
    data = photo_bytes(seed=3)
    first = upload(client, worker, task["id"], "retry-key-01", data, gtin=NUTELLA)
    retry = upload(client, worker, task["id"], "retry-key-01", data, gtin=NUTELLA)  # the phone never saw `first`
    assert first.status_code == retry.status_code == 201
    assert first.json == retry.json
    assert connection.execute(text("SELECT count(*) FROM photos")).scalar() == 1


@pytest.mark.both_storages  # stored in a bucket too
def test_the_same_key_with_other_content_is_refused(client):
    worker, task = on_site(client)
    upload(client, worker, task["id"], "reused-key-1", photo_bytes(seed=1), gtin=NUTELLA)
    other = upload(client, worker, task["id"], "reused-key-1", photo_bytes(seed=2), gtin=NUTELLA)
    assert other.status_code == 422 and other.json["code"] == "idempotency_mismatch"


@pytest.mark.both_storages  # stored in a bucket too
def test_concurrent_retries_make_one_photo(committing_app):
    client = committing_app.test_client()
    worker, task = on_site(client)
    data = photo_bytes(seed=4)
    barrier = threading.Barrier(4)
    bodies = []

    def send():
        barrier.wait()
        response = upload(committing_app.test_client(), worker, task["id"], "race-key-0001", data, gtin=NUTELLA)
        bodies.append((response.status_code, response.json["id"]))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(bodies)) == 1 and bodies[0][0] == 201


def test_upload_needs_an_idempotency_key(client):
    worker, task = on_site(client)
    body = {"file": (io.BytesIO(photo_bytes()), "p.jpg"), "gtin": NUTELLA}
    response = client.post(f"/tasks/{task['id']}/photos", data=body, headers=worker, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json["errors"]["headers"]


def test_type_comes_from_the_bytes_not_the_name(client):
    worker, task = on_site(client)
    png = photo_bytes("PNG")
    assert upload(client, worker, task["id"], "png-named-jpg", png, gtin=NUTELLA).json["media_type"] == "image/png"
    webp = upload(client, worker, task["id"], "webp-photo-1", photo_bytes("WEBP"), gtin=NUTELLA)
    assert webp.status_code == 201 and webp.json["media_type"] == "image/webp"
    text_file = upload(client, worker, task["id"], "text-as-jpeg", b"GIF89a not really a photo", gtin=NUTELLA)
    assert text_file.status_code == 415 and text_file.json["code"] == "unsupported_image"


def test_more_than_15_mb_is_a_413(client):
    worker, task = on_site(client)
    too_big = photo_bytes() + b"\x00" * MAX_PHOTO_BYTES
    response = upload(client, worker, task["id"], "too-big-0001", too_big, gtin=NUTELLA)
    assert response.status_code == 413 and response.json["code"] == "payload_too_large"


def test_too_many_pixels_and_decompression_bombs_are_refused_before_decoding(client):
    worker, task = on_site(client)
    for key, (width, height) in {"mp-42-00001": (7000, 6000), "bomb-000001": (30000, 30000)}.items():
        response = upload(client, worker, task["id"], key, png_header_only(width, height), gtin=NUTELLA)
        assert response.status_code == 422, response.json
        assert response.json["code"] == "image_too_large"


def test_a_large_image_with_hardly_any_data_is_refused_from_its_header(client):
    """A 38 KB PNG of 6300 x 6300 used to be decoded whole (seconds and hundreds of MB in an API worker)."""
    worker, task = on_site(client)
    flat = io.BytesIO()
    Image.new("RGB", (6300, 6300), (200, 200, 200)).save(flat, "PNG")
    response = upload(client, worker, task["id"], "flat-png-0001", flat.getvalue(), gtin=NUTELLA)
    assert (response.status_code, response.json["code"]) == (422, "implausible_image")


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_for_its_copy_and_keeps_its_size(app):
    gradient = Image.linear_gradient("L").resize((6000, 4000)).convert("RGB")
    noisy = Image.effect_noise((6000, 4000), 40).convert("RGB")
    photo = io.BytesIO()
    Image.blend(gradient, noisy, 0.5).save(photo, "JPEG", quality=85)
    prepared = prepare_photo(photo.getvalue())
    assert (prepared.width, prepared.height) == (6000, 4000)  # the photo's own size, as recorded
    copy = Image.open(io.BytesIO(prepared.clean_jpeg))
    assert copy.width * copy.height <= CLEAN_MAX_PIXELS and copy.size == (3000, 2000)  # decoded at 1/2 scale


@pytest.mark.both_storages  # stored in a bucket too
def test_exif_orientation_is_applied_kept_as_evidence_and_stripped_from_the_client_copy(client, app, connection):
    worker, task = on_site(client)
    data = photo_bytes(size=(640, 480), exif_time="2026:11:28 09:15:00")
    response = upload(client, worker, task["id"], "exif-photo-1", data, gtin=NUTELLA)
    assert response.status_code == 201
    assert (response.json["width"], response.json["height"]) == (480, 640)  # rotated upright
    assert response.json["exif_taken_at"] == "2026-11-28T08:15:00.000Z"  # the camera's clock, read in Paris time
    storage = app.extensions[EXTENSION].storage
    clean_key, original_key = connection.execute(text("SELECT clean_key, original_key FROM photos")).one()
    clean = Image.open(io.BytesIO(storage.get(clean_key)))
    assert dict(clean.getexif()) == {}
    assert clean.size == (480, 640)
    assert storage.get(original_key) == data  # the evidence, as uploaded


def test_photo_must_be_of_an_item_of_the_task(client):
    worker, task = on_site(client)
    response = upload(client, worker, task["id"], "wrong-item-01", photo_bytes(), gtin="4006381333931")
    assert response.status_code == 404 and response.json["code"] == "item_not_found"
    nothing = upload(client, worker, task["id"], "no-item-00001", photo_bytes())
    assert nothing.status_code == 422


def test_photos_need_a_current_claim(client):
    published_campaign(client)
    worker = new_worker(client)
    task = task_at(client, worker)
    response = upload(client, worker, task["id"], "no-claim-0001", photo_bytes(), gtin=NUTELLA)
    assert response.status_code == 409 and response.json["code"] == "not_claimed"
    client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker)
    early = upload(client, worker, task["id"], "no-checkin-01", photo_bytes(), gtin=NUTELLA)
    assert (early.status_code, early.json["code"]) == (409, "not_checked_in")  # a photo is taken on the visit
    assert client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker).status_code == 201
    assert upload(client, worker, task["id"], "checked-in-01", photo_bytes(), gtin=NUTELLA).status_code == 201


def test_a_text_field_named_file_is_refused(client):
    worker, task = on_site(client)
    response = client.post(
        f"/tasks/{task['id']}/photos",
        data={"file": "not a file", "gtin": NUTELLA},
        headers={**worker, "Idempotency-Key": "text-field-01"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "file" in response.json["errors"]["multipart"]


def test_photos_are_prepared_in_child_processes_and_their_refusals_come_back_whole(app):
    processes = app.extensions[EXTENSION].photo_processes
    assert processes.processes >= 1  # the tests exercise the pool, as a deployment does
    data = photo_bytes(size=(800, 600), exif_time="2026:11:28 09:15:00")
    assert processes.prepare(data) == prepare_photo(data)
    refused = []
    for bad in (b"GIF89a not a photo", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64):
        try:
            processes.prepare(bad)
        except ImageError as error:
            refused.append((error.code, bool(error.message)))
    assert refused == [("unsupported_image", True), ("unreadable_image", True)]
    assert processes._pool is not None  # started, and still up after refusals
