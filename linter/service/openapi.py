"""The OpenAPI 3.1 document served at ``GET /openapi.json``; tests validate it and check that
it names every route the service answers."""
from __future__ import annotations

from typing import Any

from ..rules.platforms import PLATFORM_NAMES


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_body(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "400": _json_body(_ref("Error"), "Invalid JSON or invalid fields; details name each problem"),
    "401": _json_body(_ref("Error"), "Missing or wrong token (only when the service has one)"),
    "408": _json_body(_ref("Error"), "Head or body not received in full within the request timeout"),
    "413": _json_body(_ref("Error"), "Body larger than the limit"),
    "415": _json_body(_ref("Error"), "Body not sent as application/json"),
    "431": _json_body(_ref("Error"), "Request head larger than 64 KiB"),
}


def openapi_document(version: str, max_body: int, max_batch: int) -> dict:
    check_item = {
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {
            "text": {"type": "string", "description": "The reply to check (待发送的回复)"},
            "context": {
                "type": "array",
                "description": "The buyer's turns just before the reply, oldest first",
                "items": {"oneOf": [
                    {"type": "string"},
                    {"type": "object", "required": ["text"], "additionalProperties": False,
                     "properties": {"role": {"type": "string"}, "text": {"type": "string"}}},
                ]},
            },
            "agent": {"type": "string", "description": "Echoed back; never logged with the text"},
            "platform": {"type": "string", "enum": list(PLATFORM_NAMES),
                         "description": "Judge the reply as sent on this platform (default: the service's)"},
            "model": {"type": "boolean", "description": "Add (true) or leave out (false) the review model's "
                      "model.<category> findings: info, 0 points, with a probability (default: the server's config)"},
        },
    }
    finding = {
        "type": "object",
        "required": ["rule", "category", "severity", "points", "start", "end", "line", "column", "match",
                     "message", "suggestion", "fatal"],
        "properties": {
            "rule": {"type": "string"},
            "category": {"type": "string"},
            "severity": {"type": "string", "enum": ["info", "warning", "error"]},
            "points": {"type": "integer"},
            "start": {"type": "integer", "description": "Character (code point) offset into text"},
            "end": {"type": "integer"},
            "line": {"type": "integer", "minimum": 1},
            "column": {"type": "integer", "minimum": 1},
            "match": {"type": "string", "description": "Masked when it is personal data"},
            "message": {"type": "string"},
            "suggestion": {"type": "string"},
            "fatal": {"type": "boolean", "description": "A dismissal item (开除项)"},
            "fixable": {"type": "boolean", "description": "suggested_text rewrites the clause holding it"},
            "needs_rewrite": {"type": "boolean", "description": "At error and no fix leaves the reply clean"},
            "probability": {"type": "number", "description": "Only on the review model's findings"},
        },
    }
    result = {
        "type": "object",
        "required": ["points", "blocked", "fatal", "findings", "suggested_text", "needs_rewrite", "errors"],
        "properties": {
            "points": {"type": "integer"},
            "blocked": {"type": "boolean", "description": "A finding at or above fail-on"},
            "fatal": {"type": "boolean"},
            "findings": {"type": "array", "items": _ref("Finding")},
            "suggested_text": {"type": "string", "description": (
                "The reply with each clause that breaks a rule replaced by the standard phrase or removed; "
                "it checks with no finding at error. The reply unchanged when needs_rewrite")},
            "needs_rewrite": {"type": "boolean",
                              "description": "No fix leaves the reply clean: a person must rewrite it (需要人工改写)"},
            "platform": {"type": "string",
                         "description": "The platform the reply was judged on (inferred from its words, or configured)"},
            "errors": {"type": "array", "items": {"type": "string"},
                       "description": "Problems that stopped a rule on this text (a user regex that timed out)"},
            "agent": {"type": "string"},
        },
    }
    rule = {
        "type": "object",
        "properties": {
            key: {"type": kind} for key, kind in [
                ("id", "string"), ("kind", "string"), ("category", "string"), ("ruleset", "string"), ("severity", "string"),
                ("points", "integer"), ("message", "string"), ("suggestion", "string"),
                ("reference", "string"), ("fatal", "boolean"), ("sensitive", "boolean"),
            ]
        } | {"fix": {"type": ["string", "null"]}},
    }
    error = {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "string"}},
            },
        }},
    }
    health = {
        "type": "object",
        "required": ["status", "version", "rules"],
        "properties": {
            "status": {"type": "string", "enum": ["ok"]},
            "version": {"type": "string"},
            "rules": {"type": "integer"},
            "loaded_at": {"type": "string"},
            "reloads": {"type": "integer"},
            "last_reload_error": {"type": ["array", "null"], "items": {"type": "string"}},
        },
    }
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "kefulint service",
            "version": version,
            "description": "Check customer-service replies before they are sent (发送前检查客服回复). "
                           f"Request bodies are limited to {max_body} bytes.",
        },
        "servers": [{"url": "http://127.0.0.1:8765"}],
        "security": [{}, {"bearer": []}],
        "paths": {
            "/v1/check": {"post": {
                "summary": "Check one reply",
                "operationId": "check",
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("CheckItem")}}},
                "responses": {"200": _json_body(_ref("Result"), "The check result"), **_ERRORS},
            }},
            "/v1/check/batch": {"post": {
                "summary": f"Check up to {max_batch} replies",
                "operationId": "checkBatch",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["items"], "additionalProperties": False,
                    "properties": {"items": {"type": "array", "maxItems": max_batch, "items": _ref("CheckItem")}},
                }}}},
                "responses": {"200": _json_body({
                    "type": "object", "required": ["count", "results"],
                    "properties": {"count": {"type": "integer"},
                                   "results": {"type": "array", "items": _ref("Result")}},
                }, "One result per item, in order"), **_ERRORS},
            }},
            "/v1/rules": {"get": {
                "summary": "The rules in force",
                "operationId": "rules",
                "responses": {"200": _json_body({
                    "type": "object", "required": ["count", "rules"],
                    "properties": {"count": {"type": "integer"}, "rules": {"type": "array", "items": _ref("Rule")}},
                }, "Every enabled rule")},
            }},
            "/v1/reload": {"post": {
                "summary": "Reload config and rulesets (also on SIGHUP); no body and no Content-Type needed",
                "operationId": "reload",
                "responses": {
                    "200": _json_body({"type": "object", "properties": {
                        "reloaded": {"type": "boolean"}, "rules": {"type": "integer"}}}, "New rules in force"),
                    "422": _json_body(_ref("Error"), "Broken config or ruleset; the previous rules stay in force"),
                },
            }},
            "/healthz": {"get": {
                "summary": "Liveness and the rules loaded",
                "operationId": "health",
                "responses": {"200": _json_body(_ref("Health"), "Serving")},
            }},
            "/openapi.json": {"get": {
                "summary": "This document",
                "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
            "/": {"get": {
                "summary": "The draft page (粘贴草稿检查); HEAD answers the same without the body",
                "operationId": "page",
                "responses": {"200": {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}},
                              "401": {"description": "No token: a page that says how to open it with one",
                                      "content": {"text/html": {"schema": {"type": "string"}}}}},
            }},
        },
        "components": {
            "schemas": {"CheckItem": check_item, "Finding": finding, "Result": result, "Rule": rule,
                        "Error": error, "Health": health},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "Required when the service was started with a token"}},
        },
    }
    for operations in document["paths"].values():
        if "get" in operations:  # HEAD answers as GET, with the same headers and no body
            get = operations["get"]
            operations["head"] = {
                "summary": f"{get['summary']} (headers only)",
                "operationId": f"{get['operationId']}Head",
                "responses": {code: {"description": r["description"]} for code, r in get["responses"].items()},
            }
    return document
