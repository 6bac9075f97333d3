"""The SMTP sink of ``make stack-test``: accepts every message and keeps it as a file, nothing is relayed.

Standard library only (it runs in the plain Python test image). ``serve`` answers SMTP (EHLO/HELO, MAIL, RCPT,
DATA, RSET, NOOP, QUIT) and writes each message to FOLDER/NNNNNN.eml; ``list`` prints one JSON line per stored
message (file, Message-ID, To, Subject), which the test reads with ``docker compose exec``."""

from __future__ import annotations

import argparse
import asyncio
import email
import json
import re
import sys
from email import policy
from pathlib import Path

MAX_MESSAGE = 10 * 1024 * 1024
MARK = re.compile(r"STACKTEST-[A-Za-z0-9]+")


class Sink:
    def __init__(self, folder: Path):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = len(list(folder.glob("*.eml")))

    def store(self, data: bytes) -> None:
        self.count += 1
        partial = self.folder / f".{self.count:06d}.partial"
        partial.write_bytes(data)
        partial.rename(self.folder / f"{self.count:06d}.eml")

    async def session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        await reply("220 stack-test SMTP sink")
        try:
            while True:
                raw = await reader.readline()
                if not raw:
                    return
                verb = raw.decode("latin-1").strip().split(" ", 1)[0].upper()
                if verb == "EHLO":
                    await reply("250-stack-test\r\n250-8BITMIME\r\n250 SIZE %d" % MAX_MESSAGE)
                elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                    await reply("250 OK")
                elif verb == "DATA":
                    await reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while True:
                        line = await reader.readline()
                        if not line or line in (b".\r\n", b".\n"):
                            break
                        lines.append(line[1:] if line.startswith(b"..") else line)
                    self.store(b"".join(lines))
                    await reply("250 Message accepted")
                elif verb == "QUIT":
                    await reply("221 Bye")
                    return
                else:
                    await reply("502 Command not implemented")
        finally:
            writer.close()


async def serve(folder: Path, port: int) -> None:
    sink = Sink(folder)
    server = await asyncio.start_server(sink.session, "0.0.0.0", port)  # noqa: S104  (inside its container)
    print(f"SMTP sink on port {port}, messages in {folder}", flush=True)
    async with server:
        await server.serve_forever()


def listing(folder: Path) -> None:
    """One JSON line per message; ``marks``: the test's markers (STACKTEST-…) in its subject or text parts."""
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        texts = [str(message["Subject"] or "")]
        texts += [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
        print(json.dumps({"file": path.name, "message_id": str(message["Message-ID"] or ""),
                          "to": str(message["To"] or ""), "subject": str(message["Subject"] or ""),
                          "marks": sorted(set(MARK.findall("\n".join(texts))))}, ensure_ascii=False))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["serve", "list"])
    parser.add_argument("--folder", type=Path, default=Path("/mail"))
    parser.add_argument("--port", type=int, default=1025)
    args = parser.parse_args(argv)
    if args.command == "serve":
        asyncio.run(serve(args.folder, args.port))
    else:
        listing(args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
