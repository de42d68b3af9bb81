"""Every human-readable RDAP text in Kazakh, Russian and English (the seeds' Kazakh wording first).

RDAP has no per-string language tag, so each notice or error description carries all three languages
as separate lines (kk, ru, en); clients show the lines they can.
"""

from __future__ import annotations

Trilingual = tuple[str, str, str]  # kk, ru, en

TERMS: Trilingual = (
    "Бұл қызмет .kz және .қаз домендік атауларының тіркеу деректерін RDAP арқылы көрсетеді. "
    "Деректерді тек заңды мақсаттарда пайдалануға болады; жаппай жинауға тыйым салынады.",
    "Этот сервис показывает регистрационные данные доменов .kz и .қаз по протоколу RDAP. "
    "Данные можно использовать только в законных целях; массовый сбор запрещён.",
    "This service shows registration data of .kz and .қаз domain names over RDAP. "
    "Use the data for lawful purposes only; bulk harvesting is not allowed.",
)

STATUS_CODES: Trilingual = (
    "Күйлер RFC 8056 бойынша EPP/RDAP сөздерімен берілген: ұстау → server hold, тоқтатылған → inactive.",
    "Статусы даны словами EPP/RDAP по RFC 8056: удержание → server hold, приостановлен → inactive.",
    "Statuses are EPP/RDAP words as in RFC 8056: hold → server hold, suspended → inactive.",
)

REDACTED: Trilingual = (
    "Жеке тұлғалардың дербес деректері олардың келісімінсіз жарияланбайды (RFC 9537 бойынша белгіленген).",
    "Персональные данные физических лиц без их согласия не публикуются (отмечено по RFC 9537).",
    "Personal data of individuals is not published without their consent (marked as RFC 9537 says).",
)

REDACTION_REASON = "Personal data of an individual who did not consent to publication (KZ-P)"

TRUNCATED: Trilingual = (
    "Нәтижелер саны шектелген; сұрауды нақтылаңыз.",
    "Число результатов ограничено; уточните запрос.",
    "The result set is limited; narrow the search.",
)

HELP: Trilingual = (
    "Сұраулар: /rdap/domain/<атау>, /rdap/entity/<NIC>, /rdap/nameserver/<атау>, "
    "/rdap/domains?name=<үлгі*>, /rdap/nameservers?name=<үлгі*>, /rdap/entities?fn=<үлгі*> немесе ?handle=<үлгі*>.",
    "Запросы: /rdap/domain/<имя>, /rdap/entity/<NIC>, /rdap/nameserver/<имя>, "
    "/rdap/domains?name=<шаблон*>, /rdap/nameservers?name=<шаблон*>, /rdap/entities?fn=<шаблон*> или ?handle=<шаблон*>.",
    "Queries: /rdap/domain/<name>, /rdap/entity/<handle>, /rdap/nameserver/<name>, "
    "/rdap/domains?name=<pattern*>, /rdap/nameservers?name=<pattern*>, /rdap/entities?fn=<pattern*> or ?handle=<pattern*>.",
)

# HTTP status → (title, description lines) of RFC 9083 error responses.
ERRORS: dict[int, tuple[str, Trilingual]] = {
    400: (
        "Bad Request",
        ("Сұрау RDAP сұрауы ретінде түсінілмеді.", "Запрос не распознан как запрос RDAP.", "Not an RDAP query."),
    ),
    404: (
        "Not Found",
        ("Мұндай нысан тізілімде жоқ.", "Такого объекта нет в реестре.", "No such object in the registry."),
    ),
    405: (
        "Method Not Allowed",
        ("Тек GET және HEAD әдістері.", "Только методы GET и HEAD.", "Only GET and HEAD are allowed."),
    ),
    429: (
        "Too Many Requests",
        (
            "Сұраулар тым көп; Retry-After уақытынан кейін қайталаңыз.",
            "Слишком много запросов; повторите после Retry-After.",
            "Too many requests; try again after Retry-After.",
        ),
    ),
    500: (
        "Internal Server Error",
        (
            "Серверде қате болды; кейінірек қайталаңыз.",
            "На сервере произошла ошибка; повторите позже.",
            "The server failed to answer; try again later.",
        ),
    ),
    501: (
        "Not Implemented",
        (
            "Бұл сұрау түріне қызмет көрсетілмейді.",
            "Этот тип запроса не поддерживается.",
            "This kind of query is not supported here.",
        ),
    ),
}

BAD_PATTERN: Trilingual = (
    "Іздеу үлгісі: кемінде {min} таңба, содан кейін бір '*' (белгінің соңында), мысалы exa*.kz.",
    "Шаблон поиска: не менее {min} символов, затем одна '*' (в конце метки), например exa*.kz.",
    "Search pattern: at least {min} characters, then one '*' (at the end of a label), e.g. exa*.kz.",
)

ONE_PARAMETER: Trilingual = (
    "Іздеуге бір параметр керек: {names}.",
    "Для поиска нужен один параметр: {names}.",
    "A search takes one parameter: {names}.",
)

BAD_NAME: Trilingual = (
    "Атау дұрыс емес: {value}",
    "Неверное имя: {value}",
    "Not a valid name: {value}",
)


def lines(text: Trilingual, **params: object) -> list[str]:
    return [line.format(**params) for line in text]
