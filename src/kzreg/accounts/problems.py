"""The people app's problem codes (adding users, granting permissions, the second factor), in Kazakh,
Russian and English."""

from __future__ import annotations

from kzreg.core.messages import ProblemCode, register_codes


class AccountsCode(ProblemCode):
    USERNAME_TAKEN = "accounts_username_taken"
    USERNAME_INVALID = "accounts_username_invalid"
    PERMISSION_UNKNOWN = "accounts_permission_unknown"
    PERMISSION_EXCEEDS = "accounts_permission_exceeds"
    ROLE_UNKNOWN = "accounts_role_unknown"
    ADMINISTRATOR_ONLY = "accounts_administrator_only"
    NOT_YOURSELF = "accounts_not_yourself"
    WRONG_TENANT = "accounts_wrong_tenant"
    TOTP_WRONG = "accounts_totp_wrong"
    TOTP_REQUIRED = "accounts_totp_required"


MESSAGES: dict[ProblemCode, dict[str, str]] = {
    AccountsCode.USERNAME_TAKEN: {
        "kk": "{value} пайдаланушы аты бос емес",
        "ru": "имя пользователя {value} уже занято",
        "en": "the username {value} is taken",
    },
    AccountsCode.USERNAME_INVALID: {
        "kk": "пайдаланушы аты 3–150 таңба болуы керек: әріптер, цифрлар және . @ + - _: {value}",
        "ru": "имя пользователя — 3–150 символов: буквы, цифры и . @ + - _: {value}",
        "en": "a username is 3–150 characters: letters, digits and . @ + - _: {value}",
    },
    AccountsCode.PERMISSION_UNKNOWN: {
        "kk": "мұндай рұқсат жоқ: {value} (бар рұқсаттар: {choices})",
        "ru": "нет такого права: {value} (есть: {choices})",
        "en": "no such permission: {value} (there are: {choices})",
    },
    AccountsCode.PERMISSION_EXCEEDS: {
        "kk": "«{value}» рұқсатын бере алмайсыз: оның өзі сізде жоқ",
        "ru": "нельзя выдать право «{value}»: у вас самих его нет",
        "en": "you cannot grant “{value}”: you do not have it yourself",
    },
    AccountsCode.ROLE_UNKNOWN: {
        "kk": "мұндай рөл жоқ: {value} (бар рөлдер: {choices})",
        "ru": "нет такой роли: {value} (есть: {choices})",
        "en": "no such role: {value} (there are: {choices})",
    },
    AccountsCode.ADMINISTRATOR_ONLY: {
        "kk": "әкімшінің құқықтарын тек әкімші өзгерте алады",
        "ru": "права администратора может менять только администратор",
        "en": "only an administrator may change an administrator",
    },
    AccountsCode.NOT_YOURSELF: {
        "kk": "өз тіркелгіңізді өшіре алмайсыз",
        "ru": "нельзя отключить собственную учётную запись",
        "en": "you cannot deactivate your own account",
    },
    AccountsCode.WRONG_TENANT: {
        "kk": "пайдаланушыны тек өз ұйымыңызға қоса аласыз",
        "ru": "пользователя можно добавить только в свою организацию",
        "en": "you may add users to your own organisation only",
    },
    AccountsCode.TOTP_WRONG: {
        "kk": "код қате немесе ескірген: қосымшадағы жаңа кодты енгізіңіз",
        "ru": "код неверен или устарел: введите новый код из приложения",
        "en": "the code is wrong or expired: enter a fresh one from your app",
    },
    AccountsCode.TOTP_REQUIRED: {
        "kk": "қызметкерлер үшін екі факторлы аутентификация міндетті: оны өшіруге болмайды",
        "ru": "для сотрудников двухфакторная аутентификация обязательна: её нельзя отключить",
        "en": "two-factor authentication is required for staff: it cannot be turned off",
    },
}

HTTP: dict[ProblemCode, int] = {
    AccountsCode.USERNAME_TAKEN: 409,
    AccountsCode.PERMISSION_EXCEEDS: 403,
    AccountsCode.ADMINISTRATOR_ONLY: 403,
    AccountsCode.WRONG_TENANT: 403,
    AccountsCode.TOTP_REQUIRED: 409,
}

register_codes(AccountsCode, MESSAGES, http=HTTP)
