"""The mail parser on saved mails as mail programs write them (tests/mails/*.eml).

Every expected value is read off the bytes of the sample files by hand: the comments say
how (a header's date and zone, an encoded word's bytes, a quoted-printable escape)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from xrewards_desk.domain.calendar import objection_in_time
from xrewards_desk.mail import MalformedMail, ParsedMail, parse_eml
from xrewards_desk.mail.parse import (
    CUT_IN_ALTERNATIVE,
    DATE_WARNING,
    NO_SENDER,
    UNKNOWN_RECEIPT_WARNING,
    decode_bytes,
    html_to_text,
)

MAILS = Path(__file__).parent / "mails"

#: the attachments' bytes, as the sample files were written from them
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parsed(name: str) -> ParsedMail:
    return parse_eml((MAILS / name).read_bytes(), name)


def test_the_sample_files_are_as_written() -> None:
    """Some samples have CRLF line ends (Outlook, a relay), the others LF."""
    for name in ("outlook_alternative.eml", "several_received.eml", "rfc2231_forward.eml"):
        data = (MAILS / name).read_bytes()
        assert data.count(b"\r\n") == data.count(b"\n") > 10
    assert b"\r" not in (MAILS / "thunderbird_mixed_pdf_png.eml").read_bytes()


def test_multipart_mixed_with_a_pdf_and_a_png() -> None:
    mail = parsed("thunderbird_mixed_pdf_png.eml")
    # From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= is "Jürgen Müller" (c3 bc = ü); the address
    # <Juergen.Mueller@Mueller-GmbH.example> lower-cased
    assert mail.sender == "juergen.mueller@mueller-gmbh.example"
    assert mail.sender_name == "Jürgen Müller"
    # two encoded words, the second =E2=80=93 (an en dash); the space before it is the
    # "_" at the end of the first word, the folding between words is dropped (RFC 2047)
    assert mail.subject == "Einwendung gegen die Gutschrift zu Bestellung 4711 – Punkte fehlen"
    assert mail.message_id == "<8f1c2d3e-4711-4a5b-9c0d-1e2f3a4b5c6d@mueller-gmbh.example>"
    # the one Received: "Mon,  3 Mar 2025 10:15:02 +0100 (CET)" = 09:15:02 UTC, not the
    # Date: (10:14:55)
    assert mail.received_at == datetime(2025, 3, 3, 9, 15, 2, tzinfo=UTC)
    assert (mail.received_from, mail.warning) == ("received", None)
    assert mail.body == ("Sehr geehrte Damen und Herren,\n\n"
                         "für die Bestellung 4711 wurden mir nur 250 Punkte gutgeschrieben.\n"
                         "Rechnung und Bildschirmfoto hänge ich an.\n\n"
                         "Mit freundlichen Grüßen\nJürgen Müller")
    assert [(a.name, a.media_type, a.sha256, a.refused) for a in mail.attachments] == [
        ("Rechnung 4711.pdf", "application/pdf", sha(PDF), None),
        ("Bildschirmfoto.png", "image/png", sha(PNG), None)]
    assert mail.attachments[0].data == PDF and mail.attachments[1].data == PNG


def test_multipart_alternative_takes_the_plain_text() -> None:
    mail = parsed("outlook_alternative.eml")
    # =?iso-8859-1?Q?B=E4rbel_Sch=F6n?=: e4 = ä, f6 = ö in Latin-1
    assert mail.sender_name == "Bärbel Schön"
    assert mail.sender == "b.schoen@schoen-bau.example"
    assert mail.subject == "Punkte verfallen überraschend"  # =FC = ü
    # quoted-printable Latin-1, "w=" a soft line break joining "wollte"; CRLF become \n;
    # the HTML alternative (which says HTML-FASSUNG) is not taken
    assert mail.body == ("Guten Tag,\n\nmeine Punkte aus dem März 2024 sind verfallen, "
                         "obwohl ich sie einlösen wollte.\n\nGruß\nBärbel Schön")
    # Received: Tue, 4 Mar 2025 16:42:10 +0100 = 15:42:10 UTC
    assert mail.received_at == datetime(2025, 3, 4, 15, 42, 10, tzinfo=UTC)
    assert mail.attachments == []


def test_an_html_only_mail_becomes_readable_text() -> None:
    mail = parsed("html_only.eml")
    # title, style and script are dropped; <p> ends with an empty line, <br>, </li> and
    # </div> with a line break; &amp; &uuml; &szlig; &#8364; &nbsp; unescaped
    assert mail.body == ("Hallo Team,\n\nich habe drei Fragen:\nzum Kontostand & zu den "
                         "Fristen\n\nWann verfallen meine Punkte?\nGilt das für alle Lose?\n"
                         "Was sind 100 Punkte wert? € 1,00?\n\nViele Grüße\nAna Lima")
    assert "alert" not in mail.body and "color" not in mail.body


def test_html_to_text_in_small() -> None:
    assert html_to_text("a<br>b<br/>c") == "a\nb\nc"
    assert html_to_text("<div>one</div><div>two</div>") == "one\ntwo"
    assert html_to_text("<p>x &lt;y&gt;</p><p>z</p>") == "x <y>\n\nz"


def test_quoted_printable_windows_1252() -> None:
    mail = parsed("qp_windows1252.eml")
    # =80 is € and =93/=94 are “ ” in Windows-1252 (not in Latin-1); =FC ü, =E4 ä; the
    # "M=E4=" soft break joins "März"
    assert mail.body == "Der Rabatt von 12,50 € fehlt “immer noch” auf der Rechnung für März."
    assert mail.sender_name == "Kai Becker"  # the quotes of "Kai Becker" are syntax


def test_base64_bodies_in_latin_1_and_koi8_r() -> None:
    latin = parsed("base64_latin1.eml")
    assert latin.body == "Grüße aus Köln,\nbitte prüfen Sie mein Konto."
    # =?ISO-8859-1?B?R3L832UgYXVzIEv2bG4=?= decodes to 47 72 fc df 65 ...: "Grüße aus Köln"
    assert latin.subject == "Grüße aus Köln"
    assert latin.sender_name == "Günter Köhler"
    russian = parsed("base64_koi8r.eml")
    assert russian.body == "Здравствуйте! Где мои баллы?"
    assert russian.subject == "Где мои баллы?"
    assert russian.sender_name == "Лена Иванова"
    # the Received: "07:45:30 +0100" counts (06:45:30 UTC), not the Date: in +0300
    assert russian.received_at == datetime(2025, 3, 10, 6, 45, 30, tzinfo=UTC)


def test_a_bogus_charset_falls_back_and_a_missing_message_id_is_made_stable() -> None:
    data = (MAILS / "bogus_charset.eml").read_bytes()
    mail = parse_eml(data, "bogus_charset.eml")
    # body bytes "Sch\xf6ne Gr\xfc\xdfe" are no UTF-8, so Latin-1: ö ü ß
    assert mail.body == "Schöne Grüße"
    # the encoded word's charset x-bogus-charset is unknown; its bytes fc df as Latin-1
    assert mail.subject == "Grüße"
    # an unencoded 8-bit From: name (the byte df), read as Latin-1
    assert mail.sender_name == "Otto Weiß"
    assert mail.message_id == f"<sha256-{sha(data)}@no-message-id.invalid>"
    assert parse_eml(data).message_id == mail.message_id  # the same file, the same id


def test_a_mail_without_message_id_has_one_id_however_it_was_stored() -> None:
    # the gateway fetches it over IMAP with CRLF line ends; an agent saves it as a file
    # with LF, or an mbox export puts a "From " line before it: one mail, one made-up id
    lf = (b"From: Otto Weiss <otto@example.com>\nSubject: Punkte\n"
          b"Date: Mon, 10 Mar 2025 07:45:30 +0100\n\nWo sind meine Punkte?\n")
    made = f"<sha256-{sha(lf)}@no-message-id.invalid>"  # the LF file's own SHA-256
    assert parse_eml(lf).message_id == made
    crlf = lf.replace(b"\n", b"\r\n")
    assert sha(crlf) != sha(lf)
    assert parse_eml(crlf).message_id == made
    assert parse_eml(b"From otto@example.com Mon Mar 10 07:45:30 2025\n" + lf
                     ).message_id == made
    assert parse_eml(b"\xef\xbb\xbf\r\n" + crlf).message_id == made
    # the file's own SHA-256 stays that of its bytes
    assert parse_eml(crlf).sha256 == sha(crlf)
    # another text is another mail
    assert parse_eml(lf.replace(b"Punkte?", b"Punkte!")).message_id != made


def test_decode_bytes_never_fails() -> None:
    assert decode_bytes("Grüße".encode(), "no-such-charset") == "Grüße"
    assert decode_bytes(b"Gr\xfc\xdfe", None) == "Grüße"
    assert decode_bytes(b"abc", "base64") == "abc"  # a codec, but not a text encoding
    assert decode_bytes(b"\x80", "iso-8859-1") == "€"  # as mail programs mean it
    assert decode_bytes(b"\x82\xa0", "shift_jis") == "あ"
    assert decode_bytes(b"\xff\xfe", "utf-8") == "\ufffd\ufffd"


def test_no_received_header_falls_back_to_date_with_a_warning() -> None:
    mail = parsed("no_received.eml")
    # Date: Wed, 12 Mar 2025 18:30:00 +0100 = 17:30 UTC
    assert mail.received_at == datetime(2025, 3, 12, 17, 30, tzinfo=UTC)
    assert mail.received_from == "date"
    assert mail.warning == DATE_WARNING
    assert "sender's machine" in mail.warning


def test_the_topmost_received_header_is_the_receipt_time() -> None:
    """R25 measures receipt: our mailbox's Received: (the first in the file) says
    28 Feb 2025 23:59:30 +0100; the sender's Date: and its own relay say 1 March."""
    mail = parsed("several_received.eml")
    assert mail.received_at == datetime(2025, 2, 28, 22, 59, 30, tzinfo=UTC)
    assert mail.received_at.isoformat() == "2025-02-28T22:59:30+00:00"
    assert (mail.received_from, mail.warning) == ("received", None)
    # a notice sent 31 January: the deadline is 28 February, end of day in Berlin
    notice_sent = datetime(2025, 1, 31, 10, 0, tzinfo=UTC)
    assert objection_in_time(notice_sent, mail.received_at)
    assert not objection_in_time(notice_sent, datetime(2025, 2, 28, 23, 0, tzinfo=UTC))


def test_received_dates_read_leniently() -> None:
    head = (b"From: a@b.example\nMessage-ID: <x@b.example>\n"
            b"Date: Sat, 01 Mar 2025 00:04:07 +0100\n")
    # the topmost has no date after its ';': the next Received counts, and we say so
    two = (b"Received: from a by mx.xrewards.example; garbage\n"
           b"Received: from b by a;\n\t Fri, 28 Feb 2025\n  22:59:21 +0000 (GMT)\n") + head
    mail = parse_eml(two + b"\nhi\n")
    assert mail.received_at == datetime(2025, 2, 28, 22, 59, 21, tzinfo=UTC)
    assert mail.received_from == "received" and "topmost" in (mail.warning or "")
    # no zone: Europe/Berlin assumed (CET in February, +0100), and said
    naive = parse_eml(b"Received: from a by b; Fri, 28 Feb 2025 23:59:30\n" + head + b"\nhi\n")
    assert naive.received_at == datetime(2025, 2, 28, 22, 59, 30, tzinfo=UTC)
    assert "Europe/Berlin was assumed" in (naive.warning or "")
    # -0000 is UTC whose local zone is not said (RFC 5322)
    utc = parse_eml(b"Received: from a by b; Fri, 28 Feb 2025 23:59:30 -0000\n" + head
                    + b"\nhi\n")
    assert utc.received_at == datetime(2025, 2, 28, 23, 59, 30, tzinfo=UTC)
    assert utc.warning is None
    # unreadable Received headers only: the Date:, with the warning
    dated = parse_eml(b"Received: from a by b; someday\n" + head + b"\nhi\n")
    assert dated.received_from == "date"
    assert dated.received_at == datetime(2025, 2, 28, 23, 4, 7, tzinfo=UTC)


def test_a_reply_names_what_it_answers() -> None:
    first = parsed("case_first.eml")
    reply = parsed("case_reply.eml")
    assert first.in_reply_to is None and first.references == []
    assert reply.message_id == "<case-reply-0303@hoffmann-gmbh.example>"
    assert reply.in_reply_to == first.message_id
    # References: folded over two lines, the thread's root first
    assert reply.references == ["<thread-root-0301@xrewards.example>",
                                "<case-first-0303@hoffmann-gmbh.example>"]
    assert reply.body.endswith("> Please transfer my points to my colleague.")


def test_attachments_are_judged_by_their_bytes_not_their_names() -> None:
    mail = parsed("disguised_attachments.eml")
    named = {a.name: a for a in mail.attachments}
    assert list(named) == ["Rechnung.pdf", "Belege.pdf", "scan.txt"]
    # "Rechnung.pdf" declared application/pdf begins with "MZ" (a Windows executable),
    # "Belege.pdf" with "PK\x03\x04" (a zip): both refused, with the sentence why
    for name in ("Rechnung.pdf", "Belege.pdf"):
        assert named[name].media_type is None and not named[name].accepted
        assert named[name].refused == (
            f"{name} is not a PDF, PNG, JPEG or e-mail message (judged by its content, "
            "not its name), so it cannot be kept as evidence.")
    assert named["Rechnung.pdf"].data.startswith(b"MZ")
    # "scan.txt", declared text/plain, is the PDF: kept as application/pdf
    assert named["scan.txt"].media_type == "application/pdf"
    assert named["scan.txt"].accepted and named["scan.txt"].sha256 == sha(PDF)
    assert mail.body == "Anbei die Belege."  # the text/plain attachment is no body
    assert [a.name for a in mail.refused_attachments] == ["Rechnung.pdf", "Belege.pdf"]


def test_rfc_2231_and_2047_file_names_and_a_forwarded_mail() -> None:
    mail = parsed("rfc2231_forward.eml")
    names = [a.name for a in mail.attachments]
    # filename*0*=UTF-8''Pr%C3%BCfbericht%20; filename*1*=M%C3%A4rz.pdf joined (RFC 2231)
    # name="=?UTF-8?B?w5xiZXJzaWNodC5wbmc=?=" (Outlook's habit) is "Übersicht.png"
    # the message/rfc822 part has no name: its subject + .eml
    assert names == ["Prüfbericht März.pdf", "Übersicht.png", "Ihre Punkte verfallen bald.eml"]
    assert [a.media_type for a in mail.attachments] == ["application/pdf", "image/png",
                                                        "message/rfc822"]
    forwarded = mail.attachments[2]
    assert forwarded.accepted
    assert forwarded.data.startswith(b"From: Rewards Team <rewards@xrewards.example>")
    assert b"Message-ID: <notice-0131@xrewards.example>" in forwarded.data
    assert forwarded.data.rstrip().endswith(b"Am 31.01.2026 verfallen 1.200 Punkte.")
    # the forwarded mail's own text is no part of this mail's body
    assert mail.body == "Siehe unten, Prüfbericht anbei."  # =C3=BC is ü
    assert mail.received_at == datetime(2025, 3, 14, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(("name", "why"), [
    ("not_a_mail.eml", "not_a_mail.eml is not an e-mail message: it does not begin with "
                       "mail headers."),
    ("empty.eml", "empty.eml is empty."),
])
def test_only_what_is_no_mail_at_all_is_refused(name: str, why: str) -> None:
    with pytest.raises(MalformedMail) as refused:
        parsed(name)
    assert str(refused.value) == why
    assert isinstance(refused.value, ValueError)


# ------------------------------------------------------------------ odd, but mails (item 9)
# These were refused until issue 15 item 9: a person can still act on each of them, so
# each is taken, and says what it lacks.


def test_a_mail_without_any_date_is_taken_with_its_receipt_time_unknown() -> None:
    """no_dates.eml has neither Received: nor Date:: R25 cannot be measured from the
    mail, so the receipt time is unknown (an agent sets it on the case), not refused."""
    mail = parsed("no_dates.eml")
    assert (mail.received_at, mail.received_from) == (None, "unknown")
    assert mail.warning == UNKNOWN_RECEIPT_WARNING
    assert (mail.sender, mail.sender_name) == ("nina@roth.example", "Nina Roth")
    assert mail.body == "No Received, no Date."
    assert mail.message_id == "<no-dates@roth.example>"
    # an unreadable Date: ("20.03.2025 14:00" is no RFC 5322 date) is no date either
    odd = parsed("eight_bit_name_only.eml")
    assert (odd.received_at, odd.received_from) == (None, "unknown")


@pytest.mark.parametrize(("name", "sender_name"), [
    ("no_from.eml", ""),                                  # no From: header at all
    ("from_without_address.eml", "Undisclosed recipients"),  # "Undisclosed recipients:;"
])
def test_a_mail_without_a_sender_address_is_taken_with_the_sender_unknown(
        name: str, sender_name: str) -> None:
    mail = parsed(name)
    assert mail.sender is None and mail.sender_name == sender_name
    assert mail.warning == NO_SENDER
    # both have "Received: ...; Mon, 3 Mar 2025 10:00:00 +0100" = 09:00 UTC
    assert mail.received_at == datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    assert mail.received_from == "received"


def test_a_cut_off_multipart_keeps_its_whole_parts_and_says_what_is_missing() -> None:
    """truncated_multipart.eml ends inside the base64 of Rechnung.pdf, with no closing
    boundary: the text part before it ended at a boundary, so it is whole and kept; the
    PDF's 76 + 54 = 130 base64 characters are 32 whole groups of four (96 bytes) and two
    left over (one more byte, "t"): 97 bytes of a PDF without its "%%EOF". Not kept,
    recorded as refused, and the body says what is missing."""
    mail = parsed("truncated_multipart.eml")
    cut = ("This mail is cut off: it ends inside the attachment Rechnung.pdf, which is "
           "incomplete and was not kept; anything after it is missing.")
    assert mail.missing == [cut]
    assert mail.body == f"Rechnung anbei.\n\n[{cut}]"
    (pdf,) = mail.attachments
    assert pdf.name == "Rechnung.pdf" and not pdf.accepted
    assert pdf.refused == ("Rechnung.pdf is cut off: the mail ends inside it, so it is "
                           "incomplete and cannot be kept as evidence.")
    assert pdf.data.startswith(b"%PDF-1.4") and len(pdf.data) == 97
    assert PDF.startswith(pdf.data) and not pdf.data.rstrip().endswith(b"%%EOF")
    # Received: Mon, 17 Mar 2025 10:00:00 +0100 = 09:00 UTC
    assert mail.received_at == datetime(2025, 3, 17, 9, 0, tzinfo=UTC)


def test_a_mail_cut_inside_a_version_of_its_text_keeps_the_whole_one() -> None:
    """nested_cut_alternative.eml ends inside the HTML alternative of a nested
    multipart/alternative; the plain text alternative ended at its boundary."""
    mail = parsed("nested_cut_alternative.eml")
    assert mail.missing == [CUT_IN_ALTERNATIVE]
    assert mail.body == f"Ich widerspreche der Gutschrift.\n\n[{CUT_IN_ALTERNATIVE}]"
    assert mail.attachments == []


def test_the_last_part_of_an_unclosed_multipart_is_kept_when_its_bytes_are_whole() -> None:
    """A mailer that leaves out only the closing boundary: the PDF ends with its
    "%%EOF", so it is whole and kept; the mail says nothing after it arrived."""
    import base64

    data = ((MAILS / "truncated_multipart.eml").read_bytes().split(b"JVBER")[0]
            + base64.encodebytes(PDF))
    mail = parse_eml(data, "unclosed.eml")
    (pdf,) = mail.attachments
    assert pdf.accepted and pdf.data == PDF and pdf.media_type == "application/pdf"
    assert mail.missing == ["This mail ends without its closing boundary, right after the "
                            "attachment Rechnung.pdf; anything after it is missing."]


def test_odd_but_readable_mails_from_archives_are_read() -> None:
    # a UTF-8 byte order mark and a blank CRLF line before the headers; header and body
    # lines end in LF and CRLF by turns; Received: 08:30:00 +0100 = 07:30 UTC
    bom = parsed("bom_mixed_line_ends.eml")
    assert (bom.sender, bom.subject) == ("eva@lang.example", "Punkte")
    assert bom.body == "Zeile eins\nZeile zwei"
    assert bom.received_at == datetime(2025, 3, 18, 7, 30, tzinfo=UTC)
    assert bom.message_id == "<bom-mixed@lang.example>"
    # the declared boundary "declared-one" never appears; the body's "--actual-one" is
    # used; beleg.bin, declared application/octet-stream, is the PDF by its bytes
    wrong = parsed("wrong_boundary.eml")
    assert wrong.body == "Beleg anbei."
    assert [(a.name, a.media_type, a.sha256, a.refused) for a in wrong.attachments] == [
        ("beleg.bin", "application/pdf", sha(PDF), None)]
    # multipart/mixed with no boundary parameter: its body is the text
    plain = parsed("multipart_without_boundary.eml")
    assert plain.body == "Wo sind meine Punkte?" and plain.attachments == []
    # raw Latin-1 bytes in the headers and an undeclared Latin-1 body (fc ü, e4 ä, df ß);
    # the From: names a person but no address
    eight = parsed("eight_bit_name_only.eml")
    assert eight.subject == "Rückfrage zu Punkten"
    assert eight.body == "Grüße aus München"
    assert (eight.sender, eight.sender_name) == (None, "Jürgen Schäfer")
    assert eight.warning == f"{UNKNOWN_RECEIPT_WARNING}; {NO_SENDER}"


def test_bare_cr_lines_an_mbox_line_and_headers_without_spaces() -> None:
    # old Macintosh line ends (CR only); Date: 10:00 +0100 = 09:00 UTC
    cr = parse_eml(b"From: a@b.example\rDate: Mon, 3 Mar 2025 10:00:00 +0100\r"
                   b"Subject: x\r\rhi there\r")
    assert (cr.sender, cr.subject, cr.body) == ("a@b.example", "x", "hi there")
    assert cr.received_at == datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    mbox = parse_eml(b"From a@b.example Mon Mar  3 10:00:00 2025\nFrom:a@b.example\n"
                     b"Date:Mon, 3 Mar 2025 10:00:00 +0100\nSubject:y\n\nhi\n>From here\n")
    assert (mbox.sender, mbox.subject, mbox.body) == ("a@b.example", "y", "hi\n>From here")


def test_other_files_are_no_mails() -> None:
    with pytest.raises(MalformedMail, match="does not begin with mail headers"):
        parse_eml(PDF, "Rechnung.pdf")
    with pytest.raises(MalformedMail, match="is empty"):
        parse_eml(b"\r\n\r\n")
    with pytest.raises(MalformedMail, match="at most 50 MiB"):
        parse_eml(b"From: a@b.example\n\n" + b"x" * (50 * 2**20))


def test_damaged_mails_are_refused_in_words_never_with_a_crash() -> None:
    """Bytes of the samples flipped, inserted and cut at random (a fixed seed): each
    parses, or is refused with MalformedMail; the stdlib's own parser errors on damaged
    headers (an IndexError in a Content-Disposition, a NUL in a charset) included. Only
    what no longer begins with headers (or is empty) is refused: most damage is read."""
    import random

    from xrewards_desk.mail.importer import command_for

    samples = [p.read_bytes() for p in sorted(MAILS.glob("*.eml"))]
    rnd = random.Random(20250228)
    refused = 0
    for _ in range(3000):
        data = bytearray(rnd.choice(samples))
        for _ in range(rnd.randint(1, 8)):
            at = rnd.randrange(len(data) + 1)
            what = rnd.random()
            if what < 0.4 and data:
                data[min(at, len(data) - 1)] = rnd.randrange(256)
            elif what < 0.7:
                data[at:at] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 5)))
            else:
                del data[at:at + rnd.randint(1, 20)]
        try:
            mail = parse_eml(bytes(data))
        except MalformedMail as exc:
            refused += 1
            assert "is empty" in str(exc) or "does not begin with mail headers" in str(exc)
            continue
        command_for(mail, None)  # and whatever parses, the contract takes
    assert refused < 3000 * 0.2
