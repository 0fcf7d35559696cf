"""Schemathesis hooks of the contract test (see schemathesis.toml beside this file).

`positive_data_acceptance` is configured to accept 400 for the modify call (PUT) and the
create call (POST) because the API documents rules of their bodies that the schema cannot
express, and refusals that depend on the state. This check narrows that back down: a 400
answer to schema-valid data must be one of those documented refusals of that call, and a
refusal about the body must answer a body that really breaks the rule. The other calls (the
query, the list, the delete and the quotas) have no body, and their parameters are wholly
described by the schema: any 400 to them is a failure (here, and in
`positive_data_acceptance`, which does not list 400 for them).
"""

import json

import schemathesis

# Refusals of schema-valid requests that depend on the emulator's state, not on the request.
STATE_REFUSALS = {
    "PUT": {
        "endpoint.3044",  # ports clash with another service sharing the same port_id
        "endpoint.3045",  # the service is not `available`
    },
    "POST": {
        "endpoint.3044",  # ports clash with another service sharing the same port_id
        "endpoint.1018",  # the project's quota of services is reached
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


def is_documented_refusal(method, code, body):
    """Whether a 400 `code` to schema-valid `body` of `method` is a documented refusal."""
    if code in STATE_REFUSALS.get(method, set()):
        return True
    if method in ("PUT", "POST") and code == DUPLICATE_MAPPING:
        return has_duplicate_mapping(body)
    if method == "POST" and code == DUPLICATE_TAG_KEY:
        return has_duplicate_tag_key(body)
    if method == "POST" and code == INVALID_TAG:
        return has_invalid_tag_character(body)
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
    if is_documented_refusal(case.method.upper(), code, case.body):
        return None
    raise AssertionError(
        "Schema-valid data refused with 400 for a reason that is not a documented rule the "
        f"schema cannot express: {response.content[:300]!r}"
    )
