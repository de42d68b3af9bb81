"""`<poll>` (RFC 5730 §2.9.2.3): the registrar's message queue, kept by the registry (`registry.poll`).

`op="req"` answers 1301 with the oldest message (`<msgQ count id>`, `<qDate>`, `<msg>` in the session's
language) and, for a transfer message, `<domain:trnData>`; 1300 when the queue is empty. `op="ack"`
removes one of the registrar's own messages and answers with the count left; any other id is 2303.
"""

from __future__ import annotations

from kzreg.core.errors import OperationFailed, Problem
from kzreg.epp import namespaces
from kzreg.epp.commands.codes import EppCommandCode
from kzreg.epp.commands.domain_transfer import trn_data
from kzreg.epp.commands.elements import Element, epp_date
from kzreg.epp.commands.fields import Fields
from kzreg.epp.dispatch import handles
from kzreg.epp.protocol import Request, Response
from kzreg.epp.xml import E, sub
from kzreg.registry import poll as queue
from kzreg.registry.models import PollMessage

EPP = namespaces.EPP
TRANSFER_KINDS = ("transfer_requested", "transfer_decided")
KEY_TAGS = {namespaces.DOMAIN: "name", namespaces.CONTACT: "id"}
OBJECT_NAMESPACES = {"domain": namespaces.DOMAIN, "contact": namespaces.CONTACT}


def _res_data(message: PollMessage) -> Element | None:
    namespace = OBJECT_NAMESPACES.get(message.object_type)
    if message.kind not in TRANSFER_KINDS or namespace is None or "trStatus" not in message.data:
        return None
    return trn_data(namespace, KEY_TAGS[namespace], message.object_key, message.data)


@handles("poll", EPP)
def poll(request: Request) -> Response:
    registrar_id = request.session.registrar_id
    if request.op == "ack":
        verb = request.command.find(f"{{{EPP}}}poll")
        message_id = (verb.get("msgID") if verb is not None else None) or ""
        fields = Fields(E(EPP, "msgID", message_id))
        try:
            left = queue.acknowledge(registrar_id, message_id)
        except OperationFailed:
            return fields.failed([Problem("msgID", EppCommandCode.POLL_MESSAGE_UNKNOWN, {"value": message_id})])
        return Response.ok(message_queue=E(EPP, "msgQ", count=str(left), id=message_id))
    if request.op != "req":
        problem = Problem("op", EppCommandCode.VALUE_SYNTAX, {"value": request.op or "", "expected": "req, ack"})
        return Fields(E(EPP, "poll", op=request.op or "")).failed([problem])
    message, count = queue.next_message(registrar_id)
    if message is None:
        return Response.ok(1300)
    msg_q = E(EPP, "msgQ", count=str(count), id=str(message.pk))
    sub(msg_q, EPP, "qDate", epp_date(message.created_at))
    sub(msg_q, EPP, "msg", message.texts.get(request.session.lang) or message.text, lang=request.session.lang)
    return Response.ok(1301, res_data=_res_data(message), message_queue=msg_q)
