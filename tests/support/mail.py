"""Real mail sinks for tests: a directory written by Django's file backend (what a worker
process in another process can share with the test), and a small SMTP server."""

import email
import socketserver
import threading
from email import policy
from email.message import EmailMessage
from pathlib import Path

# Django's file backend ends every message with a line of 79 dashes.
_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def read_mail_dir(path: Path) -> list[EmailMessage]:
    """Every message Django's file backend (``EMAIL_URL=filemail:////abs/path``) wrote
    into ``path``, oldest file first."""
    messages = []
    for file in sorted(path.glob("*.log")):
        for chunk in file.read_bytes().split(_SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=policy.default))
    return messages


def subject(message: EmailMessage) -> str:
    """The decoded subject (a long encoded subject is folded onto the next line, which
    leaves a leading space once decoded)."""
    return " ".join(str(message["Subject"]).split())


def text_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for Django's SMTP backend."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        sink: SMTPSink = self.server.sink
        if sink.hang_on_greeting:
            sink.release.wait(30)
            return
        self.reply("220 localhost test SMTP sink")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif verb in {"HELO", "MAIL", "RSET", "NOOP"}:
                recipients = [] if verb in {"MAIL", "RSET"} else recipients
                self.reply("250 OK")
            elif verb == "RCPT":
                self.reply(sink.rcpt_reply)
                if sink.rcpt_reply.startswith("2"):
                    recipients.append(command)
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                sink.data_received.set()
                if sink.hold_data:
                    sink.release.wait(30)
                sink.messages.append(
                    email.message_from_bytes(b"".join(data), policy=policy.default)
                )
                self.reply("250 OK queued")
            elif verb == "QUIT":
                if sink.hang_on_quit:
                    sink.release.wait(30)
                    return
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class SMTPSink:
    """An SMTP server on a free local port, in a thread, keeping what it receives.
    ``rcpt_reply`` is its answer to every recipient (e.g. ``"550 No such user"``).

    Faults: ``hang_on_greeting`` (accepts the connection, never says hello),
    ``hold_data`` (receives the message, answers only once ``release`` is set;
    ``data_received`` is set when the message has arrived) and ``hang_on_quit`` (accepts
    the message, never answers QUIT). Leaving the ``with`` block sets ``release``."""

    def __init__(
        self,
        rcpt_reply: str = "250 OK",
        *,
        hang_on_greeting: bool = False,
        hold_data: bool = False,
        hang_on_quit: bool = False,
    ):
        self.rcpt_reply = rcpt_reply
        self.hang_on_greeting = hang_on_greeting
        self.hold_data = hold_data
        self.hang_on_quit = hang_on_quit
        self.release = threading.Event()
        self.data_received = threading.Event()
        self.messages: list[EmailMessage] = []

    def __enter__(self) -> "SMTPSink":
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
        self._server.daemon_threads = True
        self._server.sink = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
