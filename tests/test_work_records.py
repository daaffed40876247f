"""A worker's record: the facts of their work, signed with the platform's Ed25519 key, checkable by anyone."""

from __future__ import annotations

import base64
import copy
import json
import subprocess

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.photo_reading import run_extraction
from fieldtasks.security import LEGACY_FORMAT, RecordSigner, canonical_json
from tests.fieldwork import published_campaign
from tests.helpers import bearer, register, sign_in
from tests.test_fair_pay import do_task
from tests.verification import hand_in, label_photo, read_photo


@pytest.fixture
def worked(client, connection):
    """A worker with one verified item paid, and a task of an unnamed client with its products not found."""
    handed_in = hand_in(client, label_photo(seed=21))
    read_photo(client, handed_in)
    hidden = published_campaign(client, named_in_work_records=False)
    do_task(client, handed_in.worker, hidden["id"])
    res = client.application.extensions[EXTENSION]
    for photo_id in connection.execute(text("SELECT id FROM photos WHERE stage = 'absence'")).scalars():
        run_extraction(res, photo_id, 1)  # the empty places: findings for a moderator
    return handed_in


def test_the_record_states_the_work_and_names_only_clients_who_allow_it(client, worked):
    document = client.get("/me/work-record", headers=worked.worker).json
    record = document["record"]
    assert record["format"] == "fieldtasks.work-record/2"
    assert [(row["kind"], row["count"]) for row in record["tasks"]] == [("shelf_price", 2)]
    assert record["items"]["verified"] == 1 and record["items"]["in_review"] == 2  # two reported not found
    assert record["items"]["approval_rate"] == 1.0
    assert record["earnings"] == [{"currency": "EUR", "cents": 40}]
    assert record["hours"] >= 0 and record["qualifications"] == []
    owner = client.get("/me", headers=worked.campaign["headers"]).json["organization"]["name"]
    assert record["clients"] == [owner]  # the other client asked not to be named
    assert document["signature"]["alg"] == "Ed25519"


def test_a_record_verifies_and_any_change_is_caught(client, worked):
    document = client.get("/me/work-record", headers=worked.worker).json
    assert client.post("/work-records/verify", json=document).json["valid"] is True
    inflated = copy.deepcopy(document)
    inflated["record"]["earnings"][0]["cents"] = 4000
    checked = client.post("/work-records/verify", json=inflated).json
    assert checked["valid"] is False and "changed" in checked["reason"]
    foreign = RecordSigner(b"\x01" * 32).sign(document["record"])
    assert (
        client.post("/work-records/verify", json=foreign).json["reason"]
        == "The record is signed with another key than this platform's."
    )
    assert client.post("/work-records/verify", json={"record": {}}).status_code == 422


def test_anyone_can_check_a_record_offline_with_the_published_key(client, worked):
    document = client.get("/me/work-record", headers=worked.worker).json
    jwk = client.get("/.well-known/fieldtasks-work-record-key").json
    assert (jwk["kty"], jwk["crv"], jwk["kid"]) == ("OKP", "Ed25519", document["signature"]["key_id"])
    key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(jwk["x"] + "="))
    signature = base64.urlsafe_b64decode(document["signature"]["value"] + "==")
    key.verify(signature, canonical_json(document["record"]))  # raises if not valid
    with pytest.raises(InvalidSignature):
        key.verify(signature, canonical_json({**document["record"], "hours": 1000}))


NODE_VERIFIER = r"""
// The README's verifier: RFC 8785 by JSON.stringify with sorted keys (what the `canonicalize` package does).
const crypto = require("node:crypto");
const canonicalize = (v) =>
  v === null || typeof v !== "object" ? JSON.stringify(v)
  : Array.isArray(v) ? "[" + v.map(canonicalize).join(",") + "]"
  : "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + canonicalize(v[k])).join(",") + "}";
const [doc, jwk] = [JSON.parse(process.argv[1]), JSON.parse(process.argv[2])];
const key = crypto.createPublicKey({ key: jwk, format: "jwk" });
const signature = Buffer.from(doc.signature.value, "base64url");
const ok = crypto.verify(null, Buffer.from(canonicalize(doc.record)), key, signature);
process.stdout.write(ok ? "valid" : "invalid");
"""


def test_another_language_checks_a_record_with_accents_and_whole_floats(client, worked, connection):
    """Canonical JSON any language rebuilds: Node checks a record whose name has an accent and whose hours are
    a whole number, after the document went through an ASCII-escaping JSON encoder."""
    connection.execute(text("UPDATE users SET display_name = 'Zoé Müller' WHERE display_name = 'Worker'"))
    document = client.get("/me/work-record", headers=worked.worker).json
    document["record"]["hours"] = 2.0  # as a float, which Python writes 2.0 and JavaScript 2
    document = client.application.extensions[EXTENSION].record_signer.sign(document["record"])
    assert client.post("/work-records/verify", json=document).json["valid"] is True
    jwk = client.get("/.well-known/fieldtasks-work-record-key").json
    escaped = json.dumps(document, ensure_ascii=True)  # \u00e9 on the wire: the same document
    checked = subprocess.run(["node", "-e", NODE_VERIFIER, escaped, json.dumps(jwk)], capture_output=True, text=True)
    assert checked.stdout == "valid", checked.stderr
    tampered = {**document, "record": {**document["record"], "hours": 3}}
    checked = subprocess.run(["node", "-e", NODE_VERIFIER, json.dumps(tampered), json.dumps(jwk)],
                             capture_output=True, text=True)  # fmt: skip
    assert checked.stdout == "invalid"


def test_a_record_signed_in_the_first_format_still_verifies(client, worked):
    record = {**client.get("/me/work-record", headers=worked.worker).json["record"], "format": LEGACY_FORMAT}
    signer = client.application.extensions[EXTENSION].record_signer
    legacy = {**signer.sign(record)}
    legacy["signature"] = {**legacy["signature"], "value": base64.urlsafe_b64encode(
        signer._private.sign(json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())
    ).rstrip(b"=").decode()}  # fmt: skip
    assert client.post("/work-records/verify", json=legacy).json["valid"] is True


def test_the_cli_checks_a_record_file(client, runner, worked, tmp_path):
    document = client.get("/me/work-record", headers=worked.worker).json
    good, bad = tmp_path / "record.json", tmp_path / "tampered.json"
    good.write_text(json.dumps(document))
    bad.write_text(json.dumps({**document, "record": {**document["record"], "clients": ["Someone Famous"]}}))
    valid = runner.invoke(args=["work-record", "verify", str(good)])
    assert valid.exit_code == 0 and "valid" in valid.output
    refused = runner.invoke(args=["work-record", "verify", str(bad)])
    assert refused.exit_code != 0 and "NOT VALID" in refused.output


def test_the_printable_record_escapes_what_people_typed(client):
    account = register(client, "worker", display_name="<script>alert(1)</script>")
    worker = bearer(sign_in(client, account["email"]))
    page = client.get("/me/work-record", query_string={"format": "html"}, headers=worker)
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "&lt;script&gt;" in text and "<script>" not in text and "No task yet." in text


def test_the_printable_record_reads_in_french_and_signs_the_same_record(client, worked):
    french = {**worked.worker, "Accept-Language": "fr"}
    page = client.get("/me/work-record", query_string={"format": "html"}, headers=french).get_data(as_text=True)
    assert '<html lang="fr">' in page and "Relevé de travail" in page and "relevés de prix" in page
    assert "<code>POST /work-records/verify</code>" in page  # markup kept inside the translated sentence
    document = client.get("/me/work-record", headers=french).json  # the signed JSON has no language
    assert client.post("/work-records/verify", json=document).json["valid"] is True
