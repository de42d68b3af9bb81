"""The EPP session layer's own problem codes (login refusals, frames, commands out of order), in kk/ru/en
with their RFC 5730 result codes. Each becomes an `<extValue>` reason in the session's language."""

from __future__ import annotations

from kzreg.core.messages import ProblemCode, register_codes


class EppCode(ProblemCode):
    LOGIN_FAILED = "epp_login_failed"
    NO_CERTIFICATE = "epp_no_certificate"
    CERTIFICATE_NOT_PINNED = "epp_certificate_not_pinned"
    CERTIFICATE_EXPIRED = "epp_certificate_expired"
    ADDRESS_NOT_ALLOWED = "epp_address_not_allowed"
    REGISTRAR_SUSPENDED = "epp_registrar_suspended"
    RATE_LIMITED = "epp_rate_limited"
    TOO_MANY_FAILURES = "epp_too_many_failures"
    PASSWORD_POLICY = "epp_password_policy"
    PASSWORD_EXPIRED = "epp_password_expired"
    NETWORK_INVALID = "epp_network_invalid"
    CERTIFICATE_INVALID = "epp_certificate_invalid"
    NOT_LOGGED_IN = "epp_not_logged_in"
    ALREADY_LOGGED_IN = "epp_already_logged_in"
    XML_REFUSED = "epp_xml_refused"
    NOT_EPP = "epp_not_epp"
    UNKNOWN_ELEMENT = "epp_unknown_element"
    VERSION = "epp_version"
    LANGUAGE = "epp_language"
    SERVICE_NOT_OFFERED = "epp_service_not_offered"
    FRAME = "epp_frame"
    TIMEOUT = "epp_timeout"


MESSAGES: dict[ProblemCode, dict[str, str]] = {
    EppCode.LOGIN_FAILED: {
        "kk": "клиент идентификаторы немесе құпиясөз дұрыс емес",
        "ru": "неверный идентификатор клиента или пароль",
        "en": "unknown client id or wrong password",
    },
    EppCode.NO_CERTIFICATE: {
        "kk": "TLS байланысында клиент сертификаты ұсынылмады",
        "ru": "клиентский сертификат не предъявлен в соединении TLS",
        "en": "no client certificate was presented in the TLS connection",
    },
    EppCode.CERTIFICATE_NOT_PINNED: {
        "kk": "бұл клиент сертификаты (SHA-256 {fingerprint}) осы тіркеушіге тіркелмеген",
        "ru": "этот клиентский сертификат (SHA-256 {fingerprint}) не зарегистрирован за этим регистратором",
        "en": "this client certificate (SHA-256 {fingerprint}) is not registered for this registrar",
    },
    EppCode.CERTIFICATE_EXPIRED: {
        "kk": "клиент сертификатының мерзімі өтті ({date}); жаңа сертификатпен қайта қосылыңыз",
        "ru": "срок действия клиентского сертификата истёк ({date}); подключитесь заново с новым сертификатом",
        "en": "the client certificate expired ({date}); connect again with a new certificate",
    },
    EppCode.ADDRESS_NOT_ALLOWED: {
        "kk": "{address} мекен-жайынан кіруге рұқсат жоқ",
        "ru": "вход с адреса {address} не разрешён",
        "en": "logins from {address} are not allowed",
    },
    EppCode.REGISTRAR_SUSPENDED: {
        "kk": "тіркеушінің қызметі тоқтатылған",
        "ru": "деятельность регистратора приостановлена",
        "en": "the registrar is suspended",
    },
    EppCode.RATE_LIMITED: {
        "kk": "{address} мекен-жайынан тым көп сәтсіз кіру әрекеті; {seconds} секундтан кейін қайталаңыз",
        "ru": "слишком много неудачных входов с адреса {address}; повторите через {seconds} с",
        "en": "too many failed logins from {address}; try again in {seconds} seconds",
    },
    EppCode.TOO_MANY_FAILURES: {
        "kk": "бір байланыста {count} сәтсіз кіру әрекеті",
        "ru": "{count} неудачных попыток входа в одном соединении",
        "en": "{count} failed logins in one connection",
    },
    EppCode.PASSWORD_POLICY: {
        "kk": "құпиясөз {min}–{max} таңбадан тұруы және бос орынмен басталмауы не аяқталмауы керек",
        "ru": "пароль должен содержать от {min} до {max} символов и не начинаться и не заканчиваться пробелом",
        "en": "the password must have {min} to {max} characters and not begin or end with a space",
    },
    EppCode.PASSWORD_EXPIRED: {
        "kk": "құпиясөздің мерзімі {date} өтіп кетті; кіру кезінде жаңасын (newPW) беріңіз",
        "ru": "срок действия пароля истёк {date}; при входе задайте новый (newPW)",
        "en": "the password expired on {date}; give a new one (newPW) when logging in",
    },
    EppCode.NETWORK_INVALID: {
        "kk": "желі мекен-жайы дұрыс емес (CIDR күтілді, мысалы 192.0.2.0/24): {value}",
        "ru": "неверная сеть (ожидается CIDR, например 192.0.2.0/24): {value}",
        "en": "not a network (CIDR expected, e.g. 192.0.2.0/24): {value}",
    },
    EppCode.CERTIFICATE_INVALID: {
        "kk": "PEM форматындағы X.509 сертификаты оқылмады: {value}",
        "ru": "не удалось прочитать сертификат X.509 в формате PEM: {value}",
        "en": "not a PEM X.509 certificate: {value}",
    },
    EppCode.NOT_LOGGED_IN: {
        "kk": "алдымен <login> командасымен кіріңіз",
        "ru": "сначала выполните вход командой <login>",
        "en": "log in with <login> first",
    },
    EppCode.ALREADY_LOGGED_IN: {
        "kk": "сеанс ашық; жаңа кіру алдында <logout> орындаңыз",
        "ru": "сеанс уже открыт; перед новым входом выполните <logout>",
        "en": "the session is already logged in; <logout> first",
    },
    EppCode.XML_REFUSED: {
        "kk": "XML құжаты қабылданбады: {reason}",
        "ru": "XML-документ отклонён: {reason}",
        "en": "the XML document was refused: {reason}",
    },
    EppCode.NOT_EPP: {
        "kk": "құжат {namespace} аттар кеңістігіндегі <epp> элементі болуы керек",
        "ru": "документ должен быть элементом <epp> в пространстве имён {namespace}",
        "en": "the document must be an <epp> element in the namespace {namespace}",
    },
    EppCode.UNKNOWN_ELEMENT: {
        "kk": "күтілмеген элемент: {element}",
        "ru": "неожиданный элемент: {element}",
        "en": "unexpected element: {element}",
    },
    EppCode.VERSION: {
        "kk": "хаттама нұсқасына қолдау көрсетілмейді: {value} (тек 1.0)",
        "ru": "версия протокола не поддерживается: {value} (только 1.0)",
        "en": "protocol version not supported: {value} (only 1.0)",
    },
    EppCode.LANGUAGE: {
        "kk": "тіл ұсынылмаған: {value} (en, ru, kk)",
        "ru": "язык не предлагается: {value} (en, ru, kk)",
        "en": "language not offered: {value} (en, ru, kk)",
    },
    EppCode.SERVICE_NOT_OFFERED: {
        "kk": "сервер бұл қызметті ұсынбайды: {value}",
        "ru": "сервер не предлагает эту службу: {value}",
        "en": "the server does not offer this service: {value}",
    },
    EppCode.FRAME: {
        "kk": "кадр қабылданбады: {reason}",
        "ru": "кадр отклонён: {reason}",
        "en": "the frame was refused: {reason}",
    },
    EppCode.TIMEOUT: {
        "kk": "уақыт бітті: {reason}",
        "ru": "время истекло: {reason}",
        "en": "timed out: {reason}",
    },
}

EPP_CODES: dict[ProblemCode, int] = {
    EppCode.LOGIN_FAILED: 2200,
    EppCode.NO_CERTIFICATE: 2200,
    EppCode.CERTIFICATE_NOT_PINNED: 2200,
    EppCode.CERTIFICATE_EXPIRED: 2200,
    EppCode.ADDRESS_NOT_ALLOWED: 2200,
    EppCode.REGISTRAR_SUSPENDED: 2201,
    EppCode.RATE_LIMITED: 2502,
    EppCode.TOO_MANY_FAILURES: 2501,
    EppCode.PASSWORD_POLICY: 2306,
    EppCode.PASSWORD_EXPIRED: 2200,
    EppCode.NETWORK_INVALID: 2005,
    EppCode.CERTIFICATE_INVALID: 2005,
    EppCode.NOT_LOGGED_IN: 2002,
    EppCode.ALREADY_LOGGED_IN: 2002,
    EppCode.XML_REFUSED: 2001,
    EppCode.NOT_EPP: 2001,
    EppCode.UNKNOWN_ELEMENT: 2001,
    EppCode.VERSION: 2100,
    EppCode.LANGUAGE: 2102,
    EppCode.SERVICE_NOT_OFFERED: 2307,
    EppCode.FRAME: 2500,
    EppCode.TIMEOUT: 2500,
}

register_codes(EppCode, MESSAGES, epp=EPP_CODES, http={EppCode.REGISTRAR_SUSPENDED: 403})
