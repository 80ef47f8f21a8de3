"""Mail during development (`make run`): nothing leaves the machine. Each message is appended to
a file under var/mail/ (one file per connection, as Django's file backend writes them) and its
recipients, subject and plain text are printed on the console, so an invitation link can be
followed without a mail server."""

import sys

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend


class DevelopmentEmailBackend(FileEmailBackend):
    def __init__(self, *args, console=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.console = console or sys.stdout

    def send_messages(self, email_messages):
        count = super().send_messages(email_messages)
        for message in email_messages or []:
            self.console.write(
                f"\n[Ume mail → {self.file_path}]\nTo: {', '.join(message.to)}\n"
                f"Subject: {message.subject}\n\n{message.body}\n{'-' * 79}\n"
            )
        self.console.flush()
        return count
