"""The room of a case: one joint channel and two caucus channels (SPEC 6).

`readable_channels` is the one rule of who reads what; the case view, the
pages, the mails and the documents all ask it. Merchant staff never read
the shopper's caucus, nor the shopper the merchant's.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..errors import Forbidden, InvalidTransition, ValidationFailed
from ..extensions import db
from ..files import store_bytes
from ..intake.complaint import IncomingFile
from ..models import MediationAttachment, MediationCase, MediationMessage, Party, RoomChannel, utcnow
from ..tickets.timeline import record_event
from .actors import Actor
from .events import record_case_event
from .notify import tell_parties
from .transitions import TRANSITIONS

READABLE: dict[Party, frozenset[RoomChannel]] = {
    Party.MEDIATOR: frozenset(RoomChannel),
    Party.MERCHANT: frozenset({RoomChannel.JOINT, RoomChannel.CAUCUS_MERCHANT}),
    Party.SHOPPER: frozenset({RoomChannel.JOINT, RoomChannel.CAUCUS_SHOPPER}),
}
CAUCUS_OF = {RoomChannel.CAUCUS_MERCHANT: Party.MERCHANT, RoomChannel.CAUCUS_SHOPPER: Party.SHOPPER}
MAX_BODY = 20_000


def readable_channels(viewer: Party) -> frozenset[RoomChannel]:
    return READABLE[viewer]


def post_message(case: MediationCase, actor: Actor, channel: str, body: str,
                 files: list[IncomingFile] | None = None, *, now: datetime | None = None) -> MediationMessage:
    """Post to a channel the actor may write in (the same ones it may read); 403 for another party's caucus."""
    now = now or utcnow()
    try:
        where = RoomChannel(channel)
    except ValueError:
        raise ValidationFailed("Unknown channel.", fields={"channel": [f"one of {[c.value for c in RoomChannel]}"]})
    if actor.party is None or where not in READABLE[actor.party]:
        raise Forbidden("You cannot write in that channel.")
    body = (body or "").strip()
    if not body and not files:
        raise ValidationFailed("The message is empty.", fields={"body": ["required"]})
    if len(body) > MAX_BODY:
        raise ValidationFailed("The message is too long.", fields={"body": [f"at most {MAX_BODY} characters"]})
    if case.status not in TRANSITIONS:
        raise InvalidTransition(f"the case is {case.status.value}: its room is closed")
    message = MediationMessage(case_id=case.id, merchant_id=case.merchant_id, channel=where,
                               author_role=actor.party, author=actor.name, body=body, created_at=now)
    db.session.add(message)
    db.session.flush()
    for file in files or []:
        db.session.add(MediationAttachment(merchant_id=case.merchant_id, message_id=message.id,
                                           filename=file.filename, content_type=file.content_type,
                                           size=len(file.data), sha256=store_bytes(file.data), created_at=now))
    data = {"message_id": message.id, "channel": where.value, "author_role": actor.party.value}
    record_case_event(case, "message.posted", actor.name, data, at=now)
    if where is not RoomChannel.CAUCUS_SHOPPER:  # the ticket's timeline is read by merchant staff
        record_event(case.ticket, "mediation.message", actor.name, {"case_id": case.id, **data}, at=now)
    tell_parties(case, "message", parties=_told_about(where, actor.party))
    case.updated_at = now
    return message


def _told_about(channel: RoomChannel, author: Party) -> tuple[Party, ...]:
    """A caucus message is news only for that caucus's party; a joint one for the parties who did not write it."""
    if channel in CAUCUS_OF:
        party = CAUCUS_OF[channel]
        return () if party is author else (party,)
    return tuple(p for p in (Party.MERCHANT, Party.SHOPPER) if p is not author)


def messages_for(case: MediationCase, viewer: Party) -> list[MediationMessage]:
    return list(db.session.scalars(select(MediationMessage).where(
        MediationMessage.case_id == case.id, MediationMessage.channel.in_(READABLE[viewer]))
        .order_by(MediationMessage.id)))


def attachments_of(message_ids: list[int]) -> dict[int, list[MediationAttachment]]:
    found: dict[int, list[MediationAttachment]] = {}
    if message_ids:
        for a in db.session.scalars(select(MediationAttachment).where(MediationAttachment.message_id.in_(message_ids))
                                    .order_by(MediationAttachment.id)):
            found.setdefault(a.message_id, []).append(a)
    return found
