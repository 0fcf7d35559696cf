#!/usr/bin/env python3
"""Uses the Python client that openapi-python-client made from spec/vpcep.yaml.

Run by .ci/spec-checks with the generated package `vpcep_opc` on PYTHONPATH and the server's
base URL in VPCEP_BASE_URL. Sends the documented example request to the documented service and
checks the documented fields of the answer, reads the service back (GET) and checks that it
shows the change, then checks that a 4XX answer (an unknown service, to PUT and to GET) decodes
into the spec's ErrorResponse model. Then makes one call of every other kind: creates a service
(`interop2`), reads it back, finds it in the list, sees it counted in the quota, deletes it and
checks that GET then answers 404 `EndPoint.0005`. Before that, plays who may connect, on a
service of its own (`interop2-connect`, approval on): a consumer of a domain not yet whitelisted
is refused (4XX `EndPoint.2012`, decoded into ErrorResponse); the owner whitelists the consumer's
domain and lists the whitelist; the consumer creates a VPC endpoint, which the owner sees
`pendingAcceptance` in the service's connections and accepts; both sides see it `accepted`; the
consumer lists its endpoints; the owner rejects it (both sides see it `rejected`); the consumer
deletes it; the owner whitelists `*` (listed as `*`), removes
both records and deletes the service. Exits non-zero on any mismatch.
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
from vpcep_opc.api.connections import accept_or_reject_connections, list_connections
from vpcep_opc.api.endpoints import create_endpoint, delete_endpoint, get_endpoint, list_endpoints
from vpcep_opc.api.quotas import list_quotas
from vpcep_opc.api.whitelist import add_or_remove_permissions, list_permissions
from vpcep_opc.models import (
    ConnectionAction,
    ConnectionActionRequest,
    ConnectionList,
    ConnectionStatusFilter,
    CreateEndpointRequest,
    CreateEndpointServiceRequest,
    EndpointService,
    EndpointServiceList,
    ErrorResponse,
    ModifyEndpointServiceRequest,
    PermissionAction,
    PermissionActionRequest,
    PermissionActionResult,
    PermissionList,
    PortMapping,
    Protocol,
    QuotaList,
    QuotaResourceType,
    ServerType,
    VpcEndpoint,
    VpcEndpointList,
)

PROJECT_ID = "6e9dfd51d1124e8d8498dce894923a0d"
SERVICE_ID = "4189d3c2-8882-4871-a3c2-d380272eed88"
UNKNOWN_SERVICE_ID = "00000000-0000-4000-8000-000000000000"
# The service this program creates and deletes (each interop program has its own name and port).
CREATED_NAME = "interop2"
CREATED_PORT_ID = "6c1e3daf-5d2c-4f66-8b54-1a7a6e3f8b22"
VPC_ID = "4189d3c2-8882-4871-a3c2-d380272eed80"
# The service this program connects to as a consumer (approval on), with a port of its own.
CONNECT_NAME = "interop2-connect"
CONNECT_PORT_ID = "6c1e3daf-5d2c-4f66-8b54-1a7a6e3f8b25"
SUBNET_ID = "4189d3c2-8882-4871-a3c2-d380272eed81"
# The consumer that the emulator knows by default (another project, in another domain).
CONSUMER_PROJECT_ID = "0df25bbc87884c2f88c00c2959df9a01"
CONSUMER_DOMAIN_ID = "5fc973eea581490997e82ea11a1d0101"
CONSUMER_RECORD = f"iam:domain::{CONSUMER_DOMAIN_ID}"


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

        connect = connect_accept_delete(client)
        lifecycle = create_list_delete(client)
    print(f"python (openapi-python-client): ok: {name}, refused with {put} (PUT) and {get} (GET)")
    print(f"python (openapi-python-client): ok: {connect}")
    print(f"python (openapi-python-client): ok: {lifecycle}")


def parsed(answer, model):
    """The model of a 200 answer."""
    assert answer.status_code == 200, answer
    assert isinstance(answer.parsed, model), (model, answer.parsed, answer.content)
    return answer.parsed


def connect_accept_delete(client: AuthenticatedClient) -> str:
    """Plays who may connect on a service of its own: a refusal, the whitelist, a consumer's VPC
    endpoint pending, accepted, listed, rejected and deleted, the whitelist emptied, the service
    deleted; answers a summary of what it saw."""
    request = CreateEndpointServiceRequest(
        port_id=UUID(CONNECT_PORT_ID),
        vpc_id=UUID(VPC_ID),
        server_type=ServerType.VM,
        ports=[PortMapping(client_port=8080, server_port=80, protocol=Protocol.TCP)],
        service_name=CONNECT_NAME,
        approval_enabled=True,
    )
    answer = create_endpoint_service.sync_detailed(PROJECT_ID, client=client, body=request)
    service = parsed(answer, EndpointService)
    assert service.id and service.approval_enabled is True, service
    # The service answers its owner's account, which is not the consumer's.
    assert service.domain_id and service.domain_id != CONSUMER_DOMAIN_ID, service.domain_id
    service_id = UUID(service.id)

    # A consumer of a domain that is not whitelisted is refused.
    endpoint_request = CreateEndpointRequest(
        endpoint_service_id=service_id, vpc_id=UUID(VPC_ID), subnet_id=UUID(SUBNET_ID)
    )
    assert endpoint_request.to_dict() == {
        "endpoint_service_id": service.id,
        "vpc_id": VPC_ID,
        "subnet_id": SUBNET_ID,
    }, endpoint_request.to_dict()
    refused = refusal(
        create_endpoint.sync_detailed(CONSUMER_PROJECT_ID, client=client, body=endpoint_request)
    )
    assert refused.endswith(" EndPoint.2012"), refused

    # The owner whitelists the consumer's domain, and finds the record in the list.
    add = PermissionActionRequest(permissions=[CONSUMER_RECORD], action=PermissionAction.ADD)
    assert add.to_dict() == {"permissions": [CONSUMER_RECORD], "action": "add"}, add.to_dict()
    answer = add_or_remove_permissions.sync_detailed(
        PROJECT_ID, service_id, client=client, body=add
    )
    added = parsed(answer, PermissionActionResult)
    assert added.permissions == [CONSUMER_RECORD], added.permissions
    answer = list_permissions.sync_detailed(
        PROJECT_ID, service_id, client=client, permission=CONSUMER_DOMAIN_ID, limit=500
    )
    listed = parsed(answer, PermissionList)
    mine = [p for p in listed.permissions if p.permission == CONSUMER_RECORD]
    assert len(mine) == 1 and mine[0].id, listed.permissions
    assert plain(mine[0].permission_type) == "domainId", mine[0].permission_type
    assert isinstance(listed.total_count, int) and listed.total_count >= 1, listed.total_count

    # The consumer connects: pending, as the owner's connections show it.
    answer = create_endpoint.sync_detailed(
        CONSUMER_PROJECT_ID, client=client, body=endpoint_request
    )
    created = parsed(answer, VpcEndpoint)
    endpoint_id = created.id
    assert endpoint_id and created.endpoint_service_id == service.id, created
    assert plain(created.status) in ("creating", "pendingAcceptance"), created.status
    answer = list_connections.sync_detailed(
        PROJECT_ID, service_id, client=client, status=ConnectionStatusFilter.PENDINGACCEPTANCE
    )
    pending = parsed(answer, ConnectionList)
    mine = [c for c in pending.connections if c.id == endpoint_id]
    assert len(mine) == 1 and plain(mine[0].status) == "pendingAcceptance", pending.connections
    assert mine[0].domain_id == CONSUMER_DOMAIN_ID, mine[0].domain_id
    assert isinstance(pending.total_count, int) and pending.total_count >= 1, pending.total_count
    answer = get_endpoint.sync_detailed(CONSUMER_PROJECT_ID, UUID(endpoint_id), client=client)
    seen = parsed(answer, VpcEndpoint)
    assert plain(seen.status) == "pendingAcceptance", seen.status

    # The owner accepts it: accepted on both sides.
    accept = ConnectionActionRequest(action=ConnectionAction.RECEIVE, endpoints=[UUID(endpoint_id)])
    assert accept.to_dict() == {"action": "receive", "endpoints": [endpoint_id]}, accept.to_dict()
    answer = accept_or_reject_connections.sync_detailed(
        PROJECT_ID, service_id, client=client, body=accept
    )
    accepted = parsed(answer, ConnectionList)
    assert [(c.id, plain(c.status)) for c in accepted.connections] == [
        (endpoint_id, "accepted")
    ], accepted.connections
    answer = list_connections.sync_detailed(
        PROJECT_ID, service_id, client=client, id=UUID(endpoint_id)
    )
    owner = parsed(answer, ConnectionList)
    assert [(c.id, plain(c.status)) for c in owner.connections] == [
        (endpoint_id, "accepted")
    ], owner.connections
    answer = get_endpoint.sync_detailed(CONSUMER_PROJECT_ID, UUID(endpoint_id), client=client)
    seen = parsed(answer, VpcEndpoint)
    assert seen.id == endpoint_id and plain(seen.status) == "accepted", seen
    answer = get_endpoint_service.sync_detailed(PROJECT_ID, service_id, client=client)
    count = parsed(answer, EndpointService).connection_count
    assert count == 1, count

    # The consumer lists its endpoints, then deletes this one.
    answer = list_endpoints.sync_detailed(
        CONSUMER_PROJECT_ID, client=client, endpoint_service_name=CONNECT_NAME
    )
    page = parsed(answer, VpcEndpointList)
    mine = [e for e in page.endpoints if e.id == endpoint_id]
    assert len(mine) == 1 and plain(mine[0].status) == "accepted", page.endpoints
    assert isinstance(page.total_count, int) and page.total_count >= 1, page.total_count

    # The owner changes its mind and rejects it: rejected on both sides.
    reject = ConnectionActionRequest(action=ConnectionAction.REJECT, endpoints=[UUID(endpoint_id)])
    assert reject.to_dict() == {"action": "reject", "endpoints": [endpoint_id]}, reject.to_dict()
    answer = accept_or_reject_connections.sync_detailed(
        PROJECT_ID, service_id, client=client, body=reject
    )
    rejected = parsed(answer, ConnectionList)
    assert [(c.id, plain(c.status)) for c in rejected.connections] == [
        (endpoint_id, "rejected")
    ], rejected.connections
    answer = get_endpoint.sync_detailed(CONSUMER_PROJECT_ID, UUID(endpoint_id), client=client)
    seen = parsed(answer, VpcEndpoint)
    assert plain(seen.status) == "rejected", seen.status

    answer = delete_endpoint.sync_detailed(CONSUMER_PROJECT_ID, UUID(endpoint_id), client=client)
    assert answer.status_code in (200, 204), answer
    deleted = int(answer.status_code)
    gone = refusal(
        get_endpoint.sync_detailed(CONSUMER_PROJECT_ID, UUID(endpoint_id), client=client)
    )
    assert gone.lower() == "404 endpoint.0005", gone

    # `*` (sent in its long form) is listed without the prefix; both records are removed.
    answer = add_or_remove_permissions.sync_detailed(
        PROJECT_ID,
        service_id,
        client=client,
        body=PermissionActionRequest(permissions=["iam:domain::*"], action=PermissionAction.ADD),
    )
    everyone = parsed(answer, PermissionActionResult)
    assert everyone.permissions in (["*"], ["iam:domain::*"]), everyone.permissions
    answer = list_permissions.sync_detailed(PROJECT_ID, service_id, client=client, permission="*")
    star = parsed(answer, PermissionList)
    assert [p.permission for p in star.permissions] == ["*"], star.permissions
    remove = PermissionActionRequest(
        permissions=[CONSUMER_RECORD, "*"], action=PermissionAction.REMOVE
    )
    answer = add_or_remove_permissions.sync_detailed(
        PROJECT_ID, service_id, client=client, body=remove
    )
    removed = parsed(answer, PermissionActionResult)
    assert sorted(removed.permissions) == sorted([CONSUMER_RECORD, "*"]), removed.permissions
    answer = list_permissions.sync_detailed(PROJECT_ID, service_id, client=client)
    empty = parsed(answer, PermissionList)
    assert empty.permissions == [] and empty.total_count == 0, empty

    answer = delete_endpoint_service.sync_detailed(PROJECT_ID, service_id, client=client)
    assert answer.status_code in (200, 204), answer
    return (
        f"{CONNECT_NAME}: consumer refused with {refused}, whitelisted "
        f"({listed.total_count} listed), endpoint {plain(created.status)}, pendingAcceptance, "
        f"accepted on both sides, listed {page.total_count}, rejected on both sides, "
        f"deleted ({deleted}, "
        f"then GET {gone}), whitelist `*` listed as {star.permissions[0].permission!r}, emptied"
    )


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
