//! The examples and exit statuses that each command's help shows after its flags.

/// `vpcep list`.
pub const LIST: &str = "\
Output: a table when standard output is a terminal, else JSON lines (one service a line, as the
API answers it, printed as they are read); --output json prints one JSON array at the end.

Examples:
  vpcep list --region eu-de
  vpcep list --region eu-de --status failed --output table
  vpcep list --region eu-de --name web --limit 20
  vpcep list --region eu-de | jq -r 'select(.status == \"available\") | .id'

Exit status: 0 success (also when nothing matches); 2 usage error (nothing sent); 1 API, transport
or timeout error (JSON lines already printed stay printed).";

/// `vpcep create`.
pub const CREATE: &str = "\
Examples:
  # A service for a load balancer's port, two mappings, without approval; wait until available
  vpcep create --region eu-de --port-id 4189d3c2-8882-4871-a3c2-d380272eed88 \\
      --vpc-id 4189d3c2-8882-4871-a3c2-d380272eed80 --server-type LB \\
      --port 8080:80 --port 8443:443 --name web --approval-enabled false --tag team=web --wait

  # The request from a JSON body (the spec's CreateEndpointServiceRequest)
  vpcep create --region eu-de --body request.json

  # Show the request that would be sent (method, URL, body), checked; send nothing
  vpcep create --region eu-de --project-id 6e9dfd51d1124e8d8498dce894923a0d --dry-run \\
      --port-id 4189d3c2-8882-4871-a3c2-d380272eed88 \\
      --vpc-id 4189d3c2-8882-4871-a3c2-d380272eed80 --server-type VM --port 8080:90

A create is never sent twice: when its answer is lost, the services of its --name are looked up
(so a create with --name lists them first), and without a name the error says what to look for.

Exit status: 0 success; 2 usage or validation error (nothing sent); 1 API, transport or timeout
error, a lost answer (the service may exist: see the message), or a failed wait (the service was
created: it is printed).";

/// `vpcep delete`.
pub const DELETE: &str = "\
Confirmation: on a terminal (standard input is one), vpcep shows the service and asks; --yes
deletes without asking. Without a terminal and without --yes, vpcep refuses (exit 2) and sends
nothing: a script says --yes.

Examples:
  vpcep delete 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de
  vpcep delete web --region eu-de --yes --wait=5m
  vpcep delete 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de --dry-run

Exit status: 0 deleted (with --wait: gone); 2 usage error, or no confirmation without a terminal
(nothing sent); 1 not confirmed, in use (VPC endpoints are connected), an API, transport or
timeout error, or not gone in time.";

/// `vpcep quotas`.
pub const QUOTAS: &str = "\
Output: a table when standard output is a terminal, else JSON lines (one resource type a line);
--output json prints one JSON array.

Examples:
  vpcep quotas --region eu-de
  vpcep quotas --region eu-de --type endpoint_service --output json

Exit status: 0 success; 2 usage error (nothing sent); 1 API, transport or timeout error.";

/// `vpcep completions`.
pub const COMPLETIONS: &str = "\
Examples:
  vpcep completions bash > ~/.local/share/bash-completion/completions/vpcep
  vpcep completions zsh > ~/.zfunc/_vpcep      # with fpath+=(~/.zfunc) before compinit
  vpcep completions fish > ~/.config/fish/completions/vpcep.fish";

/// `vpcep modify`.
pub const MODIFY: &str = "\
Examples:
  # Require approval, rename, and replace the port mappings (the list replaces all of them)
  vpcep modify 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de \\
      --approval-enabled true --name test --port 8081:22 --port 8082:23/udp

  # The same change from a JSON body on standard input
  echo '{\"service_name\": \"test\"}' | vpcep modify 4189d3c2-8882-4871-a3c2-d380272eed88 --body -

  # Add one mapping and remove another, keeping the rest; then wait until it is available
  vpcep modify 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de \\
      --add-port 8443:443 --remove-port 8081:22 --wait=5m

  # Show what would change (with credentials: read the service and show the diff), send nothing
  vpcep modify 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de --add-port 8443:443 --dry-run

  # Credentials, project and region from the cloud \"otc\" of clouds.yaml
  vpcep modify 4189d3c2-8882-4871-a3c2-d380272eed88 --os-cloud otc --name test

Exit status: 0 success; 2 usage or validation error (nothing sent); 1 API, transport or timeout
error, a failed wait, or a conflict (someone else changed the service meanwhile).";

/// `vpcep wait`.
pub const WAIT: &str = "\
Examples:
  vpcep wait 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de --timeout 5m

Exit status: 0 available; 2 usage error (nothing sent); 1 failed, deleting, gone, not available
in time, or an API, transport or timeout error.";

/// `vpcep get`.
pub const GET: &str = "\
Examples:
  vpcep get 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de
  vpcep get 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de --output table

Exit status: 0 success; 2 usage error (nothing sent); 1 API, transport or timeout error.";

/// `vpcep emulator`.
pub const EMULATOR: &str = "\
Secrets come from the environment, never from flags (which show in process listings):
VPCEP_EMULATOR_TOKENS, the tokens to accept, comma-separated (without it, any token is accepted);
VPCEP_EMULATOR_SECRET_KEY, the secret key of --access-key.

Examples:
  vpcep emulator                                  # on 127.0.0.1:8080, the default seed
  vpcep emulator --listen 127.0.0.1:0             # a free port; the first line tells which
  VPCEP_EMULATOR_TOKENS=t1,t2 vpcep emulator      # accept only these tokens
  VPCEP_EMULATOR_SECRET_KEY=SK vpcep emulator --access-key AK   # verify AK/SK signatures
  vpcep emulator --tls-cert cert.pem --tls-key key.pem   # HTTPS
  OS_AUTH_TOKEN=x OS_PROJECT_ID=6e9dfd51d1124e8d8498dce894923a0d \\
      vpcep modify 4189d3c2-8882-4871-a3c2-d380272eed88 --endpoint http://127.0.0.1:8080 --name demo";

/// `vpcep connections`.
pub const CONNECTIONS: &str = "\
Output: a table when standard output is a terminal, else JSON lines (one connection a line, as
the API answers it); --output json prints one JSON array.

Examples:
  vpcep connections web --region eu-de
  vpcep connections web --region eu-de --status pendingAcceptance --output table

Exit status: 0 success; 2 usage error (nothing sent); 1 API, transport or timeout error.";

/// `vpcep accept`.
pub const ACCEPT: &str = "\
Each endpoint gets a request of its own (the API takes one a request), paced with the client's
other requests and within its retry budget; an endpoint already accepted gets none and is
reported as already_accepted. Output: one line (or row) per endpoint: its outcome (accepted,
already_accepted, failed), the connection's status, and the error of one that failed.

Examples:
  vpcep accept web 705290f3-0d00-41f2-aedc-71f09844e879 --region eu-de
  vpcep accept web --all-pending --region eu-de
  vpcep accept web 705290f3-0d00-41f2-aedc-71f09844e879,f0c6d4e5-2f1b-4d8a-9c0e-7a3b1e2d4c5f --dry-run

Exit status: 0 every endpoint accepted (now or before); 2 usage error (nothing sent); 1 an
endpoint that failed (the others were still sent), or an API, transport or timeout error.";

/// `vpcep reject`.
pub const REJECT: &str = "\
As vpcep accept, for rejecting: an endpoint already rejected is reported as already_rejected.

Examples:
  vpcep reject web 705290f3-0d00-41f2-aedc-71f09844e879 --region eu-de
  vpcep reject web --all-pending --region eu-de --dry-run

Exit status: 0 every endpoint rejected (now or before); 2 usage error (nothing sent); 1 an
endpoint that failed (the others were still sent), or an API, transport or timeout error.";

/// `vpcep whitelist`.
pub const WHITELIST: &str = "\
Records: a domain (account) ID, bare or as iam:domain::ID, or * (every account); the API
answers * without its prefix. The owner's own account may always connect to its service.

Examples:
  vpcep whitelist web --region eu-de
  vpcep whitelist web --region eu-de --add 5fc973eea581490997e82ea11a1d0101
  vpcep whitelist web --region eu-de --remove iam:domain::5fc973eea581490997e82ea11a1d0101
  vpcep whitelist web --region eu-de --set 5fc973eea581490997e82ea11a1d0101,fc973eea581490997e82ea11a1d0101 --dry-run
  vpcep whitelist web --region eu-de --set=                   # remove every record

Exit status: 0 success (also when nothing changes); 2 usage error, or a malformed record (nothing
sent); 1 API, transport or timeout error.";
