"""Problems the mail gateway finds itself (form layout, MIME), in kk/ru/en.

Registry problems keep their own code and message (`kzreg.core.messages`; the reasons of an authorization
refusal are the registry's, `registry.authority.codes`); `FormProblem` wraps both so
a reply lists every problem the same way: `field: message` in the language of the form (T5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kzreg.core.errors import Problem

MESSAGES: dict[str, dict[str, str]] = {
    "version_missing": {
        "kk": "пішіннің нұсқа жолы жоқ («{expected}» болуы керек); пішінді өзгертпеңіз (V нұсқау)",
        "ru": "нет строки версии шаблона (должно быть «{expected}»); не изменяйте шаблон (указание V)",
        "en": "the version line is missing (it must read '{expected}'); do not alter the form (instruction V)",
    },
    "version_altered": {
        "kk": "пішіннің нұсқа жолы өзгертілген: «{value}» («{expected}» болуы керек)",
        "ru": "строка версии шаблона изменена: «{value}» (должно быть «{expected}»)",
        "en": "the version line was altered: '{value}' (it must read '{expected}')",
    },
    "unknown_field": {
        "kk": "{line}-жол: бұл пішінде мұндай тармақ жоқ: {value}",
        "ru": "строка {line}: в этом шаблоне нет такого пункта: {value}",
        "en": "line {line}: this form has no such field: {value}",
    },
    "label_unknown": {
        "kk": "{line}-жол: тармақ атауы танылмады: «{value}»",
        "ru": "строка {line}: название пункта не распознано: «{value}»",
        "en": "line {line}: the field label is not recognised: '{value}'",
    },
    "no_colon": {
        "kk": "{line}-жол: тармақтың атауынан кейін «:» жоқ",
        "ru": "строка {line}: после названия пункта нет «:»",
        "en": "line {line}: there is no ':' after the field label",
    },
    "duplicate": {
        "kk": "тармақ екі рет берілген ({first}- және {line}-жолдар)",
        "ru": "пункт указан дважды (строки {first} и {line})",
        "en": "the field is given twice (lines {first} and {line})",
    },
    "out_of_order": {
        "kk": "{line}-жол: тармақ орнында емес ({after} тармағынан кейін тұр); пішіннің ретін сақтаңыз",
        "ru": "строка {line}: пункт не на своём месте (стоит после {after}); сохраняйте порядок шаблона",
        "en": "line {line}: the field is out of order (it comes after {after}); keep the form's order",
    },
    "too_long": {
        "kk": "тым ұзын (ең көбі {limit} таңба)",
        "ru": "слишком длинно (не более {limit} символов)",
        "en": "is too long (at most {limit} characters)",
    },
    "bad_action": {
        "kk": "әрекет түсініксіз: «{value}» (N/New, M/Modify немесе D/Delete)",
        "ru": "непонятное действие: «{value}» (N/New, M/Modify или D/Delete)",
        "en": "unknown action: '{value}' (N/New, M/Modify or D/Delete)",
    },
    "bad_scheme": {
        "kk": "авторизация тәсілі түсініксіз: «{value}» (бос, M/Mail-From, C/Crypt-PW, P/PGP)",
        "ru": "непонятная схема авторизации: «{value}» (пусто, M/Mail-From, C/Crypt-PW, P/PGP)",
        "en": "unknown security scheme: '{value}' (empty, M/Mail-From, C/Crypt-PW, P/PGP)",
    },
    "not_number": {
        "kk": "сан болуы керек: «{value}»",
        "ru": "должно быть числом: «{value}»",
        "en": "must be a number: '{value}'",
    },
    "must_be_empty": {
        "kk": "Жою пішінінде 3–9 бөлімдер бос болуы керек",
        "ru": "в форме удаления разделы 3–9 должны быть пустыми",
        "en": "sections 3–9 must be empty in a Delete form",
    },
    "location_whole": {
        "kk": "орналасқан жерді өзгерту үшін 9a, 9b және 9c үшеуі де толтырылуы керек",
        "ru": "чтобы изменить место размещения, заполните все три строки 9a, 9b и 9c",
        "en": "to change the location fill in all three lines 9a, 9b and 9c",
    },
    "no_form": {
        "kk": "хатта тіркеу пішіні табылмады (пішін «Domain Version Number: 3.2» жолынан басталады)",
        "ru": "в письме не найдена регистрационная форма (форма начинается строкой «Domain Version Number: 3.2»)",
        "en": "no registration form was found in the message (a form begins with 'Domain Version Number: 3.2')",
    },
    "too_many_forms": {
        "kk": "бір хатта тым көп пішін ({count}); ең көбі {limit}",
        "ru": "слишком много форм в одном письме ({count}); не более {limit}",
        "en": "too many forms in one message ({count}); at most {limit}",
    },
    "undecodable": {
        "kk": "хаттың мәтінін оқу мүмкін болмады ({detail}); UTF-8, Windows-1251 немесе KOI8-R қолданыңыз",
        "ru": "не удалось прочитать текст письма ({detail}); используйте UTF-8, Windows-1251 или KOI8-R",
        "en": "the text of the message could not be read ({detail}); use UTF-8, Windows-1251 or KOI8-R",
    },
    "not_authorized": {
        "kk": "сұраныс авторизацияланбады: {reason}",
        "ru": "запрос не авторизован: {reason}",
        "en": "the request is not authorized: {reason}",
    },
    "transfer_forms": {
        "kk": "тапсыру үшін бір хатта {name} үшін Жою пішіні және Жаңа пішін керек",
        "ru": "для передачи нужны в одном письме форма удаления и новая форма для {name}",
        "en": "a transfer needs a Delete form and a New form for {name} in one message",
    },
    "no_such_request": {
        "kk": "{tracking} нөмірлі сұраныс табылмады",
        "ru": "запрос {tracking} не найден",
        "en": "request {tracking} was not found",
    },
}


@dataclass(frozen=True)
class FormProblem:
    """One problem with a form or message; `field` is a form field (`3l`) or empty for the whole form."""

    field: str
    key: str = ""
    params: Mapping[str, object] = field(default_factory=dict)
    problem: Problem | None = None  # a registry problem, already mapped to `field`

    def message(self, lang: str) -> str:
        if self.problem is not None:
            return self.problem.message(lang)
        texts = MESSAGES[self.key]
        params = {k: _in_language(v, lang) for k, v in self.params.items()}
        return (texts.get(lang) or texts["en"]).format(**params)

    def render(self, lang: str) -> str:
        return f"{self.field}: {self.message(lang)}" if self.field else self.message(lang)


def _in_language(value: object, lang: str) -> object:
    """A parameter that is itself a problem (or a tuple of them, e.g. the reasons of `not_authorized`)
    is told in the same language, joined by '; '."""
    if isinstance(value, FormProblem):
        return value.message(lang)
    if isinstance(value, tuple) and value and all(isinstance(v, FormProblem) for v in value):
        return "; ".join(v.message(lang) for v in value)
    return value
