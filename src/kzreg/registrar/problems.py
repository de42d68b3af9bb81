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
    HOST_UNKNOWN = "registrar_host_unknown"
    CONTACT_UNKNOWN = "registrar_contact_unknown"
    SAME_REGISTRANT = "registrar_same_registrant"
    WEBHOOK_URL = "registrar_webhook_url"
    WEBHOOK_ADDRESS = "registrar_webhook_address"


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
    RegistrarCode.HOST_UNKNOWN: {
        "kk": "{key} хосты табылмады немесе сіздікі емес",
        "ru": "хост {key} не найден или принадлежит не вам",
        "en": "no host {key} of yours",
    },
    RegistrarCode.CONTACT_UNKNOWN: {
        "kk": "{key} контактісі табылмады немесе сіздің клиентіңізге тиесілі емес",
        "ru": "контакт {key} не найден или не принадлежит вашему клиенту",
        "en": "no contact {key} of your customers",
    },
    RegistrarCode.SAME_REGISTRANT: {
        "kk": "{key} доменінің тіркеушісі осы клиент: өзгертетін ештеңе жоқ",
        "ru": "регистрант домена {key} уже этот клиент: менять нечего",
        "en": "this customer already holds {key}: nothing to change",
    },
    RegistrarCode.WEBHOOK_URL: {
        "kk": "мекенжай https:// (немесе http://) URL болуы керек: {value}",
        "ru": "адрес должен быть URL https:// (или http://): {value}",
        "en": "the address must be an https:// (or http://) URL: {value}",
    },
    RegistrarCode.WEBHOOK_ADDRESS: {
        "kk": "{value} жеке, ішкі немесе жергілікті желі мекенжайына апарады: хабарламалар оған жіберілмейді",
        "ru": "{value} ведёт на частный, внутренний или локальный адрес: уведомления туда не отправляются",
        "en": "{value} leads to a private, internal or link-local address: no notifications are sent there",
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
    RegistrarCode.HOST_UNKNOWN: 2303,
    RegistrarCode.CONTACT_UNKNOWN: 2303,
    RegistrarCode.SAME_REGISTRANT: 2306,
    RegistrarCode.WEBHOOK_URL: 2005,
    RegistrarCode.WEBHOOK_ADDRESS: 2306,
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
    RegistrarCode.HOST_UNKNOWN: 404,
    RegistrarCode.CONTACT_UNKNOWN: 404,
    RegistrarCode.SAME_REGISTRANT: 409,
    RegistrarCode.WEBHOOK_URL: 400,
    RegistrarCode.WEBHOOK_ADDRESS: 400,
}

register_codes(RegistrarCode, MESSAGES, epp=EPP, http=HTTP)
