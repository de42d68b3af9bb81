"""Authority is a registry rule (issue 10; T9–T13): the operations themselves decide, from the proof the
mail gateway built (`MailProof`), whether a request applies, waits for the contact on record, holds
instead of deleting (T12), or is refused — for any caller that acts with a mail proof, not only the mail
gateway. A refusal changes nothing."""

from __future__ import annotations

import pytest

from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import LANGUAGES, MESSAGES
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.authority import AuthorityCode, Decision, MailProof, NotAuthorized
from kzreg.registry.models import Contact, Domain, DomainStatus, HistoryEntry, Host
from kzreg.registry.passwords import hash_password
from tests.conftest import person

pytestmark = pytest.mark.django_db
ADMIN = "ivan1@example.kz"
FINGERPRINT = "0123456789ABCDEF0123456789ABCDEF01234567"


def mail(proof: MailProof) -> Actor:
    return Actor(proof.sender, Role.REGISTRANT, Channel.API, "KZ-261203.1", proof=proof)


def proven(sender: str = ADMIN, **more) -> Actor:  # type: ignore[no-untyped-def]
    return mail(MailProof(sender, sender_proven=True, **more))


def refusal(call) -> NotAuthorized:  # type: ignore[no-untyped-def]
    with pytest.raises(NotAuthorized) as failure:
        call()
    return failure.value


@pytest.fixture
def domain(make_domain):
    """example.kz: registrant noc1@telecom.kz, admin ivan1@example.kz, technical contact the ISP's noc@ps.kz."""
    return make_domain("example.kz", tech=person(8, emails="noc@ps.kz"))


def scheme(contact: Contact, value: str, **fields) -> None:  # type: ignore[no-untyped-def]
    Contact.objects.filter(pk=contact.pk).update(security_scheme=value, **fields)


def purpose(name: str = "example.kz") -> str:
    return Domain.objects.get(name=name).purpose


def test_a_proven_contact_applies_and_history_shows_the_request(domain):
    ops.modify_domain(c.ModifyDomain("example.kz", purpose="Shop"), proven())
    assert purpose() == "Shop"
    entry = HistoryEntry.objects.filter(object_type="domain", object_id=domain.pk).latest("version")
    assert (entry.principal, entry.request_id) == (ADMIN, "KZ-261203.1")
    assert "proof" not in repr(proven(password="secret")) and "secret" not in repr(MailProof("a", password="secret"))


def test_a_strangers_proof_is_refused_when_a_contact_chose_a_scheme_and_changes_nothing(domain):
    scheme(domain.admin_contact, "M")
    failure = refusal(lambda: ops.modify_domain(c.ModifyDomain("example.kz", purpose="Mine"), proven("x@evil.kz")))
    assert failure.verdict.decision == Decision.REFUSE
    assert {p.code for p in failure.problems} == {AuthorityCode.NOT_EMAIL}
    assert failure.epp_code == 2201 and failure.http_status == 403
    assert purpose() == ""


def test_a_stranger_without_schemes_waits_for_the_contacts_on_record_T10(domain):
    failure = refusal(lambda: ops.delete_domain(c.DeleteDomain("example.kz"), proven("x@evil.kz")))
    assert failure.verdict.decision == Decision.CONFIRM
    assert [x.handle for x in failure.verdict.ask] == [domain.registrant.handle, domain.admin_contact.handle]
    assert failure.problems[0].code == AuthorityCode.CONFIRMATION_NEEDED
    assert Domain.objects.get(name="example.kz").deleted_at is None


def test_an_unproven_sender_is_asked_to_confirm_at_the_address_on_record(domain):
    actor = mail(MailProof(ADMIN, sender_proven=False, dmarc="fail"))
    failure = refusal(lambda: ops.modify_domain(c.ModifyDomain("example.kz", purpose="Shop"), actor))
    assert failure.verdict.decision == Decision.CONFIRM
    assert [x.handle for x in failure.verdict.ask] == [domain.admin_contact.handle]
    assert any("DMARC: fail" in p.message("en") for p in failure.problems)
    assert purpose() == ""
    legacy = mail(MailProof(ADMIN, legacy=True))  # KZREG_MAIL_ACCEPT_UNPROVEN: believed, with a warning
    ops.modify_domain(c.ModifyDomain("example.kz", purpose="Shop"), legacy)
    assert purpose() == "Shop"


def test_confirmation_by_a_contact_on_record_applies_and_by_anyone_else_does_not(domain, other_registrar):
    stranger = Contact.objects.exclude(pk__in=[domain.registrant_id, domain.admin_contact_id]).first()
    assert stranger is not None
    actor = mail(MailProof("x@evil.kz", confirmed_by=stranger.handle))
    assert refusal(lambda: ops.modify_domain(c.ModifyDomain("example.kz", purpose="A"), actor)).verdict.ask
    ops.modify_domain(
        c.ModifyDomain("example.kz", purpose="A"),
        mail(MailProof("x@evil.kz", confirmed_by=domain.admin_contact.handle)),
    )
    assert purpose() == "A"


def test_crypt_pw_the_registry_checks_the_clear_password_against_the_stored_hash(domain):
    scheme(domain.admin_contact, "C", crypt_hash=hash_password("s3cret-pw"))
    wrong = mail(MailProof("x@evil.kz", password="guess"))
    failure = refusal(lambda: ops.modify_domain(c.ModifyDomain("example.kz", purpose="X"), wrong))
    assert AuthorityCode.CRYPT_PW in failure.codes and failure.verdict.decision == Decision.REFUSE
    assert purpose() == ""
    ops.modify_domain(c.ModifyDomain("example.kz", purpose="X"), mail(MailProof("x@evil.kz", password="s3cret-pw")))
    assert purpose() == "X"


@pytest.mark.parametrize(
    ("proof", "code"),
    [
        (MailProof(ADMIN, sender_proven=True), AuthorityCode.PGP_REQUIRED),
        (MailProof(ADMIN, signed=True, signature_invalid=True), AuthorityCode.PGP_INVALID),
        (MailProof(ADMIN, signed=True, signature_fingerprint="F" * 40), AuthorityCode.PGP_FOREIGN),
        (MailProof(ADMIN, signed=True, signature_fingerprint=FINGERPRINT, signature_replayed=True),
         AuthorityCode.SIGNATURE_REPLAYED),
    ],
)  # fmt: skip
def test_pgp_needs_a_fresh_signature_by_the_contacts_own_key(domain, proof, code):
    scheme(domain.admin_contact, "P", pgp_key="-----BEGIN PGP PUBLIC KEY BLOCK-----", pgp_fingerprint=FINGERPRINT)
    scheme(domain.registrant, "P", pgp_key="-----BEGIN PGP PUBLIC KEY BLOCK-----", pgp_fingerprint=FINGERPRINT)
    failure = refusal(lambda: ops.modify_domain(c.ModifyDomain("example.kz", purpose="X"), mail(proof)))
    assert failure.codes == {code} and failure.verdict.decision == Decision.REFUSE
    signed = MailProof("x@evil.kz", signed=True, signature_fingerprint=FINGERPRINT.lower())
    ops.modify_domain(c.ModifyDomain("example.kz", purpose="X"), mail(signed))
    assert purpose() == "X"


def test_a_delete_from_the_serving_isp_puts_the_domain_on_hold_T12(domain):
    result = ops.delete_domain(c.DeleteDomain("example.kz", reason="request KZ-261203.1"), proven("noc@ps.kz"))
    held = Domain.objects.get(name="example.kz")
    assert held.hold and held.deleted_at is None and result.object.deleted_at is None
    period = DomainStatus.objects.get(domain=held, flag="hold")
    assert period.set_by == "noc@ps.kz" and "Delete from the ISP" in period.reason
    with pytest.raises(OperationFailed):  # held already: said, not held twice
        ops.delete_domain(c.DeleteDomain("example.kz"), proven("noc@ps.kz"))


def test_a_delete_from_an_unauthorized_party_is_refused_when_a_contact_chose_a_scheme(domain):
    scheme(domain.admin_contact, "M")
    failure = refusal(lambda: ops.delete_domain(c.DeleteDomain("example.kz"), proven("x@evil.kz")))
    assert failure.verdict.decision == Decision.REFUSE
    assert not Domain.objects.get(name="example.kz").hold and Domain.objects.get(name="example.kz").deleted_at is None
    ops.delete_domain(c.DeleteDomain("example.kz"), proven())
    assert Domain.objects.get(name="example.kz").deleted_at is not None


def _transfer() -> c.TransferDomain:
    from tests.conftest import org_contact

    return c.TransferDomain(
        "example.kz", registrant=org_contact(5, organisation="Kaspi Solutions LLP"), admin=person(5)
    )


def test_a_transfer_needs_the_administrative_contacts_own_delete_T13(domain):
    unsigned = mail(MailProof("new@kaspi.kz", sender_proven=True, forwarded_from=ADMIN))
    failure = refusal(lambda: ops.transfer_domain(_transfer(), unsigned))
    assert failure.verdict.decision == Decision.CONFIRM and failure.verdict.ask == (domain.admin_contact,)
    replayed = mail(MailProof("new@kaspi.kz", forwarded_from=ADMIN, forwarded_dkim="d=example.kz s=sel",
                              forwarded_replayed=True))  # fmt: skip
    assert refusal(lambda: ops.transfer_domain(_transfer(), replayed)).codes == {AuthorityCode.SIGNATURE_REPLAYED}
    stranger = mail(MailProof("new@kaspi.kz", sender_proven=True))
    assert refusal(lambda: ops.transfer_domain(_transfer(), stranger)).codes == {AuthorityCode.TRANSFER}
    assert Domain.objects.get(name="example.kz").registrant_id == domain.registrant_id
    signed = mail(MailProof("new@kaspi.kz", forwarded_from=ADMIN, forwarded_dkim="d=example.kz s=sel"))
    ops.transfer_domain(_transfer(), signed)
    entry = HistoryEntry.objects.filter(object_type="domain", object_id=domain.pk).latest("version")
    assert entry.reason == "authorized by forwarded-delete (DKIM d=example.kz s=sel)"


def test_a_registrant_without_proof_may_register_but_change_nothing(domain, registrar):
    bare = Actor("holder@example.kz", Role.REGISTRANT, Channel.CABINET, registrar_id=registrar.id)
    failure = refusal(lambda: ops.modify_domain(c.ModifyDomain("example.kz", purpose="X"), bare))
    assert failure.codes == {AuthorityCode.NO_PROOF}
    assert refusal(lambda: ops.transfer_domain(_transfer(), bare)).codes == {AuthorityCode.NO_PROOF}
    from tests.conftest import domain_command

    ops.create_domain(domain_command("open.kz", admin=person(3)), bare)  # T6: anyone may register
    assert purpose() == ""


def test_hosts_are_changed_by_their_domains_contacts_without_confirmation(domain):
    change = c.ModifyHost("ns1.ps.kz", addresses=("195.210.46.99",))
    failure = refusal(lambda: ops.modify_host(change, mail(MailProof(ADMIN, dmarc="none"))))
    assert failure.verdict.decision == Decision.REFUSE and AuthorityCode.UNPROVEN in failure.codes
    assert Host.objects.get(name="ns1.ps.kz").addresses == ["195.210.46.10"]
    ops.modify_host(change, proven("noc@ps.kz"))  # the technical contact of a domain using it
    assert Host.objects.get(name="ns1.ps.kz").addresses == ["195.210.46.99"]
    ops.create_host(c.CreateHost("ns1.elsewhere.net", ("8.8.4.4",)), proven("x@evil.kz"))  # an external host


def test_a_contact_changes_itself_under_its_own_scheme(domain):
    handle = domain.admin_contact.handle
    failure = refusal(lambda: ops.modify_contact(c.ModifyContact(handle, {"city": "Oral"}), proven("x@evil.kz")))
    assert failure.verdict.decision == Decision.CONFIRM and failure.verdict.ask == (domain.admin_contact,)
    ops.modify_contact(c.ModifyContact(handle, {"city": "Oral"}), proven())
    assert Contact.objects.get(handle=handle).city == "Oral"


def test_what_mail_cannot_do_at_all(domain, staff):
    failure = refusal(lambda: ops.set_domain_status(c.SetDomainStatus("example.kz", "hold", "x"), proven()))
    assert failure.codes == {AuthorityCode.NOT_BY_MAIL}
    ops.set_domain_status(c.SetDomainStatus("example.kz", "hold", "registry decision"), staff)  # staff: all
    assert Domain.objects.get(name="example.kz").hold


def test_every_authority_reason_exists_in_kazakh_russian_and_english():
    assert all(set(MESSAGES[code]) == set(LANGUAGES) for code in AuthorityCode)
    reasons = (Problem("", AuthorityCode.CRYPT_PW, {"handle": "IG1-KZ"}), Problem("", AuthorityCode.PGP_INVALID))
    from kzreg.template_mail.problems import FormProblem

    refusal_text = FormProblem("0b", "not_authorized", {"reason": tuple(FormProblem("", problem=p) for p in reasons)})
    assert refusal_text.render("kk") == (
        "0b: сұраныс авторизацияланбады: 0c тармағындағы Crypt-PW құпиясөзі IG1-KZ контактісінікімен сәйкес "
        "келмейді; PGP қолтаңбасы тексерістен өтпейді"
    )
