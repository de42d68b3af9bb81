"""Refusals of the domain operations that are rules of a channel's object model or of R14, decided here
once for every channel (issue 10), with their EPP result codes: adapters only map them to their fields.

- `HOST_NOT_FOUND`: a command that says its name servers are host objects (`hosts_must_exist`, EPP's
  hostObj model, RFC 5731 §1.1; the registrar wing's connections) names one that is not registered.
  Without the flag (the mail forms) a name server named without its addresses is simply missing them.
- `REGISTRANT_CHANGE`: a modify names another registrant. Moving a domain to another registrant is a
  transfer (R14, T7): the KZ-Transfer forms, EPP `<kz:registrantChange>`, the registrar's order.
"""

from __future__ import annotations

from kzreg.core.messages import ProblemCode, register_codes


class DomainRuleCode(ProblemCode):
    HOST_NOT_FOUND = "domain_host_not_found"
    REGISTRANT_CHANGE = "domain_registrant_change"


MESSAGES = {
    DomainRuleCode.HOST_NOT_FOUND: {
        "kk": "{host} хосты тіркелмеген: алдымен оны жасаңыз (host:create, Host үлгісі) немесе IP мекенжайларымен "
        "беріңіз",
        "ru": "хост {host} не зарегистрирован: сначала создайте его (host:create, шаблон Host) или укажите его "
        "IP-адреса",
        "en": "host {host} is not registered: create it first (host:create, the Host template) or give it with "
        "its IP addresses",
    },
    DomainRuleCode.REGISTRANT_CHANGE: {
        "kk": "тіркелушіні өзгерту арқылы ауыстыруға болмайды: бұл — беру (R14): KZ-Transfer үлгілері хатпен, "
        'EPP <domain:transfer op="request"> <kz:registrantChange> кеңейтуімен немесе тіркеушінің тіркелушіні '
        "ауыстыру тапсырысы",
        "ru": "администратора домена нельзя сменить изменением: это передача (R14) — формы KZ-Transfer письмом, "
        'EPP <domain:transfer op="request"> с расширением <kz:registrantChange> или заказ смены регистранта '
        "у регистратора",
        "en": "the registrant cannot change by a modify: a registrant change is a transfer (R14) — the "
        'KZ-Transfer forms by mail, EPP <domain:transfer op="request"> with <kz:registrantChange>, or the '
        "registrar's registrant-change order",
    },
}
EPP_CODES = {
    DomainRuleCode.HOST_NOT_FOUND: 2303,  # object does not exist
    DomainRuleCode.REGISTRANT_CHANGE: 2306,  # parameter value policy error
}
HTTP = {DomainRuleCode.HOST_NOT_FOUND: 404, DomainRuleCode.REGISTRANT_CHANGE: 409}

register_codes(DomainRuleCode, MESSAGES, epp=EPP_CODES, http=HTTP)
