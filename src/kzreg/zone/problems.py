"""What the zone commands tell a user when something is wrong, in Kazakh, Russian and English."""

from __future__ import annotations

from kzreg.core.errors import KzregError

MESSAGES: dict[str, dict[str, str]] = {
    "zone_unknown": {
        "kk": "{zone}: мұндай аймақ жоқ (бар аймақтар: {known})",
        "ru": "{zone}: такой зоны нет (есть зоны: {known})",
        "en": "{zone}: no such zone (zones: {known})",
    },
    "checker_missing": {
        "kk": "named-checkzone табылмады: bind9-utils пакетін орнатыңыз",
        "ru": "named-checkzone не найден: установите пакет bind9-utils",
        "en": "named-checkzone not found: install the bind9-utils package",
    },
    "check_failed": {
        "kk": "{zone} аймағының файлы тексеруден өтпеді: {detail}",
        "ru": "файл зоны {zone} не прошёл проверку: {detail}",
        "en": "zone file of {zone} failed the check: {detail}",
    },
    "file_unreadable": {
        "kk": "{path}: файлды оқу мүмкін емес ({reason})",
        "ru": "{path}: файл не читается ({reason})",
        "en": "{path}: cannot read the file ({reason})",
    },
    "file_unwritable": {
        "kk": "{path}: файлды жазу мүмкін емес ({reason})",
        "ru": "{path}: файл не записывается ({reason})",
        "en": "{path}: cannot write the file ({reason})",
    },
    "invalid_host": {
        "kk": "{host}: атаулар серверінің атауы жарамсыз",
        "ru": "{host}: недопустимое имя сервера имён",
        "en": "{host}: not a valid name server host name",
    },
    "invalid_address": {
        "kk": "{address}: IP-мекенжай жарамсыз",
        "ru": "{address}: недопустимый IP-адрес",
        "en": "{address}: not a valid IP address",
    },
    "not_apex_inside": {
        "kk": "{host}: {zone} аймағының апекс серверлерінің ішінде жоқ немесе аймақтың ішінде емес",
        "ru": "{host}: не входит в апексные серверы зоны {zone} или лежит вне зоны",
        "en": "{host}: not one of the apex name servers of {zone} inside the zone",
    },
    "apex_without_address": {
        "kk": "{zone} аймағының ішіндегі апекс серверінің мекенжайы жоқ: {hosts} (kzreg zone apex-address)",
        "ru": "у апексного сервера внутри зоны {zone} нет адреса: {hosts} (kzreg zone apex-address)",
        "en": "apex name server inside {zone} has no address: {hosts} (set one with kzreg zone apex-address)",
    },
    "ds_rejected": {
        "kk": "{count} DS жазбасы аймаққа енгізілмеді (DNS қабылдамайды): {examples}",
        "ru": "{count} DS-записей не включено в зону (DNS их не примет): {examples}",
        "en": "{count} DS record(s) left out of the zone (DNS would reject them): {examples}",
    },
}


class ZoneProblem(KzregError):
    """A zone command refused or a zone could not be produced; renders in the user's language."""

    def __init__(self, key: str, **params: object):
        self.key, self.params = key, params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        texts = MESSAGES[self.key]
        return texts.get(lang, texts["en"]).format(**self.params)
