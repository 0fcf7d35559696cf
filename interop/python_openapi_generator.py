#!/usr/bin/env python3
"""Uses the Python client that openapi-generator (`-g python`) made from spec/vpcep.yaml.

Run by .ci/spec-checks with the generated package `vpcep_client` on PYTHONPATH and the server's
base URL in VPCEP_BASE_URL. Sends the documented example request to the documented service and
checks the documented fields of the answer, reads the service back (GET) and checks that it
shows the change, then checks that a 4XX answer (an unknown service, to PUT and to GET) decodes
into the spec's ErrorResponse model. Then makes one call of every other kind: creates a service
(`interop1`), reads it back, finds it in the list, sees it counted in the quota, deletes it and
checks that GET then answers 404 `EndPoint.0005`. Exits non-zero on any mismatch.
"""

import enum
import json
import os
import sys

import vpcep_client
from vpcep_client.exceptions import ApiException
from vpcep_client.models import (
    CreateEndpointServiceRequest,
    EndpointServiceList,
    ErrorResponse,
    ModifyEndpointServiceRequest,
    PortMapping,
    Protocol,
    QuotaList,
    QuotaResourceType,
    ServerType,
)

PROJECT_ID = "6e9dfd51d1124e8d8498dce894923a0d"
SERVICE_ID = "4189d3c2-8882-4871-a3c2-d380272eed88"
UNKNOWN_SERVICE_ID = "00000000-0000-4000-8000-000000000000"
# The service this program creates and deletes (each interop program has its own name and port).
CREATED_NAME = "interop1"
CREATED_PORT_ID = "5b0d2c9e-4c1b-4e55-9a43-0f6f5d2e7a11"
VPC_ID = "4189d3c2-8882-4871-a3c2-d380272eed80"


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

        lifecycle = create_list_delete(api, vpcep_client.QuotasApi(api_client))
    print(f"python (openapi-generator): ok: {name}, refused with {put} (PUT) and {get} (GET)")
    print(f"python (openapi-generator): ok: {lifecycle}")


def create_list_delete(api, quotas) -> str:
    """Creates a service, reads it back, lists it, sees it in the quota, deletes it and sees it
    gone; answers a summary of what it saw."""
    request = CreateEndpointServiceRequest(
        port_id=CREATED_PORT_ID,
        vpc_id=VPC_ID,
        server_type=ServerType.VM,
        ports=[PortMapping(client_port=8080, server_port=80, protocol=Protocol.TCP)],
        service_name=CREATED_NAME,
    )
    assert json.loads(request.to_json()) == {
        "port_id": CREATED_PORT_ID,
        "vpc_id": VPC_ID,
        "server_type": "VM",
        "ports": [{"client_port": 8080, "server_port": 80, "protocol": "TCP"}],
        "service_name": CREATED_NAME,
    }, request.to_json()
    created = api.create_endpoint_service(PROJECT_ID, request)
    service_id = created.id
    assert service_id and created.project_id == PROJECT_ID, (service_id, created.project_id)
    assert created.port_id == CREATED_PORT_ID and created.vpc_id == VPC_ID, created
    assert plain(created.server_type) == "VM", created.server_type
    assert plain(created.status) in ("creating", "available"), created.status
    ports = [(p.client_port, p.server_port, plain(p.protocol)) for p in created.ports]
    assert ports == [(8080, 80, "TCP")], ports

    read = api.get_endpoint_service(PROJECT_ID, service_id)
    assert read.id == service_id and CREATED_NAME in read.service_name, (read.id, read.service_name)
    assert plain(read.status) in ("creating", "available"), read.status

    page = api.list_endpoint_services(PROJECT_ID, endpoint_service_name=CREATED_NAME)
    assert isinstance(page, EndpointServiceList), page
    assert service_id in [s.id for s in page.endpoint_services], page
    assert page.total_count is not None and page.total_count >= 1, page.total_count

    answer = quotas.list_quotas(PROJECT_ID, type=QuotaResourceType.ENDPOINT_SERVICE)
    assert isinstance(answer, QuotaList), answer
    mine = [r for r in answer.quotas.resources if plain(r.type) == "endpoint_service"]
    assert len(mine) == 1 and mine[0].used >= 1, answer.quotas.resources
    used, quota = mine[0].used, mine[0].quota

    deleted = api.delete_endpoint_service_with_http_info(PROJECT_ID, service_id)
    assert deleted.status_code in (200, 204), deleted.status_code
    gone = refusal(lambda: api.get_endpoint_service(PROJECT_ID, service_id))
    assert gone.lower() == "404 endpoint.0005", gone
    return (
        f"created {read.service_name} ({plain(created.status)}), listed {page.total_count}, "
        f"quota {used}/{quota}, deleted ({deleted.status_code}), then GET {gone}"
    )


if __name__ == "__main__":
    main()
