// Command interop uses the Go client that openapi-generator (`-g go`) made from spec/vpcep.yaml.
//
// .ci/spec-checks generates the client into ./vpcep next to this file and runs it with the
// server's base URL in VPCEP_BASE_URL. It sends the documented example request to the documented
// service and checks the documented fields of the answer, reads the service back (GET) and checks
// that it shows the change, then checks that a 4XX answer (an unknown service, to PUT and to GET)
// decodes into the spec's ErrorResponse model. Then it makes one call of every other kind: it
// creates a service (`interop3`), reads it back, finds it in the list, sees it counted in the
// quota, deletes it and checks that GET then answers 404 `EndPoint.0005`. It exits non-zero on a
// mismatch.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
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
		fail("an unknown service was not refused with an API error: %v", err)
	}
	if response == nil || response.StatusCode < 400 || response.StatusCode >= 500 {
		fail("an unknown service was not refused with a 4XX: %v", response)
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

	quotas := vpcep.NewAPIClient(cfg).QuotasAPI
	fmt.Printf("go (openapi-generator): ok: %s\n", createListDelete(ctx, api, quotas))
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
