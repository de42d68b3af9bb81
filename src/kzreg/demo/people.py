"""Realistic people, organisations, addresses and phones of Kazakhstan, in Kazakh, Russian and Latin script.

Every generator takes a `random.Random`, so demo data and bulk loads are the same for the same seed. The
values pass the registry's own rules (R6, R8, R10): names "Surname, Name Patronymic", +7 phones, ASCII
e-mail addresses, real cities with their regions and postal codes.
"""

from __future__ import annotations

import random

from kzreg.registry.commands import ContactData

# (city, region, postal code) in Kazakh, Russian and Latin script: real cities, real regions.
CITIES_KK = [
    ("Алматы", "Алматы қаласы", "050000"), ("Астана", "Астана қаласы", "010000"),
    ("Шымкент", "Шымкент қаласы", "160000"), ("Қарағанды", "Қарағанды облысы", "100000"),
    ("Ақтөбе", "Ақтөбе облысы", "030000"), ("Тараз", "Жамбыл облысы", "080000"),
    ("Павлодар", "Павлодар облысы", "140000"), ("Өскемен", "Шығыс Қазақстан облысы", "070000"),
    ("Семей", "Абай облысы", "071400"), ("Атырау", "Атырау облысы", "060000"),
    ("Қостанай", "Қостанай облысы", "110000"), ("Қызылорда", "Қызылорда облысы", "120000"),
    ("Орал", "Батыс Қазақстан облысы", "090000"), ("Ақтау", "Маңғыстау облысы", "130000"),
    ("Түркістан", "Түркістан облысы", "161200"), ("Талдықорған", "Жетісу облысы", "040000"),
]  # fmt: skip
CITIES_RU = [
    ("Алматы", "г. Алматы", "050000"), ("Астана", "г. Астана", "010000"), ("Шымкент", "г. Шымкент", "160000"),
    ("Караганда", "Карагандинская область", "100000"), ("Актобе", "Актюбинская область", "030000"),
    ("Павлодар", "Павлодарская область", "140000"), ("Усть-Каменогорск", "Восточно-Казахстанская область", "070000"),
    ("Костанай", "Костанайская область", "110000"), ("Петропавловск", "Северо-Казахстанская область", "150000"),
    ("Атырау", "Атырауская область", "060000"), ("Уральск", "Западно-Казахстанская область", "090000"),
    ("Кокшетау", "Акмолинская область", "020000"), ("Экибастуз", "Павлодарская область", "141200"),
]  # fmt: skip
CITIES_LATIN = [
    ("Almaty", "Almaty", "050000"), ("Astana", "Astana", "010000"), ("Shymkent", "Shymkent", "160000"),
    ("Karaganda", "Karaganda Region", "100000"), ("Aktobe", "Aktobe Region", "030000"),
    ("Atyrau", "Atyrau Region", "060000"), ("Aktau", "Mangystau Region", "130000"),
    ("Pavlodar", "Pavlodar Region", "140000"),
]  # fmt: skip
STREETS_KK = [
    "Абай даңғылы", "Достық даңғылы", "Төле би көшесі", "Сәтпаев көшесі", "Қабанбай батыр даңғылы",
    "Желтоқсан көшесі", "Әл-Фараби даңғылы", "Республика даңғылы", "Бөгенбай батыр көшесі", "Тәуелсіздік даңғылы",
    "Мұқанов көшесі", "Жібек жолы даңғылы", "Сейфуллин көшесі", "Қонаев көшесі",
]  # fmt: skip
STREETS_RU = [
    "пр. Абая", "пр. Достык", "ул. Толе би", "ул. Сатпаева", "ул. Жандосова", "ул. Розыбакиева",
    "пр. Аль-Фараби", "ул. Байтурсынова", "пр. Республики", "ул. Ауэзова", "ул. Гоголя", "мкр. Самал-2",
]  # fmt: skip
STREETS_LATIN = [
    "Abay Ave", "Dostyk Ave", "Al-Farabi Ave", "Satpayev St", "Kabanbay Batyr Ave", "Tole Bi St",
    "Mangilik El Ave", "Zhibek Zholy Ave",
]  # fmt: skip

MALE_KK = ["Әлихан", "Нұрсұлтан", "Ерлан", "Дәурен", "Бауыржан", "Асқар", "Ержан", "Нұрлан", "Талғат", "Серік", "Арман", "Мұрат"]  # fmt: skip
FEMALE_KK = ["Айгерім", "Жансая", "Гүлнар", "Әйгерім", "Дана", "Меруерт", "Салтанат", "Ақбота", "Аружан", "Динара", "Жұлдыз"]  # fmt: skip
SURNAMES_KK = ["Серікбаев", "Нұрланов", "Әбдірахманов", "Жұмабаев", "Тоқаев", "Сейітқалиев", "Қасымов", "Омаров", "Бекмұханбетов", "Ахметов", "Сәрсенбаев", "Құнанбаев", "Есенов"]  # fmt: skip
MALE_RU = ["Сергей", "Андрей", "Дмитрий", "Алексей", "Игорь", "Владимир", "Николай", "Павел", "Олег", "Виктор"]
FEMALE_RU = ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Марина", "Юлия"]
SURNAMES_RU = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Ким", "Пак"]  # fmt: skip
GIVEN_LATIN = ["Alikhan", "Nursultan", "Aigerim", "Zhansaya", "Daniyar", "Madina", "Timur", "Aliya", "Yerlan", "Dana", "John", "Anna"]  # fmt: skip
SURNAMES_LATIN = ["Serikbayev", "Nurlanov", "Abdrakhmanov", "Zhumabayev", "Kassymov", "Omarov", "Akhmetov", "Smith", "Ivanov", "Kim"]  # fmt: skip

ORG_STEMS_KK = ["Қазақтелеком", "Алтын Дала", "Көктем", "Шаңырақ", "Тұлпар", "Самұрық", "Бәйтерек", "Нұр Құрылыс", "Ақ Жол", "Дала Сауда", "Жұлдыз Медиа", "Атамекен"]  # fmt: skip
ORG_STEMS_RU = ["Альфа Хостинг", "Сибирь Трейд", "Восток Строй", "Стройинвест", "Медиа Плюс", "Транзит Логистик", "Гарант Сервис", "Евразия Консалт", "Цифровые Решения", "Северный Ветер", "Технопарк"]  # fmt: skip
ORG_STEMS_LATIN = ["Kaspi Solutions", "Steppe Digital", "Nomad Cloud", "Silk Road Trading", "Caspian Energy Services", "Tengri Software", "Astana Hub Ventures", "Alatau Media", "Orda Systems", "Zhetysu Agro"]  # fmt: skip
ORG_FORMS_KK = ["«{}» ЖШС", "«{}» АҚ"]
ORG_FORMS_RU = ["ТОО «{}»", "АО «{}»", "ИП «{}»"]
ORG_FORMS_LATIN = ["{} LLP", "{} JSC", "{} Ltd"]

MOBILE_CODES = ["701", "702", "705", "707", "747", "771", "775", "777", "778"]
CITY_CODES = {"Алматы": "727", "Almaty": "727", "Астана": "7172", "Astana": "7172", "Шымкент": "7252"}
MAIL_DOMAINS = ["mail.kz", "inbox.kz", "gmail.com", "mail.ru", "yandex.kz", "bk.ru"]
_TRANSLIT = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n", "ң": "n",
    "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f",
    "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}  # fmt: skip
SCRIPTS = ("kk", "ru", "en")


def translit(text: str) -> str:
    """ASCII letters only, for e-mail local parts built from Cyrillic names."""
    out = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    return "".join(ch for ch in out if ch.isascii() and (ch.isalnum() or ch in ".-"))


def pick_script(rnd: random.Random) -> str:
    """Kazakh, Russian or Latin, roughly as names appear in the .kz registry."""
    return rnd.choices(SCRIPTS, weights=(40, 35, 25))[0]


def full_name(rnd: random.Random, script: str) -> tuple[str, str, str]:
    """(`Surname, Name Patronymic`, given name, surname), in the seed's R6 order."""
    female = rnd.random() < 0.45
    if script == "kk":
        given = rnd.choice(FEMALE_KK if female else MALE_KK)
        surname = rnd.choice(SURNAMES_KK) + ("а" if female else "")
        father = rnd.choice(MALE_KK)
        return f"{surname}, {given} {father}{'қызы' if female else 'ұлы'}", given, surname
    if script == "ru":
        given = rnd.choice(FEMALE_RU if female else MALE_RU)
        surname = rnd.choice(SURNAMES_RU)
        if female and surname[-1] in "вн":
            surname += "а"
        father = rnd.choice(MALE_RU)
        patronymic = father + ("овна" if female else "ович") if father[-1] not in "йь" else father[:-1] + ("евна" if female else "евич")  # fmt: skip
        return f"{surname}, {given} {patronymic}", given, surname
    given, surname = rnd.choice(GIVEN_LATIN), rnd.choice(SURNAMES_LATIN)
    return f"{surname}, {given}", given, surname


def organisation(rnd: random.Random, script: str) -> str:
    """A legal name with its legal form (R10: the registrant's own full name, never a bare acronym)."""
    if script == "kk":
        return rnd.choice(ORG_FORMS_KK).format(rnd.choice(ORG_STEMS_KK))
    if script == "ru":
        return rnd.choice(ORG_FORMS_RU).format(rnd.choice(ORG_STEMS_RU))
    return rnd.choice(ORG_FORMS_LATIN).format(rnd.choice(ORG_STEMS_LATIN))


def address(rnd: random.Random, script: str) -> tuple[str, str, str, str]:
    """(street address, city, region, postal code)."""
    cities, streets = {
        "kk": (CITIES_KK, STREETS_KK),
        "ru": (CITIES_RU, STREETS_RU),
        "en": (CITIES_LATIN, STREETS_LATIN),
    }[script]
    city, region, postal = rnd.choice(cities)
    street = rnd.choice(streets)
    number = rnd.randint(1, 250)
    line = f"{street}, {number}" if script != "en" else f"{number} {street}"
    if rnd.random() < 0.3:
        line += {"kk": f", {rnd.randint(1, 300)} пәтер", "ru": f", кв. {rnd.randint(1, 300)}"}.get(
            script, f", office {rnd.randint(1, 900)}"
        )
    return line, city, region, postal


def phone(rnd: random.Random, city: str = "") -> str:
    """+7 numbers: a city line (727 Almaty, 7172 Astana…) or a mobile operator's code."""
    code = CITY_CODES.get(city) if rnd.random() < 0.4 else None
    code = code or rnd.choice(MOBILE_CODES)
    digits = f"{rnd.randrange(10**7):07d}"[: 10 - len(code)]
    return f"+7 {code} {digits[:-4]} {digits[-4:-2]} {digits[-2:]}"


def email(rnd: random.Random, given: str, surname: str, serial: int, domain: str = "") -> str:
    """`a.serikbayev17@mail.kz`; `serial` keeps bulk-generated contacts distinct (R7 matching)."""
    local = f"{translit(given)[:1]}.{translit(surname)}{serial or ''}"
    return f"{local}@{domain or rnd.choice(MAIL_DOMAINS)}"


def individual(rnd: random.Random, serial: int = 0, script: str | None = None) -> ContactData:
    script = script or pick_script(rnd)
    name, given, surname = full_name(rnd, script)
    line, city, region, postal = address(rnd, script)
    return ContactData(
        kind="I", name=name, organisation="", address=line, city=city, region=region, postal_code=postal,
        country_code="KZ", phones=(phone(rnd, city),), faxes=(), emails=(email(rnd, given, surname, serial),),
        language=script, disclose=rnd.random() < 0.2,
    )  # fmt: skip


def role(rnd: random.Random, serial: int = 0, script: str | None = None, org: str | None = None) -> ContactData:
    """An organisation's contact (kind R): the organisation's name and a responsible person."""
    script = script or pick_script(rnd)
    name, given, surname = full_name(rnd, script)
    org = org or organisation(rnd, script)
    line, city, region, postal = address(rnd, script)
    main = phone(rnd, city)
    phones = (main, phone(rnd, city)) if rnd.random() < 0.3 else (main,)
    faxes = (phone(rnd, city),) if rnd.random() < 0.15 else ()
    company = translit(org.split("«")[-1].split("»")[0].split(" ")[0]) or "company"
    return ContactData(
        kind="R", name=name, organisation=org, address=line, city=city, region=region, postal_code=postal,
        country_code="KZ", phones=phones, faxes=faxes,
        emails=(email(rnd, given, surname, serial, f"{company[:20]}.kz"),),
        language=script, disclose=True,
    )  # fmt: skip
