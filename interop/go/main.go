// Command interop uses the Go client that openapi-generator (`-g go`) made from spec/vpcep.yaml.
//
// .ci/spec-checks generates the client into ./vpcep next to this file and runs it with the
// server's base URL in VPCEP_BASE_URL. It sends the documented example request to the documented
// service and checks the documented fields of the answer, then checks that a 4XX answer (an
// unknown service) decodes into the spec's ErrorResponse model. It exits non-zero on a mismatch.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"interop/vpcep"
)

const (
	projectID        = "6e9dfd51d1124e8d8498dce894923a0d"
	serviceID        = "4189d3c2-8882-4871-a3c2-d380272eed88"
	unknownServiceID = "00000000-0000-4000-8000-000000000000"
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
		mapping(8081, 22, vpcep.TCP),
		mapping(8082, 23, vpcep.UDP),
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
	if status.ServiceStatus == nil || *status.ServiceStatus != vpcep.AVAILABLE {
		fail("status is not available: %+v", status)
	}
	serviceType := service.GetServiceType()
	if serviceType.ServiceType == nil {
		fail("service_type is not a known type: %+v", serviceType)
	}
	if service.GetCreatedAt() == "" {
		fail("created_at is missing")
	}
	var ports []string
	for _, p := range service.GetPorts() {
		protocol := p.GetProtocol()
		if protocol.Protocol == nil {
			fail("protocol is not a known protocol: %+v", protocol)
		}
		ports = append(ports, fmt.Sprintf("%d:%d/%s", p.GetClientPort(), p.GetServerPort(), *protocol.Protocol))
	}
	if got := strings.Join(ports, ","); got != "8081:22/TCP,8082:23/UDP" {
		fail("ports %s", got)
	}

	// A 4XX answer decodes into the error model.
	change := vpcep.NewModifyEndpointServiceRequest()
	change.SetApprovalEnabled(true)
	_, response, err = api.ModifyEndpointService(ctx, projectID, unknownServiceID).
		ModifyEndpointServiceRequest(*change).Execute()
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
	fmt.Printf("go (openapi-generator): ok: %s, refused with %d %s\n", name, response.StatusCode, model.GetErrorCode())
}
