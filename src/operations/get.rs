//! [`GetEndpointService`]: the query of one VPC endpoint service,
//! `GET /v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}`.

use crate::{
    Client, Error, operations::call, spec::validation::Violations, types::EndpointService,
};

impl Client {
    /// Starts a query of the VPC endpoint service `service_id` (a UUID); it is sent by
    /// [`send`](GetEndpointService::send).
    ///
    /// ```no_run
    /// # async fn run(client: otc_vpcep::Client) -> Result<(), otc_vpcep::Error> {
    /// let service = client
    ///     .get_endpoint_service("4189d3c2-8882-4871-a3c2-d380272eed88")
    ///     .send()
    ///     .await?;
    /// let mappings = service.ports.len();
    /// println!("{} is {:?} with {mappings} port mappings", service.id, service.status);
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_endpoint_service(&self, service_id: impl Into<String>) -> GetEndpointService<'_> {
        GetEndpointService {
            client: self,
            service_id: service_id.into(),
        }
    }
}

/// A query of one VPC endpoint service, made by [`Client::get_endpoint_service`].
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct GetEndpointService<'a> {
    client: &'a Client,
    service_id: String,
}

impl<'a> GetEndpointService<'a> {
    /// Checks the service ID, sends the query, and returns the service as the API answers it.
    ///
    /// The check runs here, at once; nothing is sent until the future is awaited.
    pub fn send(self) -> impl Future<Output = Result<EndpointService, Error>> + Send + 'a {
        let client = self.client;
        let mut v = Violations::default();
        let checked = v
            .uuid("vpc_endpoint_service_id", &self.service_id)
            .ok_or(Error::InvalidRequest(v));
        call::run(
            client,
            None,
            checked.map(|service_id| {
                move |project_id| {
                    client
                        .raw()
                        .get_endpoint_service()
                        .project_id(project_id)
                        .vpc_endpoint_service_id(service_id)
                        .send()
                }
            }),
        )
    }
}
