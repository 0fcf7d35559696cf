"""Schemathesis hooks of the contract test (see schemathesis.toml beside this file).

`positive_data_acceptance` is configured to accept 400 for the calls with a body (the modify
and the create of a service, the create of a VPC endpoint, the accept or reject of a
connection, the change of a whitelist) and for the delete of a service, because the API
documents rules of their bodies that the schema cannot express, and refusals that depend on
the state. This check narrows that back down: a 400 answer to schema-valid data must be one
of those documented refusals of that call, and a refusal about the body must answer a body
that really breaks the rule. The other calls (the queries and lists, the delete of an
endpoint and the quotas) have no body, and their parameters are wholly described by the
schema: any 400 to them is a failure (here, and in `positive_data_acceptance`, which does
not list 400 for them).
"""

import json

import schemathesis

SERVICES = "/v1/{project_id}/vpc-endpoint-services"
SERVICE = SERVICES + "/{vpc_endpoint_service_id}"
ENDPOINTS = "/v1/{project_id}/vpc-endpoints"

# Refusals of schema-valid requests that depend on the emulator's state, not on the request,
# by operation (method and path).
STATE_REFUSALS = {
    ("PUT", SERVICE): {
        "endpoint.3044",  # ports clash with another service sharing the same port_id
        "endpoint.3045",  # the service is not `available`
    },
    ("POST", SERVICES): {
        "endpoint.3044",  # ports clash with another service sharing the same port_id
        "endpoint.1018",  # the project's quota of services is reached
    },
    ("DELETE", SERVICE): {
        "endpoint.3006",  # VPC endpoints are connected to the service
    },
    ("POST", SERVICE + "/connections/action"): {
        "endpoint.2013",  # the endpoint does not connect to this service (or does not exist)
        "endpoint.2014",  # the endpoint is accepted already
    },
    ("POST", SERVICE + "/permissions/action"): {
        "endpoint.3049",  # the whitelist would pass its most records
    },
    ("POST", ENDPOINTS): {
        "endpoint.2003",  # no service of that ID (in any project)
        "endpoint.2004",  # the service is not `available`
        "endpoint.2010",  # an interface service needs a subnet_id
        "endpoint.2012",  # the project's domain is not in the service's whitelist
        "endpoint.1018",  # the project's quota of endpoints is reached
    },
}
DUPLICATE_MAPPING = "endpoint.0002"
DUPLICATE_TAG_KEY = "endpoint.3067"
INVALID_TAG = "endpoint.3068"


def has_duplicate_mapping(body):
    """Whether two port mappings share a client_port and protocol (TCP when left out)."""
    if not isinstance(body, dict) or not isinstance(body.get("ports"), list):
        return False
    seen = set()
    for mapping in body["ports"]:
        if not isinstance(mapping, dict):
            return False
        key = (mapping.get("client_port"), mapping.get("protocol", "TCP"))
        if key in seen:
            return True
        seen.add(key)
    return False


def tags_of(body):
    """The tags of a create body, the ones that are objects."""
    if not isinstance(body, dict) or not isinstance(body.get("tags"), list):
        return []
    return [tag for tag in body["tags"] if isinstance(tag, dict)]


def has_duplicate_tag_key(body):
    """Whether two tags have the same key."""
    keys = [tag.get("key") for tag in tags_of(body)]
    return len(keys) != len(set(keys))


def tag_character_allowed(character):
    """A Unicode letter or digit, `-`, `_` or `@`: what the reference allows in a tag.

    The schema's pattern is wider (every character from U+00C0 on), so that every
    regular-expression engine reads it alike; the emulator follows the reference.
    """
    return character.isalnum() or character in "-_@"


def has_invalid_tag_character(body):
    """Whether a tag key or value has a character the reference does not allow."""
    for tag in tags_of(body):
        for text in (tag.get("key"), tag.get("value")):
            if isinstance(text, str) and not all(map(tag_character_allowed, text)):
                return True
    return False


def ipv4(text):
    """Whether `text` is an IPv4 address in dotted decimal form, without leading zeros."""
    parts = text.split(".")
    return len(parts) == 4 and all(
        p.isascii() and p.isdigit() and len(p) <= 3 and int(p) <= 255 and (p == "0" or p[0] != "0")
        for p in parts
    )


def address_or_block(text):
    """Whether `text` is an IPv4 address or a CIDR block `a.b.c.d/n`, n 0 to 32."""
    address, slash, bits = text.partition("/")
    if not slash:
        return ipv4(text)
    return ipv4(address) and bits.isascii() and bits.isdigit() and len(bits) <= 2 and int(bits) <= 32


ENDPOINT_WHITELIST_MAX = 20  # the emulator's choice, `MAX_ENDPOINT_WHITELIST`


def endpoint_whitelist_refusal(body):
    """The code a VPC endpoint's own whitelist breaks, if any: 2045 too long, 2044 an entry."""
    if not isinstance(body, dict) or not isinstance(body.get("whitelist"), list):
        return None
    entries = body["whitelist"]
    if len(entries) > ENDPOINT_WHITELIST_MAX:
        return "endpoint.2045"
    if not all(isinstance(e, str) and address_or_block(e) for e in entries):
        return "endpoint.2044"
    return None


def is_documented_refusal(method, path, code, body):
    """Whether a 400 `code` to schema-valid `body` of the operation `method` `path` is a
    documented refusal."""
    if code in STATE_REFUSALS.get((method, path), set()):
        return True
    creates = {("POST", SERVICES), ("POST", ENDPOINTS)}
    if (method, path) in {("PUT", SERVICE), ("POST", SERVICES)} and code == DUPLICATE_MAPPING:
        return has_duplicate_mapping(body)
    if (method, path) in creates and code == DUPLICATE_TAG_KEY:
        return has_duplicate_tag_key(body)
    if (method, path) in creates and code == INVALID_TAG:
        return has_invalid_tag_character(body)
    if (method, path) == ("POST", ENDPOINTS) and code in ("endpoint.2044", "endpoint.2045"):
        return endpoint_whitelist_refusal(body) == code
    return False


@schemathesis.check
def documented_refusals_only(ctx, response, case):
    """A 400 answer to schema-valid data must be a documented refusal the schema cannot express."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    try:
        code = str(json.loads(response.content).get("error_code", "")).lower()
    except (ValueError, AttributeError):
        code = ""
    if is_documented_refusal(case.method.upper(), case.operation.path, code, case.body):
        return None
    raise AssertionError(
        "Schema-valid data refused with 400 for a reason that is not a documented rule the "
        f"schema cannot express: {response.content[:300]!r}"
    )
