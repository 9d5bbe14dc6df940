"""The rewards@ mailbox's gateway (issue 20): one long-running process for the team,
``xrewards-desk mailbox run``, that files each mail of the mailbox as a case (IMAP in) and
sends the replies the desk queued (SMTP out, a copy in Sent), signed in to the API in the
mail gateway role of R27.

- :mod:`.config`: the settings (a TOML file, the environment) and the secrets (the
  environment, or a file only its user may read);
- :mod:`.mailbox`: IMAP through ``imapclient`` (IDLE, UIDs, the taken mark, Sent);
- :mod:`.inbound`: a message into ``create_mail_case``, as the file import makes it;
- :mod:`.outbound`: a reply into a mail and one SMTP attempt, judged;
- :mod:`.state`: UIDVALIDITY and the last UID per folder, written atomically;
- :mod:`.runner`: the loop, its recovery after a crash, and its reports;
- :mod:`.cli`: the command.
"""
