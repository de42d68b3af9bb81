"""The words of the cabinet's domain operations (modify, delete, transfer in, registrant change), the
registrant forms and the bulk pages: (kk, ru, en)."""

from __future__ import annotations

OPS: dict[str, tuple[str, str, str]] = {
    "nav.transfer": ("Ауыстырып алу", "Перенос", "Transfer in"),
    "nav.bulk": ("Топтық әрекеттер", "Массовые действия", "Bulk actions"),
    "ops.actions": ("Әрекеттер", "Действия", "Actions"),
    "ops.not_sent": ("Ештеңе жіберілмеді.", "Ничего не отправлено.", "Nothing was sent."),
    "ops.free": ("Тегін", "Бесплатно", "Free"),
    "ops.unchanged": ("— өзгеріссіз —", "— без изменений —", "— unchanged —"),
    # Modify.
    "ops.modify": ("Өзгерту", "Изменить", "Change"),
    "ops.modify_title": ("{name} өзгерту", "Изменение {name}", "Change {name}"),
    "ops.modify_lead": (
        "Өзгерткіңіз келетін өрісті ғана түзетіңіз: тізілімге тек өзгергені жіберіледі.",
        "Исправьте только то, что хотите изменить: в реестр уходит лишь изменённое.",
        "Edit only what you want to change: only what changed is sent to the registry.",
    ),
    "ops.admin": ("Әкімшілік байланыс", "Административный контакт", "Administrative contact"),
    "ops.admin_hint": (
        "Тіркеушілеріңіздің бірі; тізілімде оның контактісі болады.",
        "Один из ваших регистрантов; в реестре станет контактом.",
        "One of your registrants; it becomes the contact at the registry.",
    ),
    "ops.ds_hint": (
        "Бір жолға бір жазба: keytag алгоритм дайджест-түрі дайджест. Бос өріс DS жазбаларын жояды.",
        "По одной записи в строке: keytag алгоритм тип-дайджеста дайджест. Пустое поле удаляет записи DS.",
        "One record a line: keytag algorithm digest-type digest. An empty field removes the DS records.",
    ),
    "ops.save": ("Өзгерісті жіберу", "Отправить изменения", "Send the changes"),
    # Delete.
    "ops.delete": ("Жою", "Удалить", "Delete"),
    "ops.delete_title": ("{name} жою", "Удаление {name}", "Delete {name}"),
    "ops.delete_lead": (
        "Домен тізілімнен жойылады; атау кейін басқа біреуге тіркелуі мүмкін. Ақша қайтарылмайды.",
        "Домен будет удалён из реестра; имя потом сможет зарегистрировать другой. Деньги не возвращаются.",
        "The domain is deleted at the registry; someone else may register the name afterwards. No refund.",
    ),
    "ops.delete_question": (
        "{name} доменін шынымен жоясыз ба?",
        "Действительно удалить домен {name}?",
        "Really delete the domain {name}?",
    ),
    "ops.delete_confirm": ("Иә, жою", "Да, удалить", "Yes, delete it"),
    # Registrant change.
    "ops.registrant": ("Тіркеушіні ауыстыру", "Сменить регистранта", "Change the registrant"),
    "ops.registrant_title": ("{name}: тіркеушіні ауыстыру", "{name}: смена регистранта", "{name}: new registrant"),
    "ops.registrant_lead": (
        "Домен сіздің басқа тіркеушіңізге өтеді (R14). Қазіргі тіркеуші: {current}.",
        "Домен перейдёт к другому вашему регистранту (R14). Сейчас: {current}.",
        "The domain passes to another of your registrants (R14). Now: {current}.",
    ),
    "ops.new_registrant": ("Жаңа тіркеуші", "Новый регистрант", "New registrant"),
    "ops.no_other_registrant": (
        "Басқа тіркеуші жоқ: алдымен тіркеуші қосыңыз.",
        "Другого регистранта нет: сначала добавьте регистранта.",
        "No other registrant: add a registrant first.",
    ),
    # Confirmation page.
    "ops.confirm_title": ("Растау", "Подтверждение", "Confirm"),
    "ops.confirm": ("Растау", "Подтвердить", "Confirm"),
    "ops.confirm_pay": ("Растау және төлеу: {price}", "Подтвердить и оплатить: {price}", "Confirm and pay {price}"),
    # Transfer in.
    "ops.transfer_title": ("Доменді ауыстырып алу", "Перенос домена к нам", "Transfer a domain in"),
    "ops.transfer_lead": (
        "Домен басқа тіркеушіде тұр ма? Оның авторизация кодын сол тіркеушіден сұраңыз.",
        "Домен у другого регистратора? Попросите у него код авторизации.",
        "Is the domain with another registrar? Ask it for the authorization code.",
    ),
    "ops.auth_code": ("Авторизация коды", "Код авторизации", "Authorization code"),
    "ops.auth_code_hint": (
        "Код тізілімге жіберіледі, сақталмайды.",
        "Код отправляется в реестр и не сохраняется.",
        "The code is sent to the registry, never kept.",
    ),
    "ops.transfer_pending": (
        "Қазіргі тіркеуші келіскенде, домен тізімде пайда болады.",
        "Домен появится в списке, когда текущий регистратор согласится.",
        "The domain appears in your list once the current registrar agrees.",
    ),
    # Registrants.
    "ops.registrant_new": ("Тіркеуші қосу", "Добавить регистранта", "Add a registrant"),
    "ops.registrant_edit": ("Тіркеушінің деректерін өзгерту", "Изменить данные регистранта", "Edit the registrant"),
    "ops.postal_code": ("Пошта индексі", "Почтовый индекс", "Postal code"),
    "ops.country": ("Ел коды", "Код страны", "Country code"),
    "ops.country_hint": ("Екі әріп, мысалы KZ", "Две буквы, например KZ", "Two letters, e.g. KZ"),
    "ops.phone_hint": ("+7.7011234567 түрінде", "В виде +7.7011234567", "As +7.7011234567"),
    "ops.consent": (
        "Тіркеуші дербес деректерін өңдеуге келісім берді (R18)",
        "Регистрант дал согласие на обработку персональных данных (R18)",
        "The registrant consented to the processing of its personal data (R18)",
    ),
    "ops.consent_kept": (
        "Келісім {when} тіркелген.",
        "Согласие записано {when}.",
        "Consent recorded {when}.",
    ),
    "ops.registrant_added": ("{name} қосылды.", "{name} добавлен.", "{name} added."),
    "ops.registrant_saved": ("{name}: деректер сақталды.", "{name}: данные сохранены.", "{name}: saved."),
    "ops.save_registrant": ("Сақтау", "Сохранить", "Save"),
    # Bulk.
    "ops.bulk_title": (
        "Топтық ұзарту және серверлерді ауыстыру",
        "Массовое продление и смена серверов имён",
        "Bulk renew and name-server change",
    ),
    "ops.bulk_lead": (
        "Бір жолға бір атау (немесе CSV: атау,жыл не атау,ns1,ns2), ең көбі {max}. Алдымен әр жолдың өзгерісі мен бағасы көрсетіледі.",
        "По имени в строке (или CSV: имя,лет либо имя,ns1,ns2), не более {max}. Сначала показываются изменение и цена каждой строки.",
        "One name a line (or CSV: name,years or name,ns1,ns2), at most {max}. Every line's change and price is shown first.",
    ),
    "ops.bulk_kind": ("Не істеу керек", "Что сделать", "What to do"),
    "ops.bulk_renew": ("Ұзарту", "Продлить", "Renew"),
    "ops.bulk_nameservers": ("Атаулар серверлерін ауыстыру", "Сменить серверы имён", "Change the name servers"),
    "ops.bulk_names": ("Домендер", "Домены", "Domains"),
    "ops.bulk_names_hint": ("Бір жолға бір домен", "По домену в строке", "One domain a line"),
    "ops.bulk_ns_hint": (
        "Серверлерді ауыстыру үшін: барлық жолға ортақ серверлер (CSV жолындағылары басым).",
        "Для смены серверов: общие для всех строк (серверы в строке CSV важнее).",
        "For a name-server change: the servers for every line (servers on a CSV line win).",
    ),
    "ops.bulk_preview": ("Алдын ала қарау", "Предпросмотр", "Preview"),
    "ops.bulk_broken": (
        "Қате жолдар: оларды түзетіңіз, ештеңе орындалмады",
        "Строки с ошибками: исправьте их, ничего не сделано",
        "Broken lines: fix them; nothing was done",
    ),
    "ops.bulk_lines": ("Жолдар", "Строки", "Lines"),
    "ops.bulk_line": ("Жол", "Строка", "Line"),
    "ops.bulk_name": ("Домен", "Домен", "Domain"),
    "ops.bulk_change": ("Өзгеріс", "Изменение", "Change"),
    "ops.bulk_job_title": ("Топтық тапсырма №{number}", "Массовое задание №{number}", "Bulk job #{number}"),
    "ops.bulk_another": ("Жаңа топтық тапсырма", "Новое массовое задание", "Another bulk job"),
    "ops.bulk_progress": (
        "{total} жолдың {done} өңделді: {succeeded} сәтті, {failed} сәтсіз",
        "Обработано {done} из {total}: успешно {succeeded}, с ошибкой {failed}",
        "{done} of {total} processed: {succeeded} succeeded, {failed} failed",
    ),
    "ops.bulk_running": ("Орындалуда.", "Выполняется.", "Running."),
    "ops.bulk_refresh": ("Жаңарту", "Обновить", "Refresh"),
    "ops.bulk_refused": ("Қабылданбады", "Отклонено", "Refused"),
    "ops.bulk_file": ("Немесе CSV файлы", "Или файл CSV", "Or a CSV file"),
    "ops.bulk_file_hint": (
        "Файл берілсе, тізімнің орнына оқылады (UTF-8).",
        "Если файл выбран, читается он, а не список (UTF-8).",
        "A file, when chosen, is read instead of the list (UTF-8).",
    ),
    "ops.bulk_file_encoding": ("Файл UTF-8 емес", "Файл не в UTF-8", "The file is not UTF-8"),
}
