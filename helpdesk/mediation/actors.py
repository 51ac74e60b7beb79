"""Who acts on a case: the mediator, the merchant (its staff) or the shopper (by the portal link), or the clock.

Every mediation service function takes an `Actor`, so the rules about who
may do what live in the services, once, whatever the door (API, pages,
portal, jobs).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..auth.principal import Principal
from ..errors import Forbidden
from ..models import Party, Role


@dataclass(frozen=True)
class Actor:
    party: Party | None  # None: the system (a deadline passing)
    name: str  # as recorded on events: "mediator:3", "supervisor:7", "shopper", "system"
    supervisor: bool = False

    @property
    def is_mediator(self) -> bool:
        return self.party is Party.MEDIATOR


SYSTEM = Actor(None, "system")
SHOPPER = Actor(Party.SHOPPER, "shopper")


def actor_of(principal: Principal) -> Actor:
    """The actor behind a logged-in user or API token (the case was already found visible to them)."""
    if principal.role is Role.MEDIATOR:
        return Actor(Party.MEDIATOR, principal.actor)
    return Actor(Party.MERCHANT, principal.actor, supervisor=principal.role is Role.SUPERVISOR)


def require(actor: Actor, *allowed: str) -> None:
    """403 unless the actor is one of: "mediator", "supervisor" (the merchant's), "merchant" (any staff), "shopper"."""
    granted = {
        "mediator": actor.party is Party.MEDIATOR,
        "supervisor": actor.party is Party.MERCHANT and actor.supervisor,
        "merchant": actor.party is Party.MERCHANT,
        "shopper": actor.party is Party.SHOPPER,
        "system": actor.party is None,
    }
    if not any(granted[who] for who in allowed):
        raise Forbidden("You may see this case but not do that.")
