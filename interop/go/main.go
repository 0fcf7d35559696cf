// Command interop uses the Go client that openapi-generator (`-g go`) made from spec/vpcep.yaml.
//
// .ci/spec-checks generates the client into ./vpcep next to this file and runs it with the
// server's base URL in VPCEP_BASE_URL. It sends the documented example request to the documented
// service and checks the documented fields of the answer, reads the service back (GET) and checks
// that it shows the change, then checks that a 4XX answer (an unknown service, to PUT and to GET)
// decodes into the spec's ErrorResponse model. Then it makes one call of every other kind: it
// creates a service (`interop3`), reads it back, finds it in the list, sees it counted in the
// quota, deletes it and checks that GET then answers 404 `EndPoint.0005`. Before that, it plays who
// may connect, on a service of its own (`interop3-connect`, approval on): a consumer of a domain
// not yet whitelisted is refused (4XX `EndPoint.2012`, decoded into ErrorResponse); the owner
// whitelists the consumer's domain and lists the whitelist; the consumer creates a VPC endpoint,
// which the owner sees `pendingAcceptance` in the service's connections and accepts; both sides
// see it `accepted`; the consumer lists its endpoints; the owner rejects it (both sides see it
// `rejected`); the consumer deletes it; the owner whitelists `*` (listed as `*`), removes both
// records and deletes the service. It exits non-zero on a mismatch.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strings"

	"interop/vpcep"
)

const (
	projectID        = "6e9dfd51d1124e8d8498dce894923a0d"
	serviceID        = "4189d3c2-8882-4871-a3c2-d380272eed88"
	unknownServiceID = "00000000-0000-4000-8000-000000000000"
	// The service this program creates and deletes (each interop program has its own name and
	// port).
	createdName   = "interop3"
	createdPortID = "7d2f4eb0-6e3d-4a77-9c65-2b8b7f4a9c33"
	vpcID         = "4189d3c2-8882-4871-a3c2-d380272eed80"
	// The service this program connects to as a consumer (approval on), with a port of its own.
	connectName   = "interop3-connect"
	connectPortID = "7d2f4eb0-6e3d-4a77-9c65-2b8b7f4a9c36"
	subnetID      = "4189d3c2-8882-4871-a3c2-d380272eed81"
	// The consumer that the emulator knows by default (another project, in another domain).
	consumerProjectID = "0df25bbc87884c2f88c00c2959df9a01"
	consumerDomainID  = "5fc973eea581490997e82ea11a1d0101"
	consumerRecord    = "iam:domain::" + consumerDomainID
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "go (openapi-generator): "+format+"\n", args...)
	os.Exit(1)
}

func mapping(client, server int32, protocol vpcep.Protocol) vpcep.PortMapping {
	m := vpcep.NewPortMapping(client, server)
	m.SetProtocol(protocol)
	return *m
}

// portList writes a service's port mappings as "8081:22/TCP,8082:23/UDP".
func portList(service *vpcep.EndpointService) string {
	var ports []string
	for _, p := range service.GetPorts() {
		protocol := p.GetProtocol()
		if protocol.Protocol == nil {
			fail("protocol is not a known protocol: %+v", protocol)
		}
		ports = append(ports, fmt.Sprintf("%d:%d/%s", p.GetClientPort(), p.GetServerPort(), *protocol.Protocol))
	}
	return strings.Join(ports, ",")
}

// refusal checks that a call was refused with a 4XX whose body decodes into ErrorResponse, and
// answers "{status} {error_code}".
func refusal(response *http.Response, err error) string {
	var apiError *vpcep.GenericOpenAPIError
	if !errors.As(err, &apiError) {
		fail("a call that must be refused was not refused with an API error: %v", err)
	}
	if response == nil || response.StatusCode < 400 || response.StatusCode >= 500 {
		fail("a call that must be refused was not refused with a 4XX: %v", response)
	}
	model, ok := apiError.Model().(vpcep.ErrorResponse)
	if !ok {
		fail("the 4XX body did not decode into ErrorResponse: %T %s", apiError.Model(), apiError.Body())
	}
	if !strings.HasPrefix(model.GetErrorCode(), "EndPoint.") || model.GetErrorMsg() == "" {
		fail("error model %+v", model)
	}
	return fmt.Sprintf("%d %s", response.StatusCode, model.GetErrorCode())
}

func main() {
	cfg := vpcep.NewConfiguration()
	cfg.Servers = vpcep.ServerConfigurations{{URL: os.Getenv("VPCEP_BASE_URL")}}
	api := vpcep.NewAPIClient(cfg).EndpointServicesAPI
	ctx := context.WithValue(context.Background(), vpcep.ContextAPIKeys,
		map[string]vpcep.APIKey{"token": {Key: "interop-test-token"}})

	// The documented example request.
	request := vpcep.NewModifyEndpointServiceRequest()
	request.SetApprovalEnabled(true)
	request.SetServiceName("test")
	request.SetPorts([]vpcep.PortMapping{
		mapping(8081, 22, vpcep.PROTOCOL_TCP),
		mapping(8082, 23, vpcep.PROTOCOL_UDP),
	})
	service, response, err := api.ModifyEndpointService(ctx, projectID, serviceID).
		ModifyEndpointServiceRequest(*request).Execute()
	if err != nil {
		fail("the documented request failed: %v", err)
	}
	if response.StatusCode != 200 || response.Header.Get("X-Request-Id") == "" {
		fail("status %d, X-Request-Id %q", response.StatusCode, response.Header.Get("X-Request-Id"))
	}
	if service.GetId() != serviceID || service.GetProjectId() != projectID {
		fail("id %q, project_id %q", service.GetId(), service.GetProjectId())
	}
	if !service.GetApprovalEnabled() {
		fail("approval_enabled is false")
	}
	name := service.GetServiceName()
	if name != "test" && !strings.Contains(name, ".test.") { // the live service decorates it
		fail("service_name %q", name)
	}
	status := service.GetStatus()
	if status.ServiceStatus == nil || *status.ServiceStatus != vpcep.SERVICESTATUS_AVAILABLE {
		fail("status is not available: %+v", status)
	}
	serviceType := service.GetServiceType()
	if serviceType.ServiceType == nil {
		fail("service_type is not a known type: %+v", serviceType)
	}
	if service.GetCreatedAt() == "" {
		fail("created_at is missing")
	}
	if got := portList(service); got != "8081:22/TCP,8082:23/UDP" {
		fail("ports %s", got)
	}

	// GET shows the change: the name decorated as `{region}.test.{id}`, the two mappings.
	read, response, err := api.GetEndpointService(ctx, projectID, serviceID).Execute()
	if err != nil {
		fail("GET of the documented service failed: %v", err)
	}
	if response.StatusCode != 200 || response.Header.Get("X-Request-Id") == "" {
		fail("GET: status %d, X-Request-Id %q", response.StatusCode, response.Header.Get("X-Request-Id"))
	}
	if read.GetId() != serviceID || read.GetProjectId() != projectID {
		fail("GET: id %q, project_id %q", read.GetId(), read.GetProjectId())
	}
	name = read.GetServiceName()
	if region, rest, _ := strings.Cut(name, "."); region == "" || rest != "test."+serviceID {
		fail("GET: service_name %q is not {region}.test.%s", name, serviceID)
	}
	status = read.GetStatus()
	if !read.GetApprovalEnabled() || status.ServiceStatus == nil || *status.ServiceStatus != vpcep.SERVICESTATUS_AVAILABLE {
		fail("GET: approval_enabled %v, status %+v", read.GetApprovalEnabled(), status)
	}
	if got := portList(read); got != "8081:22/TCP,8082:23/UDP" {
		fail("GET: ports %s", got)
	}

	// A 4XX answer decodes into the error model: PUT, then GET (404 `EndPoint.0005`).
	change := vpcep.NewModifyEndpointServiceRequest()
	change.SetApprovalEnabled(true)
	_, response, err = api.ModifyEndpointService(ctx, projectID, unknownServiceID).
		ModifyEndpointServiceRequest(*change).Execute()
	put := refusal(response, err)
	_, response, err = api.GetEndpointService(ctx, projectID, unknownServiceID).Execute()
	get := refusal(response, err)
	if !strings.EqualFold(get, "404 EndPoint.0005") {
		fail("GET of an unknown service: %s, not 404 EndPoint.0005", get)
	}
	fmt.Printf("go (openapi-generator): ok: %s, refused with %s (PUT) and %s (GET)\n", name, put, get)

	fmt.Printf("go (openapi-generator): ok: %s\n", connectAcceptDelete(ctx, vpcep.NewAPIClient(cfg)))
	quotas := vpcep.NewAPIClient(cfg).QuotasAPI
	fmt.Printf("go (openapi-generator): ok: %s\n", createListDelete(ctx, api, quotas))
}

// endpointStatus is a consumer's endpoint's (or a connection's) status, which must be one of the
// spec's EndpointStatus values.
func endpointStatus(what string, status vpcep.OpenEndpointStatus) vpcep.EndpointStatus {
	if status.EndpointStatus == nil {
		fail("%s: status is not a known EndpointStatus: %+v", what, status)
	}
	return *status.EndpointStatus
}

// sameJSON checks that a request model is sent as the JSON object want.
func sameJSON(what string, model any, want map[string]any) {
	body, err := json.Marshal(model)
	var got map[string]any
	if err == nil {
		err = json.Unmarshal(body, &got)
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		fail("%s is %s (%v), not %v", what, body, err, want)
	}
}

// wantStatus checks that a status is the EndpointStatus want.
func wantStatus(what string, status vpcep.OpenEndpointStatus, want vpcep.EndpointStatus) {
	if got := endpointStatus(what, status); got != want {
		fail("%s: status %s, not %s", what, got, want)
	}
}

// theConnection is the connection of endpointID in a list of connections, which must hold it once.
func theConnection(what string, list *vpcep.ConnectionList, endpointID string) vpcep.Connection {
	var mine []vpcep.Connection
	for _, c := range list.GetConnections() {
		if c.GetId() == endpointID {
			mine = append(mine, c)
		}
	}
	if len(mine) != 1 {
		fail("%s: endpoint %s is listed %d times in %+v", what, endpointID, len(mine), list.GetConnections())
	}
	return mine[0]
}

// connectAcceptDelete plays who may connect on a service of its own: a refusal, the whitelist, a
// consumer's VPC endpoint pending, accepted, listed, rejected and deleted, the whitelist emptied,
// the service deleted; it answers a summary of what it saw.
func connectAcceptDelete(ctx context.Context, client *vpcep.APIClient) string {
	services, connections := client.EndpointServicesAPI, client.ConnectionsAPI
	whitelist, endpoints := client.WhitelistAPI, client.EndpointsAPI

	request := vpcep.NewCreateEndpointServiceRequest(connectPortID, vpcID, vpcep.SERVERTYPE_VM,
		[]vpcep.PortMapping{mapping(8080, 80, vpcep.PROTOCOL_TCP)})
	request.SetServiceName(connectName)
	request.SetApprovalEnabled(true)
	service, _, err := services.CreateEndpointService(ctx, projectID).CreateEndpointServiceRequest(*request).Execute()
	if err != nil {
		fail("create of %s failed: %v", connectName, err)
	}
	serviceID := service.GetId()
	if serviceID == "" || !service.GetApprovalEnabled() {
		fail("create of %s: id %q, approval_enabled %v", connectName, serviceID, service.GetApprovalEnabled())
	}
	// The service answers its owner's account, which is not the consumer's.
	if owner := service.GetDomainId(); owner == "" || owner == consumerDomainID {
		fail("create of %s: domain_id %q", connectName, owner)
	}

	// A consumer of a domain that is not whitelisted is refused.
	endpointRequest := vpcep.NewCreateEndpointRequest(serviceID, vpcID)
	endpointRequest.SetSubnetId(subnetID)
	sameJSON("the endpoint's create request", endpointRequest,
		map[string]any{"endpoint_service_id": serviceID, "vpc_id": vpcID, "subnet_id": subnetID})
	_, response, err := endpoints.CreateEndpoint(ctx, consumerProjectID).CreateEndpointRequest(*endpointRequest).Execute()
	refused := refusal(response, err)
	if !strings.HasSuffix(refused, " EndPoint.2012") {
		fail("a consumer not whitelisted: %s, not EndPoint.2012", refused)
	}

	// The owner whitelists the consumer's domain, and finds the record in the list.
	add := vpcep.NewPermissionActionRequest([]string{consumerRecord}, vpcep.PERMISSIONACTION_ADD)
	added, _, err := whitelist.AddOrRemovePermissions(ctx, projectID, serviceID).PermissionActionRequest(*add).Execute()
	if err != nil {
		fail("whitelist add failed: %v", err)
	}
	if got := added.GetPermissions(); len(got) != 1 || got[0] != consumerRecord {
		fail("whitelist add answered %v", got)
	}
	listed, _, err := whitelist.ListPermissions(ctx, projectID, serviceID).
		Permission(consumerDomainID).Limit(500).Execute()
	if err != nil {
		fail("whitelist list failed: %v", err)
	}
	var record *vpcep.Permission
	for i, p := range listed.GetPermissions() {
		if p.GetPermission() == consumerRecord {
			record = &listed.Permissions[i]
		}
	}
	if record == nil || record.GetId() == "" {
		fail("whitelist list: no record %s in %+v", consumerRecord, listed.GetPermissions())
	}
	if t := record.GetPermissionType(); t.PermissionType == nil || *t.PermissionType != vpcep.PERMISSIONTYPE_DOMAIN_ID {
		fail("whitelist list: permission_type %+v", t)
	}
	if total, ok := listed.GetTotalCountOk(); !ok || *total < 1 {
		fail("whitelist list: total_count %v", listed.GetTotalCount())
	}

	// The consumer connects: pending, as the owner's connections show it.
	created, _, err := endpoints.CreateEndpoint(ctx, consumerProjectID).CreateEndpointRequest(*endpointRequest).Execute()
	if err != nil {
		fail("create of a VPC endpoint failed: %v", err)
	}
	endpointID := created.GetId()
	if endpointID == "" || created.GetEndpointServiceId() != serviceID {
		fail("create of a VPC endpoint: id %q, endpoint_service_id %q", endpointID, created.GetEndpointServiceId())
	}
	createdStatus := endpointStatus("create of a VPC endpoint", created.GetStatus())
	if createdStatus != vpcep.ENDPOINTSTATUS_CREATING && createdStatus != vpcep.ENDPOINTSTATUS_PENDING_ACCEPTANCE {
		fail("create of a VPC endpoint: status %s", createdStatus)
	}
	pending, _, err := connections.ListConnections(ctx, projectID, serviceID).
		Status(vpcep.CONNECTIONSTATUSFILTER_PENDING_ACCEPTANCE).Execute()
	if err != nil {
		fail("list of pending connections failed: %v", err)
	}
	connection := theConnection("pending connections", pending, endpointID)
	wantStatus("pending connection", connection.GetStatus(), vpcep.ENDPOINTSTATUS_PENDING_ACCEPTANCE)
	if connection.GetDomainId() != consumerDomainID {
		fail("pending connections: domain_id %q", connection.GetDomainId())
	}
	if total, ok := pending.GetTotalCountOk(); !ok || *total < 1 {
		fail("pending connections: total_count %v", pending.GetTotalCount())
	}
	seen, _, err := endpoints.GetEndpoint(ctx, consumerProjectID, endpointID).Execute()
	if err != nil {
		fail("GET of the VPC endpoint failed: %v", err)
	}
	wantStatus("GET of the VPC endpoint", seen.GetStatus(), vpcep.ENDPOINTSTATUS_PENDING_ACCEPTANCE)

	// The owner accepts it: accepted on both sides.
	accept := vpcep.NewConnectionActionRequest(vpcep.CONNECTIONACTION_RECEIVE, []string{endpointID})
	sameJSON("the accept request", accept, map[string]any{"action": "receive", "endpoints": []any{endpointID}})
	accepted, _, err := connections.AcceptOrRejectConnections(ctx, projectID, serviceID).
		ConnectionActionRequest(*accept).Execute()
	if err != nil {
		fail("accept failed: %v", err)
	}
	if len(accepted.GetConnections()) != 1 {
		fail("accept answered %+v", accepted.GetConnections())
	}
	connection = theConnection("accept", accepted, endpointID)
	wantStatus("accept", connection.GetStatus(), vpcep.ENDPOINTSTATUS_ACCEPTED)
	owner, _, err := connections.ListConnections(ctx, projectID, serviceID).Id(endpointID).Execute()
	if err != nil {
		fail("list of connections by id failed: %v", err)
	}
	connection = theConnection("connections by id", owner, endpointID)
	wantStatus("connections by id", connection.GetStatus(), vpcep.ENDPOINTSTATUS_ACCEPTED)
	seen, _, err = endpoints.GetEndpoint(ctx, consumerProjectID, endpointID).Execute()
	if err != nil {
		fail("GET of the accepted VPC endpoint failed: %v", err)
	}
	if seen.GetId() != endpointID {
		fail("GET of the accepted VPC endpoint: id %q", seen.GetId())
	}
	wantStatus("GET of the accepted VPC endpoint", seen.GetStatus(), vpcep.ENDPOINTSTATUS_ACCEPTED)
	read, _, err := services.GetEndpointService(ctx, projectID, serviceID).Execute()
	if err != nil || read.GetConnectionCount() != 1 {
		fail("GET of %s: connection_count %d (%v)", connectName, read.GetConnectionCount(), err)
	}

	// The consumer lists its endpoints, then deletes this one.
	page, _, err := endpoints.ListEndpoints(ctx, consumerProjectID).EndpointServiceName(connectName).Execute()
	if err != nil {
		fail("list of VPC endpoints failed: %v", err)
	}
	var mine []vpcep.VpcEndpoint
	for _, e := range page.GetEndpoints() {
		if e.GetId() == endpointID {
			mine = append(mine, e)
		}
	}
	if len(mine) != 1 || endpointStatus("list of VPC endpoints", mine[0].GetStatus()) != vpcep.ENDPOINTSTATUS_ACCEPTED {
		fail("list of VPC endpoints: %+v", page.GetEndpoints())
	}
	if total, ok := page.GetTotalCountOk(); !ok || *total < 1 {
		fail("list of VPC endpoints: total_count %v", page.GetTotalCount())
	}

	// The owner changes its mind and rejects it: rejected on both sides.
	reject := vpcep.NewConnectionActionRequest(vpcep.CONNECTIONACTION_REJECT, []string{endpointID})
	sameJSON("the reject request", reject, map[string]any{"action": "reject", "endpoints": []any{endpointID}})
	rejected, _, err := connections.AcceptOrRejectConnections(ctx, projectID, serviceID).
		ConnectionActionRequest(*reject).Execute()
	if err != nil || len(rejected.GetConnections()) != 1 {
		fail("reject: %+v (%v)", rejected, err)
	}
	connection = theConnection("reject", rejected, endpointID)
	wantStatus("reject", connection.GetStatus(), vpcep.ENDPOINTSTATUS_REJECTED)
	seen, _, err = endpoints.GetEndpoint(ctx, consumerProjectID, endpointID).Execute()
	if err != nil {
		fail("GET of the rejected VPC endpoint failed: %v", err)
	}
	wantStatus("GET of the rejected VPC endpoint", seen.GetStatus(), vpcep.ENDPOINTSTATUS_REJECTED)

	response, err = endpoints.DeleteEndpoint(ctx, consumerProjectID, endpointID).Execute()
	if err != nil || (response.StatusCode != 200 && response.StatusCode != 204) {
		fail("delete of the VPC endpoint failed: %v (%v)", err, response)
	}
	deleted := response.StatusCode
	_, response, err = endpoints.GetEndpoint(ctx, consumerProjectID, endpointID).Execute()
	gone := refusal(response, err)
	if !strings.EqualFold(gone, "404 EndPoint.0005") {
		fail("GET of the deleted VPC endpoint: %s, not 404 EndPoint.0005", gone)
	}

	// `*` (sent in its long form) is listed without the prefix; both records are removed.
	everyone := vpcep.NewPermissionActionRequest([]string{"iam:domain::*"}, vpcep.PERMISSIONACTION_ADD)
	answer, _, err := whitelist.AddOrRemovePermissions(ctx, projectID, serviceID).
		PermissionActionRequest(*everyone).Execute()
	if got := answer.GetPermissions(); err != nil || len(got) != 1 || (got[0] != "*" && got[0] != "iam:domain::*") {
		fail("whitelist add of *: %v (%v)", got, err)
	}
	star, _, err := whitelist.ListPermissions(ctx, projectID, serviceID).Permission("*").Execute()
	if got := star.GetPermissions(); err != nil || len(got) != 1 || got[0].GetPermission() != "*" {
		fail("whitelist list of *: %+v (%v)", got, err)
	}
	remove := vpcep.NewPermissionActionRequest([]string{consumerRecord, "*"}, vpcep.PERMISSIONACTION_REMOVE)
	answer, _, err = whitelist.AddOrRemovePermissions(ctx, projectID, serviceID).
		PermissionActionRequest(*remove).Execute()
	if err != nil || len(answer.GetPermissions()) != 2 {
		fail("whitelist remove: %v (%v)", answer.GetPermissions(), err)
	}
	empty, _, err := whitelist.ListPermissions(ctx, projectID, serviceID).Execute()
	if err != nil || len(empty.GetPermissions()) != 0 || empty.GetTotalCount() != 0 {
		fail("whitelist after the remove: %+v (%v)", empty, err)
	}

	response, err = services.DeleteEndpointService(ctx, projectID, serviceID).Execute()
	if err != nil || (response.StatusCode != 200 && response.StatusCode != 204) {
		fail("delete of %s failed: %v (%v)", connectName, err, response)
	}
	return fmt.Sprintf("%s: consumer refused with %s, whitelisted (%d listed), endpoint %s, %s, "+
		"accepted on both sides, listed %d, rejected on both sides, deleted (%d, then GET %s), "+
		"whitelist `*` listed as %q, emptied",
		connectName, refused, listed.GetTotalCount(), createdStatus, vpcep.ENDPOINTSTATUS_PENDING_ACCEPTANCE,
		page.GetTotalCount(), deleted, gone, star.GetPermissions()[0].GetPermission())
}

// createListDelete creates a service, reads it back, lists it, sees it in the quota, deletes it
// and sees it gone; it answers a summary of what it saw.
func createListDelete(ctx context.Context, api *vpcep.EndpointServicesAPIService, quotas *vpcep.QuotasAPIService) string {
	request := vpcep.NewCreateEndpointServiceRequest(createdPortID, vpcID, vpcep.SERVERTYPE_VM,
		[]vpcep.PortMapping{mapping(8080, 80, vpcep.PROTOCOL_TCP)})
	request.SetServiceName(createdName)
	created, response, err := api.CreateEndpointService(ctx, projectID).
		CreateEndpointServiceRequest(*request).Execute()
	if err != nil {
		fail("create failed: %v", err)
	}
	if response.StatusCode != 200 || response.Header.Get("X-Request-Id") == "" {
		fail("create: status %d, X-Request-Id %q", response.StatusCode, response.Header.Get("X-Request-Id"))
	}
	serviceID := created.GetId()
	if serviceID == "" || created.GetProjectId() != projectID {
		fail("create: id %q, project_id %q", serviceID, created.GetProjectId())
	}
	if created.GetPortId() != createdPortID || created.GetVpcId() != vpcID {
		fail("create: port_id %q, vpc_id %q", created.GetPortId(), created.GetVpcId())
	}
	serverType := created.GetServerType()
	if serverType.ServerType == nil || *serverType.ServerType != vpcep.SERVERTYPE_VM {
		fail("create: server_type %+v", serverType)
	}
	status := created.GetStatus()
	if status.ServiceStatus == nil || (*status.ServiceStatus != vpcep.SERVICESTATUS_CREATING &&
		*status.ServiceStatus != vpcep.SERVICESTATUS_AVAILABLE) {
		fail("create: status %+v", status)
	}
	createdStatus := string(*status.ServiceStatus)
	if got := portList(created); got != "8080:80/TCP" {
		fail("create: ports %s", got)
	}

	read, _, err := api.GetEndpointService(ctx, projectID, serviceID).Execute()
	if err != nil {
		fail("GET of the created service failed: %v", err)
	}
	if read.GetId() != serviceID || !strings.Contains(read.GetServiceName(), createdName) {
		fail("GET of the created service: id %q, service_name %q", read.GetId(), read.GetServiceName())
	}

	page, response, err := api.ListEndpointServices(ctx, projectID).EndpointServiceName(createdName).Execute()
	if err != nil || response.StatusCode != 200 {
		fail("list failed: %v", err)
	}
	listed := false
	for _, s := range page.GetEndpointServices() {
		listed = listed || s.GetId() == serviceID
	}
	if total, ok := page.GetTotalCountOk(); !listed || !ok || *total < 1 {
		fail("list: the created service listed %v, total_count %v", listed, page.GetTotalCount())
	}

	answer, response, err := quotas.ListQuotas(ctx, projectID).Type_(vpcep.QUOTARESOURCETYPE_ENDPOINT_SERVICE).Execute()
	if err != nil || response.StatusCode != 200 {
		fail("quotas failed: %v", err)
	}
	var mine []vpcep.QuotaResource
	for _, r := range answer.Quotas.GetResources() {
		t := r.GetType()
		if (t.QuotaResourceType != nil && *t.QuotaResourceType == vpcep.QUOTARESOURCETYPE_ENDPOINT_SERVICE) ||
			(t.QuotaResourceType == nil && t.String != nil && *t.String == "endpoint_service") {
			mine = append(mine, r)
		}
	}
	if len(mine) != 1 || !mine[0].HasUsed() || mine[0].GetUsed() < 1 {
		fail("quotas: endpoint_service entries %+v", mine)
	}

	response, err = api.DeleteEndpointService(ctx, projectID, serviceID).Execute()
	if err != nil || (response.StatusCode != 200 && response.StatusCode != 204) {
		fail("delete failed: %v (%v)", err, response)
	}
	deleted := response.StatusCode
	_, response, err = api.GetEndpointService(ctx, projectID, serviceID).Execute()
	gone := refusal(response, err)
	if !strings.EqualFold(gone, "404 EndPoint.0005") {
		fail("GET of the deleted service: %s, not 404 EndPoint.0005", gone)
	}
	return fmt.Sprintf("created %s (%s), listed %d, quota %d/%d, deleted (%d), then GET %s",
		read.GetServiceName(), createdStatus, page.GetTotalCount(), mine[0].GetUsed(), mine[0].GetQuota(), deleted, gone)
}
