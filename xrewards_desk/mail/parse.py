"""A saved mail (.eml bytes) parsed into what an e-mail case needs.

The standard library's :mod:`email` with its modern policy does the MIME work; this module
decides what counts:

- **Receipt time** (R25 measures when a mail was *received*): the date of the topmost
  ``Received:`` header, the one our own mailbox added, read after its last ``;``. If it has
  no readable date, the next ``Received:`` headers in order; failing them all, the mail's
  own ``Date:``, which the sender's machine set, with a warning saying so. A date without a
  time zone is taken as Europe/Berlin, and the warning says that too (``-0000`` is UTC).
  With no readable date at all the receipt time is *unknown* (``received_at`` None,
  ``received_from`` ``"unknown"``): the mail still becomes a case, and an agent types the
  time in before an objection in it can be recorded or decided.
- **Sender**: the From: address, lower-cased; None ("sender unknown") where the mail has no
  From: header or its From: names no usable address. The case is linked to a customer by
  hand then.
- **Body**: the text/plain parts; an HTML-only mail as readable text. Any declared
  charset; one Python does not know falls back to UTF-8 if the bytes are UTF-8, else
  Latin-1: never a crash.
- **Attachments** are kept as evidence only if their *bytes* are a PDF, PNG, JPEG or
  e-mail message of at most 20 MiB (:mod:`xrewards_desk.contract.filetypes`), whatever
  their name or declared type says; every other one is recorded as refused, with why.
- **Cut off**: a multipart body that ends before its closing boundary keeps every part
  that ended before the cut. The part the mail ends inside is incomplete: an attachment
  there is recorded as refused (never kept as evidence), a text there is kept as far as
  it goes; the body ends with a sentence saying what is missing (:attr:`ParsedMail.missing`).
- **Odd boundaries**: a multipart whose declared boundary never appears is read with the
  boundary its body does use, if it has one, else as plain text; a multipart without a
  boundary parameter is plain text.
- A missing Message-ID is made from the SHA-256 of the mail with its line endings made
  LF and an mbox ``From `` line, a byte order mark and blank lines before it left out, so
  the same file twice, and the same mail fetched over IMAP (CRLF) and saved as a file
  (LF), are still the same mail.

Only what is not a mail at all is refused: an empty file, one that does not begin with
mail headers (a UTF-8 byte order mark and blank lines before them are skipped), and one of
more than 50 MiB. :class:`MalformedMail` says why in one sentence.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import errors as email_errors
from email import policy
from email.header import decode_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Literal

from ..contract import filetypes
from ..domain.calendar import BERLIN

MAX_MAIL_BYTES = 50 * 1024 * 1024

#: "internaldate": the IMAP server's receipt time, where no header dates the mail (the
#: mail gateway only: a saved file has none)
ReceivedFrom = Literal["received", "date", "internaldate", "unknown"]

DATE_WARNING = ("no Received: header; the receipt time is the mail's own Date:, which the "
                "sender's machine set")
UNREADABLE_RECEIVED_WARNING = ("no Received: header holds a readable date; the receipt time "
                               "is the mail's own Date:, which the sender's machine set")
LATER_RECEIVED_WARNING = ("the topmost Received: header holds no readable date; the receipt "
                          "time comes from a later one, added by a server before ours")
UNKNOWN_RECEIPT_WARNING = ("neither a Received: nor a Date: header holds a readable date, so "
                           "the receipt time is unknown: set it on the case before an "
                           "objection in it is recorded or decided (R25)")
NO_SENDER = "the mail names no sender address; link the case to a customer by hand"


class MalformedMail(ValueError):
    """The bytes are not a mail this program can take; the message says why, in one
    sentence."""


@dataclass(frozen=True)
class ParsedAttachment:
    #: the name it came under (a label only: never a path)
    name: str
    #: what its bytes are (filetypes.sniff), None if none we accept
    media_type: str | None
    sha256: str
    data: bytes = field(repr=False)
    #: why it is not kept as evidence (filetypes.refusal), None if it is
    refused: str | None

    @property
    def accepted(self) -> bool:
        return self.refused is None


@dataclass(frozen=True)
class ParsedMail:
    #: as in the header, angle brackets kept ("<abc@x>"); made from the SHA-256 of the
    #: mail's normalised bytes (:func:`content_digest`):
    #: ("<sha256-HEX@no-message-id.invalid>") where the mail has none
    message_id: str
    in_reply_to: str | None
    references: list[str]
    #: when our mailbox received it (R25), in UTC; None where no header dates it
    received_at: datetime | None
    received_from: ReceivedFrom
    #: set where the receipt time is less certain than a Received: header with a zone
    warning: str | None
    #: the From: address, lower-cased; None: sender unknown
    sender: str | None
    sender_name: str
    subject: str
    body: str
    attachments: list[ParsedAttachment]
    #: SHA-256 of the whole file
    sha256: str = ""
    #: what a cut-off mail lacks, one sentence each (also at the end of the body)
    missing: list[str] = field(default_factory=list)

    @property
    def accepted_attachments(self) -> list[ParsedAttachment]:
        return [a for a in self.attachments if a.accepted]

    @property
    def refused_attachments(self) -> list[ParsedAttachment]:
        return [a for a in self.attachments if not a.accepted]


# --------------------------------------------------------------------------- the whole mail

_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
_ANGLE_ID = re.compile(r"<[^<>]*>")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_BOUNDARY_LINE = re.compile(rb"^--([0-9A-Za-z'()+_,./:=? -]{1,70}?)[ \t]*\r?$", re.M)


def parse_eml(data: bytes, name: str = "") -> ParsedMail:
    """Parse a saved mail; raises MalformedMail (a ValueError) with the reason."""
    label = name or "the file"
    if len(data) > MAX_MAIL_BYTES:
        raise MalformedMail(f"{label} is {len(data) / 2**20:.1f} MiB; a mail may be at most "
                            f"{MAX_MAIL_BYTES // 2**20} MiB.")
    if not data.strip():
        raise MalformedMail(f"{label} is empty.")
    text = data.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n")  # a BOM, blank lines
    first = re.split(rb"\r\n|\r|\n", text, maxsplit=1)[0]
    if not (_HEADER_LINE.match(first) or first.startswith(b"From ")):
        raise MalformedMail(f"{label} is not an e-mail message: it does not begin with mail "
                            "headers.")
    try:
        return _parse(text, label, hashlib.sha256(data).hexdigest(), content_digest(text))
    except MalformedMail:
        raise
    except (ValueError, LookupError, TypeError, AttributeError, IndexError,
            email_errors.MessageError) as exc:  # the stdlib's parser tripped on a header
        raise MalformedMail(f"{label} could not be read: its MIME structure is damaged "
                            f"({type(exc).__name__}).") from exc


def content_digest(data: bytes) -> str:
    """SHA-256 of a mail however it was stored: CRLF or CR line ends as LF, without a
    byte order mark, blank lines before it or an mbox ``From `` line (a file with LF line
    ends and none of those has the SHA-256 of its bytes, as before)."""
    text = data.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n")
    if text.startswith(b"From "):
        text = text.partition(b"\n")[2]
    text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return hashlib.sha256(text).hexdigest()


def _parse(data: bytes, label: str, digest: str, id_digest: str) -> ParsedMail:
    msg = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(msg, EmailMessage)
    raw = _raw_headers(msg)
    if not raw:
        raise MalformedMail(f"{label} is not an e-mail message: it has no header block.")
    sender, sender_name = _sender(msg, raw["from"][0]) if "from" in raw else (None, "")
    if sender is not None and len(sender) > 320:  # no mail system delivers to it
        sender = None
    received_at, received_from, warning = _receipt(raw)
    if sender is None:
        warning = f"{warning}; {NO_SENDER}" if warning else NO_SENDER
    return _content(msg, raw, (digest, id_digest), sender, sender_name, received_at,
                    received_from, warning)


def _content(msg: Message, raw: dict[str, list[str]], digests: tuple[str, str],
             sender: str | None, sender_name: str, received_at: datetime | None,
             received_from: ReceivedFrom, warning: str | None) -> ParsedMail:
    digest, id_digest = digests
    message_id = _message_id(raw.get("message-id", [""])[0]) or (
        f"<sha256-{id_digest}@no-message-id.invalid>")
    in_reply_to = next(iter(_ids(raw.get("in-reply-to", [""])[0])), None)
    references = [ref for ref in dict.fromkeys(
        i for value in raw.get("references", []) for i in _ids(value)) if ref != message_id]
    if len(references) > 200:  # the root and the nearest ancestors thread best
        references = [references[0], *references[-199:]]
    subject = _header_text(msg, "subject", raw)
    texts: list[str] = []
    attachments: list[ParsedAttachment] = []
    missing: list[str] = []
    _walk(msg, texts, attachments, missing)
    body = _tidy("\n\n".join(t for t in texts if t.strip()))
    if missing:
        body = "\n\n".join([body, *(f"[{line}]" for line in missing)]).lstrip("\n")
    return ParsedMail(
        message_id=message_id, in_reply_to=in_reply_to, references=references,
        received_at=received_at, received_from=received_from, warning=warning,
        sender=sender, sender_name=sender_name, subject=subject, body=body,
        attachments=attachments, sha256=digest, missing=missing)


def _raw_headers(msg: Message) -> dict[str, list[str]]:
    """Header values as they are in the file (unfolded, 8-bit text repaired), by
    lower-cased name, in file order."""
    out: dict[str, list[str]] = {}
    for key, value in msg.raw_items():
        text = _FOLD.sub("", str(value)).replace("\r", "").replace("\n", " ")
        out.setdefault(key.strip().lower(), []).append(_repair(text))
    return out


# --------------------------------------------------------------------------- headers


def _repair(text: str) -> str:
    """Text from a header or a body with no NULs and no stray surrogates: 8-bit bytes the
    parser kept as surrogates are read as UTF-8, or else Latin-1."""
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        raw = text.encode("utf-8", "surrogateescape")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
    text = text.encode("utf-8", "replace").decode("utf-8")  # any other lone surrogate
    return text.replace("\x00", "")


def _clean_line(text: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _decode_words(value: str) -> str:
    """RFC 2047 encoded words decoded by hand, unknown charsets as UTF-8 or Latin-1."""
    try:
        chunks = decode_header(value)
    except (ValueError, LookupError, UnicodeError, email_errors.HeaderParseError):
        return value
    out = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:
            out.append(_repair(chunk.decode("raw-unicode-escape", "replace")))
        else:
            out.append(decode_bytes(chunk, charset))
    return "".join(out)


def _header_text(msg: Message, name: str, raw: dict[str, list[str]]) -> str:
    values = raw.get(name)
    if not values:
        return ""
    try:
        text = str(msg[name])
    except Exception:  # the policy's header parser gave up on it
        text = "\ufffd"
    if "\ufffd" in text and "\ufffd" not in values[0]:
        text = _decode_words(values[0])
    return _clean_line(_repair(text))


def _sender(msg: Message, raw_from: str) -> tuple[str | None, str]:
    """The From: address (None if it names none) and the name beside it; without an
    address, the header's text as the name ("Nina Roth")."""
    pairs: list[tuple[str, str]] = []
    try:
        header = msg["from"]
        pairs = [(a.display_name, a.addr_spec) for a in getattr(header, "addresses", ())]
    except Exception:  # an address the policy's parser cannot take
        pairs = []
    if not any("@" in addr for _n, addr in pairs):
        pairs = getaddresses([_decode_words(raw_from)])
    for display, addr in pairs:
        address = _clean_line(_repair(addr)).replace(" ", "")
        if "@" in address and len(address) >= 3 and not address.startswith("@") \
                and not address.endswith("@"):
            name = _clean_line(_repair(display))
            if "\ufffd" in name:
                decoded = getaddresses([_decode_words(raw_from)])
                name = _clean_line(_repair(decoded[0][0])) if decoded else name
            return address.lower(), name
    text = _clean_line(_repair(_decode_words(raw_from))).strip(" :;,<>\"'")
    return None, text[:200]


def _message_id(value: str) -> str | None:
    ids = _ids(value)
    text = ids[0] if ids else _clean_line(value).replace(" ", "")
    return text if 3 <= len(text) <= 998 else None


def _ids(value: str) -> list[str]:
    """The <...> message ids in a header value (whitespace inside them dropped)."""
    found = ["".join(i.split()) for i in _ANGLE_ID.findall(value)]
    return [i for i in found if 3 <= len(i) <= 998]


# --------------------------------------------------------------------------- receipt time

_COMMENT = re.compile(r"\([^()]*\)")
_NO_ZONE_UTC = re.compile(r"(?<![\d:])-0000\b")


def _instant(text: str) -> tuple[datetime, bool] | None:
    """An RFC 5322 date as an aware UTC instant and whether its zone was assumed
    (Europe/Berlin); None if it cannot be read."""
    while _COMMENT.search(text):
        text = _COMMENT.sub(" ", text)
    text = " ".join(text.split())
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    assumed = False
    if when.tzinfo is None:
        if _NO_ZONE_UTC.search(text):  # RFC 5322: UTC, the local zone not said
            when = when.replace(tzinfo=UTC)
        else:
            when = when.replace(tzinfo=BERLIN)
            assumed = True
    try:
        return when.astimezone(UTC), assumed
    except (OverflowError, ValueError):
        return None


def _receipt(raw: dict[str, list[str]]) -> tuple[datetime | None, ReceivedFrom, str | None]:
    received = raw.get("received", [])
    for i, value in enumerate(received):
        if ";" not in value:
            continue
        found = _instant(value.rsplit(";", 1)[1])
        if found is None:
            continue
        notes = [LATER_RECEIVED_WARNING] if i else []
        if found[1]:
            notes.append("its Received: date has no time zone; Europe/Berlin was assumed")
        return found[0], "received", "; ".join(notes) or None
    for value in raw.get("date", []):
        found = _instant(value)
        if found is None:
            continue
        notes = [UNREADABLE_RECEIVED_WARNING if received else DATE_WARNING]
        if found[1]:
            notes.append("its Date: has no time zone; Europe/Berlin was assumed")
        return found[0], "date", "; ".join(notes)
    return None, "unknown", UNKNOWN_RECEIPT_WARNING


# --------------------------------------------------------------------------- body, parts


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        info = codecs.lookup(charset.strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):  # base64, rot13, zlib...
        return None
    return info.name


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text in its declared charset. ISO-8859-1 and US-ASCII are read as Windows-1252 where
    the bytes fit it (as mail programs write them); an unknown or missing charset as UTF-8
    if the bytes are UTF-8, else Latin-1. Never raises."""
    codec = _codec(charset)
    if codec in ("latin-1", "iso8859-1", "ascii"):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            codec = "latin-1"
    if codec is not None:
        try:
            return data.decode(codec, "replace")
        except Exception:  # a codec that fails on its own terms
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    return _repair(payload).encode("utf-8") if isinstance(payload, str) else b""


def _part_text(part: Message) -> str:
    return _repair(decode_bytes(_payload(part), part.get_content_charset()))


def _is_attachment(part: Message) -> bool:
    if part.get_content_maintype() == "message" and part.get_content_subtype() in (
            "rfc822", "global"):
        return True
    if part.is_multipart():
        return False
    try:
        disposition = part.get_content_disposition()
    except (ValueError, LookupError, TypeError, email_errors.MessageError):
        disposition = None  # a header the stdlib cannot parse: judged by name and type
    if disposition == "attachment" or _filename(part):
        return True
    # a non-text part without a name (an image pasted into the mail) is evidence too
    return part.get_content_maintype() != "text"


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name is None:
        return None
    name = _repair(str(name))
    if "=?" in name:  # Outlook's RFC 2047 words inside a quoted parameter
        name = _decode_words(name)
    return name


def _label(name: str | None, fallback: str) -> str:
    """As the server keeps it: printable, no folders, at most 255 characters."""
    printable = "".join(ch for ch in (name or "") if ch.isprintable())
    return PurePosixPath(printable.replace("\\", "/")).name.strip()[:255] or fallback


def _inner_mail(part: Message) -> bytes:
    """The bytes of a message/rfc822 part, as it was (or decoded, where a mail program
    wrapped it in base64 or quoted-printable)."""
    payload = part.get_payload()
    sub = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(sub, Message):
        return _payload(part)
    cte = str(part.get("content-transfer-encoding", "")).strip().lower()
    if cte in ("base64", "quoted-printable") and not list(sub.keys()):
        holder = Message()
        holder["Content-Transfer-Encoding"] = cte
        text = sub.get_payload()
        holder.set_payload(text if isinstance(text, str) else "")
        data = holder.get_payload(decode=True)
        return data if isinstance(data, bytes) else b""
    return sub.as_bytes(policy=policy.default.clone(max_line_length=0))


def _attachment(part: Message, n: int) -> ParsedAttachment:
    if part.get_content_maintype() == "message":
        data = _inner_mail(part)
        fallback = "message.eml"
        filename = _filename(part)
        if filename is None:
            subject = _clean_line(_decode_words(_repair(str(
                BytesParser(policy=policy.compat32).parsebytes(data, headersonly=True).get(
                    "subject", "")))))
            filename = f"{subject[:200]}.eml" if subject else None
    else:
        data = _payload(part)
        fallback = f"attachment-{n}"
        filename = _filename(part)
    label = _label(filename, fallback)
    refused = filetypes.refusal(data, label)
    return ParsedAttachment(name=label, media_type=filetypes.sniff(data) if data else None,
                            sha256=hashlib.sha256(data).hexdigest(), data=data,
                            refused=refused)


def _walk(part: Message, texts: list[str], attachments: list[ParsedAttachment],
          missing: list[str], cut: bool = False) -> None:
    """Text and attachments of `part`; `cut`: the mail ends inside it (it is the last
    part of a multipart without its closing boundary)."""
    if part.get_content_maintype() == "multipart" and not isinstance(part.get_payload(),
                                                                        list):
        found = _with_found_boundary(part)
        if found is None:  # no parts to be found: its body is read as plain text
            texts.append(_part_text(part))
            if cut:
                missing.append(CUT_IN_TEXT)
            return
        part = found
    if _is_attachment(part):
        attachment = _attachment(part, len(attachments) + 1)
        if cut:
            attachment = _cut_attachment(attachment, missing)
        attachments.append(attachment)
        return
    payload = part.get_payload()
    if part.is_multipart() and isinstance(payload, list):
        subs = [sub for sub in payload if isinstance(sub, Message)]
        open_end = any(isinstance(d, email_errors.CloseBoundaryNotFoundDefect)
                       for d in part.defects)
        if part.get_content_subtype() == "alternative":
            _alternative(subs, texts, attachments, missing, open_end)
            return
        for i, sub in enumerate(subs):
            _walk(sub, texts, attachments, missing, open_end and i == len(subs) - 1)
        return
    kind = part.get_content_type()
    text = ""
    if kind == "text/plain":
        text = _part_text(part)
    elif kind == "text/html":
        text = html_to_text(_part_text(part))
    texts.append(text)
    if cut:
        missing.append(CUT_IN_TEXT if text.strip() else CUT_AT_PART)


CUT_IN_TEXT = ("This mail is cut off: it ends inside its text, which may be incomplete; "
               "anything after it is missing.")
CUT_AT_PART = ("This mail is cut off: it ends at the start of a part whose content is "
               "missing.")
CUT_IN_ALTERNATIVE = ("This mail is cut off: it ends inside another version of its text "
                      "(the text shown is whole); anything after it is missing.")


def _whole(data: bytes, media_type: str | None) -> bool:
    """Whether a file's bytes end as their format ends (a PDF's %%EOF, a PNG's IEND
    chunk, a JPEG's end-of-image marker); an e-mail message cannot tell."""
    tail = data.rstrip(b"\r\n\t \x00")
    if media_type == filetypes.PDF:
        return tail.endswith(b"%%EOF")
    if media_type == filetypes.PNG:
        return tail.endswith(b"IEND\xaeB`\x82")
    if media_type == filetypes.JPEG:
        return tail.endswith(b"\xff\xd9")
    return False


def _cut_attachment(attachment: ParsedAttachment, missing: list[str]) -> ParsedAttachment:
    """The attachment the mail ends inside: kept only if its bytes are whole by their own
    format, else recorded as refused, saying it is cut off."""
    name = attachment.name
    if attachment.accepted and _whole(attachment.data, attachment.media_type):
        missing.append(f"This mail ends without its closing boundary, right after the "
                       f"attachment {name}; anything after it is missing.")
        return attachment
    missing.append(f"This mail is cut off: it ends inside the attachment {name}, which is "
                   "incomplete and was not kept; anything after it is missing.")
    return ParsedAttachment(
        name=name, media_type=attachment.media_type, sha256=attachment.sha256,
        data=attachment.data, refused=f"{name} is cut off: the mail ends inside it, so it "
                                      "is incomplete and cannot be kept as evidence.")


def _with_found_boundary(part: Message) -> Message | None:
    """A multipart whose declared boundary never appears (or that declares none), read
    with the boundary its body does use: the first ``--token`` line followed by a header
    line. None if there is none."""
    payload = part.get_payload()
    if not isinstance(payload, str):
        return None
    raw = payload.encode("utf-8", "surrogateescape")
    for match in _BOUNDARY_LINE.finditer(raw):
        after = raw[match.end():].lstrip(b"\r\n")
        token = match.group(1)
        if token.endswith(b"--") or not _HEADER_LINE.match(after):
            continue
        head = (b"Content-Type: multipart/" + part.get_content_subtype().encode("ascii",
                                                                                 "replace")
                + b'; boundary="' + token + b'"\n\n')
        found = BytesParser(policy=policy.default).parsebytes(head + raw)
        if isinstance(found.get_payload(), list) and found.get_payload():
            return found
    return None


def _alternative(parts: list[Message], texts: list[str],
                 attachments: list[ParsedAttachment], missing: list[str],
                 open_end: bool) -> None:
    """One of the alternatives: the plain text if there is one, else the richest one
    (the last, RFC 2046) that gives text. Attachments of every alternative are kept."""
    found: list[list[str]] = []
    notes: list[list[str]] = []
    for i, sub in enumerate(parts):
        mine: list[str] = []
        said: list[str] = []
        _walk(sub, mine, attachments, said, open_end and i == len(parts) - 1)
        found.append(mine)
        notes.append(said)
    chosen = next((i for i, (sub, mine) in enumerate(zip(parts, found, strict=True))
                   if sub.get_content_type() == "text/plain" and any(t.strip() for t in mine)),
                  None)
    if chosen is None:
        chosen = next((i for i in reversed(range(len(found)))
                       if any(t.strip() for t in found[i])), None)
    for i, said in enumerate(notes):
        if i != chosen and said and set(said) <= {CUT_IN_TEXT, CUT_AT_PART}:
            said = [CUT_IN_ALTERNATIVE]  # the text shown is another, whole version
        missing.extend(said)
    if chosen is not None:
        texts.extend(found[chosen])


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n")
             .replace("\x00", "").split("\n")]
    return "\n".join(lines).strip("\n")


# --------------------------------------------------------------------------- HTML


_BLOCKS = {"p", "div", "li", "tr", "table", "ul", "ol", "blockquote", "h1", "h2", "h3",
           "h4", "h5", "h6", "pre", "address", "section", "article", "header", "footer",
           "dt", "dd"}
#: blocks that end with an empty line after them
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol"}
_DROPPED = {"script", "style", "head", "title", "template", "noscript"}


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropped = 0

    def _line_break(self) -> None:
        """A new line, unless the text already stands at the start of one."""
        for chunk in reversed(self.out):
            text = chunk.rstrip(" ")
            if text:
                if not text.endswith("\n"):
                    self.out.append("\n")
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self.dropped += 1
        elif tag in ("br", "hr"):
            self.out.append("\n")
        elif tag in _BLOCKS:
            self._line_break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.dropped = max(0, self.dropped - 1)
        elif tag in _BLOCKS:
            self._line_break()
            if tag in _PARAGRAPHS:
                self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.dropped:
            self.out.append(re.sub(r"[ \t\r\n\f]+", " ", data.replace("\xa0", " ")))


def html_to_text(html: str) -> str:
    """Readable text of an HTML body: tags stripped, scripts and styles dropped, line
    breaks where <br>, paragraphs, divisions and list items end, entities unescaped."""
    parser = _Html()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; this is only a last guard
        return re.sub(r"<[^>]*>", " ", html)
    text = "\n".join(line.strip() for line in "".join(parser.out).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
