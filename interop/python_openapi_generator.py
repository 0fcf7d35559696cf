#!/usr/bin/env python3
"""Uses the Python client that openapi-generator (`-g python`) made from spec/vpcep.yaml.

Run by .ci/spec-checks with the generated package `vpcep_client` on PYTHONPATH and the server's
base URL in VPCEP_BASE_URL. Sends the documented example request to the documented service and
checks the documented fields of the answer, reads the service back (GET) and checks that it
shows the change, then checks that a 4XX answer (an unknown service, to PUT and to GET) decodes
into the spec's ErrorResponse model. Exits non-zero on any mismatch.
"""

import enum
import os
import sys

import vpcep_client
from vpcep_client.exceptions import ApiException
from vpcep_client.models import ErrorResponse, ModifyEndpointServiceRequest, PortMapping, Protocol

PROJECT_ID = "6e9dfd51d1124e8d8498dce894923a0d"
SERVICE_ID = "4189d3c2-8882-4871-a3c2-d380272eed88"
UNKNOWN_SERVICE_ID = "00000000-0000-4000-8000-000000000000"


def plain(value):
    """An open enum's (anyOf) or a closed enum's value as a plain string."""
    value = getattr(value, "actual_instance", value)
    return value.value if isinstance(value, enum.Enum) else value


def refusal(call) -> str:
    """Makes a call that must fail with a 4XX whose body decodes into ErrorResponse."""
    try:
        call()
    except ApiException as error:
        assert 400 <= error.status < 500, error.status
        assert isinstance(error.data, ErrorResponse), (type(error.data), error.body)
        assert error.data.error_code.startswith("EndPoint."), error.data.error_code
        assert error.data.error_msg, error.data
        return f"{error.status} {error.data.error_code}"
    sys.exit("an unknown service was accepted")


def main() -> None:
    config = vpcep_client.Configuration(
        host=os.environ["VPCEP_BASE_URL"], api_key={"token": "interop-test-token"}
    )
    with vpcep_client.ApiClient(config) as api_client:
        api = vpcep_client.EndpointServicesApi(api_client)

        # The documented example request.
        request = ModifyEndpointServiceRequest(
            approval_enabled=True,
            service_name="test",
            ports=[
                PortMapping(client_port=8081, server_port=22, protocol=Protocol.TCP),
                PortMapping(client_port=8082, server_port=23, protocol=Protocol.UDP),
            ],
        )
        assert request.to_dict() == {
            "approval_enabled": True,
            "service_name": "test",
            "ports": [
                {"client_port": 8081, "server_port": 22, "protocol": "TCP"},
                {"client_port": 8082, "server_port": 23, "protocol": "UDP"},
            ],
        }, request.to_dict()
        service = api.modify_endpoint_service(PROJECT_ID, SERVICE_ID, request)
        assert service.id == SERVICE_ID, service.id
        assert service.project_id == PROJECT_ID, service.project_id
        assert service.approval_enabled is True, service.approval_enabled
        name = service.service_name
        assert name == "test" or ".test." in name, name  # the live service decorates the name
        assert plain(service.status) == "available", service.status
        assert plain(service.service_type) in ("interface", "gateway"), service.service_type
        ports = [(p.client_port, p.server_port, plain(p.protocol)) for p in service.ports]
        assert ports == [(8081, 22, "TCP"), (8082, 23, "UDP")], ports
        assert service.created_at, service.created_at

        # GET shows the change: the name decorated as `{region}.test.{id}`, the two mappings.
        read = api.get_endpoint_service(PROJECT_ID, SERVICE_ID)
        assert read.id == SERVICE_ID and read.project_id == PROJECT_ID, (read.id, read.project_id)
        name = read.service_name
        region, _, rest = name.partition(".")
        assert region and rest == f"test.{SERVICE_ID}", name
        assert read.approval_enabled is True, read.approval_enabled
        assert plain(read.status) == "available", read.status
        ports = [(p.client_port, p.server_port, plain(p.protocol)) for p in read.ports]
        assert ports == [(8081, 22, "TCP"), (8082, 23, "UDP")], ports

        # A 4XX answer decodes into the error model: PUT, then GET (404 `EndPoint.0005`).
        put = refusal(
            lambda: api.modify_endpoint_service(
                PROJECT_ID, UNKNOWN_SERVICE_ID, ModifyEndpointServiceRequest(approval_enabled=True)
            )
        )
        get = refusal(lambda: api.get_endpoint_service(PROJECT_ID, UNKNOWN_SERVICE_ID))
        assert get.lower() == "404 endpoint.0005", get
    print(f"python (openapi-generator): ok: {name}, refused with {put} (PUT) and {get} (GET)")


if __name__ == "__main__":
    main()
