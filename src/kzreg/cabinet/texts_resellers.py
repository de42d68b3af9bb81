"""The words of the registrar staff's reseller forms (create, contract, status, price group, history):
(kk, ru, en)."""

from __future__ import annotations

RESELLERS: dict[str, tuple[str, str, str]] = {
    "resellers.new": ("Жаңа реселлер", "Новый реселлер", "New reseller"),
    "resellers.create": ("Реселлерді құру", "Создать реселлера", "Create the reseller"),
    "resellers.edit": ("Шартты өзгерту", "Изменить договор", "Edit the contract"),
    "resellers.save": ("Сақтау", "Сохранить", "Save"),
    "resellers.cancel": ("Болдырмау", "Отмена", "Cancel"),
    "resellers.handle": ("Белгі", "Идентификатор", "Handle"),
    "resellers.handle_hint": (
        "Латын әріптері, цифрлар, сызықша; кейін өзгертілмейді.",
        "Латинские буквы, цифры, дефис; потом не меняется.",
        "Latin letters, digits, hyphens; it cannot change later.",
    ),
    "resellers.name": ("Сауда атауы", "Торговое название", "Trading name"),
    "resellers.legal_name": ("Заңды атауы", "Юридическое название", "Legal name"),
    "resellers.bin": ("БСН", "БИН", "BIN"),
    "resellers.bin_hint": ("12 цифр.", "12 цифр.", "12 digits."),
    "resellers.email": ("Email", "Email", "Email"),
    "resellers.phone": ("Телефон", "Телефон", "Phone"),
    "resellers.website": ("Сайт", "Сайт", "Website"),
    "resellers.contract_number": ("Шарт нөмірі", "Номер договора", "Contract number"),
    "resellers.signed": ("Шартқа қол қойылған күн", "Дата подписания договора", "Contract signed on"),
    "resellers.ends": ("Шарт аяқталатын күн", "Дата окончания договора", "Contract ends on"),
    "resellers.ends_hint": (
        "Бос болса — бұзылғанға дейін.",
        "Пусто — до расторжения.",
        "Empty: until terminated.",
    ),
    "resellers.created": ("{handle} реселлері құрылды.", "Реселлер {handle} создан.", "Reseller {handle} created."),
    "resellers.saved": ("{handle} шарты сақталды.", "Договор {handle} сохранён.", "The contract of {handle} is saved."),
    "resellers.manage": ("Басқару", "Управление", "Manage"),
    "resellers.suspend": ("Тоқтата тұру", "Приостановить", "Suspend"),
    "resellers.reactivate": ("Қайта іске қосу", "Возобновить", "Reactivate"),
    "resellers.suspend_confirm": (
        "{handle} тоқтатылсын ба? Ол қайта іске қосылғанша тапсырыс бере алмайды.",
        "Приостановить {handle}? До возобновления он не сможет делать заказы.",
        "Suspend {handle}? It places no orders until it is reactivated.",
    ),
    "resellers.reactivate_confirm": (
        "{handle} қайта іске қосылсын ба? Ол қайтадан тапсырыс бере алады.",
        "Возобновить {handle}? Он снова сможет делать заказы.",
        "Reactivate {handle}? It can place orders again.",
    ),
    "resellers.suspended": (
        "{handle} тоқтатылды: тапсырыстар қабылданбайды.",
        "{handle} приостановлен: заказы не принимаются.",
        "{handle} is suspended: its orders are refused.",
    ),
    "resellers.reactivated": (
        "{handle} қайта іске қосылды.",
        "{handle} возобновлён.",
        "{handle} is reactivated.",
    ),
    "resellers.group": ("Көтерме баға тобы", "Оптовая ценовая группа", "Wholesale price group"),
    "resellers.group_none": (
        "Топсыз (тіркеушінің жалпы бағалары)",
        "Без группы (общие цены регистратора)",
        "No group (the registrar's general prices)",
    ),
    "resellers.group_set": (
        "{handle} баға тобы сақталды.",
        "Ценовая группа {handle} сохранена.",
        "The price group of {handle} is saved.",
    ),
    "resellers.history": ("Өзгерістер тарихы", "История изменений", "History of changes"),
    "resellers.history_empty": (
        "Әлі өзгеріс жоқ: шартты, күйді немесе баға тобын өзгерту осында жазылады.",
        "Изменений пока нет: правки договора, статуса и ценовой группы появятся здесь.",
        "No changes yet: edits of the contract, status and price group appear here.",
    ),
    "resellers.when": ("Қашан", "Когда", "When"),
    "resellers.who": ("Кім", "Кто", "Who"),
    "resellers.what": ("Не өзгерді", "Что изменилось", "What changed"),
    "resellers.action.created": ("құрылды", "создан", "created"),
    "resellers.action.contract": ("шарт", "договор", "contract"),
    "resellers.action.suspended": ("тоқтатылды", "приостановлен", "suspended"),
    "resellers.action.reactivated": ("қайта іске қосылды", "возобновлён", "reactivated"),
    "resellers.action.price_group": ("баға тобы", "ценовая группа", "price group"),
    "resellers.admin_only": (
        "Өзгертуді тек «administration» рөлі бар қызметкерлер жасайды.",
        "Изменять могут только сотрудники с ролью «administration».",
        "Only staff with the administration role change resellers.",
    ),
}
