"""The registrar wing's problem codes (each app declares its own), in Kazakh, Russian and English."""

from __future__ import annotations

from kzreg.core.messages import ProblemCode, register_codes


class RegistrarCode(ProblemCode):
    IDEMPOTENCY_REUSED = "registrar_idempotency_reused"
    SERVICE_UNKNOWN = "registrar_service_unknown"
    NOT_YOUR_SERVICE = "registrar_not_your_service"
    CUSTOMER_UNKNOWN = "registrar_customer_unknown"
    CONSENT_MISSING = "registrar_consent_missing"
    REGISTRY_REFUSED = "registrar_registry_refused"
    REGISTRY_UNREACHABLE = "registrar_registry_unreachable"
    NOT_OFFERED = "registrar_not_offered"
    YEARS_RANGE = "registrar_years_range"
    EXPIRY_MISMATCH = "registrar_expiry_mismatch"
    RESELLER_INACTIVE = "registrar_reseller_inactive"


MESSAGES: dict[ProblemCode, dict[str, str]] = {
    RegistrarCode.IDEMPOTENCY_REUSED: {
        "kk": "бұл идемпотенттік кілт басқа тапсырысқа ({order}) берілген",
        "ru": "этот ключ идемпотентности уже использован для другого заказа ({order})",
        "en": "this idempotency key was already used for a different order ({order})",
    },
    RegistrarCode.SERVICE_UNKNOWN: {
        "kk": "{key} доменіне қызмет көрсетілмейді",
        "ru": "домен {key} не обслуживается",
        "en": "{key} is not a service of this registrar",
    },
    RegistrarCode.NOT_YOUR_SERVICE: {
        "kk": "{key} доменіне басқа реселлер қызмет көрсетеді",
        "ru": "домен {key} обслуживает другой реселлер",
        "en": "{key} is served by another reseller",
    },
    RegistrarCode.CUSTOMER_UNKNOWN: {
        "kk": "клиент табылмады: {key}",
        "ru": "клиент не найден: {key}",
        "en": "no such customer: {key}",
    },
    RegistrarCode.CONSENT_MISSING: {
        "kk": "тіркеуші дербес деректерді өңдеуге келісім бермеген (R18)",
        "ru": "регистрант не дал согласия на обработку персональных данных (R18)",
        "en": "the registrant has not consented to the processing of personal data (R18)",
    },
    RegistrarCode.REGISTRY_REFUSED: {
        "kk": "тізілім бас тартты ({code}): {message}",
        "ru": "реестр отказал ({code}): {message}",
        "en": "the registry refused ({code}): {message}",
    },
    RegistrarCode.REGISTRY_UNREACHABLE: {
        "kk": "тізілімге қосылу мүмкін болмады, сұрау жіберілмеді: {reason}",
        "ru": "не удалось связаться с реестром, запрос не отправлен: {reason}",
        "en": "the registry could not be reached; nothing was sent: {reason}",
    },
    RegistrarCode.NOT_OFFERED: {
        "kk": "бұл тізілім байланысы {operation} операциясын ұсынбайды",
        "ru": "это подключение к реестру не поддерживает операцию {operation}",
        "en": "this registry connection does not offer {operation}",
    },
    RegistrarCode.YEARS_RANGE: {
        "kk": "мерзім 1-ден {max} жылға дейін болуы керек: {value}",
        "ru": "срок должен быть от 1 до {max} лет: {value}",
        "en": "the period must be 1 to {max} years: {value}",
    },
    RegistrarCode.EXPIRY_MISMATCH: {
        "kk": "тізілімдегі мерзім {current}, {value} емес: бұл кезең ұзартылып қойған болуы мүмкін",
        "ru": "срок в реестре {current}, а не {value}: этот период, возможно, уже продлён",
        "en": "the registry's expiry is {current}, not {value}: this period may already be renewed",
    },
    RegistrarCode.RESELLER_INACTIVE: {
        "kk": "{key} реселлерінің шарты күшінде емес: тапсырыс қабылданбайды",
        "ru": "договор реселлера {key} не действует: заказы не принимаются",
        "en": "the contract of reseller {key} is not in force: no orders are taken",
    },
}

EPP = {
    RegistrarCode.IDEMPOTENCY_REUSED: 2302,
    RegistrarCode.SERVICE_UNKNOWN: 2303,
    RegistrarCode.NOT_YOUR_SERVICE: 2201,
    RegistrarCode.CUSTOMER_UNKNOWN: 2303,
    RegistrarCode.CONSENT_MISSING: 2306,
    RegistrarCode.REGISTRY_REFUSED: 2400,
    RegistrarCode.REGISTRY_UNREACHABLE: 2400,
    RegistrarCode.NOT_OFFERED: 2101,
    RegistrarCode.YEARS_RANGE: 2004,
    RegistrarCode.EXPIRY_MISMATCH: 2306,
    RegistrarCode.RESELLER_INACTIVE: 2201,
}
HTTP = {
    RegistrarCode.IDEMPOTENCY_REUSED: 409,
    RegistrarCode.SERVICE_UNKNOWN: 404,
    RegistrarCode.NOT_YOUR_SERVICE: 403,
    RegistrarCode.CUSTOMER_UNKNOWN: 404,
    RegistrarCode.CONSENT_MISSING: 400,
    RegistrarCode.REGISTRY_REFUSED: 422,
    RegistrarCode.REGISTRY_UNREACHABLE: 503,
    RegistrarCode.NOT_OFFERED: 501,
    RegistrarCode.YEARS_RANGE: 400,
    RegistrarCode.EXPIRY_MISMATCH: 409,
    RegistrarCode.RESELLER_INACTIVE: 403,
}

register_codes(RegistrarCode, MESSAGES, epp=EPP, http=HTTP)
