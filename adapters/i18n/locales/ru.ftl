plain = { $text }

## Roles, statuses, weekdays, months
role-owner = владелец
role-manager = менеджер
role-pending = ожидает одобрения
role-rejected = отклонён
role-blocked = заблокирован
status-active = на работе
status-vacation = в отпуске
status-sick = на больничном
status-business-trip = в командировке
status-inactive = неактивен
weekday-1 = Пн
weekday-2 = Вт
weekday-3 = Ср
weekday-4 = Чт
weekday-5 = Пт
weekday-6 = Сб
weekday-7 = Вс
month-title = { $month ->
    [1] Январь
    [2] Февраль
    [3] Март
    [4] Апрель
    [5] Май
    [6] Июнь
    [7] Июль
    [8] Август
    [9] Сентябрь
    [10] Октябрь
    [11] Ноябрь
   *[12] Декабрь
} { $year }
day-light = 🟢{ $day }
day-busy = 🟡{ $day }
day-full = 🔴{ $day }
day-closed = ·{ $day }

## Commands (the chat's command menu)
command-start = Начать или вернуться
command-help = Что умеет бот
command-lang = Сменить язык
command-stop = Отписаться от сообщений
command-book = Записаться на встречу
command-my = Мои встречи
command-free = Свободное время
command-profile = Мой профиль
command-feed = Мой календарь по подписке
command-vacation = Я в отпуске
command-sick = Я на больничном
command-trip = Я в командировке
command-active = Я снова на работе
command-pending = Заявки на регистрацию
command-users = Пользователи
command-settings = Настройки
command-broadcast = Рассылка
command-audit = Журнал действий
command-export = Выгрузка встреч (.ics и CSV)

## Menus and buttons
menu-book = 📅 Записаться
menu-my = 🗂 Мои встречи
menu-free = 🕒 Свободное время
menu-profile = 👤 Профиль
menu-pending = 📝 Заявки
menu-users = 👥 Пользователи
menu-settings = ⚙️ Настройки
menu-audit = 📜 Журнал
button-approve = ✅ Одобрить
button-reject = ❌ Отклонить
button-abort = ✖️ Отмена
button-back = ‹ Назад
button-skip = Пропустить
button-confirm = ✅ Подтвердить
button-no-topic = Без темы
button-cancel-n = ❌ Отменить №{ $n }
button-reschedule-n = 🔁 Перенести №{ $n }
button-yes-cancel = Да, отменить
button-keep = Нет, оставить
button-set-role = Сделать: { $role }
button-set-department = 🏢 { $department }
meeting-type-button = { $minutes } мин

## Start, help, registration
welcome = Здравствуйте, { $name }! Ваша роль: { $role }.
help-guest =
    Я веду встречи организации: записываю на свободное время владельца, напоминаю о встречах.
    /start — зарегистрироваться, /lang — язык, /stop — отписаться.
help-manager =
    /book — записаться на встречу
    /my — мои встречи (отмена и перенос)
    /free — свободное время, например /free 15.01
    /profile — мой профиль
    /vacation, /sick, /trip, /active — мой статус
    /timezone — мой часовой пояс
    /feed — мои встречи в календаре по подписке
    /lang — язык, /stop — отписаться
help-owner =
    /book, /my, /free, /profile — встречи, как у менеджеров
    /pending — заявки на регистрацию
    /users — пользователи, роли и статусы
    /settings — рабочие часы, длительности, лимиты
    /block — закрыть время, например /block 24.12 10:00-14:00 врач
    /timezone, /feed — мой часовой пояс, календарь по подписке
    /broadcast — рассылка всем активным
    /audit — журнал действий
    /export — выгрузка встреч в .ics и CSV и журнала действий в CSV, например /export 01.01 31.01
    /rsvp — кто придёт на общую встречу
    /stats — статистика с графиками, например /stats 7, /stats квартал, /stats 01.01 31.03
    /doctor — что не так с ботом и как это исправить
registration-intro = Чтобы пользоваться ботом, нужно одобрение владельца. Ответьте на пару вопросов.
ask-department = Из какого вы отдела?
ask-email = Ваш e-mail (необязательно):
registration-sent = Заявка отправлена владельцу. Я напишу, когда её рассмотрят.
registration-pending = Ваша заявка ещё ждёт одобрения владельца.
registration-rejected = Владелец отклонил вашу заявку.
registration-approved = Ваша заявка одобрена! Записаться на встречу: /book
registration-request =
    📝 Новая заявка на регистрацию
    Имя: { $name }
    Telegram: @{ $username }
    Отдел: { $department }
    E-mail: { $email }
owner-approved = ✅ { $name } одобрен(а).
owner-rejected = ❌ Заявка { $name } отклонена.
pending-title = Заявки, ожидающие решения:
no-pending = Новых заявок нет.
stopped = Вы отписались. Чтобы вернуться, отправьте /start.
choose-language = Выберите язык / Choose your language:
language-set = Готово, теперь я говорю по-русски.
role-changed = Владелец изменил вашу роль: { $role }.
status-changed = Владелец изменил ваш статус: { $status }.
status-set = Ваш статус: { $status }.

## Booking
pick-meeting-type = Какая встреча нужна?
pick-day = Выберите день (🟢 свободно, 🟡 почти занято, 🔴 занято):
pick-slot = { $date }: выберите время.
no-free-slots = { $date }: свободного времени нет.
free-slots = Свободное время { $date }:
ask-topic = Тема встречи? Напишите её или нажмите «Без темы».
topic-line = Тема: { $topic }
booking-quota = Запланировано: { $upcoming } из { $limit } { $limit ->
        [one] встречи
       *[other] встреч
    }.
confirm-booking =
    Записать вас на встречу?
    🕒 { $when }, { $minutes } мин
confirm-reschedule =
    Перенести встречу на новое время?
    🕒 { $when }, { $minutes } мин
meeting-booked =
    ✅ Вы записаны: { $when }, { $minutes } мин.
meeting-rescheduled = 🔁 Встреча перенесена на { $when }.
owner-meeting-booked =
    📅 { $name } записался(ась) на встречу: { $when }, { $minutes } мин.
my-meetings-title = Ваши ближайшие встречи:
my-meeting-line = №{ $n }: { $when }, { $minutes } мин. { $topic }
my-meeting-line-by = №{ $n }: { $when }, { $minutes } мин, { $name }. { $topic }
change-closed = Отменить или перенести эту встречу можно было до { $until }.
no-meetings = Предстоящих встреч нет.
confirm-cancel = Отменить встречу { $when }?
meeting-cancelled = Встреча { $when } отменена.
meeting-cancelled-by = ❌ { $name } отменил(а) встречу { $when }.
meeting-rescheduled-by = 🔁 { $name } перенёс(ла) встречу с { $old_when } на { $when }.
dialog-aborted = Хорошо, отменено.
profile =
    👤 { $name }
    Отдел: { $department }
    Роль: { $role }
    Статус: { $status }
    Встреч проведено: { $held }
    Последняя встреча: { $last }

## Owner tools
users-title = Пользователи ({ $count }):
user-button = { $name } · { $role } · { $status }
user-card =
    { $name } (@{ $username })
    Отдел: { $department }
    E-mail: { $email }
    Роль: { $role }
    Статус: { $status }
settings =
    ⚙️ Настройки
    Рабочие часы:
    { $hours }
    Часовой пояс: { $zone }
    Шаг слотов: { $step } мин
    Длительности: { $types } мин
    Буфер между встречами: { $buffer } мин
    Минимум до начала: { $notice } мин
    Запись вперёд: { $horizon } дн.
    Лимит встреч на человека: { $limit }
    Отмена и перенос: не позже чем за { $cutoff } ч
    Особые дни:
    { $overrides }
    Закрытое время:
    { $blocks }
    Напоминания за: { $reminders } мин
    Регулярность встреч (дни, напоминания): { $cadence }
    Отделы: { $departments }
    Общая встреча:
    { $group }
setting-hours = Часы
setting-zone = Пояс
setting-step = Шаг
setting-types = Длительности
setting-buffer = Буфер
setting-notice = Минимум
setting-horizon = Горизонт
setting-limit = Лимит
setting-cutoff = Отмена
setting-dayoff = Особый день
setting-reminders = Напоминания
setting-cadence = Регулярность
setting-departments = Отделы
ask-setting-hours = Напишите день и часы, например «пн 09:00-18:00» или «сб выходной».
ask-setting-zone = Напишите часовой пояс IANA, например «Europe/Moscow».
ask-setting-step = Шаг слотов в минутах: 15, 30 или 60.
ask-setting-types = Длительности встреч в минутах через запятую, например «30, 60, 90».
ask-setting-buffer = Буфер между встречами в минутах, например «10».
ask-setting-notice = За сколько минут до начала ещё можно записаться, например «60».
ask-setting-horizon = На сколько дней вперёд можно записываться, например «30».
ask-setting-limit = Сколько предстоящих встреч может быть у одного человека, например «3».
ask-setting-cutoff = За сколько часов до начала можно отменить или перенести встречу, например «24».
ask-setting-dayoff = Дата и часы, например «15.01 выходной», «15.01 10:00-14:00» или «15.01 сброс».
ask-setting-reminders = За сколько минут напоминать, через запятую, например «1440, 120, 60». Для одного типа встречи — код «m» и длительность: «m30: 60, 15»; вернуть ему общие — «m30: default».
ask-setting-cadence = Раз в сколько дней встречаться и за сколько дней напоминать, например «14 7,3,1».
ask-setting-departments = Отделы через запятую, например «Продажи, Маркетинг».
setting-saved = ✅ Сохранено.
ask-broadcast = Напишите текст рассылки. Его получат все активные пользователи.
broadcast-done = Рассылка поставлена в очередь для { $recipients } чел.; сообщения уходят с темпом, который разрешает Telegram.
broadcast-message =
    📣 Сообщение от { $name }:
    { $text }
ics-invite = 📎 Файл встречи для вашего календаря.
ics-cancel = 📎 Файл отмены для вашего календаря.
export-ics = Встречи с { $from } по { $to }: { $count } { $count ->
        [one] встреча
        [few] встречи
       *[many] встреч
    } — файл для календаря.
export-csv = Те же встречи в CSV.
calendar-auth-failed =
    ⚠️ Календарь { $calendar } недоступен: { $error }
    { $fix }
    Встречи сохраняются и попадут в календарь, когда доступ восстановится.
calendar-auth-fix = Проверьте настройки календаря бота.
calendar-fix-google-key = Проверьте ключ сервисного аккаунта (calendar.service_account_key) и что календарь всё ещё открыт для { $account }.
calendar-fix-google-share = Откройте доступ к календарю { $calendar } для { $account } с правом «Вносить изменения в мероприятия» или проверьте calendar.calendar_id.
calendar-fix-google-grant = Выданный боту доступ отозван или истёк: авторизуйте бота заново и укажите новый refresh token в настройках.
calendar-fix-google-id = Аккаунт, выдавший доступ, не видит календарь { $calendar }: проверьте calendar.calendar_id.
calendar-fix-caldav-password = Проверьте имя пользователя и пароль CalDAV (calendar.username, calendar.password).
calendar-fix-caldav-url = По адресу { $calendar } нет календаря: проверьте calendar.url.
calendar-auth-restored = ✅ Доступ к календарю восстановлен, отложенные встречи записываются.
calendar-silent-alert =
    ⚠️ Календарь не отвечает на запросы занятости: { $error }
    Пока он молчит, время в нём показывается занятым, и записаться на него нельзя. Проверьте доступ к календарю и его адрес в настройках бота.
calendar-answers-again = ✅ Календарь снова отвечает, свободное время показывается как обычно.
calendar-silent = ⚠️ Календарь не отвечает — время, которое нельзя проверить, показано занятым.

## Refusals and errors
not-understood = Не понял. Напишите, например, «завтра в 10 на час» или «что у меня на неделе», или посмотрите /help
unknown-command = Такой команды нет. Список команд: /help
error-not-registered = Сначала зарегистрируйтесь: /start
error-awaiting-approval = Ваша заявка ещё ждёт одобрения владельца.
error-rejected = Ваша заявка была отклонена.
error-blocked = Доступ закрыт владельцем.
error-owner-only = Это может только владелец.
error-calendar-silent = Календарь не отвечает, и это время нельзя проверить. Попробуйте через минуту.
error-not-yours = Это не ваша встреча.
error-not-found = Не нашёл — возможно, это уже удалено.
error-already-decided = Это уже решено.
error-slot-in-past = Это время уже прошло. Выберите другое.
error-slot-inside-notice = Слишком скоро: записаться можно не позже чем за { $n } мин до начала.
error-slot-beyond-horizon = Так далеко вперёд записаться нельзя (не больше { $n } дн.).
error-slot-outside-hours = Это время вне рабочих часов. Выберите свободный слот.
error-slot-taken = Это время только что заняли. Выберите другое.
error-not-active = Записываться могут только активные пользователи. Вернуть статус: /active
error-limit-reached = У вас уже { $n } { $n ->
        [one] предстоящая встреча
        [few] предстоящие встречи
       *[many] предстоящих встреч
    } — это максимум. Отмените одну, чтобы записаться.
error-meeting-not-scheduled = Эта встреча уже отменена, перенесена или прошла.
error-meeting-started = Встреча уже началась.
error-change-too-late = Отменить или перенести можно не позже чем за { $n } ч до начала.
error-value-empty = Пустое значение. Напишите ещё раз.
error-value-too-long = Слишком длинно. Сократите, пожалуйста.
error-value-unknown = Неизвестное значение.
error-email-invalid = Это не похоже на e-mail. Напишите адрес вида name@example.com или нажмите «Пропустить».
error-department-unknown = Такого отдела нет в списке.
error-date-invalid = Не понял дату. Пример: 15.01 или 2030-01-15.
error-hours-invalid = Часы должны быть вида 09:00-18:00, конец позже начала.
error-step-invalid = Шаг может быть 15, 30 или 60 минут.
error-number-out-of-range = Число вне допустимых пределов: нужно от { $min } до { $max }.
error-meeting-type-invalid = Неверная длительность встречи (1–480 минут).
error-meeting-type-unknown = Такого типа встречи нет.
error-meeting-types-empty = Нужна хотя бы одна длительность встречи.
error-zone-invalid = Неизвестный часовой пояс. Пример: Europe/Moscow.
error-setting-format = Не понял значение. Посмотрите пример выше.
error-cannot-change-self = Свою роль изменить нельзя.
error-configured-owner = Этот владелец задан в конфигурации; его роль не меняется.
error-stale-button = Эта кнопка устарела. Начните заново с меню.
error-try-later = Что-то пошло не так. Попробуйте чуть позже.

## Reminders, cadence, feedback and the weekly group meeting
command-rsvp = Кто придёт на общую встречу
reminder =
    ⏰ Напоминание: встреча { $when }, { $minutes } мин.
    С кем: { $name }
button-open-meeting = Открыть встречу
video-link = 🔗 Ссылка на встречу: { $link }
meeting-video-link = 🔗 Ссылка на встречу { $when }: { $link }
reminder-failed = ⚠️ Не удалось доставить напоминание для { $name } о встрече { $when }.
meeting-card =
    📅 Встреча { $when }, { $minutes } мин.
    Записался: { $name }
    Статус: { $status }
meeting-status-scheduled = назначена
meeting-status-cancelled = отменена
meeting-status-completed = состоялась
meeting-status-rescheduled = перенесена
button-cancel-meeting = ❌ Отменить
button-reschedule-meeting = 🔁 Перенести
cadence-nudge =
    👋 Пора запланировать встречу с руководителем: срок через { $days } { $days ->
        [one] день
        [few] дня
       *[other] дней
    } ({ $due }).
cadence-digest = 📋 Давно не встречались ({ $count }):
cadence-digest-line = { $name } — просрочено на { $days } дн.
feedback-ask = Как прошла встреча { $when }? Оцените от 1 до 5.
button-stars = { $n } ⭐
feedback-thanks = Спасибо за оценку: { $n } ⭐. Можете написать комментарий следующим сообщением.
button-no-comment = Без комментария
feedback-done = Спасибо за отзыв!
error-feedback-not-held = Оценить можно только состоявшуюся встречу.
user-button-rated = { $name } · { $role } · { $status } · ⭐{ $stars }
user-card-feedback = Оценки встреч: ⭐{ $stars } (всего { $count }), последний комментарий: { $comment }
rsvp-invitation =
    📣 { $title }: { $when }, { $minutes } мин.
    Придёте?
button-rsvp-yes = ✅ Да, приду
button-rsvp-no = ❌ Нет, не смогу
rsvp-reminder =
    ⏰ Напоминание: { $title } { $when }.
    Планы изменились? Нажмите «Нет».
rsvp-answered-yes = ✅ Записал: вы придёте на «{ $title }» { $when }. Ответ можно изменить до начала.
rsvp-answered-no = Записал: вас не будет на «{ $title }» { $when }. Ответ можно изменить до начала.
rsvp-head-count =
    👥 { $title }, { $when }
    Придут ({ $yes_count }): { $yes }
    Не придут ({ $no_count }): { $no }
    Не ответили ({ $silent_count }): { $silent }
rsvp-not-configured = Общая встреча не настроена: /settings → «Общая встреча».
rsvp-closed = Встреча уже началась, ответ изменить нельзя.
setting-group = Общая встреча
ask-setting-group =
    Пришлите общую встречу пятью строками: название; день, время и длительность в минутах; часовой пояс; когда приглашать; когда напоминать (cron, несколько через «;»). Например:
    Планёрка
    wed 11:00 60
    Europe/Moscow
    0 10 * * mon
    0 9 * * wed; 40 10 * * wed
    Или «off», чтобы выключить.
error-group-invalid = Не понял описание встречи. Посмотрите пример выше: пять строк, cron из пяти полей.

## Предложения и голосовые сообщения

nl-ask-time = На какое время?
nl-ask-date = На какой день?
nl-ask-date-time = На когда?
nl-ask-move-target = На когда перенести?
nl-refused-time = Такого времени нет: «{ $said }».
nl-refused-date = Такой даты нет: «{ $said }».
nl-refused-length = Встреча не может длиться { $minutes } мин.
nl-refused-past = Это время уже прошло.
nl-refused-too-long = Сообщение слишком длинное: я читаю не больше { $n } { $n ->
        [one] символа
       *[other] символов
    }.
nl-pick-length = Встреч на { $minutes } мин нет. Выберите длительность:
nl-nearest-slots = { $date }: ближайшее свободное время.
nl-free-range = Свободное время — выберите, чтобы записаться:
nl-free-day = 📅 { $date }
nl-no-free-range = В эти дни свободного времени нет.
nl-which-meeting = Какую встречу?
nl-meeting-button = { $when }, { $minutes } мин { $topic }
nl-no-such-meeting = Не нашёл у вас такой встречи. Ваши встречи: /my
nl-unavailable = Не получилось прочитать сообщение. Кнопки работают: /book, /my, /free
button-change = ✏️ Изменить
voice-heard = 🎤 { $text }
voice-unavailable = Голосовые сообщения я здесь не слушаю — напишите текстом, например «завтра в 10 на час».

## Statistics
command-stats = Статистика
menu-stats = 📊 Статистика
meeting-status-no_show = не пришёл
button-mark-no-show = 🚫 Не пришёл
button-mark-held = ✅ Встреча состоялась
error-no-show-not-ended = Отметить неявку можно только после окончания встречи.
error-no-show-called-off = Эта встреча отменена или перенесена — она не состоялась.
error-stats-period = Не понял период. Попробуйте /stats, /stats 7, /stats 30, /stats квартал, /stats все или /stats 01.01 31.03.
error-stats-range = Период должен начинаться раньше, чем заканчивается, и быть не длиннее десяти лет, например /stats 01.01 31.03.
button-stats-week = 7 дней
button-stats-month = 30 дней
button-stats-quarter = Квартал
button-stats-all = Всё время
button-chosen = • { $label } •
stats-header = 📊 Статистика с { $from } по { $to } ({ $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
}); в скобках — изменение к такому же периоду перед ним.
stats-header-all = 📊 Статистика за всё время, с { $from } по { $to }.
stats-meetings =
    📅 Встречи
    Записей: { $booked }{ $booked_change }
    Состоялось: { $held }{ $held_change }
    Неявок: { $no_show }{ $no_show_change }
    Отменено: { $cancelled }{ $cancelled_change } — записавшимися { $by_booker }, владельцем { $by_owner }, ботом { $by_system }
    Перенесено: { $moved }{ $moved_change }
    Ещё впереди: { $upcoming }
    Средняя длительность: { $average } мин
    По типам: { $types }
stats-people =
    👥 Люди: { $total }, новых: { $joined }{ $joined_change }
    Владельцев { $owners }, менеджеров { $managers }, ждут одобрения { $pending }
    На работе { $active }, в отпуске { $vacation }, на больничном { $sick }, в командировке { $trip }, неактивны { $inactive }
    Отделы: { $departments }; без отдела: { $without }
stats-cadence = 🔁 Ритм встреч (раз в { $every } { $every ->
    [one] день
    [few] дня
   *[many] дней
}): в срок { $on } из { $total } ({ $share }%)
stats-cadence-overdue = · { $name }: { $met ->
    [yes] последняя встреча { $last }, { $days } { $days ->
        [one] день
        [few] дня
       *[many] дней
    } назад
   *[no] встреч ещё не было
} — просрочено на { $over } { $over ->
    [one] день
    [few] дня
   *[many] дней
}
stats-cadence-booked = · { $name }: { $met ->
    [yes] последняя встреча { $last }
   *[no] встреч ещё не было
} — следующая уже назначена
stats-cadence-on-time = · { $name }: { $met ->
    [yes] последняя встреча { $last }, { $days } { $days ->
        [one] день
        [few] дня
       *[many] дней
    } назад
   *[no] встреч ещё не было
} — в срок, до { $due }
stats-and-more = … и ещё { $n }
stats-feedback-none = ⭐ Оценок за этот период нет.
stats-feedback =
    ⭐ Оценок: { $count }{ $count_change }, средняя { $average }{ $average_change }
    1★ { $s1 } · 2★ { $s2 } · 3★ { $s3 } · 4★ { $s4 } · 5★ { $s5 }
stats-lowest = Самые низкие оценки:
stats-lowest-line = · { $stars }★ { $name }, { $time }: { $comment }
stats-load = 🕒 Самые загруженные дни: { $shown ->
    [0] пока нет
    [1] { $day1 } ({ $n1 })
    [2] { $day1 } ({ $n1 }), { $day2 } ({ $n2 })
   *[other] { $day1 } ({ $n1 }), { $day2 } ({ $n2 }), { $day3 } ({ $n3 })
}. Самые загруженные часы: { $hours }. Занято рабочего времени: { $share }%.
stats-group = 📣 Общая встреча, последние недели:
stats-group-week = · { $date }: приглашено { $invited }, придут { $yes }, не придут { $no }, без ответа { $silent }
chart-weeks-title = Встречи по неделям
chart-held = состоялись
chart-no-show = неявки
chart-upcoming = впереди
chart-moved = перенесены
chart-cancelled = отменены
chart-load-title = Встречи по дням недели и часам
chart-rating-title = Средняя оценка по неделям
feedback-owner-notice = Встреча с { $name } { $when } закончилась; участника попросили её оценить. Если он не пришёл, отметьте неявку.
user-card-history = Встречи: состоялось { $held }, неявок { $no_show }, впереди { $upcoming }, отменено им { $cancelled }, перенесено { $moved }. Последняя состоявшаяся: { $last }.
button-history-meeting = { $when } · { $status }
stats-never = не было

## Audit log
audit-title = 📜 Журнал действий · { $kind }
audit-title-person = 📜 Журнал действий: { $person } · { $kind }
audit-page-empty = Здесь пусто.
audit-kind-all = Всё
audit-kind-bookings = Встречи
audit-kind-people = Люди и роли
audit-kind-refusals = Отказы
audit-kind-other = Прочее
audit-kind-chosen = • { $kind }
audit-newer = ‹ Новее
audit-older = Старше ›
audit-everybody = 👥 Все люди
audit-card = 👤 Карточка
button-audit-person = 📜 Журнал действий по человеку
audit-entry = { $at } · { $sentence }
audit-moment = { $day } { $month ->
    [1] янв
    [2] фев
    [3] мар
    [4] апр
    [5] мая
    [6] июн
    [7] июл
    [8] авг
    [9] сен
    [10] окт
    [11] ноя
   *[12] дек
}{ $year } { $clock }
audit-bot = Бот
audit-actor-gone = Пользователь { $id }
audit-person-gone = пользователь { $id }
audit-someone = неизвестно кто
audit-with = , участник: { $person }
audit-registered = { $actor } зарегистрировался(ась)
audit-registered-owner = { $actor } зарегистрировался(ась) как владелец, указанный в настройках
audit-approved = { $actor } одобрил(а) заявку: { $person } — менеджер
audit-rejected = { $actor } отклонил(а) заявку: { $person }
audit-role-configured = { $actor } назначил(а) владельцем по настройкам: { $person }
audit-role-changed = { $actor } сменил(а) роль: { $person }, { $from } → { $to }
audit-role-changed-bare = { $actor } сменил(а) роль: { $person }
audit-status-changed = { $actor } сменил(а) статус: { $person }, { $from } → { $to }
audit-status-own = { $actor } сменил(а) свой статус: { $from } → { $to }
audit-status-changed-bare = { $actor } сменил(а) статус: { $person }
audit-department-changed = { $actor } сменил(а) отдел: { $person }, { $from } → { $to }
audit-department-changed-bare = { $actor } сменил(а) отдел: { $person }
audit-booked = { $actor } записался(ась) на встречу { $when }{ $with }
audit-booked-bare = { $actor } записался(ась) на встречу
audit-cancelled = { $actor } отменил(а) встречу { $when }{ $with }
audit-cancelled-bare = { $actor } отменил(а) встречу
audit-moved = { $actor } перенёс(ла) встречу { $from } на { $to }{ $with }
audit-moved-bare = { $actor } перенёс(ла) встречу
audit-no-show = { $actor } отметил(а) неявку: встреча { $when }{ $with }
audit-no-show-bare = { $actor } отметил(а) неявку на встречу
audit-no-show-cleared = { $actor } снял(а) отметку о неявке, встреча состоялась: { $when }{ $with }
audit-no-show-cleared-bare = { $actor } снял(а) отметку о неявке
audit-settings = { $actor } изменил(а) настройку «{ $setting }»: { $value }
audit-settings-reset = { $actor } вернул(а) настройку «{ $setting }» к общей: { $value }
audit-settings-named = { $actor } изменил(а) настройку «{ $setting }»
audit-settings-bare = { $actor } изменил(а) настройки
audit-refused = { $actor } пытался(ась) { $attempt } — отказано
audit-refused-button = { $actor } нажал(а) устаревшую или поддельную кнопку — отказано
audit-refused-bare = { $actor } пытался(ась) сделать недоступное — отказано
audit-unsubscribed = { $actor } отписался(ась) командой /stop
audit-resubscribed = { $actor } вернулся(ась) командой /start
audit-broadcast = { $actor } сделал(а) рассылку: { $count } { $count ->
    [one] получатель
    [few] получателя
   *[other] получателей
}
audit-broadcast-bare = { $actor } сделал(а) рассылку
audit-reminder-failed = { $actor } не смог доставить напоминание о встрече { $when }, получатель: { $person }
audit-reminder-failed-bare = { $actor } не смог доставить напоминание
audit-feedback = { $actor } оценил(а) встречу { $when }: { $stars } ★
audit-feedback-bare = { $actor } оценил(а) встречу
audit-attempt-start = запустить бота
audit-attempt-help = открыть справку
audit-attempt-lang = сменить язык
audit-attempt-stop = отписаться
audit-attempt-book = записаться на встречу
audit-attempt-my-meetings = посмотреть свои встречи
audit-attempt-cancel-own = отменить встречу
audit-attempt-reschedule-own = перенести встречу
audit-attempt-free-slots = посмотреть свободное время
audit-attempt-profile = открыть профиль
audit-attempt-own-status = сменить свой статус
audit-attempt-rsvp = ответить на приглашение на общую встречу
audit-attempt-feedback = оценить встречу
audit-attempt-pending = посмотреть заявки
audit-attempt-approve = одобрить заявку
audit-attempt-reject = отклонить заявку
audit-attempt-users = посмотреть пользователей
audit-attempt-change-role = сменить роль
audit-attempt-change-status = сменить статус
audit-attempt-change-department = сменить отдел
audit-attempt-settings = изменить настройки
audit-attempt-statistics = посмотреть статистику
audit-attempt-audit-log = открыть журнал действий
audit-attempt-broadcast = сделать рассылку
audit-attempt-export = выгрузить встречи
audit-attempt-cancel-any = отменить чужую встречу
audit-attempt-no-show = отметить неявку
export-audit-csv = Журнал действий с { $from } по { $to } в CSV: { $count } { $count ->
    [one] запись
    [few] записи
   *[other] записей
}.

## Charts

chart-no-data = Пока нет данных.

## Calendar feed
feed-link =
    📅 Ваш календарь встреч по подписке — добавьте его в программу календаря:
    { $url }
    Apple Calendar, Outlook: { $webcal }
    Храните адрес в тайне: по нему видны ваши встречи. /feed off закрывает его.
feed-revoked = Адрес календаря закрыт; /feed выдаст новый.
feed-not-configured = Календарь по подписке не настроен: владельцу бота нужно указать http.public_url.
error-feed-argument = /feed выдаёт адрес вашего календаря, /feed off закрывает его.

## Closed hours, time zones, old buttons
weekday-hours = { $day } { $hours }
hours-window = { $window }
day-off = выходной
date-hours = { $date }: { $hours }
nothing = нет
blocked-range = { $date } { $from }–{ $to }
blocked-range-why = { $date } { $from }–{ $to } ({ $reason })
button-unblock = 🔓 Открыть { $range }
setting-blocks = Закрыть время
ask-setting-blocks = Какие часы закрыть? Дата, часы и причина, например «24.12 10:00-14:00 врач». Встречи в эти часы останутся, а их участникам я предложу перенос.
time-closed = Владелец закрыл время { $range }. Ваша встреча { $when } ({ $minutes } мин) попадает в него: перенесите её или отмените — это можно сделать и позже обычного срока.
bookers-told = Об этом { $count ->
        [one] сообщено { $count } участнику встречи
       *[other] сообщено { $count } участникам встреч
    } в эти часы, им предложен перенос.
button-expired = Эта кнопка устарела: ей больше двух суток, и то, что она показывала, могло измениться. Начните заново из меню.
choose-zone = Ваш часовой пояс: { $zone }. Выберите город или напишите название пояса, например Asia/Vladivostok.
zone-set = Часовой пояс: { $zone }. Сейчас там { $now }; все времена я показываю в этом поясе.
city-kaliningrad = Калининград
city-moscow = Москва
city-samara = Самара
city-yekaterinburg = Екатеринбург
city-omsk = Омск
city-novosibirsk = Новосибирск
city-krasnoyarsk = Красноярск
city-irkutsk = Иркутск
city-yakutsk = Якутск
city-vladivostok = Владивосток
city-magadan = Магадан
city-kamchatka = Камчатка
command-block = Закрыть время
command-timezone = Мой часовой пояс
user-unreachable = 🚫 Заблокировал(а) бота с { $since }: напоминания и приглашения ему не отправляются, пока он снова не напишет.
doctor-calendar-paused = Синхронизация календаря приостановлена с { $since }: календарь { $calendar } отказал в записи ({ $error }).
doctor-calendar-refused = Календарь { $calendar } не пускает бота или не найден: { $error }.
doctor-calendar-unreachable = Календарь { $calendar } не отвечает: { $error }.
doctor-calendar-unreachable-fix = Проверьте сеть и сервис календаря; записи сохранены и попадут в календарь, когда он ответит.
doctor-outbox-messages = { $count } { $count ->
        [one] сообщение ждёт
        [few] сообщения ждут
       *[many] сообщений ждут
    } отправки, самое старое — { $minutes } { $minutes ->
        [one] минуту
        [few] минуты
       *[many] минут
    }.
doctor-outbox-messages-fix = Проверьте, что бот работает (meetbot health) и достаёт до Telegram.
doctor-outbox-calendar = { $count } { $count ->
        [one] запись ждёт
        [few] записи ждут
       *[many] записей ждут
    } в календарь, самая старая — { $minutes } { $minutes ->
        [one] минуту
        [few] минуты
       *[many] минут
    }.
doctor-outbox-calendar-fix = См. проверку календаря: ждущие записи уйдут, как только календарь их примет.
doctor-reminders = Напоминания за сутки: не отправлено { $failed }, пропущено { $missed }, опоздали больше чем на 5 минут { $late }.
doctor-reminders-fix = Проверьте, что бот тогда работал и достучался до Telegram (журнал, meetbot health).
doctor-unreachable = { $count } { $count ->
        [one] человек заблокировал
        [few] человека заблокировали
       *[many] человек заблокировали
    } бота: { $names }.
doctor-unreachable-fix = Им ничего не приходит, пока они снова не напишут боту; попросите их разблокировать его.
doctor-users = Пользователи: { $owners } { $owners ->
        [one] владелец
        [few] владельца
       *[many] владельцев
    }, { $managers } { $managers ->
        [one] менеджер
        [few] менеджера
       *[many] менеджеров
    }, { $pending } ждут одобрения.
doctor-meetings = Предстоящих встреч: { $count }.
command-doctor = Что не так с ботом
doctor-title = 🩺 Проверка бота
doctor-all-good = ✅ Выше P3 ничего нет: бот работает как надо.
doctor-finding = { $priority } · { $check }: { $message }
doctor-finding-fix =
    { $finding }
    → { $fix }
doctor-server-checks = Настройки, базу данных, диск, Telegram, часы и резервные копии проверяет на сервере команда meetbot doctor.
