"""The words of the outbox staff page and CLI in Kazakh, Russian and English (the seed's terms first)."""

from __future__ import annotations

from django.utils import translation

from kzreg.core.messages import LANGUAGES

LABELS: dict[str, dict[str, str]] = {
    "title": {"kk": "Шығыс хаттар", "ru": "Исходящие письма", "en": "Outbox"},
    "id": {"kk": "№", "ru": "№", "en": "#"},
    "created_at": {"kk": "Кезекке қойылды", "ru": "Поставлено в очередь", "en": "Queued at"},
    "state": {"kk": "Күйі", "ru": "Состояние", "en": "State"},
    "attempts": {"kk": "Талпыныстар", "ru": "Попытки", "en": "Attempts"},
    "reference": {"kk": "Бақылау нөмірі", "ru": "Номер заявки", "en": "Reference"},
    "to": {"kk": "Кімге", "ru": "Кому", "en": "To"},
    "subject": {"kk": "Тақырыбы", "ru": "Тема", "en": "Subject"},
    "all": {"kk": "барлығы", "ru": "все", "en": "all"},
    "filter": {"kk": "Сүзу", "ru": "Показать", "en": "Filter"},
    "previous": {"kk": "← Алдыңғы", "ru": "← Назад", "en": "← Previous"},
    "next": {"kk": "Келесі →", "ru": "Далее →", "en": "Next →"},
    "page": {"kk": "Бет", "ru": "Страница", "en": "Page"},
    "of": {"kk": "/", "ru": "из", "en": "of"},
    "none": {"kk": "Хаттар жоқ", "ru": "Писем нет", "en": "No messages"},
    "sent_at": {"kk": "Жіберілді", "ru": "Отправлено", "en": "Sent at"},
    "next_attempt_at": {"kk": "Келесі талпыныс", "ru": "Следующая попытка", "en": "Next attempt"},
    "delivered_to": {"kk": "Қайда жеткізілді", "ru": "Куда доставлено", "en": "Delivered to"},
    "last_error": {"kk": "Соңғы қате", "ru": "Последняя ошибка", "en": "Last error"},
    "headers": {"kk": "Хат тақырыптамалары", "ru": "Заголовки", "en": "Headers"},
    "body": {"kk": "Хат мәтіні", "ru": "Текст письма", "en": "Body"},
    "raw": {"kk": "Бастапқы .eml файлы", "ru": "Исходный файл .eml", "en": "Raw .eml file"},
    "back": {"kk": "Тізімге оралу", "ru": "К списку", "en": "Back to the list"},
    "not_found": {"kk": "хат табылмады", "ru": "письмо не найдено", "en": "message not found"},
    "forbidden": {
        "kk": "Бұл бетті тек тізілім қызметкерлері көре алады.",
        "ru": "Эту страницу видят только сотрудники реестра.",
        "en": "Only registry staff may see this page.",
    },
    "queued": {"kk": "кезекте", "ru": "в очереди", "en": "queued"},
    "sending": {"kk": "жіберілуде", "ru": "отправляется", "en": "sending"},
    "sent": {"kk": "жіберілді", "ru": "отправлено", "en": "sent"},
    "failed": {"kk": "жіберілмеді", "ru": "не доставлено", "en": "failed"},
}


def current_language() -> str:
    """The request's language (LocaleMiddleware) reduced to kk/ru/en; English for anything else."""
    code = (translation.get_language() or "en")[:2]
    return code if code in LANGUAGES else "en"


def labels(lang: str) -> dict[str, str]:
    lang = lang if lang in LANGUAGES else "en"
    return {key: texts[lang] for key, texts in LABELS.items()}
