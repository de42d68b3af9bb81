"""What the `/account/` pages say, in Kazakh, Russian and English (`{% pt "key" %}` in templates)."""

from __future__ import annotations

from kzreg.accounts.texts import language
from kzreg.core.messages import LANGUAGES

TEXTS: dict[str, dict[str, str]] = {
    "login.title": {"kk": "Кіру", "ru": "Вход", "en": "Sign in"},
    "login.username": {"kk": "Пайдаланушы аты", "ru": "Имя пользователя", "en": "Username"},
    "login.password": {"kk": "Құпиясөз", "ru": "Пароль", "en": "Password"},
    "login.submit": {"kk": "Кіру", "ru": "Войти", "en": "Sign in"},
    "login.forgot": {"kk": "Құпиясөзді ұмыттыңыз ба?", "ru": "Забыли пароль?", "en": "Forgot your password?"},
    "logout.submit": {"kk": "Шығу", "ru": "Выйти", "en": "Sign out"},
    "home.title": {"kk": "Менің тіркелгім", "ru": "Моя учётная запись", "en": "My account"},
    "home.organisation": {"kk": "Ұйым", "ru": "Организация", "en": "Organisation"},
    "home.permissions": {"kk": "Рұқсаттар", "ru": "Права", "en": "Permissions"},
    "home.roles": {"kk": "Рөлдер", "ru": "Роли", "en": "Roles"},
    "home.none": {"kk": "жоқ", "ru": "нет", "en": "none"},
    "home.customers": {"kk": "Мен болып табылатын клиенттер", "ru": "Я — клиент", "en": "The customers I am"},
    "org.registry": {"kk": "тізілім операторы", "ru": "оператор реестра", "en": "registry operator"},
    "org.registrar": {"kk": "тіркеуші {name}", "ru": "регистратор {name}", "en": "registrar {name}"},
    "org.reseller": {"kk": "реселлер {name}", "ru": "реселлер {name}", "en": "reseller {name}"},
    "org.registrant": {
        "kk": "тіркеуші (домен иесі)",
        "ru": "регистрант (владелец доменов)",
        "en": "registrant (domain holder)",
    },
    "org.administrator": {"kk": "әкімші", "ru": "администратор", "en": "administrator"},
    "password.title": {"kk": "Құпиясөзді өзгерту", "ru": "Смена пароля", "en": "Change password"},
    "password.old": {"kk": "Қазіргі құпиясөз", "ru": "Текущий пароль", "en": "Current password"},
    "password.new1": {"kk": "Жаңа құпиясөз", "ru": "Новый пароль", "en": "New password"},
    "password.new2": {"kk": "Жаңа құпиясөз (қайта)", "ru": "Новый пароль (ещё раз)", "en": "New password (again)"},
    "password.submit": {"kk": "Сақтау", "ru": "Сохранить", "en": "Save"},
    "password.changed": {"kk": "Құпиясөз өзгертілді.", "ru": "Пароль изменён.", "en": "Your password was changed."},
    "reset.title": {"kk": "Құпиясөзді қалпына келтіру", "ru": "Восстановление пароля", "en": "Reset your password"},
    "reset.login": {
        "kk": "Пайдаланушы аты немесе e-mail",
        "ru": "Имя пользователя или e-mail",
        "en": "Username or e-mail",
    },
    "reset.submit": {"kk": "Сілтеме жіберу", "ru": "Отправить ссылку", "en": "Send the link"},
    "reset.sent": {
        "kk": "Егер мұндай тіркелгі болса, оның мекенжайына құпиясөзді орнату сілтемесі жіберілді.",
        "ru": "Если такая учётная запись есть, на её адрес отправлена ссылка для смены пароля.",
        "en": "If there is such an account, a link to set its password was sent to its address.",
    },
    "reset.bad_link": {
        "kk": "Сілтеме жарамсыз: ол пайдаланылған немесе мерзімі өткен. Жаңасын сұраңыз.",
        "ru": "Ссылка недействительна: ею уже воспользовались или её срок истёк. Запросите новую.",
        "en": "This link no longer works: it was used or it expired. Ask for a new one.",
    },
    "reset.done": {
        "kk": "Құпиясөз орнатылды, енді кіре аласыз.",
        "ru": "Пароль задан, теперь можно войти.",
        "en": "Your password is set; you can sign in now.",
    },
    "tfa.title": {
        "kk": "Екі факторлы аутентификация",
        "ru": "Двухфакторная аутентификация",
        "en": "Two-factor authentication",
    },
    "tfa.on": {
        "kk": "Қосулы: кірген сайын қосымшадағы код сұралады.",
        "ru": "Включена: при входе запрашивается код из приложения.",
        "en": "On: every sign-in asks for the code from your app.",
    },
    "tfa.off": {"kk": "Өшірулі.", "ru": "Выключена.", "en": "Off."},
    "tfa.required": {
        "kk": "Қызметкерлер үшін міндетті: жалғастыру үшін аутентификатор қосымшасын қосыңыз.",
        "ru": "Для сотрудников обязательна: чтобы продолжить, подключите приложение-аутентификатор.",
        "en": "Required for staff: connect an authenticator app to continue.",
    },
    "tfa.scan": {
        "kk": "QR-кодты аутентификатор қосымшасымен сканерлеңіз (немесе кілтті қолмен енгізіңіз), содан кейін "
        "қосымша көрсеткен кодты жазыңыз.",
        "ru": "Отсканируйте QR-код приложением-аутентификатором (или введите ключ вручную), затем введите "
        "код, который покажет приложение.",
        "en": "Scan the QR code with an authenticator app (or type the key in), then enter the code it shows.",
    },
    "tfa.key": {"kk": "Кілт", "ru": "Ключ", "en": "Key"},
    "tfa.code": {"kk": "Бір реттік код", "ru": "Одноразовый код", "en": "One-time code"},
    "tfa.enrol": {"kk": "Қосу", "ru": "Подключить", "en": "Turn on"},
    "tfa.remove": {"kk": "Өшіру", "ru": "Отключить", "en": "Turn off"},
    "tfa.enrolled": {
        "kk": "Екі факторлы аутентификация қосылды.",
        "ru": "Двухфакторная аутентификация включена.",
        "en": "Two-factor authentication is on.",
    },
    "tfa.removed": {
        "kk": "Екі факторлы аутентификация өшірілді.",
        "ru": "Двухфакторная аутентификация выключена.",
        "en": "Two-factor authentication is off.",
    },
    "sessions.title": {"kk": "Сеанстар", "ru": "Сеансы", "en": "Sessions"},
    "sessions.started": {"kk": "Басталды", "ru": "Начат", "en": "Started"},
    "sessions.address": {"kk": "Мекенжай", "ru": "Адрес", "en": "Address"},
    "sessions.agent": {"kk": "Браузер", "ru": "Браузер", "en": "Browser"},
    "sessions.this": {"kk": "осы сеанс", "ru": "этот сеанс", "en": "this session"},
    "sessions.end": {"kk": "Аяқтау", "ru": "Завершить", "en": "End"},
    "sessions.ended": {"kk": "Сеанс аяқталды.", "ru": "Сеанс завершён.", "en": "The session was ended."},
    "sessions.none": {"kk": "Ашық сеанстар жоқ.", "ru": "Открытых сеансов нет.", "en": "No open sessions."},
}


def ptext(key: str, lang: str | None = None, /, **params: object) -> str:
    words = TEXTS[key][lang if lang in LANGUAGES else language()]
    return words.format(**params) if params else words
