"""Email channel: MIME parsing, noise (auto-reply, bounce, list) detection.

The IMAP reader and SMTP sender build on these pure functions; nothing here
touches the network, Flask or the database.
"""

from integrations.email.headers import Mailbox
from integrations.email.mime import ParsedMail, parse_message
from integrations.email.noise import Noise, classify_noise
from integrations.email.parts import Attachment

__all__ = ["Attachment", "Mailbox", "Noise", "ParsedMail", "classify_noise", "parse_message"]
