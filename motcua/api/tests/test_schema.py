"""The OpenAPI schema says what the API answers (issue 9, "The OpenAPI schema must be true"):
pages for lists, bounded parameters, problems as application/problem+json, the media types of
files. The fuzzer (test_schema_fuzz.py) holds the answers to it on PostgreSQL."""

import pytest
from django.conf import settings
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from motcua.dossiers import lifecycle

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
LISTS = ["/api/v1/units", "/api/v1/agencies", "/api/v1/sectors", "/api/v1/procedures",
         "/api/v1/notifications", "/api/v1/dossiers", "/api/v1/dispatch"]


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def component(schema, ref):
    return schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


def test_the_schema_is_valid_and_made_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn",
                 "--file", str(tmp_path / "schema.yaml"))


@pytest.mark.parametrize("path", LISTS)
def test_lists_are_pages_with_bounded_limit_and_offset(schema, path):
    operation = schema["paths"][path]["get"]
    page = component(schema, operation["responses"]["200"]["content"]["application/json"]
                     ["schema"])
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    assert page["properties"]["results"]["type"] == "array"
    parameters = {p["name"]: p for p in operation["parameters"]}
    for name in ("limit", "offset"):
        assert parameters[name]["in"] == "query"
        assert parameters[name]["schema"] == {
            "type": "integer", "minimum": 0, "maximum": settings.API_MAX_OFFSET}
    assert str(settings.API_MAX_PAGE_SIZE) in parameters["limit"]["description"]


def test_filters_are_documented_with_their_types_and_bounds(schema):
    def parameters(path):
        return {p["name"]: p["schema"] for p in schema["paths"][path]["get"]["parameters"]}

    assert parameters("/api/v1/dossiers")["status"]["pattern"] == "^(10|[0-9])(,(10|[0-9]))*$"
    sector = parameters("/api/v1/procedures")["sector"]
    assert (sector["type"], sector["minimum"], sector["maximum"]) == ("integer", 1, 2**63 - 1)
    worklist = parameters("/api/v1/worklist")
    assert (worklist["limit"]["minimum"], worklist["limit"]["maximum"]) == (1, 200)
    assert "mine" in worklist["view"]["enum"]
    assert parameters("/api/v1/notifications")["unread"]["type"] == "boolean"


def test_every_operation_documents_its_problems_as_problem_json(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert "400" in responses, (method, path)  # a NUL in the address, at least
        if any(operation.get("security", [{}])):
            assert "401" in responses, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if "requestBody" in operation:
            assert "415" in responses, (method, path)
        for status, response in responses.items():
            if status.startswith("4"):
                assert response["content"] == {
                    "application/problem+json": {"schema": PROBLEM_REF}}, (method, path, status)
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status"}


def test_problems_only_the_view_knows_are_documented_beside_it(schema):
    def statuses(path, method="post"):
        return set(schema["paths"][path][method]["responses"])

    assert {"403", "409"} <= statuses("/api/v1/dossiers/{code}/actions/{action}")
    assert {"403", "422"} <= statuses("/api/v1/dossiers")
    assert "429" in statuses("/api/v1/auth/token")
    assert "429" in statuses("/api/v1/tracking/{code}", "get")
    assert {"403", "409"} <= statuses("/api/v1/steps/{step_id}/actions/{action}")
    assert "201" in statuses("/api/v1/dossiers/{code}/files")


def test_files_are_documented_with_their_media_types(schema):
    def content(path):
        return set(schema["paths"][path]["get"]["responses"]["200"]["content"])

    assert content("/api/v1/dossiers/{code}/slips/{form}.pdf") == {"application/pdf"}
    assert content("/api/v1/agencies/{code}/book.{fmt}") == {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert "image/png" in content("/api/v1/dossiers/{code}/files/{file_id}")


def test_the_action_endpoint_documents_what_each_action_takes(schema):
    operation = schema["paths"]["/api/v1/dossiers/{code}/actions/{action}"]["post"]
    action = next(p for p in operation["parameters"] if p["name"] == "action")
    assert action["schema"]["enum"] == lifecycle.API_ACTIONS
    body = component(schema, operation["requestBody"]["content"]["application/json"]["schema"])
    names = {"to_agency": "to_agency_code"}
    for name in lifecycle.API_ACTIONS:
        spec = lifecycle.ACTIONS[name]
        line = next(line for line in operation["description"].splitlines()
                    if line.startswith(f"- `{name}`:"))
        for item in spec.inputs:
            field = names.get(item.name, item.name)
            assert field in body["properties"], (name, field)
            assert f"`{field}`{' (or `' + item.also + '`)' if item.also else ''}" \
                f"{' (required)' if item.required else ''}" in line, (name, line)
