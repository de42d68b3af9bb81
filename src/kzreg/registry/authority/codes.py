"""Why the registry refused or held back a change (T9–T13), in kk/ru/en: the reasons of a refusal.

The wording is the mail gateway's since session 1 (the seed's Kazakh terms); the codes are the registry's
now, since the registry decides. A refusal lists its reasons as problems; a change that waits for the contact
on record says so first (`CONFIRMATION_NEEDED`)."""

from __future__ import annotations

from kzreg.core.messages import ProblemCode, register_codes


class AuthorityCode(ProblemCode):
    CONFIRMATION_NEEDED = "authority_confirmation_needed"
    NOT_EMAIL = "authority_not_email"
    UNPROVEN = "authority_unproven"
    CRYPT_PW = "authority_crypt_pw"
    PGP_REQUIRED = "authority_pgp_required"
    PGP_NO_KEY = "authority_pgp_no_key"
    PGP_INVALID = "authority_pgp_invalid"
    PGP_FOREIGN = "authority_pgp_foreign"
    SIGNATURE_REPLAYED = "authority_signature_replayed"
    NO_CONTACT = "authority_no_contact"
    TRANSFER = "authority_transfer"
    FORWARDED_UNSIGNED = "authority_forwarded_unsigned"
    NO_PROOF = "authority_no_proof"
    NOT_BY_MAIL = "authority_not_by_mail"


MESSAGES = {
    AuthorityCode.CONFIRMATION_NEEDED: {
        "kk": "өзгерісті деректер базасындағы контакт растауы керек: {handles}",
        "ru": "изменение должен подтвердить контакт из базы данных: {handles}",
        "en": "the change needs the confirmation of the contact on record: {handles}",
    },
    AuthorityCode.NOT_EMAIL: {
        "kk": "{sender} — {handle} контактісінің e-mail мекенжайы емес",
        "ru": "{sender} — не адрес e-mail контакта {handle}",
        "en": "{sender} is not the e-mail of {handle}",
    },
    AuthorityCode.UNPROVEN: {
        "kk": "жіберуші {sender} расталмады: оның доменінің SPF немесе DKIM тексерісі From доменімен "
        "сәйкес өтпейді (DMARC: {dmarc})",
        "ru": "отправитель {sender} не подтверждён: ни SPF, ни DKIM его домена не проходят в согласии "
        "с доменом From (DMARC: {dmarc})",
        "en": "the sender {sender} is not proven: neither SPF nor DKIM passes aligned with the From domain "
        "(DMARC: {dmarc})",
    },
    AuthorityCode.CRYPT_PW: {
        "kk": "0c тармағындағы Crypt-PW құпиясөзі {handle} контактісінікімен сәйкес келмейді",
        "ru": "пароль Crypt-PW в 0c не совпадает с паролем {handle}",
        "en": "the Crypt-PW password in 0c does not match {handle}",
    },
    AuthorityCode.PGP_REQUIRED: {
        "kk": "{handle} PGP қолтаңбасы қойылған пішінді талап етеді",
        "ru": "{handle} требует форму, подписанную PGP",
        "en": "{handle} requires a PGP-signed form",
    },
    AuthorityCode.PGP_NO_KEY: {
        "kk": "деректер базасында {handle} үшін PGP кілті жоқ",
        "ru": "у {handle} нет PGP-ключа в базе данных",
        "en": "{handle} has no PGP key on record",
    },
    AuthorityCode.PGP_INVALID: {
        "kk": "PGP қолтаңбасы тексерістен өтпейді",
        "ru": "PGP-подпись не проходит проверку",
        "en": "the PGP signature does not verify",
    },
    AuthorityCode.PGP_FOREIGN: {
        "kk": "пішінге контактінің кілтімен емес, басқа кілтпен қол қойылған",
        "ru": "форма подписана не ключом контакта",
        "en": "signed with a key that is not the contact's key",
    },
    AuthorityCode.SIGNATURE_REPLAYED: {
        "kk": "бұл қол қойылған пішін бұрын қолданылған (қайталау қабылданбайды)",
        "ru": "эта подписанная форма уже использовалась (повтор не принимается)",
        "en": "this signed form was already used once (a replay is refused)",
    },
    AuthorityCode.NO_CONTACT: {
        "kk": "деректер базасында контакт жоқ",
        "ru": "в базе данных нет контакта",
        "en": "no contact on record",
    },
    AuthorityCode.TRANSFER: {
        "kk": "Жою пішіні {handle} контактісінен емес (өз DKIM қолтаңбасымен бүтін жіберілген хат, Crypt-PW "
        "немесе PGP керек)",
        "ru": "форма удаления не от {handle} (нужно пересланное целиком письмо с его подписью DKIM, Crypt-PW или PGP)",
        "en": "the Delete is not from {handle} (forwarded intact with its own DKIM signature, Crypt-PW or PGP)",
    },
    AuthorityCode.FORWARDED_UNSIGNED: {
        "kk": "{sender} мекенжайынан жіберілген Жою хатында оның доменінің жарамды DKIM қолтаңбасы жоқ",
        "ru": "в пересланном письме удаления от {sender} нет действительной подписи DKIM его домена",
        "en": "the forwarded Delete from {sender} has no valid DKIM signature of its domain",
    },
    AuthorityCode.NO_PROOF: {
        "kk": "тіркелушінің сұранысы оның кім екенінің дәлелінсіз келді",
        "ru": "запрос администратора домена пришёл без доказательства, кто его отправил",
        "en": "a registrant's request came without proof of who sent it",
    },
    AuthorityCode.NOT_BY_MAIL: {
        "kk": "бұл әрекетті хатпен жасауға болмайды",
        "ru": "это действие нельзя выполнить письмом",
        "en": "this action cannot be taken by mail",
    },
}

register_codes(
    AuthorityCode,
    MESSAGES,
    epp=dict.fromkeys(AuthorityCode, 2201),  # authorization error
    http=dict.fromkeys(AuthorityCode, 403),
)
