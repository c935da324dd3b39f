//! The MFA-by-phone flow (`--send-phone-message`): Auth0 sends a stored user's MFA code by SMS
//! or voice through the tenant's send-phone-message Actions, in order. The message options are
//! those of an MFA challenge (`action` `second-factor-authentication`, a six-digit `code`, the
//! `text` with it, `message_type` `sms` or `voice`, the `recipient`: `--phone`, else the
//! user's `phone_number`, in E.164 form). The api has no command that changes the flow.

use serde_json::json;

use super::password_change::no_deny;
use super::{event_client, Chain, FlowKind, FlowRequest, FlowResult, FlowSummary};
use crate::request::{RequestError, Trigger};
use crate::Host;

/// The message types Auth0 sends.
pub const MESSAGE_TYPES: [&str; 2] = ["sms", "voice"];

pub async fn run(host: &Host, request: &FlowRequest) -> Result<FlowResult, RequestError> {
    let kind = FlowKind::SendPhoneMessage;
    request.refuse(
        kind,
        &["audience", "scope", "sign", "email", "persist", "state_file", "continue", "query", "subject_token"],
    )?;
    let tenant = request.tenant(host)?;
    let client = request.client(&tenant)?;
    let record = request.stored_user(&tenant)?;
    let message_type = request.message_type.clone().unwrap_or_else(|| "sms".into());
    if !MESSAGE_TYPES.contains(&message_type.as_str()) {
        return Err(RequestError::new(
            "message_type",
            format!("unknown message type {message_type:?}; known: {}", MESSAGE_TYPES.join(", ")),
        ));
    }
    let (recipient, field) = match &request.phone {
        Some(phone) => (phone.clone(), "phone"),
        None => match record.profile["phone_number"].as_str() {
            Some(phone) => (phone.to_owned(), "phone_number"),
            None => {
                return Err(RequestError::new(
                    "phone",
                    format!(
                        "missing: the user {} has no phone_number; give the number (--phone +…)",
                        record.file.display()
                    ),
                ))
            }
        },
    };
    if !is_e164(&recipient) {
        return Err(RequestError::new(
            field,
            format!("{recipient:?} is not a phone number in E.164 form (+ then 8 to 15 digits)"),
        ));
    }
    let mut event = (crate::actions::spec(Trigger::SendPhoneMessage).expect("in the table").default_event)();
    let code = event["message_options"]["code"].as_str().unwrap_or("482913").to_owned();
    let text = format!("Your {} verification code is: {code}", client.name);
    event["client"] = event_client(client);
    event["message_options"] = json!({
        "action": "second-factor-authentication",
        "code": code,
        "message_type": message_type,
        "recipient": recipient,
        "text": text,
    });
    let mut user = record.profile.clone();
    crate::pipeline::users::fill_metadata_objects(&mut user);
    event["user"] = user;
    let mut result = FlowResult::new(
        kind,
        FlowSummary {
            tenant: tenant.root.clone(),
            client: Some(client.name.clone()),
            client_id: client.client_id.clone(),
            user_id: record.profile["user_id"].as_str().map(str::to_owned),
            ..Default::default()
        },
    );
    let chain = Chain {
        host,
        tenant: &tenant,
        trigger: Trigger::SendPhoneMessage,
        client: Some(client),
        container: request.container.clone(),
        resumed: false,
    };
    let end = chain.run(&mut event, 0, None, &mut result, |_, _, _| {}, no_deny).await?;
    result.end_with(end);
    if result.error.is_none() {
        result.result = json!({ "message": event["message_options"] });
    }
    Ok(result)
}

fn is_e164(phone: &str) -> bool {
    let digits = phone.strip_prefix('+').unwrap_or("x");
    (8..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) && !digits.starts_with('0')
}

#[cfg(test)]
mod tests {
    #[test]
    fn e164() {
        assert!(super::is_e164("+64211234567"));
        assert!(!super::is_e164("0211234567"));
        assert!(!super::is_e164("+64 21 123"));
        assert!(!super::is_e164("+0211234567"));
    }
}
