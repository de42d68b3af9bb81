"""Domain labels, name-server names and addresses that look like the real .kz and .қаз registries.

Labels are Latin under `.kz`, Cyrillic (Russian and Kazakh letters) under `.kz` and `.қаз`, always within
the zone's rules (R3): letters, digits and hyphen, one script per label, at most 25 characters with the
zone. `NameSource` never hands out a name twice, also across runs (it is told what is already taken).
"""

from __future__ import annotations

import random
from collections.abc import Iterable

LATIN_WORDS = [
    "almaty", "astana", "kaspi", "dala", "nur", "shanyrak", "tulpar", "altyn", "aksai", "kok", "zhol", "saule",
    "baiterek", "samruk", "turan", "orda", "aru", "bereke", "dostyk", "sapar", "tengri", "alatau", "zhetysu",
    "shop", "auto", "stroy", "med", "tour", "print", "group", "invest", "service", "pro", "online", "market",
    "tech", "trade", "hosting", "cloud", "logistic", "agro", "energy", "consult", "media", "studio", "dental",
    "clinic", "school", "academy", "travel", "food", "flowers", "mebel", "remont", "taxi", "fitness", "bank",
]  # fmt: skip
RUSSIAN_WORDS = [
    "стройка", "такси", "магазин", "цветы", "авто", "ремонт", "мебель", "окна", "двери", "аптека", "клиника",
    "школа", "туры", "доставка", "пицца", "суши", "юрист", "бухгалтер", "недвижимость", "ковры", "шины",
    "свадьба", "фото", "книги", "детство", "сервис", "строй", "торг", "сталь", "уголь", "нефть",
]  # fmt: skip
KAZAKH_WORDS = [
    "дала", "нұр", "алма", "тұлпар", "шаңырақ", "бақыт", "жол", "кітап", "үй", "ас", "сәулет", "құрылыс",
    "дәрігер", "мектеп", "саяхат", "әлем", "көктем", "жұлдыз", "ақжол", "бәйтерек", "атамекен", "мерей",
    "қала", "өнер", "сауда", "таза", "жарық", "ұлттық", "тіл", "білім",
]  # fmt: skip
HOSTING_PROVIDERS = [
    "ps.kz",
    "hoster.kz",
    "srv.kz",
    "ps.cloud",
    "kazteleport.kz",
    "nic.kz",
    "zhosting.kz",
    "pskz.cloud",
]
LATIN_ZONE, IDN_ZONE = "kz", "xn--80ao21a"
IDN_ZONE_UNICODE = "қаз"
MAX_NAME = 25  # the zones' default R3 limit, counted in U-label characters incl. the zone


def to_alabel(label: str) -> str:
    """The A-label of an already valid lowercase label (IDNA2008 needs no mapping for these letters)."""
    return label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")


class NameSource:
    """Fresh second-level names (A-label, U-label, zone) in a mix of scripts and zones."""

    def __init__(self, rnd: random.Random, taken: Iterable[str] = ()):
        self.rnd = rnd
        self.taken = set(taken)  # full A-label names already registered
        self.given: set[str] = set()  # the U-label names this source gave: a retry needs no Punycode
        self.serial = 0

    def _label(self, script: str) -> str:
        rnd = self.rnd
        words = {"latin": LATIN_WORDS, "ru": RUSSIAN_WORDS, "kk": KAZAKH_WORDS}[script]
        first = rnd.choice(words)
        shape = rnd.random()
        if shape < 0.25:
            return first
        second = rnd.choice(LATIN_WORDS if script == "latin" else RUSSIAN_WORDS + KAZAKH_WORDS)
        if shape < 0.6:
            return first + second
        if shape < 0.8:
            return f"{first}-{second}"
        if script == "latin" and rnd.random() < 0.5:
            return f"{first}-{rnd.choice(('kz', 'pro', 'online'))}"
        return f"{first}{rnd.randint(1, 99)}"

    def next(self) -> tuple[str, str, str]:
        """(A-label full name, U-label full name, zone A-label); numbered when the plain word is taken."""
        roll = self.rnd.random()
        if roll < 0.72:
            script, zone = "latin", LATIN_ZONE
        elif roll < 0.86:
            script, zone = self.rnd.choice(("ru", "kk")), LATIN_ZONE
        else:
            script, zone = self.rnd.choice(("ru", "kk", "kk")), IDN_ZONE
        uzone = IDN_ZONE_UNICODE if zone == IDN_ZONE else zone
        room = MAX_NAME - 1 - len(uzone)
        label = self._label(script)[:room].strip("-")
        candidate = label
        while True:
            unicode_name = f"{candidate}.{uzone}"
            if unicode_name not in self.given and candidate[2:4] != "--":
                name = f"{to_alabel(candidate)}.{zone}"
                if name not in self.taken:
                    self.taken.add(name)
                    self.given.add(unicode_name)
                    return name, unicode_name, zone
            self.serial += 1
            digits = str(self.serial)
            candidate = label[: room - len(digits)].rstrip("-") + digits


def ipv4(rnd: random.Random) -> str:
    """A public address in blocks Kazakh networks use (KazakhTelecom, PS Cloud, Transtelecom…)."""
    first = rnd.choice((2, 5, 37, 46, 77, 82, 85, 89, 91, 92, 95, 147, 176, 178, 185, 195, 212, 217))
    return f"{first}.{rnd.randint(1, 254)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}"


def ipv6(rnd: random.Random) -> str:
    return f"2a00:5da0:{rnd.randint(1, 0xFFFF):x}:{rnd.randint(0, 0xFFFF):x}::{rnd.randint(1, 0xFFFF):x}"


def host_addresses(rnd: random.Random, v6_share: float = 0.2) -> list[str]:
    addresses = [ipv4(rnd)]
    if rnd.random() < v6_share:
        addresses.append(ipv6(rnd))
    return addresses
