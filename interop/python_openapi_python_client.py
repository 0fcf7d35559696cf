#!/usr/bin/env python3
"""Uses the Python client that openapi-python-client made from spec/vpcep.yaml.

Run by .ci/spec-checks with the generated package `vpcep_opc` on PYTHONPATH and the server's
base URL in VPCEP_BASE_URL. Sends the documented example request to the documented service and
checks the documented fields of the answer, reads the service back (GET) and checks that it
shows the change, then checks that a 4XX answer (an unknown service, to PUT and to GET) decodes
into the spec's ErrorResponse model. Then makes one call of every other kind: creates a service
(`interop2`), reads it back, finds it in the list, sees it counted in the quota, deletes it and
checks that GET then answers 404 `EndPoint.0005`. Exits non-zero on any mismatch.
"""

import enum
import os
from uuid import UUID

from vpcep_opc import AuthenticatedClient
from vpcep_opc.api.endpoint_services import (
    create_endpoint_service,
    delete_endpoint_service,
    get_endpoint_service,
    list_endpoint_services,
    modify_endpoint_service,
)
from vpcep_opc.api.quotas import list_quotas
from vpcep_opc.models import (
    CreateEndpointServiceRequest,
    EndpointService,
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
CREATED_NAME = "interop2"
CREATED_PORT_ID = "6c1e3daf-5d2c-4f66-8b54-1a7a6e3f8b22"
VPC_ID = "4189d3c2-8882-4871-a3c2-d380272eed80"


def plain(value):
    """An enum's value, or the string of a value the service added later."""
    return value.value if isinstance(value, enum.Enum) else value


def refusal(answer) -> str:
    """Checks an answer that must be a 4XX whose body decodes into ErrorResponse."""
    assert 400 <= answer.status_code < 500, answer
    error = answer.parsed
    assert isinstance(error, ErrorResponse), (error, answer.content)
    assert error.error_code.startswith("EndPoint."), error.error_code
    assert error.error_msg, error
    return f"{int(answer.status_code)} {error.error_code}"


def main() -> None:
    client = AuthenticatedClient(
        base_url=os.environ["VPCEP_BASE_URL"],
        token="interop-test-token",
        prefix="",
        auth_header_name="X-Auth-Token",
        raise_on_unexpected_status=True,
    )
    with client:
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
        answer = modify_endpoint_service.sync_detailed(
            PROJECT_ID, UUID(SERVICE_ID), client=client, body=request
        )
        assert answer.status_code == 200, answer
        service = answer.parsed
        assert isinstance(service, EndpointService), service
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
        assert answer.headers.get("X-Request-Id"), answer.headers

        # GET shows the change: the name decorated as `{region}.test.{id}`, the two mappings.
        answer = get_endpoint_service.sync_detailed(PROJECT_ID, UUID(SERVICE_ID), client=client)
        assert answer.status_code == 200, answer
        read = answer.parsed
        assert isinstance(read, EndpointService), read
        assert read.id == SERVICE_ID and read.project_id == PROJECT_ID, (read.id, read.project_id)
        name = read.service_name
        region, _, rest = name.partition(".")
        assert region and rest == f"test.{SERVICE_ID}", name
        assert read.approval_enabled is True, read.approval_enabled
        assert plain(read.status) == "available", read.status
        ports = [(p.client_port, p.server_port, plain(p.protocol)) for p in read.ports]
        assert ports == [(8081, 22, "TCP"), (8082, 23, "UDP")], ports
        assert answer.headers.get("X-Request-Id"), answer.headers

        # A 4XX answer decodes into the error model: PUT, then GET (404 `EndPoint.0005`).
        put = refusal(
            modify_endpoint_service.sync_detailed(
                PROJECT_ID,
                UUID(UNKNOWN_SERVICE_ID),
                client=client,
                body=ModifyEndpointServiceRequest(approval_enabled=True),
            )
        )
        get = refusal(
            get_endpoint_service.sync_detailed(PROJECT_ID, UUID(UNKNOWN_SERVICE_ID), client=client)
        )
        assert get.lower() == "404 endpoint.0005", get

        lifecycle = create_list_delete(client)
    print(f"python (openapi-python-client): ok: {name}, refused with {put} (PUT) and {get} (GET)")
    print(f"python (openapi-python-client): ok: {lifecycle}")


def create_list_delete(client: AuthenticatedClient) -> str:
    """Creates a service, reads it back, lists it, sees it in the quota, deletes it and sees it
    gone; answers a summary of what it saw."""
    request = CreateEndpointServiceRequest(
        port_id=UUID(CREATED_PORT_ID),
        vpc_id=UUID(VPC_ID),
        server_type=ServerType.VM,
        ports=[PortMapping(client_port=8080, server_port=80, protocol=Protocol.TCP)],
        service_name=CREATED_NAME,
    )
    assert request.to_dict() == {
        "port_id": CREATED_PORT_ID,
        "vpc_id": VPC_ID,
        "server_type": "VM",
        "ports": [{"client_port": 8080, "server_port": 80, "protocol": "TCP"}],
        "service_name": CREATED_NAME,
    }, request.to_dict()
    answer = create_endpoint_service.sync_detailed(PROJECT_ID, client=client, body=request)
    assert answer.status_code == 200, answer
    created = answer.parsed
    assert isinstance(created, EndpointService), created
    service_id = created.id
    assert service_id and created.project_id == PROJECT_ID, (service_id, created.project_id)
    assert str(created.port_id) == CREATED_PORT_ID, created.port_id
    assert str(created.vpc_id) == VPC_ID, created.vpc_id
    assert plain(created.server_type) == "VM", created.server_type
    assert plain(created.status) in ("creating", "available"), created.status
    ports = [(p.client_port, p.server_port, plain(p.protocol)) for p in created.ports]
    assert ports == [(8080, 80, "TCP")], ports

    answer = get_endpoint_service.sync_detailed(PROJECT_ID, UUID(service_id), client=client)
    assert answer.status_code == 200, answer
    read = answer.parsed
    assert isinstance(read, EndpointService), read
    assert read.id == service_id and CREATED_NAME in read.service_name, (read.id, read.service_name)
    assert plain(read.status) in ("creating", "available"), read.status

    answer = list_endpoint_services.sync_detailed(
        PROJECT_ID, client=client, endpoint_service_name=CREATED_NAME
    )
    assert answer.status_code == 200, answer
    page = answer.parsed
    assert isinstance(page, EndpointServiceList), page
    assert service_id in [s.id for s in page.endpoint_services], page
    assert isinstance(page.total_count, int) and page.total_count >= 1, page.total_count

    answer = list_quotas.sync_detailed(
        PROJECT_ID, client=client, type_=QuotaResourceType.ENDPOINT_SERVICE
    )
    assert answer.status_code == 200, answer
    quotas = answer.parsed
    assert isinstance(quotas, QuotaList), quotas
    mine = [r for r in quotas.quotas.resources if plain(r.type_) == "endpoint_service"]
    assert len(mine) == 1 and isinstance(mine[0].used, int), quotas.quotas.resources
    assert mine[0].used >= 1, mine[0]
    used, quota = mine[0].used, mine[0].quota

    answer = delete_endpoint_service.sync_detailed(PROJECT_ID, UUID(service_id), client=client)
    assert answer.status_code in (200, 204), answer
    deleted = int(answer.status_code)
    gone = refusal(get_endpoint_service.sync_detailed(PROJECT_ID, UUID(service_id), client=client))
    assert gone.lower() == "404 endpoint.0005", gone
    return (
        f"created {read.service_name} ({plain(created.status)}), listed {page.total_count}, "
        f"quota {used}/{quota}, deleted ({deleted}), then GET {gone}"
    )


if __name__ == "__main__":
    main()
