#!/usr/bin/env python3
"""Uses the Python client that openapi-generator (`-g python`) made from spec/vpcep.yaml.

Run by .ci/spec-checks with the generated package `vpcep_client` on PYTHONPATH and the server's
base URL in VPCEP_BASE_URL. Sends the documented example request to the documented service and
checks the documented fields of the answer, reads the service back (GET) and checks that it
shows the change, then checks that a 4XX answer (an unknown service, to PUT and to GET) decodes
into the spec's ErrorResponse model. Then makes one call of every other kind: creates a service
(`interop1`), reads it back, finds it in the list, sees it counted in the quota, deletes it and
checks that GET then answers 404 `EndPoint.0005`. Before that, plays who may connect, on a
service of its own (`interop1-connect`, approval on): a consumer of a domain not yet whitelisted
is refused (4XX `EndPoint.2012`, decoded into ErrorResponse); the owner whitelists the consumer's
domain and lists the whitelist; the consumer creates a VPC endpoint, which the owner sees
`pendingAcceptance` in the service's connections and accepts; both sides see it `accepted`; the
consumer lists its endpoints; the owner rejects it (both sides see it `rejected`); the consumer
deletes it; the owner whitelists `*` (listed as `*`), removes
both records and deletes the service. Exits non-zero on any mismatch.
"""

import enum
import json
import os
import sys

import vpcep_client
from vpcep_client.exceptions import ApiException
from vpcep_client.models import (
    ConnectionAction,
    ConnectionActionRequest,
    ConnectionList,
    ConnectionStatusFilter,
    CreateEndpointRequest,
    CreateEndpointServiceRequest,
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
CREATED_NAME = "interop1"
CREATED_PORT_ID = "5b0d2c9e-4c1b-4e55-9a43-0f6f5d2e7a11"
VPC_ID = "4189d3c2-8882-4871-a3c2-d380272eed80"
# The service this program connects to as a consumer (approval on), with a port of its own.
CONNECT_NAME = "interop1-connect"
CONNECT_PORT_ID = "5b0d2c9e-4c1b-4e55-9a43-0f6f5d2e7a14"
SUBNET_ID = "4189d3c2-8882-4871-a3c2-d380272eed81"
# The consumer that the emulator knows by default (another project, in another domain).
CONSUMER_PROJECT_ID = "0df25bbc87884c2f88c00c2959df9a01"
CONSUMER_DOMAIN_ID = "5fc973eea581490997e82ea11a1d0101"
CONSUMER_RECORD = f"iam:domain::{CONSUMER_DOMAIN_ID}"


def plain(value):
    """An open enum's (anyOf) or a closed enum's value as a plain string."""
    value = getattr(value, "actual_instance", value)
    return value.value if isinstance(value, enum.Enum) else value


def refusal(call) -> str:
    """Makes a call that must fail with a 4XX whose body decodes into ErrorResponse; answers
    "{status} {error_code}"."""
    try:
        call()
    except ApiException as error:
        assert 400 <= error.status < 500, error.status
        assert isinstance(error.data, ErrorResponse), (type(error.data), error.body)
        assert error.data.error_code.startswith("EndPoint."), error.data.error_code
        assert error.data.error_msg, error.data
        return f"{error.status} {error.data.error_code}"
    sys.exit("a call that must be refused was accepted")


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

        connect = connect_accept_delete(api_client, api)
        lifecycle = create_list_delete(api, vpcep_client.QuotasApi(api_client))
    print(f"python (openapi-generator): ok: {name}, refused with {put} (PUT) and {get} (GET)")
    print(f"python (openapi-generator): ok: {connect}")
    print(f"python (openapi-generator): ok: {lifecycle}")


def connect_accept_delete(api_client, services) -> str:
    """Plays who may connect on a service of its own: a refusal, the whitelist, a consumer's VPC
    endpoint pending, accepted, listed, rejected and deleted, the whitelist emptied, the service
    deleted; answers a summary of what it saw."""
    connections = vpcep_client.ConnectionsApi(api_client)
    whitelist = vpcep_client.WhitelistApi(api_client)
    endpoints = vpcep_client.EndpointsApi(api_client)

    request = CreateEndpointServiceRequest(
        port_id=CONNECT_PORT_ID,
        vpc_id=VPC_ID,
        server_type=ServerType.VM,
        ports=[PortMapping(client_port=8080, server_port=80, protocol=Protocol.TCP)],
        service_name=CONNECT_NAME,
        approval_enabled=True,
    )
    service = services.create_endpoint_service(PROJECT_ID, request)
    service_id = service.id
    assert service_id and service.approval_enabled is True, service
    # The service answers its owner's account, which is not the consumer's.
    assert service.domain_id and service.domain_id != CONSUMER_DOMAIN_ID, service.domain_id

    # A consumer of a domain that is not whitelisted is refused.
    endpoint_request = CreateEndpointRequest(
        endpoint_service_id=service_id, vpc_id=VPC_ID, subnet_id=SUBNET_ID
    )
    assert json.loads(endpoint_request.to_json()) == {
        "endpoint_service_id": service_id,
        "vpc_id": VPC_ID,
        "subnet_id": SUBNET_ID,
    }, endpoint_request.to_json()
    refused = refusal(lambda: endpoints.create_endpoint(CONSUMER_PROJECT_ID, endpoint_request))
    assert refused.endswith(" EndPoint.2012"), refused

    # The owner whitelists the consumer's domain, and finds the record in the list.
    add = PermissionActionRequest(permissions=[CONSUMER_RECORD], action=PermissionAction.ADD)
    assert add.to_dict() == {"permissions": [CONSUMER_RECORD], "action": "add"}, add.to_dict()
    added = whitelist.add_or_remove_permissions(PROJECT_ID, service_id, add)
    assert isinstance(added, PermissionActionResult), added
    assert added.permissions == [CONSUMER_RECORD], added.permissions
    listed = whitelist.list_permissions(
        PROJECT_ID, service_id, permission=CONSUMER_DOMAIN_ID, limit=500
    )
    assert isinstance(listed, PermissionList), listed
    mine = [p for p in listed.permissions if p.permission == CONSUMER_RECORD]
    assert len(mine) == 1 and mine[0].id, listed.permissions
    assert plain(mine[0].permission_type) == "domainId", mine[0].permission_type
    assert listed.total_count is not None and listed.total_count >= 1, listed.total_count

    # The consumer connects: pending, as the owner's connections show it.
    created = endpoints.create_endpoint(CONSUMER_PROJECT_ID, endpoint_request)
    assert isinstance(created, VpcEndpoint), created
    endpoint_id = created.id
    assert endpoint_id and created.endpoint_service_id == service_id, created
    assert plain(created.status) in ("creating", "pendingAcceptance"), created.status
    pending = connections.list_connections(
        PROJECT_ID, service_id, status=ConnectionStatusFilter.PENDINGACCEPTANCE
    )
    assert isinstance(pending, ConnectionList), pending
    mine = [c for c in pending.connections if c.id == endpoint_id]
    assert len(mine) == 1 and plain(mine[0].status) == "pendingAcceptance", pending.connections
    assert mine[0].domain_id == CONSUMER_DOMAIN_ID, mine[0].domain_id
    assert pending.total_count is not None and pending.total_count >= 1, pending.total_count
    seen = endpoints.get_endpoint(CONSUMER_PROJECT_ID, endpoint_id)
    assert plain(seen.status) == "pendingAcceptance", seen.status

    # The owner accepts it: accepted on both sides.
    accept = ConnectionActionRequest(action=ConnectionAction.RECEIVE, endpoints=[endpoint_id])
    assert json.loads(accept.to_json()) == {"action": "receive", "endpoints": [endpoint_id]}
    accepted = connections.accept_or_reject_connections(PROJECT_ID, service_id, accept)
    assert isinstance(accepted, ConnectionList), accepted
    assert [(c.id, plain(c.status)) for c in accepted.connections] == [
        (endpoint_id, "accepted")
    ], accepted.connections
    owner = connections.list_connections(PROJECT_ID, service_id, id=endpoint_id)
    assert [(c.id, plain(c.status)) for c in owner.connections] == [
        (endpoint_id, "accepted")
    ], owner.connections
    seen = endpoints.get_endpoint(CONSUMER_PROJECT_ID, endpoint_id)
    assert isinstance(seen, VpcEndpoint) and seen.id == endpoint_id, seen
    assert plain(seen.status) == "accepted", seen.status
    count = services.get_endpoint_service(PROJECT_ID, service_id).connection_count
    assert count == 1, count

    # The consumer lists its endpoints, then deletes this one.
    page = endpoints.list_endpoints(CONSUMER_PROJECT_ID, endpoint_service_name=CONNECT_NAME)
    assert isinstance(page, VpcEndpointList), page
    mine = [e for e in page.endpoints if e.id == endpoint_id]
    assert len(mine) == 1 and plain(mine[0].status) == "accepted", page.endpoints
    assert page.total_count is not None and page.total_count >= 1, page.total_count

    # The owner changes its mind and rejects it: rejected on both sides.
    reject = ConnectionActionRequest(action=ConnectionAction.REJECT, endpoints=[endpoint_id])
    assert json.loads(reject.to_json()) == {"action": "reject", "endpoints": [endpoint_id]}
    rejected = connections.accept_or_reject_connections(PROJECT_ID, service_id, reject)
    assert [(c.id, plain(c.status)) for c in rejected.connections] == [
        (endpoint_id, "rejected")
    ], rejected.connections
    seen = endpoints.get_endpoint(CONSUMER_PROJECT_ID, endpoint_id)
    assert plain(seen.status) == "rejected", seen.status

    deleted = endpoints.delete_endpoint_with_http_info(CONSUMER_PROJECT_ID, endpoint_id)
    assert deleted.status_code in (200, 204), deleted.status_code
    gone = refusal(lambda: endpoints.get_endpoint(CONSUMER_PROJECT_ID, endpoint_id))
    assert gone.lower() == "404 endpoint.0005", gone

    # `*` (sent in its long form) is listed without the prefix; both records are removed.
    everyone = whitelist.add_or_remove_permissions(
        PROJECT_ID,
        service_id,
        PermissionActionRequest(permissions=["iam:domain::*"], action=PermissionAction.ADD),
    )
    assert everyone.permissions in (["*"], ["iam:domain::*"]), everyone.permissions
    star = whitelist.list_permissions(PROJECT_ID, service_id, permission="*")
    assert [p.permission for p in star.permissions] == ["*"], star.permissions
    remove = PermissionActionRequest(
        permissions=[CONSUMER_RECORD, "*"], action=PermissionAction.REMOVE
    )
    removed = whitelist.add_or_remove_permissions(PROJECT_ID, service_id, remove)
    assert sorted(removed.permissions) == sorted([CONSUMER_RECORD, "*"]), removed.permissions
    empty = whitelist.list_permissions(PROJECT_ID, service_id)
    assert empty.permissions == [] and empty.total_count == 0, empty

    dropped = services.delete_endpoint_service_with_http_info(PROJECT_ID, service_id)
    assert dropped.status_code in (200, 204), dropped.status_code
    return (
        f"{CONNECT_NAME}: consumer refused with {refused}, whitelisted "
        f"({listed.total_count} listed), endpoint {plain(created.status)}, pendingAcceptance, "
        f"accepted on both sides, listed {page.total_count}, rejected on both sides, "
        f"deleted ({deleted.status_code}, "
        f"then GET {gone}), whitelist `*` listed as {star.permissions[0].permission!r}, emptied"
    )


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
