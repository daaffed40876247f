"""The OpenAPI document is valid, complete, and its interactive docs are served without a CDN."""

import io
import json
import logging

from openapi_spec_validator import validate


def test_openapi_document_is_valid(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    validate(response.json)


def test_every_operation_has_a_summary_a_success_and_its_errors(client):
    spec = client.get("/openapi.json").json
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            codes = set(operation["responses"])
            assert any(code.startswith("2") for code in codes), where
            if operation.get("security"):
                assert {"401", "403"} <= codes, where
            if operation.get("requestBody"):
                assert "422" in codes, where
                if "application/json" in operation["requestBody"]["content"]:
                    assert {"400", "415"} <= codes, where  # unreadable JSON, another media type
            if "{" in path:
                assert "404" in codes, where


def test_every_success_with_a_body_says_its_media_types(client):
    """A generated client needs a type for each body: the CSV and NDJSON feed, the HTML record, images."""
    paths = client.get("/openapi.json").json["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            for code, response in operation.get("responses", {}).items() if method != "parameters" else ():
                if code.startswith("2") and code != "204":
                    assert all(content.get("schema") for content in response.get("content", {}).values()), path
                    assert response.get("content"), f"{method.upper()} {path} {code}"
    feed = paths["/feeds/prices"]["get"]["responses"]["200"]["content"]
    assert {"application/json", "text/csv", "application/x-ndjson"} == set(feed)
    assert "text/html" in paths["/me/work-record"]["get"]["responses"]["200"]["content"]
    assert paths["/photos/{photo_id}/clean"]["get"]["responses"]["200"]["content"]["image/jpeg"]["schema"] == {
        "type": "string", "format": "binary"}  # fmt: skip


def test_error_responses_document_the_error_shape(client):
    spec = client.get("/openapi.json").json
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "errors"}


def test_error_responses_list_their_codes_with_an_example(client):
    """The codes an operation answers are in its document, not only in the code (flask-smorest drops
    the description of a referenced response)."""
    paths = client.get("/openapi.json").json["paths"]
    checkin = paths["/tasks/{task_id}/checkin"]["post"]["responses"]["422"]
    assert all(code in checkin["description"] for code in ("`stale_fix`", "`fix_before_claim`", "`inaccurate_fix`"))
    example = checkin["content"]["application/json"]["example"]
    assert example["code"] == "stale_fix" and example["message"]
    claim = paths["/tasks/{task_id}/claim"]["post"]["responses"]["409"]
    assert "`too_far`" in claim["description"]
    assert claim["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_a_conditional_edit_declares_its_if_match_header(client):
    patch = client.get("/openapi.json").json["paths"]["/campaigns/{campaign_id}"]["patch"]
    [if_match] = [p for p in patch["parameters"] if p["name"] == "If-Match"]
    assert (if_match["in"], if_match["required"]) == ("header", True)
    assert {"412", "428"} <= set(patch["responses"])


def test_docs_page_and_its_assets_are_served(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert b"/docs/assets/swagger-ui-bundle.js" in page.data
    with client.get("/docs/assets/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200
        assert asset.mimetype in ("text/javascript", "application/javascript")


def test_request_id_is_returned_and_a_callers_id_is_kept(client):
    generated = client.get("/healthz").headers["X-Request-Id"]
    assert len(generated) == 32
    kept = client.get("/healthz", headers={"X-Request-Id": "phone-1234-abcd"}).headers["X-Request-Id"]
    assert kept == "phone-1234-abcd"
    replaced = client.get("/healthz", headers={"X-Request-Id": "bad id; DROP TABLE"}).headers["X-Request-Id"]
    assert replaced != "bad id; DROP TABLE" and len(replaced) == 32


def test_log_lines_are_json_and_carry_the_request_id(client):
    root_handler = next(h for h in logging.getLogger().handlers if getattr(h, "_fieldtasks", False))
    access = logging.getLogger("fieldtasks.access")
    buffer = io.StringIO()
    previous_stream, previous_level = root_handler.setStream(buffer), access.level
    access.setLevel(logging.INFO)
    try:
        response = client.get("/healthz", headers={"X-Request-Id": "trace-me-0001"})
    finally:
        root_handler.setStream(previous_stream)
        access.setLevel(previous_level)
    assert response.status_code == 200
    line = json.loads(buffer.getvalue().splitlines()[-1])
    assert line["request_id"] == "trace-me-0001"
    assert (line["path"], line["status"], line["level"]) == ("/healthz", 200, "INFO")
