plain = { $text }

## Roles, statuses, weekdays, months
role-owner = owner
role-manager = manager
role-pending = awaiting approval
role-rejected = rejected
role-blocked = blocked
status-active = at work
status-vacation = on vacation
status-sick = on sick leave
status-business-trip = on a business trip
status-inactive = inactive
weekday-1 = Mo
weekday-2 = Tu
weekday-3 = We
weekday-4 = Th
weekday-5 = Fr
weekday-6 = Sa
weekday-7 = Su
month-title = { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $year }
day-light = 🟢{ $day }
day-busy = 🟡{ $day }
day-full = 🔴{ $day }
day-closed = ·{ $day }

## Commands (the chat's command menu)
command-start = Start or come back
command-help = What the bot can do
command-lang = Change the language
command-stop = Stop all messages
command-book = Book a meeting
command-my = My meetings
command-free = Free time
command-profile = My profile
command-feed = My calendar feed
command-vacation = I am on vacation
command-sick = I am on sick leave
command-trip = I am on a business trip
command-active = I am back at work
command-pending = Registrations to decide
command-users = Users
command-settings = Settings
command-broadcast = Broadcast
command-audit = Audit log
command-export = Export meetings (.ics and CSV)

## Menus and buttons
menu-book = 📅 Book
menu-my = 🗂 My meetings
menu-free = 🕒 Free time
menu-profile = 👤 Profile
menu-pending = 📝 Registrations
menu-users = 👥 Users
menu-settings = ⚙️ Settings
menu-audit = 📜 Audit log
button-approve = ✅ Approve
button-reject = ❌ Reject
button-abort = ✖️ Cancel
button-back = ‹ Back
button-skip = Skip
button-confirm = ✅ Confirm
button-no-topic = No topic
button-cancel-n = ❌ Cancel #{ $n }
button-reschedule-n = 🔁 Move #{ $n }
button-yes-cancel = Yes, cancel it
button-keep = No, keep it
button-set-role = Make { $role }
button-set-department = 🏢 { $department }
meeting-type-button = { $minutes } min

## Start, help, registration
welcome = Hello, { $name }! Your role: { $role }.
help-guest =
    I run the organisation's meetings: booking the owner's free time and reminding everyone.
    /start — register, /lang — language, /stop — unsubscribe.
help-manager =
    /book — book a meeting
    /my — my meetings (cancel and move)
    /free — free time, e.g. /free 15.01
    /profile — my profile
    /vacation, /sick, /trip, /active — my status
    /timezone — my time zone
    /feed — my meetings as a calendar subscription
    /lang — language, /stop — unsubscribe
help-owner =
    /book, /my, /free, /profile — meetings, as for managers
    /pending — registrations to decide
    /users — users, roles and statuses
    /settings — working hours, durations, limits
    /block — close hours, e.g. /block 24.12 10:00-14:00 doctor
    /timezone, /feed — my time zone, calendar subscription
    /broadcast — a message to every active user
    /audit — the audit log
    /export — meetings as .ics and CSV, and the audit log as CSV, e.g. /export 01.01 31.01
    /rsvp — who comes to the group meeting
    /stats — statistics with charts, e.g. /stats 7, /stats quarter, /stats 01.01 31.03
    /doctor — what is wrong with the bot, and how to fix it
registration-intro = Using the bot needs the owner's approval. Please answer a couple of questions.
ask-department = Which department are you in?
ask-email = Your e-mail (optional):
registration-sent = Your request went to the owner. I will tell you when it is decided.
registration-pending = Your request is still waiting for the owner's approval.
registration-rejected = The owner turned your request down.
registration-approved = Your request is approved! Book a meeting: /book
registration-request =
    📝 New registration
    Name: { $name }
    Telegram: @{ $username }
    Department: { $department }
    E-mail: { $email }
owner-approved = ✅ { $name } is approved.
owner-rejected = ❌ { $name } is rejected.
pending-title = Registrations waiting for a decision:
no-pending = No new registrations.
stopped = You are unsubscribed. Send /start to come back.
choose-language = Выберите язык / Choose your language:
language-set = Done, I speak English now.
role-changed = The owner changed your role: { $role }.
status-changed = The owner changed your status: { $status }.
status-set = Your status: { $status }.

## Booking
pick-meeting-type = Which meeting do you need?
pick-day = Pick a day (🟢 free, 🟡 nearly full, 🔴 full):
pick-slot = { $date }: pick a time.
no-free-slots = { $date }: no free time.
free-slots = Free time on { $date }:
ask-topic = What is the meeting about? Type it or press “No topic”.
topic-line = Topic: { $topic }
booking-quota = Booked: { $upcoming } of { $limit } { $limit ->
        [one] meeting
       *[other] meetings
    }.
confirm-booking =
    Book this meeting?
    🕒 { $when }, { $minutes } min
confirm-reschedule =
    Move the meeting to this time?
    🕒 { $when }, { $minutes } min
meeting-booked =
    ✅ Booked: { $when }, { $minutes } min.
meeting-rescheduled = 🔁 The meeting is moved to { $when }.
owner-meeting-booked =
    📅 { $name } booked a meeting: { $when }, { $minutes } min.
my-meetings-title = Your upcoming meetings:
my-meeting-line = #{ $n }: { $when }, { $minutes } min. { $topic }
my-meeting-line-by = #{ $n }: { $when }, { $minutes } min, { $name }. { $topic }
change-closed = This meeting could be cancelled or moved until { $until }.
no-meetings = No upcoming meetings.
confirm-cancel = Cancel the meeting on { $when }?
meeting-cancelled = The meeting on { $when } is cancelled.
meeting-cancelled-by = ❌ { $name } cancelled the meeting on { $when }.
meeting-rescheduled-by = 🔁 { $name } moved the meeting from { $old_when } to { $when }.
dialog-aborted = All right, cancelled.
profile =
    👤 { $name }
    Department: { $department }
    Role: { $role }
    Status: { $status }
    Meetings held: { $held }
    Last meeting: { $last }

## Owner tools
users-title = Users ({ $count }):
user-button = { $name } · { $role } · { $status }
user-card =
    { $name } (@{ $username })
    Department: { $department }
    E-mail: { $email }
    Role: { $role }
    Status: { $status }
settings =
    ⚙️ Settings
    Working hours:
    { $hours }
    Time zone: { $zone }
    Slot step: { $step } min
    Durations: { $types } min
    Buffer between meetings: { $buffer } min
    Minimum notice: { $notice } min
    Booking horizon: { $horizon } { $horizon ->
        [one] day
       *[other] days
    }
    Upcoming meetings per person: { $limit }
    Cancel and move: up to { $cutoff } h before
    Special days:
    { $overrides }
    Closed hours:
    { $blocks }
    Reminders: { $reminders } min before
    Meeting cadence (days, nudges): { $cadence }
    Departments: { $departments }
    Group meeting:
    { $group }
setting-hours = Hours
setting-zone = Zone
setting-step = Step
setting-types = Durations
setting-buffer = Buffer
setting-notice = Notice
setting-horizon = Horizon
setting-limit = Limit
setting-cutoff = Cutoff
setting-dayoff = Special day
setting-reminders = Reminders
setting-cadence = Cadence
setting-departments = Departments
ask-setting-hours = Send a day and hours, e.g. “mon 09:00-18:00” or “sat off”.
ask-setting-zone = Send an IANA time zone, e.g. “Europe/Moscow”.
ask-setting-step = Slot step in minutes: 15, 30 or 60.
ask-setting-types = Meeting durations in minutes, comma-separated, e.g. “30, 60, 90”.
ask-setting-buffer = Buffer between meetings in minutes, e.g. “10”.
ask-setting-notice = Minutes of notice a booking needs, e.g. “60”.
ask-setting-horizon = How many days ahead bookings are taken, e.g. “30”.
ask-setting-limit = How many upcoming meetings one person may hold, e.g. “3”.
ask-setting-cutoff = Until how many hours before the start a meeting may be cancelled or moved, e.g. “24”.
ask-setting-dayoff = A date and hours, e.g. “2030-01-15 off”, “2030-01-15 10:00-14:00” or “2030-01-15 clear”.
ask-setting-reminders = Reminder offsets in minutes, comma-separated, e.g. “1440, 120, 60”. For one meeting type, its code “m” plus its minutes: “m30: 60, 15”; back to the general ones: “m30: default”.
ask-setting-cadence = Meet every how many days, and nudge how many days before, e.g. “14 7,3,1”.
ask-setting-departments = Departments, comma-separated, e.g. “Sales, Marketing”.
setting-saved = ✅ Saved.
ask-broadcast = Type the broadcast. Every active user will get it.
broadcast-done = Broadcast queued for { $recipients } { $recipients ->
        [one] person
       *[other] people
    }; it goes out at the pace Telegram allows.
broadcast-message =
    📣 A message from { $name }:
    { $text }
ics-invite = 📎 The meeting file for your calendar.
ics-cancel = 📎 The cancellation file for your calendar.
export-ics = Meetings from { $from } to { $to }: { $count } { $count ->
        [one] meeting
       *[other] meetings
    } — a file for your calendar.
export-csv = The same meetings as CSV.
calendar-auth-failed =
    ⚠️ The calendar { $calendar } cannot be used: { $error }
    { $fix }
    Bookings are kept and will reach the calendar once access is back.
calendar-auth-fix = Check the bot's calendar configuration.
calendar-fix-google-key = Check the service-account key (calendar.service_account_key) and that the calendar is still shared with { $account }.
calendar-fix-google-share = Share the calendar { $calendar } with { $account } ("Make changes to events"), or check calendar.calendar_id.
calendar-fix-google-grant = The access granted to the bot was revoked or has expired: authorise the bot again and put the new refresh token in the configuration.
calendar-fix-google-id = The account that granted access cannot see the calendar { $calendar }: check calendar.calendar_id.
calendar-fix-caldav-password = Check the CalDAV user name and password (calendar.username, calendar.password).
calendar-fix-caldav-url = There is no calendar at { $calendar }: check calendar.url.
calendar-auth-restored = ✅ Calendar access is back; pending meetings are being written.
calendar-silent-alert =
    ⚠️ The calendar does not answer busy-time requests: { $error }
    While it is silent, its time is shown as taken and cannot be booked. Check the calendar's access and its address in the bot's configuration.
calendar-answers-again = ✅ The calendar answers again; free time is shown as usual.
calendar-silent = ⚠️ The calendar does not answer — time that cannot be checked is shown as taken.

## Refusals and errors
not-understood = I did not understand. Write, for example, “tomorrow at 10 for an hour” or “what do I have this week”, or see /help
unknown-command = There is no such command. Commands: /help
error-not-registered = Please register first: /start
error-awaiting-approval = Your request is still waiting for the owner's approval.
error-rejected = Your request was turned down.
error-blocked = The owner closed your access.
error-owner-only = Only the owner can do this.
error-calendar-silent = The calendar does not answer, so this time cannot be checked. Try again in a minute.
error-not-yours = This is not your meeting.
error-not-found = Not found — it may be gone already.
error-already-decided = This is decided already.
error-slot-in-past = This time has passed. Please pick another.
error-slot-inside-notice = Too soon: bookings need at least { $n } { $n ->
        [one] minute
       *[other] minutes
    } of notice.
error-slot-beyond-horizon = That is too far ahead (at most { $n } { $n ->
        [one] day
       *[other] days
    }).
error-slot-outside-hours = That time is outside working hours. Please pick a free slot.
error-slot-taken = Somebody has just taken this time. Please pick another.
error-not-active = Only active users can book. Back at work? /active
error-limit-reached = You already have { $n } upcoming { $n ->
        [one] meeting
       *[other] meetings
    }, the most allowed. Cancel one to book another.
error-meeting-not-scheduled = This meeting is already cancelled, moved or over.
error-meeting-started = The meeting has already started.
error-change-too-late = Meetings can be cancelled or moved up to { $n } { $n ->
        [one] hour
       *[other] hours
    } before the start.
error-value-empty = The value is empty. Please try again.
error-value-too-long = That is too long. Please shorten it.
error-value-unknown = Unknown value.
error-email-invalid = That does not look like an e-mail. Send name@example.com or press “Skip”.
error-department-unknown = There is no such department in the list.
error-date-invalid = I could not read the date. Example: 15.01 or 2030-01-15.
error-hours-invalid = Hours look like 09:00-18:00, the end after the start.
error-step-invalid = The step can be 15, 30 or 60 minutes.
error-number-out-of-range = The number is out of range: it must be from { $min } to { $max }.
error-meeting-type-invalid = Invalid meeting duration (1–480 minutes).
error-meeting-type-unknown = There is no such meeting type.
error-meeting-types-empty = At least one meeting duration is needed.
error-zone-invalid = Unknown time zone. Example: Europe/Moscow.
error-setting-format = I could not read the value. See the example above.
error-cannot-change-self = You cannot change your own role.
error-configured-owner = This owner is set in the configuration; their role does not change.
error-stale-button = This button is out of date. Please start again from the menu.
error-try-later = Something went wrong. Please try again a little later.

## Reminders, cadence, feedback and the weekly group meeting
command-rsvp = Who comes to the group meeting
reminder =
    ⏰ Reminder: meeting on { $when }, { $minutes } min.
    With: { $name }
button-open-meeting = Open the meeting
video-link = 🔗 Meeting link: { $link }
meeting-video-link = 🔗 The link of the meeting { $when }: { $link }
reminder-failed = ⚠️ A reminder to { $name } about the meeting on { $when } could not be delivered.
meeting-card =
    📅 Meeting on { $when }, { $minutes } min.
    Booked by: { $name }
    Status: { $status }
meeting-status-scheduled = scheduled
meeting-status-cancelled = cancelled
meeting-status-completed = held
meeting-status-rescheduled = moved
button-cancel-meeting = ❌ Cancel
button-reschedule-meeting = 🔁 Move
cadence-nudge =
    👋 Time to book a meeting with the owner: the next one is due in { $days } { $days ->
        [one] day
       *[other] days
    } ({ $due }).
cadence-digest = 📋 Overdue for a meeting ({ $count }):
cadence-digest-line = { $name } — { $days } { $days ->
        [one] day
       *[other] days
    } overdue
feedback-ask = How was the meeting on { $when }? Rate it from 1 to 5.
button-stars = { $n } ⭐
feedback-thanks = Thank you for rating it { $n } ⭐. You can send a comment as your next message.
button-no-comment = No comment
feedback-done = Thank you for the feedback!
error-feedback-not-held = Only a meeting that took place can be rated.
user-button-rated = { $name } · { $role } · { $status } · ⭐{ $stars }
user-card-feedback = Meeting ratings: ⭐{ $stars } ({ $count } in all), latest comment: { $comment }
rsvp-invitation =
    📣 { $title }: { $when }, { $minutes } min.
    Will you come?
button-rsvp-yes = ✅ Yes, I'll come
button-rsvp-no = ❌ No, I can't
rsvp-reminder =
    ⏰ Reminder: { $title } on { $when }.
    Plans changed? Press “No”.
rsvp-answered-yes = ✅ Noted: you will come to “{ $title }” on { $when }. You can change the answer until it starts.
rsvp-answered-no = Noted: you will not come to “{ $title }” on { $when }. You can change the answer until it starts.
rsvp-head-count =
    👥 { $title }, { $when }
    Coming ({ $yes_count }): { $yes }
    Not coming ({ $no_count }): { $no }
    No answer ({ $silent_count }): { $silent }
rsvp-not-configured = There is no group meeting: /settings → “Group meeting”.
rsvp-closed = The meeting has started; the answer can no longer change.
setting-group = Group meeting
ask-setting-group =
    Send the group meeting as five lines: title; weekday, time and minutes; time zone; when to invite; when to remind (cron, several separated by “;”). For example:
    Weekly sync
    wed 11:00 60
    Europe/Moscow
    0 10 * * mon
    0 9 * * wed; 40 10 * * wed
    Or “off” to switch it off.
error-group-invalid = I could not read the meeting. See the example above: five lines, cron with five fields.

## Sentences and voice messages

nl-ask-time = What time?
nl-ask-date = Which day?
nl-ask-date-time = When?
nl-ask-move-target = Move it to when?
nl-refused-time = There is no such time as “{ $said }”.
nl-refused-date = There is no such date as “{ $said }”.
nl-refused-length = A meeting cannot last { $minutes } min.
nl-refused-past = That time has already passed.
nl-refused-too-long = The message is too long: I read at most { $n } { $n ->
        [one] character
       *[other] characters
    }.
nl-pick-length = There are no { $minutes }-minute meetings. Pick a length:
nl-nearest-slots = { $date }: the nearest free times.
nl-free-range = Free time — pick one to book:
nl-free-day = 📅 { $date }
nl-no-free-range = No free time on those days.
nl-which-meeting = Which meeting?
nl-meeting-button = { $when }, { $minutes } min { $topic }
nl-no-such-meeting = I found no such meeting of yours. Your meetings: /my
nl-unavailable = I could not read that message just now. The buttons still work: /book, /my, /free
button-change = ✏️ Change
voice-heard = 🎤 { $text }
voice-unavailable = I cannot listen to voice messages here; please write it, for example “tomorrow at 10 for an hour”.

## Statistics
command-stats = Statistics
menu-stats = 📊 Statistics
meeting-status-no_show = no-show
button-mark-no-show = 🚫 No-show
button-mark-held = ✅ It took place
error-no-show-not-ended = A meeting can be marked a no-show only once it has ended.
error-no-show-called-off = This meeting was cancelled or moved; it did not take place.
error-stats-period = I did not understand the period. Try /stats, /stats 7, /stats 30, /stats quarter, /stats all or /stats 01.01 31.03.
error-stats-range = The period must start before it ends and be at most ten years long, e.g. /stats 01.01 31.03.
button-stats-week = 7 days
button-stats-month = 30 days
button-stats-quarter = Quarter
button-stats-all = All time
button-chosen = • { $label } •
stats-header = 📊 Statistics from { $from } to { $to } ({ $days } { $days ->
    [one] day
   *[other] days
}); in brackets, the change against the same number of days before.
stats-header-all = 📊 Statistics for all time, from { $from } to { $to }.
stats-meetings =
    📅 Meetings
    Booked: { $booked }{ $booked_change }
    Held: { $held }{ $held_change }
    No-show: { $no_show }{ $no_show_change }
    Cancelled: { $cancelled }{ $cancelled_change } — by bookers { $by_booker }, by the owner { $by_owner }, by the bot { $by_system }
    Moved: { $moved }{ $moved_change }
    Still ahead: { $upcoming }
    Average length: { $average } min
    By type: { $types }
stats-people =
    👥 People: { $total }, new: { $joined }{ $joined_change }
    Owners { $owners }, managers { $managers }, awaiting approval { $pending }
    At work { $active }, on vacation { $vacation }, on sick leave { $sick }, on a trip { $trip }, inactive { $inactive }
    Departments: { $departments }; without a department: { $without }
stats-cadence = 🔁 Cadence (every { $every } { $every ->
    [one] day
   *[other] days
}): { $on } of { $total } on time ({ $share }%)
stats-cadence-overdue = · { $name }: { $met ->
    [yes] last meeting { $last }, { $days } { $days ->
        [one] day
       *[other] days
    } ago
   *[no] no meeting yet
} — overdue by { $over } { $over ->
    [one] day
   *[other] days
}
stats-cadence-booked = · { $name }: { $met ->
    [yes] last meeting { $last }
   *[no] no meeting yet
} — the next one is booked
stats-cadence-on-time = · { $name }: { $met ->
    [yes] last meeting { $last }, { $days } { $days ->
        [one] day
       *[other] days
    } ago
   *[no] no meeting yet
} — on time, due { $due }
stats-and-more = … and { $n } more
stats-feedback-none = ⭐ Ratings: none in this period.
stats-feedback =
    ⭐ Ratings: { $count }{ $count_change }, average { $average }{ $average_change }
    1★ { $s1 } · 2★ { $s2 } · 3★ { $s3 } · 4★ { $s4 } · 5★ { $s5 }
stats-lowest = Lowest rated:
stats-lowest-line = · { $stars }★ { $name }, { $time }: { $comment }
stats-load = 🕒 Busiest days: { $shown ->
    [0] none yet
    [1] { $day1 } ({ $n1 })
    [2] { $day1 } ({ $n1 }), { $day2 } ({ $n2 })
   *[other] { $day1 } ({ $n1 }), { $day2 } ({ $n2 }), { $day3 } ({ $n3 })
}. Busiest hours: { $hours }. Working time booked: { $share }%.
stats-group = 📣 Group meeting, the latest weeks:
stats-group-week = · { $date }: invited { $invited }, yes { $yes }, no { $no }, no answer { $silent }
chart-weeks-title = Meetings per week
chart-held = held
chart-no-show = no-show
chart-upcoming = ahead
chart-moved = moved
chart-cancelled = cancelled
chart-load-title = Meetings by weekday and hour
chart-rating-title = Average rating per week
feedback-owner-notice = The meeting with { $name } on { $when } is over; they have been asked to rate it. If they did not come, mark it a no-show.
user-card-history = Meetings: held { $held }, no-show { $no_show }, ahead { $upcoming }, cancelled by them { $cancelled }, moved { $moved }. Last held: { $last }.
button-history-meeting = { $when } · { $status }
stats-never = never

## Audit log
audit-title = 📜 Audit log · { $kind }
audit-title-person = 📜 Audit log of { $person } · { $kind }
audit-page-empty = Nothing here.
audit-kind-all = All
audit-kind-bookings = Bookings
audit-kind-people = People and roles
audit-kind-refusals = Refusals
audit-kind-other = Other
audit-kind-chosen = • { $kind }
audit-newer = ‹ Newer
audit-older = Older ›
audit-everybody = 👥 Everybody
audit-card = 👤 Card
button-audit-person = 📜 Audit log of this person
audit-entry = { $at } · { $sentence }
audit-moment = { $day } { $month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
}{ $year } { $clock }
audit-bot = The bot
audit-actor-gone = User { $id }
audit-person-gone = user { $id }
audit-someone = someone
audit-with = , with { $person }
audit-registered = { $actor } registered
audit-registered-owner = { $actor } registered as an owner named in the configuration
audit-approved = { $actor } approved { $person } as manager
audit-rejected = { $actor } turned down the registration of { $person }
audit-role-configured = { $actor } made { $person } owner, as the configuration says
audit-role-changed = { $actor } changed the role of { $person }: { $from } → { $to }
audit-role-changed-bare = { $actor } changed the role of { $person }
audit-status-changed = { $actor } changed the status of { $person }: { $from } → { $to }
audit-status-own = { $actor } changed their own status: { $from } → { $to }
audit-status-changed-bare = { $actor } changed the status of { $person }
audit-department-changed = { $actor } changed the department of { $person }: { $from } → { $to }
audit-department-changed-bare = { $actor } changed the department of { $person }
audit-booked = { $actor } booked a meeting on { $when }{ $with }
audit-booked-bare = { $actor } booked a meeting
audit-cancelled = { $actor } cancelled the meeting of { $when }{ $with }
audit-cancelled-bare = { $actor } cancelled a meeting
audit-moved = { $actor } moved the meeting of { $from } to { $to }{ $with }
audit-moved-bare = { $actor } moved a meeting
audit-no-show = { $actor } marked a no-show: the meeting of { $when }{ $with }
audit-no-show-bare = { $actor } marked a meeting as a no-show
audit-no-show-cleared = { $actor } took back a no-show mark, the meeting was held: { $when }{ $with }
audit-no-show-cleared-bare = { $actor } took back a no-show mark
audit-settings = { $actor } changed the setting “{ $setting }”: { $value }
audit-settings-reset = { $actor } put the setting “{ $setting }” back to its default: { $value }
audit-settings-named = { $actor } changed the setting “{ $setting }”
audit-settings-bare = { $actor } changed the settings
audit-refused = { $actor } tried to { $attempt } and was refused
audit-refused-button = { $actor } pressed an outdated or forged button and was refused
audit-refused-bare = { $actor } tried something not allowed and was refused
audit-unsubscribed = { $actor } unsubscribed with /stop
audit-resubscribed = { $actor } came back with /start
audit-broadcast = { $actor } sent a broadcast to { $count ->
    [one] { $count } person
   *[other] { $count } people
}
audit-broadcast-bare = { $actor } sent a broadcast
audit-reminder-failed = { $actor } could not deliver a reminder of the meeting of { $when } to { $person }
audit-reminder-failed-bare = { $actor } could not deliver a reminder
audit-feedback = { $actor } rated the meeting of { $when }: { $stars } ★
audit-feedback-bare = { $actor } rated a meeting
audit-attempt-start = start the bot
audit-attempt-help = read the help
audit-attempt-lang = change the language
audit-attempt-stop = unsubscribe
audit-attempt-book = book a meeting
audit-attempt-my-meetings = see their meetings
audit-attempt-cancel-own = cancel a meeting
audit-attempt-reschedule-own = move a meeting
audit-attempt-free-slots = see the free times
audit-attempt-profile = open their profile
audit-attempt-own-status = set their status
audit-attempt-rsvp = answer the group meeting invitation
audit-attempt-feedback = rate a meeting
audit-attempt-pending = see the registrations waiting
audit-attempt-approve = approve a registration
audit-attempt-reject = turn down a registration
audit-attempt-users = see the users
audit-attempt-change-role = change a role
audit-attempt-change-status = change a status
audit-attempt-change-department = change a department
audit-attempt-settings = change the settings
audit-attempt-statistics = see the statistics
audit-attempt-audit-log = read the audit log
audit-attempt-broadcast = send a broadcast
audit-attempt-export = export the meetings
audit-attempt-cancel-any = cancel somebody's meeting
audit-attempt-no-show = mark a no-show
export-audit-csv = The audit log from { $from } to { $to } as CSV: { $count ->
    [one] { $count } entry
   *[other] { $count } entries
}.

## Charts

chart-no-data = No data yet.

## Calendar feed
feed-link =
    📅 Your meetings as a calendar feed — subscribe to it in your calendar program:
    { $url }
    Apple Calendar, Outlook: { $webcal }
    Keep the address secret: it shows your meetings. /feed off ends it.
feed-revoked = The feed address is closed; /feed gives a new one.
feed-not-configured = The calendar feed is not set up: the bot's owner has to set http.public_url.
error-feed-argument = /feed gives your calendar's address; /feed off ends it.

## Closed hours, time zones, old buttons
weekday-hours = { $day } { $hours }
hours-window = { $window }
day-off = day off
date-hours = { $date }: { $hours }
nothing = none
blocked-range = { $date } { $from }–{ $to }
blocked-range-why = { $date } { $from }–{ $to } ({ $reason })
button-unblock = 🔓 Open { $range }
setting-blocks = Close hours
ask-setting-blocks = Which hours should be closed? A date, the hours and a reason, e.g. “24.12 10:00-14:00 doctor”. Meetings in those hours stay, and I offer their bookers to move them.
time-closed = The owner closed { $range }. Your meeting { $when } ({ $minutes } min) falls inside: move it or cancel it; you may do so even after the usual deadline.
bookers-told = { $count ->
        [one] { $count } booker of a meeting in those hours was told
       *[other] { $count } bookers of meetings in those hours were told
    } and offered to move.
button-expired = This button is out of date: it is more than two days old, and what it showed may have changed. Start again from the menu.
choose-zone = Your time zone: { $zone }. Choose a city or type the zone's name, e.g. Asia/Vladivostok.
zone-set = Time zone: { $zone }. It is { $now } there now; I show every time in this zone.
city-kaliningrad = Kaliningrad
city-moscow = Moscow
city-samara = Samara
city-yekaterinburg = Yekaterinburg
city-omsk = Omsk
city-novosibirsk = Novosibirsk
city-krasnoyarsk = Krasnoyarsk
city-irkutsk = Irkutsk
city-yakutsk = Yakutsk
city-vladivostok = Vladivostok
city-magadan = Magadan
city-kamchatka = Kamchatka
command-block = Close hours
command-timezone = My time zone
user-unreachable = 🚫 Has blocked the bot since { $since }: no reminders or invitations are sent until they write again.
doctor-calendar-paused = Calendar sync has been paused since { $since }: the calendar { $calendar } refused a write ({ $error }).
doctor-calendar-refused = The calendar { $calendar } refuses the bot or cannot be found: { $error }.
doctor-calendar-unreachable = The calendar { $calendar } does not answer: { $error }.
doctor-calendar-unreachable-fix = Check the network and the calendar service; bookings are kept and written once it answers.
doctor-outbox-messages = { $count } { $count ->
        [one] message waits
       *[other] messages wait
    } to be sent, the oldest for { $minutes } { $minutes ->
        [one] minute
       *[other] minutes
    }.
doctor-outbox-messages-fix = Check that the bot runs (meetbot health) and reaches Telegram.
doctor-outbox-calendar = { $count } calendar { $count ->
        [one] write waits
       *[other] writes wait
    }, the oldest for { $minutes } { $minutes ->
        [one] minute
       *[other] minutes
    }.
doctor-outbox-calendar-fix = See the calendar finding; waiting writes go out once the calendar accepts them.
doctor-reminders = Reminders of the last day: { $failed } failed, { $missed } missed, { $late } late by more than 5 minutes.
doctor-reminders-fix = Check that the bot was running and reached Telegram then (its log, meetbot health).
doctor-unreachable = { $count } { $count ->
        [one] person has
       *[other] people have
    } blocked the bot: { $names }.
doctor-unreachable-fix = Nothing reaches them until they write to the bot again; ask them to unblock it.
doctor-users = Users: { $owners } { $owners ->
        [one] owner
       *[other] owners
    }, { $managers } { $managers ->
        [one] manager
       *[other] managers
    }, { $pending } waiting for approval.
doctor-meetings = Upcoming meetings: { $count }.
command-doctor = What is wrong with the bot
doctor-title = 🩺 The bot's checks
doctor-all-good = ✅ Nothing above P3: the bot serves as it should.
doctor-finding = { $priority } · { $check }: { $message }
doctor-finding-fix =
    { $finding }
    → { $fix }
doctor-server-checks = The configuration, database, disk, Telegram, clock and backups are checked on the server: meetbot doctor.
