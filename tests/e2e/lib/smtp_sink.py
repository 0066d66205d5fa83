#!/usr/bin/python3
"""A throwaway SMTP server for the e2e tests (Debian's python3-aiosmtpd).

usage: smtp_sink.py <outdir> [port] [user:password]
With user:password, AUTH (PLAIN/LOGIN) is required before MAIL. SMTP_SINK_DELAY_MS
makes it wait that long before accepting each message (a slow mail server). Listens on 127.0.0.1 (port 0 = any free one), prints "READY <port>" once it
accepts connections, and writes each received message to <outdir>/<n>.json as
{mailFrom, rcptTos, from, to, subject, text, html} with the MIME parts decoded.
"""
import asyncio
import email
import email.policy
import json
import os
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, outdir, delay_ms=0):
        self.outdir = outdir
        self.delay_ms = delay_ms
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        if self.delay_ms:
            await asyncio.sleep(self.delay_ms / 1000)
        msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                       policy=email.policy.default)
        text = html = ''
        for part in msg.walk():
            ctype = part.get_content_type()
            if ctype == 'text/plain' and not text:
                text = part.get_content()
            elif ctype == 'text/html' and not html:
                html = part.get_content()
        self.n += 1
        record = {
            'mailFrom': envelope.mail_from,
            'rcptTos': envelope.rcpt_tos,
            'from': str(msg.get('From', '')),
            'to': str(msg.get('To', '')),
            'subject': str(msg.get('Subject', '')),
            'text': text,
            'html': html,
        }
        tmp = os.path.join(self.outdir, f'.{self.n:05d}.tmp')
        with open(tmp, 'w') as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(self.outdir, f'{self.n:05d}.json'))
        return '250 OK'


def main():
    outdir = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    if port == 0:
        import socket
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
        s.close()
    kwargs = {}
    if len(sys.argv) > 3:
        user, password = sys.argv[3].split(':', 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (getattr(auth_data, 'login', b'') == user.encode()
                  and getattr(auth_data, 'password', b'') == password.encode())
            return AuthResult(success=ok)

        kwargs = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    controller = Controller(Sink(outdir, int(os.environ.get('SMTP_SINK_DELAY_MS', '0'))), hostname='127.0.0.1', port=port, **kwargs)
    controller.start()
    print(f'READY {port}', flush=True)
    try:
        sys.stdin.read()  # until the parent closes our stdin (or dies)
    finally:
        controller.stop()


if __name__ == '__main__':
    main()
