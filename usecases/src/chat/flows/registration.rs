//! Registration: /start, the department question, the e-mail question.

use meetbot_domain::{Department, Email};

use crate::chat::context::{Chat, Handled};
use crate::chat::dialog::Dialog;
use crate::chat::reply::Reply;
use crate::chat::views;
use crate::error::UseCaseError;
use crate::registration::{self, StartOutcome};

/// /start: welcome a member back, or begin asking the registration questions.
pub async fn start(chat: &Chat<'_>) -> Handled {
    Ok(match registration::start(chat.s, chat.from).await? {
        StartOutcome::Welcome(user) => Reply {
            menu_for: Some(user.clone()),
            ..Reply::send(views::welcome(&user))
        },
        StartOutcome::NeedsRegistration => {
            let departments = chat.s.settings().await?.departments;
            let dialog = Dialog::Registration {
                department: None,
                department_answered: departments.is_empty(),
            };
            let question = if departments.is_empty() {
                views::ask_email()
            } else {
                views::ask_department(&departments)
            };
            Reply::send(views::note("registration-intro"))
                .then_send(question)
                .with_dialog(dialog)
        }
        StartOutcome::AwaitingApproval(_) => Reply::send(views::note("registration-pending")),
        StartOutcome::Rejected(_) => Reply::send(views::note("registration-rejected")),
        StartOutcome::Blocked(_) => Reply::send(views::note("error-blocked")),
    })
}

/// A typed answer: the department's name while that question is open,
/// otherwise the e-mail.
pub async fn text(
    chat: &Chat<'_>,
    text: &str,
    department: Option<Department>,
    department_answered: bool,
) -> Handled {
    if department_answered {
        let email = Email::new(text)?;
        return finish(chat, department, Some(email)).await;
    }
    let departments = chat.s.settings().await?.departments;
    let typed = text.trim().to_lowercase();
    match departments
        .iter()
        .find(|d| d.as_str().to_lowercase() == typed)
    {
        Some(department) => Ok(department_chosen(department.clone())),
        None => Ok(
            Reply::error(&UseCaseError::Invalid("error-department-unknown"))
                .then_send(views::ask_department(&departments)),
        ),
    }
}

/// A department button, by its index in the configured list.
pub async fn department_button(chat: &Chat<'_>, dialog: Option<&Dialog>, index: u16) -> Handled {
    let Some(Dialog::Registration { .. }) = dialog else {
        return chat.stale().await;
    };
    let departments = chat.s.settings().await?.departments;
    match departments.get(usize::from(index)) {
        Some(department) => Ok(department_chosen(department.clone())),
        None => chat.stale().await,
    }
}

/// Skip: the department question, or the e-mail question (which finishes).
pub async fn skip(
    chat: &Chat<'_>,
    department: Option<Department>,
    department_answered: bool,
) -> Handled {
    if department_answered {
        return finish(chat, department, None).await;
    }
    let dialog = Dialog::Registration {
        department,
        department_answered: true,
    };
    Ok(Reply::edit(views::ask_email()).with_dialog(dialog))
}

fn department_chosen(department: Department) -> Reply {
    let dialog = Dialog::Registration {
        department: Some(department),
        department_answered: true,
    };
    Reply::edit(views::ask_email()).with_dialog(dialog)
}

/// Sends the registration to the owners; the dialog ends either way, a
/// refusal included.
async fn finish(chat: &Chat<'_>, department: Option<Department>, email: Option<Email>) -> Handled {
    let reply = match registration::register(chat.s, chat.from, department, email).await {
        Ok(_) => Reply::edit(views::note("registration-sent")),
        Err(UseCaseError::AlreadyDecided) => Reply::edit(views::note("registration-pending")),
        Err(other) => Reply::error(&other),
    };
    Ok(reply.ending_dialog())
}
