"""Schemathesis hooks of the contract test (see schemathesis.toml beside this file).

`positive_data_acceptance` is configured to accept 400 for the modify call (PUT) because the
API documents rules of its body that the schema cannot express. This check narrows that back
down: a 400 answer to schema-valid data must be one of those documented refusals of a PUT, and
a duplicate refusal must answer a request that really has a duplicate. The query (GET) has no
body and its path parameters are wholly described by the schema: any 400 to it is a failure
(here, and in `positive_data_acceptance`, which does not list 400 for it).
"""

import json

import schemathesis

# The only operation whose schema-valid requests can meet a documented 400: the modify call.
REFUSING_METHOD = "PUT"
# Its refusals of schema-valid requests that depend on the emulator's state, not on the request.
STATE_REFUSALS = {
    "endpoint.3044",  # ports clash with another service sharing the same port_id
    "endpoint.3045",  # the service is not `available`
}
DUPLICATE_REFUSAL = "endpoint.0002"


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
    if case.method.upper() == REFUSING_METHOD:
        if code in STATE_REFUSALS:
            return None
        if code == DUPLICATE_REFUSAL and has_duplicate_mapping(case.body):
            return None
    raise AssertionError(
        "Schema-valid data refused with 400 for a reason that is not a documented rule the "
        f"schema cannot express: {response.content[:300]!r}"
    )
