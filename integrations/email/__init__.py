"""Email channel (SPEC 4.2), one complaint's way through it:

* ``poller``: IMAP (imapclient) with a lease, UIDVALIDITY/UID checkpoint, batched FETCH, IDLE; each mail
  journaled through intake; ``health`` records each pass and alerts supervisors of a failing mailbox;
* ``channel``: the journal handler: ``mime`` parses, ``noise`` tells robots apart, ``threads`` finds the
  ticket (signed ids of ``message_ids``, then the subject reference from a known participant);
* ``acknowledge`` and ``outbound``: acknowledgements and staff replies, recorded then sent by ``smtp``;
* ``mailboxes`` and ``cli``: ``helpdesk add-mailbox`` / ``poll-mail``; ``wiring`` plugs it all into the app.

The parsing modules exported here are pure: no network, Flask or database.
"""

from integrations.email.headers import Mailbox
from integrations.email.mime import ParsedMail, parse_message
from integrations.email.noise import Noise, classify_noise
from integrations.email.parts import Attachment

__all__ = ["Attachment", "Mailbox", "Noise", "ParsedMail", "classify_noise", "parse_message"]
