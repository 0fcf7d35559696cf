//! `vpcep list`: walk every page of the services that match, and print them: JSON lines as
//! they are read, or a table or a JSON array once all are read.

use otc_vpcep::spec;

use crate::{
    commands::ListEndpointServicesCommand, connection, failure::Failure, output, table, walk,
};

/// Runs `vpcep list`.
pub async fn run(command: ListEndpointServicesCommand) -> Result<(), Failure> {
    let call = &command.call;
    let client = connection::client(&call.connection, call.timeout, true)?;
    let mut services = command.query(client.list_endpoint_services());
    let args = &command.options;
    let most = walk::most(args.most);
    services = services.max_items(most);
    // Pages no larger than the services wanted (but a walk's pages overlap by one).
    let page = command.limit.unwrap_or_else(|| {
        let wanted = most.clamp(2, spec::MAX_LIST_LIMIT);
        i32::try_from(wanted).unwrap_or(i32::MAX)
    });
    services = services.limit(page);

    let output = output::for_list(args.output);
    walk::print(
        services.all(),
        "VPC endpoint services",
        output,
        args.most,
        table::services,
    )
    .await
}
