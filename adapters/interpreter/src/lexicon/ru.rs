//! The Russian words and phrases the grammar knows, in every form people
//! write them (cases, short forms). Everything is lower case, with е for ё.

use chrono::Weekday;

use super::{DayPart, Language, Lex, Prep, Signal};

/// Every Russian entry: a list of phrases (separated by `|`, the words of a phrase by one space) and what it means.
pub(crate) const RUSSIAN: Language = Language {
    entries: &[
        // Months, in every case and short.
        ("январь|января|январе|январю|январем|янв", Lex::Month(1)),
        (
            "февраль|февраля|феврале|февралю|февралем|фев|февр",
            Lex::Month(2),
        ),
        ("март|марта|марте|марту|мартом|мар", Lex::Month(3)),
        ("апрель|апреля|апреле|апрелю|апрелем|апр", Lex::Month(4)),
        ("май|мая|мае|маю|маем", Lex::Month(5)),
        ("июнь|июня|июне|июню|июнем|июн", Lex::Month(6)),
        ("июль|июля|июле|июлю|июлем|июл", Lex::Month(7)),
        ("август|августа|августе|августу|августом|авг", Lex::Month(8)),
        (
            "сентябрь|сентября|сентябре|сентябрю|сентябрем|сен|сент",
            Lex::Month(9),
        ),
        (
            "октябрь|октября|октябре|октябрю|октябрем|окт",
            Lex::Month(10),
        ),
        (
            "ноябрь|ноября|ноябре|ноябрю|ноябрем|ноя|нояб",
            Lex::Month(11),
        ),
        (
            "декабрь|декабря|декабре|декабрю|декабрем|дек",
            Lex::Month(12),
        ),
        // Weekdays.
        (
            "понедельник|понедельника|понедельнику|понедельником|понедельнике|пн",
            Lex::Weekday(Weekday::Mon),
        ),
        (
            "вторник|вторника|вторнику|вторником|вторнике|вт",
            Lex::Weekday(Weekday::Tue),
        ),
        (
            "среда|среду|среды|среде|средой|ср",
            Lex::Weekday(Weekday::Wed),
        ),
        (
            "четверг|четверга|четвергу|четвергом|четверге|чт",
            Lex::Weekday(Weekday::Thu),
        ),
        (
            "пятница|пятницу|пятницы|пятнице|пятницей|пт",
            Lex::Weekday(Weekday::Fri),
        ),
        (
            "суббота|субботу|субботы|субботе|субботой|сб",
            Lex::Weekday(Weekday::Sat),
        ),
        (
            "воскресенье|воскресенья|воскресенью|воскресеньем|вс",
            Lex::Weekday(Weekday::Sun),
        ),
        // Days counted from today, and their adjectives ("завтрашнюю встречу").
        (
            "вчера|вчерашнюю|вчерашняя|вчерашней|вчерашний",
            Lex::RelativeDay(-1),
        ),
        (
            "сегодня|сегодняшнюю|сегодняшняя|сегодняшней|сегодняшний",
            Lex::RelativeDay(0),
        ),
        (
            "завтра|завтрашнюю|завтрашняя|завтрашней|завтрашний",
            Lex::RelativeDay(1),
        ),
        ("послезавтра", Lex::RelativeDay(2)),
        // Which week or weekday.
        (
            "следующий|следующую|следующей|следующее|следующая|след",
            Lex::Next,
        ),
        (
            "этот|эту|этой|это|эта|текущей|текущую|ближайший|ближайшую|ближайшей",
            Lex::This,
        ),
        ("неделя|неделю|недели|неделе|недель", Lex::Weeks),
        ("выходные|выходных|выходным", Lex::Weekend),
        ("день|дня|дней", Lex::Days),
        ("числа|число", Lex::DayOfMonth),
        ("года|году|г", Lex::Year),
        // Number words.
        ("один|одну|одна|одного", Lex::Number(1)),
        ("два|две|двух", Lex::Number(2)),
        ("три|трех", Lex::Number(3)),
        ("четыре|четырех", Lex::Number(4)),
        ("пять|пяти", Lex::Number(5)),
        ("шесть|шести", Lex::Number(6)),
        ("семь|семи", Lex::Number(7)),
        ("восемь|восьми", Lex::Number(8)),
        ("девять|девяти", Lex::Number(9)),
        ("десять|десяти", Lex::Number(10)),
        ("одиннадцать|одиннадцати", Lex::Number(11)),
        ("двенадцать|двенадцати", Lex::Number(12)),
        ("пятнадцать|пятнадцати", Lex::Number(15)),
        ("двадцать|двадцати", Lex::Number(20)),
        ("тридцать|тридцати", Lex::Number(30)),
        ("сорок|сорока", Lex::Number(40)),
        ("пятьдесят", Lex::Number(50)),
        ("шестьдесят", Lex::Number(60)),
        ("девяносто", Lex::Number(90)),
        // Units.
        ("час|часа|часов|часик|часок|ч", Lex::Hours),
        ("минута|минуту|минуты|минут|мин", Lex::Minutes),
        ("полчаса|получаса", Lex::Length(30)),
        ("полтора часа|полторы часа|полтора часика", Lex::Length(90)),
        // Parts of the day after an hour ("в 3 часа дня").
        ("утра|утром", Lex::DayPart(DayPart::Morning)),
        ("дня|днем", Lex::DayPart(DayPart::Afternoon)),
        ("вечера|вечером", Lex::DayPart(DayPart::Evening)),
        ("ночи", Lex::DayPart(DayPart::Night)),
        ("полдень|полдня", Lex::Noon),
        ("полночь", Lex::Midnight),
        // Prepositions the grammar reads.
        ("в|во|к|около|примерно", Lex::Prep(Prep::At)),
        ("на", Lex::Prep(Prep::On)),
        ("через", Lex::Prep(Prep::In)),
        ("с|со", Lex::Prep(Prep::From)),
        ("до|по", Lex::Prep(Prep::Until)),
        // What the person wants.
        (
            "перенеси|перенести|перенесите|перенос|перенеси-ка|передвинь|передвинуть|сдвинь|сдвинуть|подвинь|подвинуть",
            Lex::Intent(Signal::Move),
        ),
        (
            "отмени|отменить|отмените|отмена|отменяю|удали|удалить|удалите",
            Lex::Intent(Signal::Cancel),
        ),
        (
            "свободен|свободна|свободно|свободны|свободные|свободное|свободных|свободным|окна|окно|окон",
            Lex::Intent(Signal::Free),
        ),
        ("когда можно", Lex::Intent(Signal::Free)),
        ("есть ли время", Lex::Intent(Signal::Free)),
        ("есть время", Lex::Intent(Signal::Free)),
        (
            "запиши|запишите|записать|запишись|забронируй|забронировать|бронь|назначь|назначить|назначьте|поставь|поставить|создай|создать|организуй|добавь",
            Lex::Intent(Signal::BookVerb),
        ),
        (
            "хочу встретиться|давай встретимся|встретиться|созвонимся",
            Lex::Intent(Signal::BookVerb),
        ),
        ("что у меня", Lex::Intent(Signal::Query)),
        (
            "встречи|встреч|планы|расписание",
            Lex::Intent(Signal::Query),
        ),
        (
            "встреча|встречу|встречка|созвон|звонок|звонка",
            Lex::Intent(Signal::BookNoun),
        ),
        // What introduces the topic.
        ("про|о|об|обо|насчет", Lex::TopicMarker),
        ("на тему|по поводу|по теме|тема", Lex::TopicMarker),
        // Words that say nothing about the request.
        (
            "меня|мне|мою|мой|моя|мои|я|у|нас|мы|нам|пожалуйста|плиз|пж|ли|можно|нужно|нужна|надо|хочу|давай|давайте|какие|какая|какой|руководитель|руководителем|руководителя|начальник|начальником|шеф|шефом|и|а|ну",
            Lex::Filler,
        ),
    ],
};
