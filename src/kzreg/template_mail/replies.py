"""The words of every reply the gateway sends, in Kazakh, Russian and English (T3, T5, T10, T11).

Subjects always carry the tracking number in brackets, so that a reply to any of them is attached to
the same request (KZ-III).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kzreg.template_mail.problems import FormProblem

TEXTS: dict[str, dict[str, str]] = {
    "ack_subject": {"kk": "Хатыңыз қабылданды", "ru": "Ваше письмо получено", "en": "Your message was received"},
    "ack_body": {
        "kk": "Сіздің хатыңыз {tracking} нөмірімен тіркелді. Осы сұраныс туралы хаттардың Subject жолында "
        "осы нөмірді көрсетіңіз. Өңдеу нәтижесі бөлек хатпен жіберіледі.",
        "ru": "Ваше письмо зарегистрировано под номером {tracking}. Указывайте этот номер в строке Subject "
        "писем об этом запросе. Результат обработки придёт отдельным письмом.",
        "en": "Your message was registered as request {tracking}. Quote this number in the Subject of any "
        "mail about this request. The result will follow in a separate message.",
    },
    "attached_body": {
        "kk": "Сіздің хатыңыз {tracking} сұранысына қосылды.",
        "ru": "Ваше письмо добавлено к запросу {tracking}.",
        "en": "Your message was attached to request {tracking}.",
    },
    "state_completed": {"kk": "Орындалды", "ru": "Выполнено", "en": "Completed"},
    "state_rejected": {"kk": "Қабылданбады", "ru": "Отклонено", "en": "Rejected"},
    "state_partial": {"kk": "Ішінара орындалды", "ru": "Выполнено частично", "en": "Partly completed"},
    "state_awaiting": {"kk": "Растау күтілуде", "ru": "Ожидает подтверждения", "en": "Awaiting confirmation"},
    "state_held": {"kk": "Домен ұстауға қойылды", "ru": "Домен поставлен на удержание", "en": "Domain put on hold"},
    "state_received": {"kk": "Қабылданды", "ru": "Получено", "en": "Received"},
    "result_intro": {
        "kk": "{tracking} сұранысын өңдеу нәтижесі:",
        "ru": "Результат обработки запроса {tracking}:",
        "en": "The result of request {tracking}:",
    },
    "form_head": {"kk": "{n}-пішін ({what})", "ru": "Форма {n} ({what})", "en": "Form {n} ({what})"},
    "outcome_completed": {"kk": "орындалды.", "ru": "выполнено.", "en": "completed."},
    "outcome_rejected": {
        "kk": "қабылданбады; тізілімде ештеңе өзгерген жоқ. Түзетулер:",
        "ru": "отклонено; в реестре ничего не изменено. Исправьте:",
        "en": "rejected; nothing was changed in the registry. Please correct:",
    },
    "outcome_awaiting": {
        "kk": "сұраныс деректер базасындағы контактіге растауға жіберілді ({until} дейін).",
        "ru": "запрос отправлен на подтверждение контакту из базы данных (до {until}).",
        "en": "the request was sent to the contact on record for confirmation (until {until}).",
    },
    "outcome_held": {
        "kk": "атаулар сервисін ұсынатын ISP-ден келген Жою: домен «ұстауға» қойылды (WHOIS-та көрінеді, "
        "бірақ делегацияланбайды).",
        "ru": "удаление от провайдера, обслуживающего серверы имён: домен поставлен на удержание (виден "
        "в WHOIS, но не делегирован).",
        "en": "a Delete from the ISP that provides name service: the domain was put on hold (visible in "
        "WHOIS, not delegated).",
    },
    "warnings": {"kk": "Ескертулер:", "ru": "Предупреждения:", "en": "Warnings:"},
    "registered_until": {
        "kk": "{name} {until} дейін тіркелді.",
        "ru": "{name} зарегистрирован до {until}.",
        "en": "{name} is registered until {until}.",
    },
    "confirm_subject": {
        "kk": "Растау қажет: {what} — CONFIRM {token}",
        "ru": "Требуется подтверждение: {what} — CONFIRM {token}",
        "en": "Confirmation needed: {what} — CONFIRM {token}",
    },
    "confirm_body": {
        "kk": "{sender} мекен-жайынан «{what}» сұранысы келді ({tracking}). Сіз деректер базасындағы "
        "контакт болғандықтан, сұраныс тек сіздің растауыңызбен орындалады.\n\nРастау үшін осы хатқа "
        "Subject жолын өзгертпей жауап беріңіз (жолда CONFIRM {token} болуы керек). Мерзімі: {until}. "
        "Жауап болмаса, сұраныс орындалмайды.",
        "ru": "С адреса {sender} получен запрос «{what}» ({tracking}). Вы — контакт, указанный в базе "
        "данных, поэтому запрос будет выполнен только после вашего подтверждения.\n\nЧтобы подтвердить, "
        "ответьте на это письмо, не меняя строку Subject (в ней должно быть CONFIRM {token}). Срок: {until}. "
        "Без ответа запрос выполнен не будет.",
        "en": "A request '{what}' ({tracking}) came from {sender}. You are the contact on record, so it "
        "is carried out only if you confirm it.\n\nTo confirm, reply to this message keeping the Subject "
        "(it must contain CONFIRM {token}). Deadline: {until}. Without a reply nothing is changed.",
    },
    "confirmed": {
        "kk": "{what}: контакт растады ({by}).",
        "ru": "{what}: подтверждено контактом ({by}).",
        "en": "{what}: confirmed by the contact on record ({by}).",
    },
    "confirm_unknown": {
        "kk": "растау танылмады: токен дұрыс емес, мерзімі өткен немесе жіберуші деректер базасындағы контакт емес.",
        "ru": "подтверждение не принято: неверный или просроченный токен, или отправитель не контакт из базы.",
        "en": "the confirmation was not accepted: unknown or expired token, or the sender is not the contact "
        "on record.",
    },
    "expired_subject": {"kk": "Растау мерзімі өтті", "ru": "Срок подтверждения истёк", "en": "Confirmation expired"},
    "expired_body": {
        "kk": "«{what}» сұранысы расталмады, сондықтан орындалмады.",
        "ru": "Запрос «{what}» не был подтверждён и не выполнен.",
        "en": "The request '{what}' was not confirmed in time and was not carried out.",
    },
    "notice_subject": {"kk": "Хабарлама: {what}", "ru": "Уведомление: {what}", "en": "Notice: {what}"},
    "notice_body": {
        "kk": "{sender} мекен-жайынан келген {tracking} сұранысы бойынша: {what} — {result}.\n\n"
        "Сіз бұл хабарламаны {role} ретінде алып отырсыз.",
        "ru": "По запросу {tracking} от {sender}: {what} — {result}.\n\nВы получаете это уведомление как {role}.",
        "en": "By request {tracking} from {sender}: {what} — {result}.\n\nYou receive this notice as {role}.",
    },
    "result_done": {"kk": "орындалды", "ru": "выполнено", "en": "done"},
    "result_held": {
        "kk": "домен ұстауға қойылды",
        "ru": "домен поставлен на удержание",
        "en": "the domain was put on hold",
    },
    "result_refused": {
        "kk": "авторизацияланбағандықтан қабылданбады; мәселені сұраныс беруші мен тіркелуші шешуі керек",
        "ru": "отклонено как неавторизованное; вопрос решается между отправителем и администратором домена",
        "en": "refused as not authorized; the requester and the registrant must settle it between them",
    },
    "role_contact": {"kk": "домен контактісі", "ru": "контакт домена", "en": "a contact of the domain"},
    "role_old_contact": {
        "kk": "доменнің бұрынғы контактісі",
        "ru": "прежний контакт домена",
        "en": "a former contact of the domain",
    },
    "role_ns_tech": {
        "kk": "бірінші атаулар серверінің доменінің техникалық контактісі",
        "ru": "технический контакт домена первичного сервера имён",
        "en": "the technical contact of the primary name server's domain",
    },
    "footer": {
        "kk": "\n-- \nKazNIC тізілімі, {hostmaster}",
        "ru": "\n-- \nРеестр KazNIC, {hostmaster}",
        "en": "\n-- \nKazNIC registry, {hostmaster}",
    },
    "template_domain": {"kk": "Домен", "ru": "Домен", "en": "Domain"},
    "template_contact": {"kk": "Контакт", "ru": "Контакт", "en": "Contact"},
    "template_host": {"kk": "Хост", "ru": "Хост", "en": "Host"},
    "template_transfer": {"kk": "Тапсыру", "ru": "Передача", "en": "Transfer"},
    "action_N": {"kk": "Жаңа", "ru": "Новый", "en": "New"},
    "action_M": {"kk": "Өзгерту", "ru": "Изменение", "en": "Modify"},
    "action_D": {"kk": "Жою", "ru": "Удаление", "en": "Delete"},
    "action_T": {"kk": "Тапсыру", "ru": "Передача", "en": "Transfer"},
    "action_?": {"kk": "?", "ru": "?", "en": "?"},
    "message": {"kk": "Хат", "ru": "Письмо", "en": "Message"},
}


def text(key: str, lang: str, **params: object) -> str:
    entry = TEXTS[key]
    return (entry.get(lang) or entry["en"]).format(**params)


@dataclass
class Outcome:
    """What became of one form (or of a transfer pair, or of the message as a whole)."""

    template: str  # domain, contact, host, transfer, message
    action: str  # N, M, D, T or ?
    key: str  # domain name, handle or host name
    status: str  # completed, rejected, awaiting, held
    problems: list[FormProblem] = field(default_factory=list)
    warnings: list[FormProblem] = field(default_factory=list)
    detail: str = ""  # already in the request's language

    def what(self, lang: str) -> str:
        if self.template == "message":
            return text("message", lang)
        parts = [text(f"template_{self.template}", lang), text(f"action_{self.action}", lang), self.key]
        return " ".join(p for p in parts if p)


def render_outcomes(outcomes: list[Outcome], lang: str, tracking: str) -> str:
    lines = [text("result_intro", lang, tracking=tracking), ""]
    for n, outcome in enumerate(outcomes, start=1):
        head = text("form_head", lang, n=n, what=outcome.what(lang))
        lines.append(f"{head}: {text('outcome_' + outcome.status, lang, until=outcome.detail)}")
        if outcome.status != "awaiting" and outcome.detail:
            lines.append(f"  {outcome.detail}")
        lines.extend(f"  {p.render(lang)}" for p in outcome.problems)
        if outcome.warnings:
            lines.append(f"  {text('warnings', lang)}")
            lines.extend(f"  {w.render(lang)}" for w in outcome.warnings)
        lines.append("")
    return "\n".join(lines)


def overall_state(outcomes: list[Outcome]) -> str:
    states = {o.status for o in outcomes}
    if states == {"completed"}:
        return "completed"
    if states == {"rejected"} or not states:
        return "rejected"
    if "awaiting" in states and states <= {"awaiting", "rejected"}:
        return "awaiting"
    if states == {"held"}:
        return "held"
    return "partial"
