"""Problem codes and their messages in Kazakh, Russian and English.

The Kazakh wording follows the seed's terms (SPEC glossary). `{name}`-style fields are filled from the
problem's params. Each code also says which EPP result code and HTTP status it maps to.

`Code` holds the registry core's codes. Another app declares its own enum on `ProblemCode` and calls
`register_codes()` with its messages and mappings (DESIGN: each app declares its own problem codes), so
no app edits this list; a value may belong to one app only.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

LANGUAGES = ("kk", "ru", "en")


class ProblemCode(enum.StrEnum):
    """Base of every app's problem codes: a message per language, an EPP result code, an HTTP status."""

    @property
    def epp_code(self) -> int:
        return _EPP.get(self, 2005)

    @property
    def http_status(self) -> int:
        return _HTTP.get(self, 400)

    def template(self, lang: str) -> str:
        return MESSAGES[self][lang]


class Code(ProblemCode):
    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID = "invalid"
    INVALID_CHOICE = "invalid_choice"
    INVALID_EMAIL = "invalid_email"
    INVALID_PHONE = "invalid_phone"
    INVALID_COUNTRY = "invalid_country"
    INVALID_IP = "invalid_ip"
    IP_NOT_PUBLIC = "ip_not_public"
    INVALID_HOSTNAME = "invalid_hostname"
    NAME_EMPTY_LABEL = "name_empty_label"
    NAME_HYPHEN_EDGE = "name_hyphen_edge"
    NAME_HYPHEN_34 = "name_hyphen_34"
    NAME_BAD_CHARACTER = "name_bad_character"
    NAME_MIXED_SCRIPT = "name_mixed_script"
    NAME_SCRIPT_NOT_ALLOWED = "name_script_not_allowed"
    NAME_TOO_LONG = "name_too_long"
    NAME_NOT_SECOND_LEVEL = "name_not_second_level"
    NAME_IDNA = "name_idna"
    ZONE_UNKNOWN = "zone_unknown"
    NAME_RESERVED = "name_reserved"
    NAME_BLOCKED = "name_blocked"
    ALREADY_REGISTERED = "already_registered"
    NOT_FOUND = "not_found"
    PERIOD_RANGE = "period_range"
    PERIOD_EXCEEDS_MAX = "period_exceeds_max"
    NAMESERVERS_TOO_FEW = "nameservers_too_few"
    NAMESERVERS_TOO_MANY = "nameservers_too_many"
    NAMESERVER_DUPLICATE = "nameserver_duplicate"
    GLUE_REQUIRED = "glue_required"
    HOST_ADDRESS_DIFFERS = "host_address_differs"
    SAME_NETWORK = "same_network"
    HOST_EXISTS = "host_exists"
    HOST_IN_USE = "host_in_use"
    SUPERORDINATE_MISSING = "superordinate_missing"
    SUPERORDINATE_OTHER_REGISTRAR = "superordinate_other_registrar"
    SUBORDINATE_HOSTS_IN_USE = "subordinate_hosts_in_use"
    HANDLE_TAKEN = "handle_taken"
    HANDLE_INVALID = "handle_invalid"
    REGISTRANT_NAME = "registrant_name"
    STATUS_PROHIBITS = "status_prohibits"
    STATUS_ALREADY_SET = "status_already_set"
    STATUS_NOT_SET = "status_not_set"
    NOT_AUTHORIZED = "not_authorized"
    SAME_VALUE = "same_value"
    NOTHING_TO_CHANGE = "nothing_to_change"
    CONTACT_MATCHED = "contact_matched"
    REFUSED = "refused"
    NOT_SPONSOR = "not_sponsor"
    FOR_OTHER_REGISTRAR = "for_other_registrar"
    REGISTRAR_SUSPENDED = "registrar_suspended"
    AUTH_CODE_INVALID = "auth_code_invalid"
    AUTH_CODE_FORMAT = "auth_code_format"
    STAFF_ONLY = "staff_only"
    REGISTRAR_EXISTS = "registrar_exists"
    REGISTRAR_HANDLE_INVALID = "registrar_handle_invalid"
    INVALID_URL = "invalid_url"
    NOT_ELIGIBLE_FOR_TRANSFER = "not_eligible_for_transfer"
    PENDING_TRANSFER = "pending_transfer"
    NO_PENDING_TRANSFER = "no_pending_transfer"
    TRANSFER_NOT_PARTY = "transfer_not_party"
    CONTACT_IN_USE = "contact_in_use"
    NOT_RESTORABLE = "not_restorable"
    NO_PENDING_RESTORE = "no_pending_restore"


_EPP: dict[ProblemCode, int] = {
    Code.REQUIRED: 2003,
    Code.ALREADY_REGISTERED: 2302,
    Code.HANDLE_TAKEN: 2302,
    Code.HOST_EXISTS: 2302,
    Code.NOT_FOUND: 2303,
    Code.STATUS_PROHIBITS: 2304,
    Code.HOST_IN_USE: 2305,
    Code.SUPERORDINATE_MISSING: 2303,
    Code.SUPERORDINATE_OTHER_REGISTRAR: 2305,
    Code.SUBORDINATE_HOSTS_IN_USE: 2305,
    Code.NOT_AUTHORIZED: 2201,
    Code.NOT_SPONSOR: 2201,
    Code.FOR_OTHER_REGISTRAR: 2201,
    Code.REGISTRAR_SUSPENDED: 2201,
    Code.STAFF_ONLY: 2201,
    Code.AUTH_CODE_INVALID: 2202,
    Code.REGISTRAR_EXISTS: 2302,
    Code.NAME_RESERVED: 2306,
    Code.NAME_BLOCKED: 2306,
    Code.PERIOD_EXCEEDS_MAX: 2306,
    Code.REFUSED: 2306,
    Code.STATUS_ALREADY_SET: 2306,
    Code.STATUS_NOT_SET: 2306,
    Code.NOTHING_TO_CHANGE: 2306,
    Code.SAME_VALUE: 2306,
    Code.NOT_ELIGIBLE_FOR_TRANSFER: 2106,
    Code.PENDING_TRANSFER: 2300,
    Code.NO_PENDING_TRANSFER: 2301,
    Code.TRANSFER_NOT_PARTY: 2201,
    Code.CONTACT_IN_USE: 2305,
    Code.NOT_RESTORABLE: 2304,
    Code.NO_PENDING_RESTORE: 2304,
}
_HTTP: dict[ProblemCode, int] = {
    Code.ALREADY_REGISTERED: 409,
    Code.HANDLE_TAKEN: 409,
    Code.HOST_EXISTS: 409,
    Code.NOT_FOUND: 404,
    Code.STATUS_PROHIBITS: 409,
    Code.HOST_IN_USE: 409,
    Code.SUPERORDINATE_MISSING: 404,
    Code.SUPERORDINATE_OTHER_REGISTRAR: 409,
    Code.SUBORDINATE_HOSTS_IN_USE: 409,
    Code.NOT_AUTHORIZED: 403,
    Code.NOT_SPONSOR: 403,
    Code.FOR_OTHER_REGISTRAR: 403,
    Code.REGISTRAR_SUSPENDED: 403,
    Code.STAFF_ONLY: 403,
    Code.AUTH_CODE_INVALID: 403,
    Code.REGISTRAR_EXISTS: 409,
    Code.NOT_ELIGIBLE_FOR_TRANSFER: 409,
    Code.PENDING_TRANSFER: 409,
    Code.NO_PENDING_TRANSFER: 409,
    Code.TRANSFER_NOT_PARTY: 403,
    Code.CONTACT_IN_USE: 409,
    Code.NOT_RESTORABLE: 409,
    Code.NO_PENDING_RESTORE: 409,
}

_CORE_MESSAGES: dict[ProblemCode, dict[str, str]] = {
    Code.REQUIRED: {
        "kk": "толтырылуы міндетті",
        "ru": "обязательное поле",
        "en": "is required",
    },
    Code.TOO_LONG: {
        "kk": "тым ұзын (ең көбі {limit} таңба)",
        "ru": "слишком длинно (не более {limit} символов)",
        "en": "is too long (at most {limit} characters)",
    },
    Code.INVALID: {
        "kk": "мәні дұрыс емес: {value}",
        "ru": "неверное значение: {value}",
        "en": "is not valid: {value}",
    },
    Code.INVALID_CHOICE: {
        "kk": "мәні дұрыс емес: {value} (рұқсат етілгені: {choices})",
        "ru": "неверное значение: {value} (допустимо: {choices})",
        "en": "is not valid: {value} (allowed: {choices})",
    },
    Code.INVALID_EMAIL: {
        "kk": "e-mail адресі дұрыс емес: {value}",
        "ru": "неверный адрес e-mail: {value}",
        "en": "e-mail address is not valid: {value}",
    },
    Code.INVALID_PHONE: {
        "kk": "телефон нөмірі дұрыс емес: {value} (мысалы, +7 727 2501234)",
        "ru": "неверный номер телефона: {value} (например, +7 727 2501234)",
        "en": "phone number is not valid: {value} (for example +7 727 2501234)",
    },
    Code.INVALID_COUNTRY: {
        "kk": "ел коды ISO 3166-1 бойынша екі әріп болуы керек: {value}",
        "ru": "код страны должен состоять из двух букв по ISO 3166-1: {value}",
        "en": "country code must be two letters of ISO 3166-1: {value}",
    },
    Code.INVALID_IP: {
        "kk": "IP мекен-жайы дұрыс емес: {value}",
        "ru": "неверный IP-адрес: {value}",
        "en": "IP address is not valid: {value}",
    },
    Code.IP_NOT_PUBLIC: {
        "kk": "{value} мекен-жайы дұрыс, бірақ жалпыға қолжетімді емес (резервтелген ауқым {network}: {kind})",
        "ru": "адрес {value} корректен, но не публичный (зарезервированный диапазон {network}: {kind})",
        "en": "the address {value} is valid but not public (reserved range {network}: {kind})",
    },
    Code.INVALID_HOSTNAME: {
        "kk": "хост атауы толық (FQDN) болуы керек: {value}",
        "ru": "имя хоста должно быть полным (FQDN): {value}",
        "en": "host name must be fully qualified: {value}",
    },
    Code.NAME_EMPTY_LABEL: {
        "kk": "домендік атауда бос бөлік бар: {value}",
        "ru": "в доменном имени пустая метка: {value}",
        "en": "domain name has an empty label: {value}",
    },
    Code.NAME_HYPHEN_EDGE: {
        "kk": "атау дефиспен басталмауы және аяқталмауы керек: {value}",
        "ru": "имя не может начинаться или заканчиваться дефисом: {value}",
        "en": "name must not begin or end with a hyphen: {value}",
    },
    Code.NAME_HYPHEN_34: {
        "kk": "3-ші және 4-ші орындағы «--» тек IDN (xn--) атауларға рұқсат: {value}",
        "ru": "«--» в 3-й и 4-й позициях допустимо только для IDN (xn--): {value}",
        "en": "'--' in the third and fourth positions is reserved for IDN (xn--): {value}",
    },
    Code.NAME_BAD_CHARACTER: {
        "kk": "рұқсат етілмеген таңба «{char}»: тек әріптер, цифрлар және дефис",
        "ru": "недопустимый символ «{char}»: только буквы, цифры и дефис",
        "en": "character '{char}' is not allowed: letters, digits and hyphen only",
    },
    Code.NAME_MIXED_SCRIPT: {
        "kk": "бір атауда латын және кирилл әріптерін араластыруға болмайды: {value}",
        "ru": "нельзя смешивать латиницу и кириллицу в одном имени: {value}",
        "en": "Latin and Cyrillic letters must not be mixed in one label: {value}",
    },
    Code.NAME_SCRIPT_NOT_ALLOWED: {
        "kk": "{zone} зонасында {script} әріптеріне рұқсат жоқ",
        "ru": "в зоне {zone} не допускаются буквы письменности {script}",
        "en": "{script} letters are not allowed in zone {zone}",
    },
    Code.NAME_TOO_LONG: {
        "kk": "зонасымен бірге толық атау {limit} таңбадан аспауы керек ({length} таңба)",
        "ru": "полное имя вместе с зоной не длиннее {limit} символов (сейчас {length})",
        "en": "the full name including the zone is at most {limit} characters (it has {length})",
    },
    Code.NAME_NOT_SECOND_LEVEL: {
        "kk": "тек екінші деңгейлі атау тіркеледі (мысалы, example.kz): {value}",
        "ru": "регистрируются только имена второго уровня (например, example.kz): {value}",
        "en": "only second-level names are registered (for example example.kz): {value}",
    },
    Code.NAME_IDNA: {
        "kk": "IDNA2008 бойынша жарамсыз атау: {value} ({reason})",
        "ru": "имя недопустимо по IDNA2008: {value} ({reason})",
        "en": "name is not valid under IDNA2008: {value} ({reason})",
    },
    Code.ZONE_UNKNOWN: {
        "kk": "{zone} зонасында тіркеу жүргізілмейді",
        "ru": "регистрация в зоне {zone} не ведётся",
        "en": "zone {zone} is not served by this registry",
    },
    Code.NAME_RESERVED: {
        "kk": "{name} атауы резервтелген: {reason}",
        "ru": "имя {name} зарезервировано: {reason}",
        "en": "{name} is reserved: {reason}",
    },
    Code.NAME_BLOCKED: {
        "kk": "{name} атауын тіркеуге тыйым салынған: {reason}",
        "ru": "имя {name} запрещено к регистрации: {reason}",
        "en": "{name} is blocked from registration: {reason}",
    },
    Code.ALREADY_REGISTERED: {
        "kk": "{name} домендік атауы тіркелген",
        "ru": "доменное имя {name} уже зарегистрировано",
        "en": "{name} is already registered",
    },
    Code.NOT_FOUND: {
        "kk": "{kind} табылмады: {key}",
        "ru": "{kind} не найден: {key}",
        "en": "{kind} not found: {key}",
    },
    Code.PERIOD_RANGE: {
        "kk": "кезең {min}–{max} жыл болуы керек: {value}",
        "ru": "срок должен быть от {min} до {max} лет: {value}",
        "en": "period must be {min} to {max} years: {value}",
    },
    Code.PERIOD_EXCEEDS_MAX: {
        "kk": "ұзартудан кейін мерзім {max} жылдан аспауы керек",
        "ru": "после продления срок не может превышать {max} лет",
        "en": "after renewal the registration may not run more than {max} years ahead",
    },
    Code.NAMESERVERS_TOO_FEW: {
        "kk": "бірінші және кемінде бір екінші атаулар сервері керек",
        "ru": "нужны первичный и хотя бы один вторичный сервер имён",
        "en": "a primary and at least one secondary name server are required",
    },
    Code.NAMESERVERS_TOO_MANY: {
        "kk": "атаулар серверлері {limit}-дан аспауы керек",
        "ru": "серверов имён не более {limit}",
        "en": "at most {limit} name servers",
    },
    Code.NAMESERVER_DUPLICATE: {
        "kk": "атаулар сервері қайталанған: {value}",
        "ru": "сервер имён указан дважды: {value}",
        "en": "name server is listed twice: {value}",
    },
    Code.GLUE_REQUIRED: {
        "kk": "{host} сервері тіркелетін зонаның ішінде, сондықтан IP мекен-жайы міндетті",
        "ru": "сервер {host} находится внутри зоны, IP-адрес обязателен",
        "en": "{host} is inside a registry zone, so its IP address is required",
    },
    Code.HOST_ADDRESS_DIFFERS: {
        "kk": "{host} хосты бұрыннан бар, мекен-жайы {stored}; көрсетілген {given} қолданылмады "
        "(хостты Хост үлгісі арқылы өзгертіңіз)",
        "ru": "хост {host} уже существует с адресом {stored}; указанный {given} не применён "
        "(хост меняется шаблоном Host)",
        "en": "host {host} exists with address {stored}; the given {given} was not applied "
        "(hosts change through the Host template)",
    },
    Code.SAME_NETWORK: {
        "kk": "барлық атаулар серверлері бір желіде ({network}); әртүрлі желілер ұсынылады",
        "ru": "все серверы имён в одной сети ({network}); рекомендуются разные сети",
        "en": "all name servers are in one network ({network}); different networks are recommended",
    },
    Code.HOST_EXISTS: {
        "kk": "{host} хосты бұрыннан тіркелген",
        "ru": "хост {host} уже существует",
        "en": "host {host} already exists",
    },
    Code.HOST_IN_USE: {
        "kk": "{host} хосты {count} доменде қолданылады",
        "ru": "хост {host} используется {count} доменами",
        "en": "host {host} is used by {count} domains",
    },
    Code.SUPERORDINATE_MISSING: {
        "kk": "{host} хосты {domain} доменінің ішінде, ал ол домен тіркелмеген: алдымен доменді тіркеңіз",
        "ru": "хост {host} находится внутри домена {domain}, который не зарегистрирован: сначала зарегистрируйте домен",
        "en": "host {host} lies inside {domain}, which is not registered: register the domain first",
    },
    Code.SUPERORDINATE_OTHER_REGISTRAR: {
        "kk": "{host} хосты {domain} доменінің ішінде, ол доменге басқа тіркеуші қызмет көрсетеді",
        "ru": "хост {host} находится внутри домена {domain}, который обслуживает другой регистратор",
        "en": "host {host} lies inside {domain}, which another registrar sponsors",
    },
    Code.SUBORDINATE_HOSTS_IN_USE: {
        "kk": "доменнің ішіндегі хосттар басқа домендерде атаулар сервері ретінде қолданылады: {hosts}",
        "ru": "хосты внутри домена используются как серверы имён других доменов: {hosts}",
        "en": "hosts inside the domain are name servers of other domains: {hosts}",
    },
    Code.HANDLE_TAKEN: {
        "kk": "{handle} NIC нөмірі бос емес",
        "ru": "NIC-хэндл {handle} уже занят",
        "en": "NIC handle {handle} is taken",
    },
    Code.HANDLE_INVALID: {
        "kk": "NIC нөмірі дұрыс емес (ең көбі 10 латын әрпі, цифр немесе дефис): {value}",
        "ru": "неверный NIC-хэндл (до 10 латинских букв, цифр или дефисов): {value}",
        "en": "NIC handle is not valid (at most 10 Latin letters, digits or hyphens): {value}",
    },
    Code.REGISTRANT_NAME: {
        "kk": "тіркелуші заңды тұлғаның толық атауы болуы керек, «dba» немесе қысқартусыз: {value}",
        "ru": "администратор домена — полное наименование юрлица, без «dba» и сокращений: {value}",
        "en": "the registrant must be the legal entity's full name, no 'dba' or abbreviation: {value}",
    },
    Code.STATUS_PROHIBITS: {
        "kk": "домен күйі ({status}) бұл әрекетке рұқсат бермейді",
        "ru": "состояние домена ({status}) не позволяет это действие",
        "en": "the domain's status ({status}) does not allow this",
    },
    Code.STATUS_ALREADY_SET: {
        "kk": "{status} күйі бұрыннан орнатылған",
        "ru": "статус {status} уже установлен",
        "en": "status {status} is already set",
    },
    Code.STATUS_NOT_SET: {
        "kk": "{status} күйі орнатылмаған",
        "ru": "статус {status} не установлен",
        "en": "status {status} is not set",
    },
    Code.NOT_AUTHORIZED: {
        "kk": "бұл әрекетке құқығыңыз жоқ: {reason}",
        "ru": "нет прав на это действие: {reason}",
        "en": "not authorized: {reason}",
    },
    Code.SAME_VALUE: {
        "kk": "жаңа мән қазіргімен бірдей: {value}",
        "ru": "новое значение совпадает с текущим: {value}",
        "en": "the new value is the same as the current one: {value}",
    },
    Code.NOTHING_TO_CHANGE: {
        "kk": "өзгертетін ештеңе көрсетілмеген",
        "ru": "не указано, что менять",
        "en": "nothing to change was given",
    },
    Code.CONTACT_MATCHED: {
        "kk": "контакт бұрыннан бар ({handle}); жіберілген мәліметтер қолданылмады "
        "(өзгерту үшін Контакт үлгісін пайдаланыңыз)",
        "ru": "контакт уже существует ({handle}); присланные данные не применены (изменения — через шаблон Contact)",
        "en": "contact already exists ({handle}); the submitted details were not applied "
        "(changes go through the Contact template)",
    },
    Code.REFUSED: {
        "kk": "тізілім сұранысты қабылдамады: {reason}",
        "ru": "реестр отказал в запросе: {reason}",
        "en": "the registry refused the request: {reason}",
    },
    Code.NOT_SPONSOR: {
        "kk": "{kind} {key} басқа тіркеушінің қызмет көрсетуінде",
        "ru": "{kind} {key} обслуживается другим регистратором",
        "en": "{kind} {key} is sponsored by another registrar",
    },
    Code.FOR_OTHER_REGISTRAR: {
        "kk": "тіркеуші тек өз атынан әрекет етеді, {key} атынан емес",
        "ru": "регистратор действует только от своего имени, не от имени {key}",
        "en": "a registrar acts only in its own name, not for {key}",
    },
    Code.REGISTRAR_SUSPENDED: {
        "kk": "{key} тіркеушісінің қызметі тоқтатылған",
        "ru": "регистратор {key} приостановлен",
        "en": "registrar {key} is suspended",
    },
    Code.AUTH_CODE_INVALID: {
        "kk": "{kind} {key} авторизация коды көрсетілмеген немесе қате",
        "ru": "код авторизации для {kind} {key} не указан или неверен",
        "en": "the authorization code of {kind} {key} is missing or wrong",
    },
    Code.AUTH_CODE_FORMAT: {
        "kk": "авторизация коды {min}–{max} таңбадан тұрады, бос орынсыз",
        "ru": "код авторизации — от {min} до {max} символов без пробелов",
        "en": "an authorization code has {min} to {max} characters and no spaces",
    },
    Code.STAFF_ONLY: {
        "kk": "мұны тек тізілім қызметкерлері жасай алады",
        "ru": "это может делать только персонал реестра",
        "en": "only registry staff may do this",
    },
    Code.REGISTRAR_EXISTS: {
        "kk": "{key} тіркеушісі бұрыннан бар",
        "ru": "регистратор {key} уже существует",
        "en": "registrar {key} already exists",
    },
    Code.REGISTRAR_HANDLE_INVALID: {
        "kk": "тіркеуші белгісі дұрыс емес (3–32 латын әрпі, цифр немесе дефис, мысалы PS-KZ): {value}",
        "ru": "неверный идентификатор регистратора (3–32 латинские буквы, цифры или дефисы, например PS-KZ): {value}",
        "en": "registrar handle is not valid (3 to 32 Latin letters, digits or hyphens, e.g. PS-KZ): {value}",
    },
    Code.INVALID_URL: {
        "kk": "веб-адрес http:// немесе https:// басталатын толық адрес болуы керек: {value}",
        "ru": "веб-адрес должен быть полным адресом, начинающимся с http:// или https://: {value}",
        "en": "web address must be a full http:// or https:// address: {value}",
    },
    Code.NOT_ELIGIBLE_FOR_TRANSFER: {
        "kk": "{kind} {key} ауыстыруға жатпайды: оған сұраушы тіркеушінің өзі қызмет көрсетеді "
        "немесе ешбір тіркеуші қызмет көрсетпейді",
        "ru": "{kind} {key} не может быть передан: его уже обслуживает запрашивающий регистратор "
        "или не обслуживает никакой",
        "en": "{kind} {key} is not eligible for transfer: the requesting registrar already sponsors it, "
        "or no registrar does",
    },
    Code.PENDING_TRANSFER: {
        "kk": "{kind} {key} басқа тіркеушіге ауыстырылу үстінде",
        "ru": "{kind} {key} уже в процессе передачи другому регистратору",
        "en": "{kind} {key} is already pending transfer",
    },
    Code.NO_PENDING_TRANSFER: {
        "kk": "{kind} {key} ауыстырылу үстінде емес",
        "ru": "{kind} {key} не находится в процессе передачи",
        "en": "{kind} {key} has no pending transfer",
    },
    Code.TRANSFER_NOT_PARTY: {
        "kk": "ауыстыруды тек беретін тіркеуші мақұлдайды не қабылдамайды, тек алатын тіркеуші тоқтатады: {decision}",
        "ru": "одобрить или отклонить передачу может только отдающий регистратор, отменить — только "
        "получающий: {decision}",
        "en": "only the losing registrar approves or rejects a transfer, only the gaining one cancels it: {decision}",
    },
    Code.CONTACT_IN_USE: {
        "kk": "{key} контактісі {count} доменде көрсетілген",
        "ru": "контакт {key} указан в {count} доменах",
        "en": "contact {key} is named by {count} domains",
    },
    Code.NOT_RESTORABLE: {
        "kk": "{key} доменін қалпына келтіруге болмайды: тек тіркеуші жойған доменді өтеу кезеңінде "
        "({days} күн) қалпына келтіруге болады",
        "ru": "домен {key} нельзя восстановить: восстанавливается только удалённый регистратором домен "
        "в период выкупа ({days} дней)",
        "en": "{key} cannot be restored: only a domain its registrar deleted, within its redemption period "
        "({days} days)",
    },
    Code.NO_PENDING_RESTORE: {
        "kk": "{key} доменін қалпына келтіру сұралмаған: алдымен сұрау, содан кейін есеп ({days} күн ішінде)",
        "ru": "для домена {key} нет запроса на восстановление: сначала запрос, затем отчёт (в течение {days} дней)",
        "en": "no restore of {key} was requested: first the request, then the report (within {days} days)",
    },
}

# What a special-purpose address range is for (the `kind` of IP_NOT_PUBLIC; `kzreg.registry.addresses`).
ADDRESS_RANGES: dict[str, dict[str, str]] = {
    "unspecified": {"kk": "анықталмаған мекен-жай", "ru": "неопределённый адрес", "en": "the unspecified address"},
    "this_network": {"kk": "«осы желі»", "ru": "«эта сеть»", "en": "'this network'"},
    "private": {"kk": "жеке желілер", "ru": "частные сети", "en": "private networks"},
    "shared": {
        "kk": "провайдердің ортақ кеңістігі (CGNAT)",
        "ru": "общее пространство провайдеров (CGNAT)",
        "en": "shared address space (carrier-grade NAT)",
    },
    "loopback": {"kk": "кері тұзақ (loopback)", "ru": "петлевой интерфейс (loopback)", "en": "loopback"},
    "link_local": {"kk": "арна ішіндегі (link-local)", "ru": "локальные в канале (link-local)", "en": "link-local"},
    "protocol": {"kk": "IETF хаттамаларына арналған", "ru": "для протоколов IETF", "en": "IETF protocol assignments"},
    "documentation": {"kk": "құжаттамаға арналған", "ru": "для документации", "en": "documentation"},
    "relay_6to4": {
        "kk": "6to4 ретрансляциясы (қолданыстан шыққан)",
        "ru": "ретрансляция 6to4 (выведена из употребления)",
        "en": "6to4 relay anycast (retired)",
    },
    "benchmarking": {"kk": "өнімділікті сынауға арналған", "ru": "для тестов производительности", "en": "benchmarking"},
    "multicast": {"kk": "топтық тарату (multicast)", "ru": "групповая рассылка (multicast)", "en": "multicast"},
    "broadcast": {"kk": "кең таратылым (broadcast)", "ru": "широковещательный (broadcast)", "en": "broadcast"},
    "future": {"kk": "болашақта қолдануға", "ru": "для будущего использования", "en": "future use"},
    "mapped": {"kk": "IPv4-ке бейнеленген", "ru": "отображение IPv4", "en": "IPv4-mapped"},
    "translation": {"kk": "IPv4/IPv6 аудармасы", "ru": "трансляция IPv4/IPv6", "en": "IPv4/IPv6 translation"},
    "discard": {"kk": "тасталатын трафик", "ru": "отбрасываемый трафик", "en": "discard only"},
    "unique_local": {
        "kk": "бірегей жергілікті (жеке)",
        "ru": "уникальные локальные (частные)",
        "en": "unique local (private)",
    },
    "ietf_reserved": {
        "kk": "бөлінбеген (IETF резерві)",
        "ru": "не распределён (резерв IETF)",
        "en": "not allocated (reserved by the IETF)",
    },
}

# Kinds named in messages (the `kind` param: objects, address ranges), translated with the message.
KINDS: dict[str, dict[str, str]] = {
    "domain": {"kk": "домен", "ru": "домен", "en": "domain"},
    "contact": {"kk": "контакт", "ru": "контакт", "en": "contact"},
    "host": {"kk": "хост", "ru": "хост", "en": "host"},
    "registrar": {"kk": "тіркеуші", "ru": "регистратор", "en": "registrar"},
    "reseller": {"kk": "реселлер", "ru": "реселлер", "en": "reseller"},
    "message": {"kk": "хабарлама", "ru": "сообщение", "en": "message"},
    "transfer": {"kk": "ауыстыру", "ru": "передача", "en": "transfer"},
    **ADDRESS_RANGES,
}


MESSAGES: dict[ProblemCode, dict[str, str]] = {}


def register_codes(
    codes: type[ProblemCode],
    # Keyed by the app's own enum (a subclass: Mapping keys are invariant, hence Any); checked below.
    messages: Mapping[Any, Mapping[str, str]],
    epp: Mapping[Any, int] | None = None,
    http: Mapping[Any, int] | None = None,
    kinds: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """Adds an app's codes (and the object kinds its messages name); refuses a code without all three
    languages, or a value another app already uses (codes are compared by their string)."""
    known = {str(code): code for code in MESSAGES}
    missing = [str(c) for c in codes if c not in messages or set(messages[c]) != set(LANGUAGES)]
    missing += [kind for kind, texts in (kinds or {}).items() if set(texts) != set(LANGUAGES)]
    if missing:
        raise RuntimeError(f"messages missing for {missing}")
    taken = [str(c) for c in codes if str(c) in known and known[str(c)] is not c]
    if taken:
        raise RuntimeError(f"problem codes already declared by another app: {taken}")
    MESSAGES.update({code: dict(texts) for code, texts in messages.items()})
    _EPP.update({code: value for code, value in (epp or {}).items()})
    _HTTP.update({code: value for code, value in (http or {}).items()})
    KINDS.update({kind: dict(texts) for kind, texts in (kinds or {}).items()})


register_codes(Code, _CORE_MESSAGES)
