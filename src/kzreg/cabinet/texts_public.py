"""The public site's and the page frame's words: (kk, ru, en)."""

from __future__ import annotations

PUBLIC: dict[str, tuple[str, str, str]] = {
    # The frame every page shares.
    "frame.skip": ("Мазмұнға өту", "Перейти к содержимому", "Skip to content"),
    "frame.menu": ("Мәзір", "Меню", "Menu"),
    "frame.main_nav": ("Негізгі мәзір", "Основное меню", "Main menu"),
    "frame.language": ("Тіл", "Язык", "Language"),
    "frame.language_switch": ("Тілді ауыстыру", "Сменить язык", "Change the language"),
    "frame.home": ("Басты бет", "Главная", "Home"),
    "frame.whois": ("WHOIS", "WHOIS", "WHOIS"),
    "frame.resellers": ("Реселлерлер", "Реселлеры", "Resellers"),
    "frame.regulation": ("Регламент", "Регламент", "Regulation"),
    "frame.rights": ("Тіркеуші құқықтары", "Права регистранта", "Registrant rights"),
    "frame.contacts": ("Байланыс", "Контакты", "Contacts"),
    "frame.login": ("Кабинетке кіру", "Войти в кабинет", "Sign in"),
    "frame.logout": ("Шығу", "Выйти", "Sign out"),
    "frame.account": ("Тіркелгі", "Учётная запись", "Account"),
    "frame.signed_in_as": ("Кірген: {user}", "Вы вошли как {user}", "Signed in as {user}"),
    "frame.sponsor": (
        "Демеуші тіркеуші: {registrar}",
        "Спонсирующий регистратор: {registrar}",
        "Sponsoring registrar: {registrar}",
    ),
    "frame.times": (
        "Уақыт Алматы бойынша ({zone}).",
        "Время алматинское ({zone}).",
        "Times are Almaty time ({zone}).",
    ),
    "frame.messages": ("Хабарламалар", "Сообщения", "Messages"),
    "frame.close": ("Жабу", "Закрыть", "Close"),
    "frame.cancel": ("Болдырмау", "Отмена", "Cancel"),
    "frame.confirm": ("Растау", "Подтвердить", "Confirm"),
    "frame.not_found": ("Бет табылмады", "Страница не найдена", "Page not found"),
    "frame.not_found_hint": (
        "Мұндай бет жоқ немесе оны көруге құқығыңыз жоқ. Басты беттен немесе мәзірден бастаңыз.",
        "Такой страницы нет или у вас нет к ней доступа. Начните с главной страницы или меню.",
        "There is no such page, or it is not yours to see. Start again from the home page or the menu.",
    ),
    "frame.forbidden": ("Рұқсат жоқ", "Нет доступа", "Not allowed"),
    "frame.forbidden_hint": (
        "Бұл бет сіздің рөліңізге арналмаған. Әкімшіңізден рұқсат сұраңыз.",
        "Эта страница не для вашей роли. Попросите доступ у администратора.",
        "This page is not part of your role. Ask your administrator for access.",
    ),
    # Home: the domain search.
    "home.title": ("Домендік атаулар .kz және .қаз", "Доменные имена в .kz и .қаз", "Domain names in .kz and .қаз"),
    "home.lead": (
        "Атауды тексеріңіз, бағасын біліңіз және оны реселлеріміз арқылы немесе тікелей тіркеңіз.",
        "Проверьте имя, узнайте цену и зарегистрируйте его через наших реселлеров или напрямую.",
        "Check a name, see its price, and register it through one of our resellers or with us directly.",
    ),
    "search.title": ("Атауды тексеру", "Проверить имя", "Check a name"),
    "search.label": ("Домендік атау", "Доменное имя", "Domain name"),
    "search.hint": (
        "Латын немесе кирилл әріптерімен: example, мысал, мысал.қаз",
        "Латиницей или кириллицей: example, мысал, мысал.қаз",
        "In Latin or Cyrillic letters: example, мысал, мысал.қаз",
    ),
    "search.submit": ("Тексеру", "Проверить", "Check"),
    "search.results": ("«{term}» бойынша нәтижелер", "Результаты для «{term}»", "Results for “{term}”"),
    "search.available": ("Бос", "Свободно", "Available"),
    "search.taken": ("Бос емес", "Недоступно", "Not available"),
    "search.price": ("{price} / жыл", "{price} в год", "{price} a year"),
    "search.no_price": ("Баға белгіленбеген", "Цена не назначена", "No price set"),
    "search.how_to_order": (
        "Тіркеу үшін реселлерге хабарласыңыз немесе кабинетке кіріңіз.",
        "Чтобы зарегистрировать, обратитесь к реселлеру или войдите в кабинет.",
        "To register it, contact a reseller or sign in to the cabinet.",
    ),
    "search.empty": ("Тексеру үшін атауды енгізіңіз.", "Введите имя для проверки.", "Type a name to check."),
    "search.too_long": (
        "Атау тым ұзын: ең көбі 63 таңба.",
        "Имя слишком длинное: не больше 63 символов.",
        "The name is too long: 63 characters at most.",
    ),
    "search.bad_name": (
        "«{term}» домендік атау бола алмайды: тек әріптер, цифрлар және дефис.",
        "«{term}» не может быть доменным именем: только буквы, цифры и дефис.",
        "“{term}” cannot be a domain name: letters, digits and hyphens only.",
    ),
    "search.limited": (
        "{network} желісінен тексерулер тым көп; {seconds} с кейін қайталаңыз.",
        "Слишком много проверок из сети {network}; повторите через {seconds} с.",
        "Too many checks from the network {network}; try again in {seconds} s.",
    ),
    "search.unavailable": (
        "Тексеру қазір мүмкін емес; кейінірек қайталаңыз.",
        "Проверка сейчас недоступна; повторите позже.",
        "Checking is not possible right now; try again later.",
    ),
    "whois.title": ("WHOIS іздеу", "Поиск WHOIS", "WHOIS lookup"),
    "whois.lead": (
        "Тіркелген атау туралы деректер: иесі, мерзімі, атаулар серверлері.",
        "Данные о зарегистрированном имени: владелец, срок, серверы имён.",
        "Who holds a registered name, until when, and its name servers.",
    ),
    "whois.label": ("Атау, NIC нөмірі немесе сервер", "Имя, NIC-хэндл или сервер", "Name, NIC handle or server"),
    "whois.submit": ("Іздеу", "Найти", "Look up"),
    # Resellers (S6, PS-4.5).
    "resellers.title": ("Біздің реселлерлер", "Наши реселлеры", "Our resellers"),
    "resellers.lead": (
        "Бұл ұйымдар {registrar} атынан өтінімдерді қабылдайды; демеуші тіркеуші — {registrar}.",
        "Эти организации принимают заявки для {registrar}; спонсирующий регистратор — {registrar}.",
        "These organisations take requests for {registrar}; the sponsoring registrar is {registrar}.",
    ),
    "resellers.empty": (
        "Реселлерлер әлі жоқ: атауды тікелей бізден тіркеңіз.",
        "Реселлеров пока нет: регистрируйте имя напрямую у нас.",
        "No resellers yet: register your name with us directly.",
    ),
    "resellers.contract": ("Шарт № {number}", "Договор № {number}", "Contract no. {number}"),
    # Registrant rights (S5, PS-3.11).
    "rights.title": (
        "Тіркеушінің құқықтары мен міндеттері",
        "Права и обязанности регистранта",
        "Registrant rights and responsibilities",
    ),
    "rights.lead": (
        "Атауды тіркеу немесе ұзарту алдында осы материалдармен танысыңыз.",
        "Перед регистрацией или продлением имени ознакомьтесь с этими материалами.",
        "Read these before registering or renewing a name.",
    ),
    "rights.benefits": (
        "Тіркеушінің құқықтары мен міндеттері (ICANN)",
        "Права и обязанности регистранта (ICANN)",
        "Registrants' benefits and responsibilities (ICANN)",
    ),
    "rights.agreement": (
        "Тіркеушілермен келісім ережелері (ICANN, 2013)",
        "Положения соглашения с регистраторами (ICANN, 2013)",
        "The registrar accreditation agreement and its specifications (ICANN, 2013)",
    ),
    # The regulation in force (C5).
    "regulation.title": (
        "Реселлерлермен өзара іс-қимыл регламенті",
        "Регламент работы с реселлерами",
        "Regulation for resellers",
    ),
    "regulation.version": ("{date} нұсқасы, күшінде", "Редакция от {date}, действует", "Version of {date}, in force"),
    "regulation.language": (
        "Регламент бекітілген түрінде, қазақ тілінде жарияланады.",
        "Регламент опубликован в утверждённой редакции на казахском языке.",
        "The regulation is published as approved, in Kazakh.",
    ),
    "regulation.read": ("Регламентті оқу", "Читать регламент", "Read the regulation"),
    # Contacts.
    "contacts.email": ("Эл. пошта", "Эл. почта", "E-mail"),
    "contacts.phone": ("Телефон", "Телефон", "Phone"),
    "contacts.address": ("Мекенжай", "Адрес", "Address"),
    "contacts.web": ("Сайт", "Сайт", "Website"),
    "contacts.none": (
        "Тіркеушінің байланыс деректері әлі енгізілмеген.",
        "Контакты регистратора ещё не заполнены.",
        "The registrar's contacts are not filled in yet.",
    ),
    "login.title": ("Жеке кабинет", "Личный кабинет", "Personal cabinet"),
    "login.lead": (
        "Реселлерлер, тіркеушілер және тіркеуші қызметкерлері үшін.",
        "Для реселлеров, регистрантов и сотрудников регистратора.",
        "For resellers, registrants and the registrar's staff.",
    ),
}
