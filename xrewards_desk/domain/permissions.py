"""Who may do what (R27), once: the server refuses with it, the engine checks its own
actions with it, and the desktop shows, enables and explains its views and buttons with it.

``may(role, command)`` answers with a :class:`Permission`: whether the role may, and the
rule's sentence in English and German ("Only team leads may approve transfers (R27).").
A *command* is a command or shop event of the API (its ``type``) or one of the reads
that are not for everyone (:data:`READS`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Role

AGENT, TEAM_LEAD, COMPLIANCE = Role.AGENT, Role.TEAM_LEAD, Role.COMPLIANCE
SERVICE, MAIL_GATEWAY = Role.SERVICE, Role.MAIL_GATEWAY

#: the roles of people at a desk (the others are systems: the shop, the mail gateway)
PEOPLE: tuple[Role, ...] = (AGENT, COMPLIANCE, TEAM_LEAD)
#: R27 agent: handles e-mail cases, objections, adjustment and transfer requests...
_DESK = frozenset({AGENT, TEAM_LEAD})
_STAFF = frozenset(PEOPLE)
_BACK_OFFICE = frozenset({COMPLIANCE, TEAM_LEAD})


@dataclass(frozen=True, slots=True)
class Rule:
    """One line of the matrix: the roles that may, and what it is, in both languages."""

    roles: frozenset[Role]
    what: str
    what_de: str
    rule: str = "R27"


#: R27: every command and shop event of the API, and who may send it.
COMMANDS: dict[str, Rule] = {
    # e-mail cases: the desk handles them; the mail gateway files each mail as a case and
    # records each reply it sent
    "create_mail_case": Rule(_DESK | {MAIL_GATEWAY}, "file mails as cases",
                             "Mails als Vorgänge anlegen"),
    "assign_mail_case": Rule(_DESK, "assign cases", "Vorgänge zuweisen"),
    "note_mail_case": Rule(_DESK, "write notes on cases", "Notizen zu Vorgängen schreiben"),
    "note_customer": Rule(_STAFF, "write notes on customers", "Notizen zu Kunden schreiben"),
    "set_mail_case_status": Rule(_DESK, "change a case's status",
                                 "den Status eines Vorgangs ändern"),
    "link_mail_case": Rule(_DESK, "link cases to customers",
                           "Vorgänge mit Kunden verknüpfen"),
    "record_reply_sent": Rule(_DESK | {MAIL_GATEWAY}, "record replies as sent",
                              "Antworten als gesendet erfassen"),
    "set_mail_receipt": Rule(_DESK, "set a mail's receipt time",
                             "den Eingangszeitpunkt einer Mail setzen", "R25, R27"),
    # replies through the mail gateway (issue 20): the desk queues them and decides what
    # became of one that may have been sent; the gateway records each one's outcome and
    # reports its own state
    "queue_reply": Rule(_DESK, "send replies", "Antworten senden"),
    "resolve_reply": Rule(_DESK, "decide whether a reply was sent",
                          "entscheiden, ob eine Antwort gesendet wurde"),
    "set_reply_state": Rule(frozenset({MAIL_GATEWAY}), "record what became of a reply",
                            "festhalten, was aus einer Antwort wurde"),
    "report_gateway_state": Rule(frozenset({MAIL_GATEWAY}), "report the mail gateway's "
                                 "state", "den Zustand der Postfach-Anbindung melden"),
    # objections (R25, R28)
    "record_objection": Rule(_DESK, "record objections", "Einwendungen erfassen"),
    "uphold_objection": Rule(_DESK, "uphold objections", "Einwendungen stattgeben"),
    "reject_objection": Rule(_DESK, "reject objections", "Einwendungen ablehnen"),
    "answer_objection_late": Rule(_DESK, "answer objections as late",
                                  "Einwendungen als verspätet beantworten"),
    "grant_goodwill": Rule(_DESK, "ask for goodwill on late objections",
                           "Kulanz für verspätete Einwendungen beantragen"),
    "object_to_terms": Rule(_DESK, "record objections to changed terms",
                            "Widersprüche gegen geänderte Teilnahmebedingungen erfassen",
                            "R27, R28"),
    # adjustments (R26) and transfers (R21): the desk asks, team leads decide
    "request_adjustment": Rule(_DESK, "request adjustments", "Korrekturen beantragen"),
    "approve_adjustment": Rule(frozenset({TEAM_LEAD}), "approve adjustments",
                               "Korrekturen genehmigen", "R26, R27"),
    "reject_adjustment": Rule(frozenset({TEAM_LEAD}), "reject adjustments",
                              "Korrekturen ablehnen", "R26, R27"),
    "request_transfer": Rule(_DESK, "request transfers", "Übertragungen beantragen"),
    "approve_transfer": Rule(frozenset({TEAM_LEAD}), "approve transfers",
                             "Übertragungen genehmigen", "R21, R27"),
    "reject_transfer": Rule(frozenset({TEAM_LEAD}), "reject transfers",
                            "Übertragungen ablehnen", "R21, R27"),
    # abuse (R22)
    "report_suspicion": Rule(_DESK, "report suspected abuse", "Missbrauchsverdacht melden"),
    "open_abuse_case": Rule(frozenset({COMPLIANCE}), "open abuse cases",
                            "Missbrauchsfälle eröffnen"),
    "confirm_self_referral": Rule(frozenset({COMPLIANCE}), "confirm abuse",
                                  "Missbrauch bestätigen"),
    "dismiss_abuse_case": Rule(frozenset({COMPLIANCE}), "dismiss abuse cases",
                               "Missbrauchsfälle einstellen"),
    "terminate_for_cause": Rule(frozenset({COMPLIANCE}), "terminate accounts for cause",
                                "X-Konten aus wichtigem Grund kündigen"),
    # claims are followed up by the back office: compliance, who made them, and team leads
    "set_claim_state": Rule(_BACK_OFFICE, "follow up claims",
                            "Ansprüche auf Wertersatz nachverfolgen", "R22, R27"),
    # ending (R23)
    "close_account": Rule(_DESK, "close accounts", "X-Konten schließen"),
    "terminate_account": Rule(frozenset({TEAM_LEAD}), "terminate accounts with notice",
                              "X-Konten mit Frist kündigen"),
    "end_program": Rule(frozenset({TEAM_LEAD}), "end the program", "das Programm beenden"),
    # the shop's events
    "register": Rule(frozenset({SERVICE}), "register accounts", "X-Konten registrieren"),
    "order_placed": Rule(frozenset({SERVICE}), "send order events",
                         "Bestellereignisse senden"),
    "order_paid": Rule(frozenset({SERVICE}), "send order events", "Bestellereignisse senden"),
    "order_delivered": Rule(frozenset({SERVICE}), "send order events",
                            "Bestellereignisse senden"),
    "order_cancelled": Rule(frozenset({SERVICE}), "send order events",
                            "Bestellereignisse senden"),
}

#: R27: what is read or sent beside the commands, where not everyone may.
READS: dict[str, Rule] = {
    "read_change_feed": Rule(_STAFF, "read the change feed", "den Änderungsstrom lesen"),
    "read_audit": Rule(_BACK_OFFICE, "read the audit log", "das Audit-Protokoll lesen"),
    "verify_audit": Rule(_BACK_OFFICE, "verify the audit log",
                         "das Audit-Protokoll prüfen"),
    "read_abuse_queue": Rule(_BACK_OFFICE, "read the abuse queue",
                             "die Missbrauchsprüfung einsehen", "R22, R27"),
    "preview_abuse_decision": Rule(frozenset({COMPLIANCE}), "preview abuse decisions",
                                   "Missbrauchsentscheidungen vorab ansehen", "R22, R27"),
    "mark_presence": Rule(_STAFF, "show which records they have open",
                          "zeigen, welche Datensätze sie geöffnet haben"),
    "see_presence": Rule(_STAFF, "see who has a record open",
                         "sehen, wer einen Datensatz geöffnet hat"),
    "upload_evidence": Rule(_STAFF | {MAIL_GATEWAY}, "upload evidence",
                            "Nachweise hochladen"),
    "read_evidence": Rule(_STAFF, "read evidence", "Nachweise ansehen"),
    # the mail gateway's own (issue 20), and its state as people see it
    "read_replies_to_send": Rule(frozenset({MAIL_GATEWAY}), "read the replies waiting to "
                                 "be sent", "die zu sendenden Antworten lesen"),
    "read_gateway_state": Rule(_STAFF, "see the mail gateway's state",
                               "den Zustand der Postfach-Anbindung sehen"),
}

MATRIX: dict[str, Rule] = {**COMMANDS, **READS}

#: each role as a sentence names it: (English, German, German takes a plural verb)
_NAMES: dict[Role, tuple[str, str, bool]] = {
    AGENT: ("support agents", "Support", False),
    TEAM_LEAD: ("team leads", "Teamleitungen", True),
    COMPLIANCE: ("Compliance", "Compliance", False),
    SERVICE: ("the shop's systems", "die Shop-Systeme", True),
    MAIL_GATEWAY: ("the mail gateway", "die Postfach-Anbindung", False),
}
#: one role by itself (for "anna (support agent) may not ...")
ROLE_NAMES: dict[Role, tuple[str, str]] = {
    AGENT: ("support agent", "Support"),
    TEAM_LEAD: ("team lead", "Teamleitung"),
    COMPLIANCE: ("compliance", "Compliance"),
    SERVICE: ("shop system", "Shop-System"),
    MAIL_GATEWAY: ("mail gateway", "Postfach-Anbindung"),
}
_ORDER = (AGENT, TEAM_LEAD, COMPLIANCE, SERVICE, MAIL_GATEWAY)


@dataclass(frozen=True, slots=True)
class Permission:
    """Whether `role` may send `command`, and the rule's sentence saying who may."""

    role: Role | None
    command: str
    allowed: bool
    #: what the command does: "approve transfers" / "Übertragungen genehmigen"
    what: str
    what_de: str
    #: the rule's sentence: "Only team leads may approve transfers (R27)."
    reason: str
    reason_de: str

    def __bool__(self) -> bool:
        return self.allowed

    def text(self, language: str = "en") -> str:
        """The rule's sentence in `language` ("de..." for German, else English)."""
        return self.reason_de if language.startswith("de") else self.reason

    def why_not(self, language: str = "en") -> str:
        """"" where the role may; else the rule's sentence (for a disabled button)."""
        return "" if self.allowed else self.text(language)


def role_of(role: Role | str | None) -> Role | None:
    """A role from its value ("team_lead"); None for no role or one the program lacks."""
    if role is None or isinstance(role, Role):
        return role
    try:
        return Role(role)
    except ValueError:
        return None


def roles_for(command: str) -> frozenset[Role]:
    """The roles that may send `command` (KeyError for a command the matrix lacks)."""
    return MATRIX[command].roles


def may(role: Role | str | None, command: str) -> Permission:
    """R27: whether `role` may send `command`, with the rule's reason in both languages.

    A command the matrix does not know is a bug of the caller (KeyError), never a refusal."""
    line = MATRIX[command]
    who = role_of(role)
    allowed = who is not None and who in line.roles
    names = [_NAMES[r] for r in _ORDER if r in line.roles]
    en = _listed([n[0] for n in names], "and")
    de = _listed([n[1] for n in names], "und")
    plural = len(names) > 1 or names[0][2]
    verb = "dürfen" if plural else "darf"
    if allowed:
        reason = f"{en[0].upper()}{en[1:]} may {line.what} ({line.rule})."
        reason_de = f"{de[0].upper()}{de[1:]} {verb} {line.what_de} ({line.rule})."
    else:
        reason = f"Only {en} may {line.what} ({line.rule})."
        reason_de = f"Nur {de} {verb} {line.what_de} ({line.rule})."
    return Permission(who, command, allowed, line.what, line.what_de, reason, reason_de)


def allowed_commands(role: Role | str | None) -> frozenset[str]:
    """Every command and read of the matrix that `role` may."""
    return frozenset(command for command in MATRIX if may(role, command))


def _listed(words: list[str], conjunction: str) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + f" {conjunction} {words[-1]}"
