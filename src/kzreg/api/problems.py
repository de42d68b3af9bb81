"""The reseller API's own problem codes (prefix `api_`), in Kazakh, Russian and English, with their HTTP
statuses. Problems of the registrar wing, billing and the registry keep their own codes and statuses."""

from __future__ import annotations

from kzreg.core.messages import ProblemCode, register_codes


class ApiCode(ProblemCode):
    TOKEN_MISSING = "api_token_missing"
    TOKEN_INVALID = "api_token_invalid"
    TOKEN_EXPIRED = "api_token_expired"
    TOKEN_REVOKED = "api_token_revoked"
    USER_INACTIVE = "api_user_inactive"
    PERMISSION = "api_permission"
    NOT_FOUND = "api_not_found"
    METHOD = "api_method_not_allowed"
    INVALID = "api_invalid"
    RATE_LIMITED = "api_rate_limited"
    IDEMPOTENCY_KEY_REQUIRED = "api_idempotency_key_required"
    IDEMPOTENCY_CONFLICT = "api_idempotency_conflict"
    IDEMPOTENCY_IN_PROGRESS = "api_idempotency_in_progress"
    SERVER_ERROR = "api_server_error"
    WRONG_ZONE = "api_wrong_zone"
    NOT_OFFERED = "api_not_offered"
    CURSOR_INVALID = "api_cursor_invalid"
    CURSOR_OTHER_SORT = "api_cursor_other_sort"
    CURSOR_WITH_OFFSET = "api_cursor_with_offset"
    SEARCH_TOO_SHORT = "api_search_too_short"


MESSAGES: dict[ProblemCode, dict[str, str]] = {
    ApiCode.TOKEN_MISSING: {
        "kk": "API токені жоқ: «Authorization: Bearer <токен>» тақырыбын жіберіңіз",
        "ru": "нет API-токена: передайте заголовок «Authorization: Bearer <токен>»",
        "en": "no API token: send the header 'Authorization: Bearer <token>'",
    },
    ApiCode.TOKEN_INVALID: {
        "kk": "API токені дұрыс емес",
        "ru": "неверный API-токен",
        "en": "the API token is not valid",
    },
    ApiCode.TOKEN_EXPIRED: {
        "kk": "API токенінің мерзімі {at} өтіп кеткен",
        "ru": "срок действия API-токена истёк {at}",
        "en": "the API token expired at {at}",
    },
    ApiCode.TOKEN_REVOKED: {
        "kk": "API токені {at} кері қайтарылған",
        "ru": "API-токен отозван {at}",
        "en": "the API token was revoked at {at}",
    },
    ApiCode.USER_INACTIVE: {
        "kk": "токен иесінің есептік жазбасы өшірілген",
        "ru": "учётная запись владельца токена отключена",
        "en": "the token's user account is deactivated",
    },
    ApiCode.PERMISSION: {
        "kk": "бұл әрекет үшін «{permission}» рұқсаты керек",
        "ru": "для этого действия нужно право «{permission}»",
        "en": "this needs the permission '{permission}'",
    },
    ApiCode.NOT_FOUND: {
        "kk": "табылмады: {key}",
        "ru": "не найдено: {key}",
        "en": "not found: {key}",
    },
    ApiCode.METHOD: {
        "kk": "{method} әдісіне рұқсат жоқ",
        "ru": "метод {method} не допускается",
        "en": "method {method} is not allowed here",
    },
    ApiCode.INVALID: {
        "kk": "мәні дұрыс емес: {reason}",
        "ru": "неверное значение: {reason}",
        "en": "is not valid: {reason}",
    },
    ApiCode.RATE_LIMITED: {
        "kk": "сұраулар тым көп: минутына {limit}; {seconds} секундтан кейін қайталаңыз",
        "ru": "слишком много запросов: не более {limit} в минуту; повторите через {seconds} с",
        "en": "too many requests: at most {limit} a minute; try again in {seconds} s",
    },
    ApiCode.IDEMPOTENCY_KEY_REQUIRED: {
        "kk": "ақылы сұрауға «Idempotency-Key» тақырыбы міндетті",
        "ru": "для платного запроса обязателен заголовок «Idempotency-Key»",
        "en": "a call that costs money needs the 'Idempotency-Key' header",
    },
    ApiCode.IDEMPOTENCY_CONFLICT: {
        "kk": "бұл «Idempotency-Key» басқа сұрауға берілген",
        "ru": "этот «Idempotency-Key» уже использован для другого запроса",
        "en": "this Idempotency-Key was already used for a different request",
    },
    ApiCode.IDEMPOTENCY_IN_PROGRESS: {
        "kk": "осы «Idempotency-Key» бар сұрау әлі орындалуда; кейінірек қайталаңыз",
        "ru": "запрос с этим «Idempotency-Key» ещё выполняется; повторите позже",
        "en": "a request with this Idempotency-Key is still running; try again shortly",
    },
    ApiCode.SERVER_ERROR: {
        "kk": "сервердің ішкі қатесі; ол журналға жазылды",
        "ru": "внутренняя ошибка сервера; она записана в журнал",
        "en": "internal server error; it has been logged",
    },
    ApiCode.WRONG_ZONE: {
        "kk": "{name} атауы .kz немесе .қаз аймағында емес",
        "ru": "имя {name} не в зоне .kz или .қаз",
        "en": "{name} is not in the .kz or .қаз zone",
    },
    ApiCode.NOT_OFFERED: {
        "kk": "бұл мүмкіндік әзірге ұсынылмайды: {what}",
        "ru": "эта возможность пока не предоставляется: {what}",
        "en": "this is not offered yet: {what}",
    },
    ApiCode.CURSOR_INVALID: {
        "kk": "бет курсоры жарамсыз (өзгертілген немесе бүлінген): «after» параметрінсіз басынан бастаңыз",
        "ru": "курсор страницы недействителен (изменён или повреждён): начните сначала без параметра «after»",
        "en": "the page cursor is not valid (changed or damaged): start again without 'after'",
    },
    ApiCode.CURSOR_OTHER_SORT: {
        "kk": "бұл бет курсоры «{sort}» сұрыптауына арналған: сол сұрыптауды жіберіңіз немесе басынан бастаңыз",
        "ru": "этот курсор страницы выдан для сортировки «{sort}»: передайте её же или начните сначала",
        "en": "this page cursor was made for the sort '{sort}': send that sort or start again",
    },
    ApiCode.CURSOR_WITH_OFFSET: {
        "kk": "«offset» пен «after» бірге берілмейді: «after» курсорын ғана жіберіңіз",
        "ru": "«offset» и «after» нельзя передавать вместе: передавайте только курсор «after»",
        "en": "'offset' and 'after' cannot be used together: send only the 'after' cursor",
    },
    ApiCode.SEARCH_TOO_SHORT: {
        "kk": "іздеу үшін кемінде {min} таңба керек: «{value}»",
        "ru": "для поиска нужно не меньше {min} символов: «{value}»",
        "en": "a search needs at least {min} characters: '{value}'",
    },
}

HTTP = {
    ApiCode.TOKEN_MISSING: 401,
    ApiCode.TOKEN_INVALID: 401,
    ApiCode.TOKEN_EXPIRED: 401,
    ApiCode.TOKEN_REVOKED: 401,
    ApiCode.USER_INACTIVE: 401,
    ApiCode.PERMISSION: 403,
    ApiCode.NOT_FOUND: 404,
    ApiCode.METHOD: 405,
    ApiCode.INVALID: 400,
    ApiCode.RATE_LIMITED: 429,
    ApiCode.IDEMPOTENCY_KEY_REQUIRED: 400,
    ApiCode.IDEMPOTENCY_CONFLICT: 409,
    ApiCode.IDEMPOTENCY_IN_PROGRESS: 409,
    ApiCode.SERVER_ERROR: 500,
    ApiCode.WRONG_ZONE: 400,
    ApiCode.NOT_OFFERED: 501,
    ApiCode.CURSOR_INVALID: 400,
    ApiCode.CURSOR_OTHER_SORT: 400,
    ApiCode.CURSOR_WITH_OFFSET: 400,
    ApiCode.SEARCH_TOO_SHORT: 400,
}

register_codes(ApiCode, MESSAGES, http=HTTP)
