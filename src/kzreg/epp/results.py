"""The texts of RFC 5730 §3's result codes in English, Russian and Kazakh: a `<result>`'s `<msg lang>`
when a handler gives no message of its own. English is the RFC's wording, word for word."""

from __future__ import annotations

TEXTS: dict[int, dict[str, str]] = {
    1000: {
        "en": "Command completed successfully",
        "ru": "Команда успешно выполнена",
        "kk": "Команда сәтті орындалды",
    },
    1001: {
        "en": "Command completed successfully; action pending",
        "ru": "Команда успешно выполнена; действие ожидает завершения",
        "kk": "Команда сәтті орындалды; әрекет аяқталуын күтуде",
    },
    1300: {
        "en": "Command completed successfully; no messages",
        "ru": "Команда успешно выполнена; сообщений нет",
        "kk": "Команда сәтті орындалды; хабарлама жоқ",
    },
    1301: {
        "en": "Command completed successfully; ack to dequeue",
        "ru": "Команда успешно выполнена; подтвердите получение, чтобы удалить сообщение из очереди",
        "kk": "Команда сәтті орындалды; хабарламаны кезектен алу үшін алғанын растаңыз",
    },
    1500: {
        "en": "Command completed successfully; ending session",
        "ru": "Команда успешно выполнена; сеанс завершается",
        "kk": "Команда сәтті орындалды; сеанс аяқталады",
    },
    2000: {"en": "Unknown command", "ru": "Неизвестная команда", "kk": "Белгісіз команда"},
    2001: {"en": "Command syntax error", "ru": "Синтаксическая ошибка команды", "kk": "Команданың синтаксистік қатесі"},
    2002: {"en": "Command use error", "ru": "Команда применена неверно", "kk": "Команда қате қолданылды"},
    2003: {
        "en": "Required parameter missing",
        "ru": "Отсутствует обязательный параметр",
        "kk": "Міндетті параметр жоқ",
    },
    2004: {
        "en": "Parameter value range error",
        "ru": "Значение параметра вне допустимого диапазона",
        "kk": "Параметр мәні рұқсат етілген ауқымнан тыс",
    },
    2005: {
        "en": "Parameter value syntax error",
        "ru": "Синтаксическая ошибка в значении параметра",
        "kk": "Параметр мәнінің синтаксистік қатесі",
    },
    2100: {
        "en": "Unimplemented protocol version",
        "ru": "Версия протокола не поддерживается",
        "kk": "Хаттама нұсқасына қолдау көрсетілмейді",
    },
    2101: {"en": "Unimplemented command", "ru": "Команда не реализована", "kk": "Команда іске асырылмаған"},
    2102: {"en": "Unimplemented option", "ru": "Параметр не реализован", "kk": "Опция іске асырылмаған"},
    2103: {"en": "Unimplemented extension", "ru": "Расширение не реализовано", "kk": "Кеңейту іске асырылмаған"},
    2104: {"en": "Billing failure", "ru": "Ошибка оплаты", "kk": "Төлем қатесі"},
    2105: {
        "en": "Object is not eligible for renewal",
        "ru": "Объект не может быть продлён",
        "kk": "Нысанды ұзартуға болмайды",
    },
    2106: {
        "en": "Object is not eligible for transfer",
        "ru": "Объект не может быть передан",
        "kk": "Нысанды беруге болмайды",
    },
    2200: {"en": "Authentication error", "ru": "Ошибка аутентификации", "kk": "Аутентификация қатесі"},
    2201: {"en": "Authorization error", "ru": "Ошибка авторизации", "kk": "Авторизация қатесі"},
    2202: {
        "en": "Invalid authorization information",
        "ru": "Неверные данные авторизации",
        "kk": "Авторизация деректері дұрыс емес",
    },
    2300: {
        "en": "Object pending transfer",
        "ru": "Объект ожидает передачи",
        "kk": "Нысан берілуін күтуде",
    },
    2301: {
        "en": "Object not pending transfer",
        "ru": "Объект не ожидает передачи",
        "kk": "Нысан берілуін күтпейді",
    },
    2302: {"en": "Object exists", "ru": "Объект уже существует", "kk": "Нысан бұрыннан бар"},
    2303: {"en": "Object does not exist", "ru": "Объект не существует", "kk": "Нысан жоқ"},
    2304: {
        "en": "Object status prohibits operation",
        "ru": "Статус объекта запрещает операцию",
        "kk": "Нысанның мәртебесі операцияға тыйым салады",
    },
    2305: {
        "en": "Object association prohibits operation",
        "ru": "Связи объекта запрещают операцию",
        "kk": "Нысанның байланыстары операцияға тыйым салады",
    },
    2306: {
        "en": "Parameter value policy error",
        "ru": "Значение параметра нарушает правила",
        "kk": "Параметр мәні ережеге қайшы",
    },
    2307: {
        "en": "Unimplemented object service",
        "ru": "Служба объектов не реализована",
        "kk": "Нысан қызметі іске асырылмаған",
    },
    2308: {
        "en": "Data management policy violation",
        "ru": "Нарушение правил управления данными",
        "kk": "Деректерді басқару ережесі бұзылды",
    },
    2400: {"en": "Command failed", "ru": "Команда не выполнена", "kk": "Команда орындалмады"},
    2500: {
        "en": "Command failed; server closing connection",
        "ru": "Команда не выполнена; сервер закрывает соединение",
        "kk": "Команда орындалмады; сервер байланысты жабады",
    },
    2501: {
        "en": "Authentication error; server closing connection",
        "ru": "Ошибка аутентификации; сервер закрывает соединение",
        "kk": "Аутентификация қатесі; сервер байланысты жабады",
    },
    2502: {
        "en": "Session limit exceeded; server closing connection",
        "ru": "Превышен лимит сеансов; сервер закрывает соединение",
        "kk": "Сеанстар шегінен асты; сервер байланысты жабады",
    },
}


def text(code: int, lang: str) -> str:
    """The standard text of `code` in `lang` (English for a language the server does not offer)."""
    texts = TEXTS.get(code) or TEXTS[2400 if code >= 2000 else 1000]
    return texts.get(lang) or texts["en"]
