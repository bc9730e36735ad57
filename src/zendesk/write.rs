//! The write side of the Zendesk API. Only apply constructs a [`Writer`]; planning gets the
//! read trait alone, so a plan cannot change Zendesk.

use std::future::Future;

use reqwest::Method;
use serde_json::{Value, json};

use super::api_warn::ApiWarning;
use super::client::error::ZendeskError;
use super::client::{AccountClient, Api, Target};
use super::model::{
    AccountSettings, BatchJob, BatchJobResponse, SunshineAppSettings, Trigger,
    TriggerBulkUpdateItem, TriggerCategory, TriggerCategoryResponse, TriggerResponse,
};
use super::read::ReadApi;

/// The header in which Zendesk reports keys it ignored (header names are case-insensitive).
const API_WARN: &str = "x-zendesk-api-warn";

/// Writing to one account, with Zendesk's documented endpoints.
pub trait WriteApi: Sync {
    /// `POST /api/v2/trigger_categories`.
    fn create_category(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<TriggerCategory, ZendeskError>> + Send;
    /// `POST /api/v2/triggers` with a `{"trigger": …}` body.
    fn create_trigger(
        &self,
        body: &Value,
    ) -> impl Future<Output = Result<Trigger, ZendeskError>> + Send;
    /// `PUT /api/v2/triggers/{id}` with a `{"trigger": …}` body (full conditions and actions).
    fn update_trigger(
        &self,
        id: u64,
        body: &Value,
    ) -> impl Future<Output = Result<Trigger, ZendeskError>> + Send;
    /// `PUT /api/v2/triggers/update_many`: active states and categories of many triggers in one
    /// request (Zendesk applies all items or none).
    fn update_triggers_bulk(
        &self,
        items: &[TriggerBulkUpdateItem],
    ) -> impl Future<Output = Result<(), ZendeskError>> + Send;
    /// `POST /api/v2/trigger_categories/jobs`: category and trigger positions in one request,
    /// all or nothing. A `failed` answer is an error (nothing was applied).
    fn run_category_job(
        &self,
        job: &BatchJob,
    ) -> impl Future<Output = Result<(), ZendeskError>> + Send;
    /// `DELETE /api/v2/triggers/{id}`; a trigger that is already gone counts as deleted.
    fn delete_trigger(&self, id: u64) -> impl Future<Output = Result<(), ZendeskError>> + Send;
    /// `PUT /api/v2/account/settings` (Zendesk merges the keys sent); the answer's
    /// `X-Zendesk-API-Warn` header, if any, which may say that a key was ignored.
    fn update_account_settings(
        &self,
        settings: &AccountSettings,
    ) -> impl Future<Output = Result<Option<ApiWarning>, ZendeskError>> + Send;
    /// `PATCH /sc/v2/apps/{app_id}` (Sunshine Conversations, its own key).
    fn update_sunshine_app(
        &self,
        app_id: &str,
        settings: &SunshineAppSettings,
    ) -> impl Future<Output = Result<(), ZendeskError>> + Send;
}

/// The write API of one account.
#[derive(Debug)]
pub struct Writer<'a> {
    client: &'a AccountClient,
}

impl<'a> Writer<'a> {
    /// The writer for an account. Only apply calls this.
    pub fn new(client: &'a AccountClient) -> Self {
        Self { client }
    }
}

/// A writer reads too: apply re-reads what it is about to change, and checks whether a create
/// whose answer was lost happened after all.
impl ReadApi for Writer<'_> {
    fn account_name(&self) -> &str {
        self.client.account_name()
    }

    fn list_triggers(&self) -> impl Future<Output = Result<Vec<Trigger>, ZendeskError>> + Send {
        self.client.list_triggers()
    }

    fn list_trigger_categories(
        &self,
    ) -> impl Future<Output = Result<Vec<TriggerCategory>, ZendeskError>> + Send {
        self.client.list_trigger_categories()
    }

    fn trigger_categories(
        &self,
    ) -> impl Future<Output = Result<Option<Vec<TriggerCategory>>, ZendeskError>> + Send {
        self.client.trigger_categories()
    }

    fn trigger_definitions(
        &self,
    ) -> impl Future<Output = Result<super::model::TriggerDefinitions, ZendeskError>> + Send {
        self.client.trigger_definitions()
    }

    fn account_settings(
        &self,
    ) -> impl Future<Output = Result<AccountSettings, ZendeskError>> + Send {
        self.client.account_settings()
    }

    fn sunshine_app(
        &self,
    ) -> impl Future<Output = Result<Option<super::model::SunshineApp>, ZendeskError>> + Send {
        self.client.sunshine_app()
    }
}

impl WriteApi for Writer<'_> {
    async fn create_category(&self, name: &str) -> Result<TriggerCategory, ZendeskError> {
        let object = format!("trigger category \"{name}\"");
        let target = Target {
            object: &object,
            account_wide: false,
        };
        let body = json!({"trigger_category": {"name": name}});
        let answer = self
            .client
            .send(
                Method::POST,
                Api::Support,
                "/api/v2/trigger_categories",
                Some(&body),
                target,
            )
            .await?;
        let created: TriggerCategoryResponse = self.client.parse(&answer, target)?;
        Ok(created.trigger_category)
    }

    async fn create_trigger(&self, body: &Value) -> Result<Trigger, ZendeskError> {
        let title = body["trigger"]["title"].as_str().unwrap_or_default();
        let object = format!("new trigger \"{title}\"");
        let target = Target {
            object: &object,
            account_wide: false,
        };
        let answer = self
            .client
            .send(
                Method::POST,
                Api::Support,
                "/api/v2/triggers",
                Some(body),
                target,
            )
            .await?;
        let created: TriggerResponse = self.client.parse(&answer, target)?;
        Ok(created.trigger)
    }

    async fn update_trigger(&self, id: u64, body: &Value) -> Result<Trigger, ZendeskError> {
        let object = format!("trigger {id}");
        let target = Target {
            object: &object,
            account_wide: false,
        };
        let path = format!("/api/v2/triggers/{id}");
        let answer = self
            .client
            .send(Method::PUT, Api::Support, &path, Some(body), target)
            .await?;
        let updated: TriggerResponse = self.client.parse(&answer, target)?;
        Ok(updated.trigger)
    }

    async fn update_triggers_bulk(
        &self,
        items: &[TriggerBulkUpdateItem],
    ) -> Result<(), ZendeskError> {
        let object = format!("{} triggers (update_many)", items.len());
        let target = Target {
            object: &object,
            account_wide: false,
        };
        let body = json!({ "triggers": items });
        self.client
            .send(
                Method::PUT,
                Api::Support,
                "/api/v2/triggers/update_many",
                Some(&body),
                target,
            )
            .await?;
        Ok(())
    }

    async fn run_category_job(&self, job: &BatchJob) -> Result<(), ZendeskError> {
        let object = format!(
            "trigger order ({} categories, {} triggers)",
            job.items.trigger_categories.len(),
            job.items.triggers.len()
        );
        let target = Target {
            object: &object,
            account_wide: false,
        };
        let body = json!({ "job": job });
        let answer = self
            .client
            .send(
                Method::POST,
                Api::Support,
                "/api/v2/trigger_categories/jobs",
                Some(&body),
                target,
            )
            .await?;
        let outcome: BatchJobResponse = self.client.parse(&answer, target)?;
        if outcome.status == "complete" {
            return Ok(());
        }
        // Documented as a 400, which `send` already turned into an error; a `failed` job
        // answered with success is refused all the same.
        let message = outcome
            .errors
            .unwrap_or_default()
            .iter()
            .map(|e| e.title.clone())
            .collect::<Vec<_>>()
            .join("; ");
        Err(ZendeskError::Rejected {
            account: self.client.account_name().to_owned(),
            object,
            status: answer.status,
            code: Some(outcome.status),
            message,
        })
    }

    async fn delete_trigger(&self, id: u64) -> Result<(), ZendeskError> {
        let object = format!("trigger {id}");
        let target = Target {
            object: &object,
            account_wide: false,
        };
        let path = format!("/api/v2/triggers/{id}");
        match self
            .client
            .send(Method::DELETE, Api::Support, &path, None, target)
            .await
        {
            // A retried DELETE may find its first attempt already succeeded.
            Ok(_) | Err(ZendeskError::NotFound { .. }) => Ok(()),
            Err(err) => Err(err),
        }
    }

    async fn update_account_settings(
        &self,
        settings: &AccountSettings,
    ) -> Result<Option<ApiWarning>, ZendeskError> {
        let target = Target {
            object: "account settings",
            account_wide: true,
        };
        let body = json!({ "settings": settings });
        let answer = self
            .client
            .send(
                Method::PUT,
                Api::Support,
                "/api/v2/account/settings",
                Some(&body),
                target,
            )
            .await?;
        Ok(answer
            .headers
            .get(API_WARN)
            .and_then(|v| v.to_str().ok())
            .map(ApiWarning::parse))
    }

    async fn update_sunshine_app(
        &self,
        app_id: &str,
        settings: &SunshineAppSettings,
    ) -> Result<(), ZendeskError> {
        let object = format!("Sunshine Conversations app {app_id}");
        let target = Target {
            object: &object,
            account_wide: false,
        };
        let body = json!({ "settings": settings });
        // Encoded as the read side does, so the id stays one path segment.
        let path = format!("/v2/apps/{}", super::read::encode(app_id));
        self.client
            .send(Method::PATCH, Api::Sunshine, &path, Some(&body), target)
            .await?;
        Ok(())
    }
}
