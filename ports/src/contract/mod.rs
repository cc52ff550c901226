//! Conformance suites: what every adapter of a port must do, as tests any
//! adapter crate runs with one macro call.
//!
//! ```ignore
//! meetbot_ports::store_contract_tests!(async { Some(my_fresh_store().await) });
//! ```
//!
//! The expression is evaluated once per test and must give a fresh, empty
//! store as `Option<Arc<dyn Store>>`; `None` skips the test (the factory
//! prints why, e.g. when no test database is configured).

pub mod audit;
pub mod calendar;
pub mod delivery;
pub mod statistics;
pub mod store;

/// Generates one `#[tokio::test]` per case of the Store contract.
#[macro_export]
macro_rules! store_contract_tests {
    ($make:expr) => {
        $crate::store_contract_tests!(@cases delivery $make;
            contract_an_update_is_received_once_and_marked_handled_once,
            contract_messages_are_claimed_first_of_each_recipient_and_retried,
            contract_an_expired_message_lease_is_claimed_again,
            contract_messages_marked_sent_at_once_are_each_marked,
            contract_answers_are_claimed_at_once_unless_older_messages_wait,
            contract_a_transaction_commits_all_or_nothing,
            contract_a_refused_write_leaves_the_transaction_usable,
            contract_transactions_at_once_keep_each_others_writes
        );
        $crate::store_contract_tests!(@cases statistics $make;
            contract_stats_of_a_period_are_counted_exactly_in_the_owners_zone,
            contract_stats_of_an_empty_period_are_zero,
            contract_stats_count_people_by_role_status_and_department,
            contract_stats_sum_up_each_bookers_meetings,
            contract_stats_count_group_meeting_answers_and_invitations,
            contract_no_show_is_marked_only_after_a_meeting_that_kept_its_time
        );
        $crate::store_contract_tests!(@cases store $make;
            contract_a_user_reads_back_as_written,
            contract_inserting_a_known_user_is_refused,
            contract_updating_an_unknown_user_is_not_found,
            contract_a_role_changes_only_from_the_expected_role,
            contract_users_are_listed_by_role_in_registration_order,
            contract_a_booking_stores_the_meeting_its_reminders_and_a_calendar_job,
            contract_a_booking_overlapping_a_meeting_or_its_buffer_is_refused,
            contract_touching_meetings_do_not_overlap,
            contract_limit_counts_only_upcoming_scheduled_meetings,
            contract_cancelling_frees_the_slot_and_cancels_reminders,
            contract_cancelling_twice_or_an_unknown_meeting_is_refused,
            contract_a_meeting_keeps_its_video_link,
            contract_rescheduling_links_the_meetings_and_moves_reminders,
            contract_rescheduling_may_overlap_the_meeting_it_replaces,
            contract_rescheduling_a_cancelled_or_unknown_meeting_is_refused,
            contract_meetings_are_filtered_by_booker_status_and_time,
            contract_ended_meetings_become_completed,
            contract_due_reminders_are_claimed_once_while_leased,
            contract_an_expired_reminder_lease_is_claimed_again,
            contract_a_retried_reminder_waits_and_counts_attempts,
            contract_reminder_claimers_running_at_once_never_share_a_reminder,
            contract_calendar_jobs_are_claimed_retried_and_finished,
            contract_dialog_state_is_saved_and_cleared,
            contract_a_person_and_their_dialog_are_read_in_one_call,
            contract_values_are_stored_and_replaced,
            contract_a_heartbeat_replaces_the_one_before,
            contract_the_audit_log_is_newest_first,
            contract_every_reminder_state_is_stored_and_read_back,
            contract_a_key_is_recorded_once,
            contract_the_backlog_counts_troubled_reminders,
            contract_once_only_records_racing_for_one_key_let_exactly_one_win,
            contract_a_second_feedback_replaces_the_first,
            contract_feedbacks_are_listed_by_author_oldest_first,
            contract_rsvp_answers_are_per_occurrence_and_the_latest_wins,
            booking_storm_of_64_attempts_at_one_slot_makes_exactly_one_meeting,
            limit_holds_under_concurrent_bookings_by_one_manager
        );
        $crate::store_contract_tests!(@cases audit $make;
            contract_the_audit_log_pages_older_and_newer_from_an_id,
            contract_the_audit_log_filters_by_person_as_actor_or_target,
            contract_the_audit_log_filters_by_actions_and_time
        );
    };
    (@cases $module:ident $make:expr; $($case:ident),+) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let store: Option<std::sync::Arc<dyn $crate::Store>> = $make.await;
                if let Some(store) = store {
                    $crate::contract::$module::$case(store).await;
                }
            }
        )+
    };
}

/// Generates one `#[tokio::test]` per case of the Calendar contract.
///
/// The expression is evaluated once per test and must give a fresh, empty
/// calendar as `Option<Arc<dyn Calendar>>`; `None` skips the test. A
/// calendar that never reports its own events as busy (the "none" calendar,
/// whose busy time is the store's meetings) uses `writes_only:` and gets the
/// cases that apply to it.
#[macro_export]
macro_rules! calendar_contract_tests {
    (writes_only: $make:expr) => {
        $crate::calendar_contract_tests!(@cases calendar $make;
            contract_writes_succeed_and_repeat_harmlessly,
            contract_cancelling_a_missing_event_succeeds,
            contract_the_probe_succeeds
        );
    };
    ($make:expr) => {
        $crate::calendar_contract_tests!(@cases calendar $make;
            contract_a_written_event_is_busy,
            contract_busy_time_is_only_what_overlaps_the_range,
            contract_an_event_partly_inside_the_range_is_returned_whole,
            contract_writing_again_moves_the_event,
            contract_writing_the_same_meeting_twice_leaves_one_event,
            contract_a_cancelled_event_frees_its_time,
            contract_cancelling_a_missing_event_succeeds,
            contract_a_cancelled_meeting_can_be_written_again,
            contract_busy_time_across_midnight_and_a_dst_switch_comes_back_exactly,
            contract_the_probe_succeeds,
            contract_writes_succeed_and_repeat_harmlessly
        );
    };
    (@cases calendar $make:expr; $($case:ident),+) => {
        $(
            #[tokio::test]
            async fn $case() {
                let calendar: Option<std::sync::Arc<dyn $crate::Calendar>> = $make.await;
                if let Some(calendar) = calendar {
                    $crate::contract::calendar::$case(calendar).await;
                }
            }
        )+
    };
}
