#!/usr/bin/env python3
"""A stand-in for the VPCEP emulator, for the generated clients of .ci/spec-checks.

TEMPORARY: it stands in for the crate's emulator (feature `emulator`) until that lands; then
.ci/spec-checks starts the emulator instead (it does so once examples/emulator.rs exists), and
this file goes away.

Serves PUT /v1/{project_id}/vpc-endpoint-services/{id} on 127.0.0.1 (port from argv[1], default
any free port) and prints `listening on {base URL}` first, like the emulator. It knows one
service: the one the documented example request targets, seeded from the documented example
response in the spec (read with PyYAML). A request to it changes it and gets it back (200,
`service_name` decorated as the live service does); an unknown service gets 404 EndPoint.0005;
a request without X-Auth-Token gets 401 EndPoint.0003. Every answer is JSON with an
X-Request-Id header.
"""

import json
import re
import sys
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml  # PyYAML, in the tools' virtual environment

PROJECT_ID = "6e9dfd51d1124e8d8498dce894923a0d"
SERVICE_ID = "4189d3c2-8882-4871-a3c2-d380272eed88"
PATH = re.compile(r"^/v1/([^/]+)/vpc-endpoint-services/([^/?]+)$")


def documented_response() -> dict:
    """The spec's documented example response."""
    spec = yaml.safe_load((Path(__file__).resolve().parents[1] / "spec" / "vpcep.yaml").read_text())
    put = spec["paths"]["/v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}"]["put"]
    return put["responses"]["200"]["content"]["application/json"]["examples"]["documented"]["value"]


SERVICE = documented_response()
SERVICE.update(id=SERVICE_ID, project_id=PROJECT_ID)


class Handler(BaseHTTPRequestHandler):
    def answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", uuid.uuid4().hex)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status: int, code: str, message: str) -> None:
        self.answer(status, {"error_code": code, "error_msg": message})

    def do_PUT(self) -> None:  # noqa: N802 (the name http.server calls)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        match = PATH.match(self.path)
        if not match:
            return self.error(404, "EndPoint.0005", "The requested resource does not exist.")
        if not self.headers.get("X-Auth-Token"):
            return self.error(401, "EndPoint.0003", "Authentication failed.")
        project, service = match.groups()
        if project != PROJECT_ID or service.lower() != SERVICE_ID:
            return self.error(404, "EndPoint.0005", "The requested resource does not exist.")
        try:
            change = json.loads(raw)
        except ValueError:
            return self.error(400, "EndPoint.0002", "Parameter error.")
        if not isinstance(change, dict):
            return self.error(400, "EndPoint.0002", "Parameter error.")
        for field in ("approval_enabled", "ports", "port_id", "tcp_proxy", "description"):
            if field in change:
                SERVICE[field] = change[field]
        if "service_name" in change:
            SERVICE["service_name"] = f"eu-de.{change['service_name']}.{SERVICE_ID}"
        SERVICE["updated_at"] = "2018-01-30T07:43:01.174"
        self.answer(200, SERVICE)

    def do_GET(self) -> None:  # noqa: N802
        self.error(404, "EndPoint.0005", "The requested resource does not exist.")

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        sys.stderr.write("stand-in: " + format % args + "\n")


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
