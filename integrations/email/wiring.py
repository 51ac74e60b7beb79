"""Plug the email channel into the app: its journal handler, acknowledger, reply sender and commands."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk import notifications
    from helpdesk.models import Channel

    from . import channel  # noqa: F401 - registers the "email" journal handler
    from .acknowledge import acknowledge_by_email, send_reply_by_email
    from .cli import COMMANDS

    notifications.ACKNOWLEDGERS[Channel.EMAIL.value] = acknowledge_by_email
    notifications.REPLY_SENDERS[Channel.EMAIL.value] = send_reply_by_email
    from helpdesk.sla import notify

    from .staff_notices import mail_staff_notice

    if mail_staff_notice not in notify.NOTIFIERS:
        notify.NOTIFIERS.append(mail_staff_notice)
    for command in COMMANDS:
        app.cli.add_command(command)
    from .views import bp

    app.register_blueprint(bp)
