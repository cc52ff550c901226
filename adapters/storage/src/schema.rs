//! The tables, as diesel sees them. One shape on both backends: the
//! migrations in `migrations/sqlite` and `migrations/postgres` create it.

diesel::table! {
    users (id) {
        id -> BigInt,
        name -> Text,
        username -> Nullable<Text>,
        role -> Text,
        status -> Text,
        department -> Nullable<Text>,
        email -> Nullable<Text>,
        language -> Text,
        zone -> Text,
        subscribed -> Bool,
        registered_at -> BigInt,
        unreachable_since -> Nullable<BigInt>,
    }
}

diesel::table! {
    meetings (id) {
        id -> BigInt,
        booker_id -> BigInt,
        starts_at -> BigInt,
        ends_at -> BigInt,
        meeting_type -> Text,
        topic -> Nullable<Text>,
        status -> Text,
        rescheduled_from -> Nullable<BigInt>,
        rescheduled_to -> Nullable<BigInt>,
        cancelled_by -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
        video_link -> Nullable<Text>,
    }
}

diesel::table! {
    reminders (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        recipient_id -> BigInt,
        offset_minutes -> Integer,
        due_at -> BigInt,
        state -> Text,
        attempts -> Integer,
        not_before -> BigInt,
        finished_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    calendar_jobs (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        kind -> Text,
        attempts -> Integer,
        not_before -> BigInt,
        last_error -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    dialogs (user_id) {
        user_id -> BigInt,
        state -> Text,
    }
}

diesel::table! {
    inbox (update_id) {
        update_id -> BigInt,
        payload -> Text,
        received_at -> BigInt,
        handled_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    key_values (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    heartbeat (id) {
        id -> Integer,
        beat_at -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        happened_at -> BigInt,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        target -> Nullable<Text>,
        details -> Text,
    }
}

diesel::table! {
    done_once (key) {
        key -> Text,
        done_at -> BigInt,
    }
}

diesel::table! {
    feedback (meeting_id) {
        meeting_id -> BigInt,
        author_id -> BigInt,
        rating -> Integer,
        comment -> Nullable<Text>,
        given_at -> BigInt,
    }
}

diesel::table! {
    rsvps (occurrence, user_id) {
        occurrence -> Text,
        user_id -> BigInt,
        answer -> Text,
        answered_at -> BigInt,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        recipient -> BigInt,
        message -> Text,
        state -> Text,
        attempts -> Integer,
        not_before -> BigInt,
        queued_at -> BigInt,
        finished_at -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
    }
}
