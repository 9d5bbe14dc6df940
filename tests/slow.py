"""Which tests are `slow`: they build the demo (about 40 s once a session, and every test
that reads it or a desktop synced from it), start processes (the command line, the server,
the desktop), or run for seconds on their own (property tests, the API fuzzer, the crash
test). tests/conftest.py marks them; `pytest -m "not slow"` runs the rest, the loop while
editing (docs/testing.md has its time). CI and the README's test command run everything.

A test is slow when it uses one of SLOW_FIXTURES (directly or through another fixture), when
its module is in SLOW_MODULES, or when its name (without parameters) is in SLOW_TESTS."""

from __future__ import annotations

import pytest

#: fixtures that build the demo or a desktop from it
SLOW_FIXTURES = frozenset({"demo", "cases_template"})

#: modules whose every test starts processes or runs for seconds
SLOW_MODULES = frozenset({
    "test_cli_errors",    # the command line as real processes, the server on 127.0.0.1
    "test_crash",         # the desktop as a process, killed and restarted
    "test_serve_cli",     # serve and users add as processes
    "test_sync_cli",      # the headless commands as processes
    "test_ui_process",    # --demo --screenshots as a process
    "test_server_fuzz",   # schemathesis over every operation and role
    "test_properties",    # hypothesis over random action sequences
    "test_home",          # the command line as processes under a fresh home
    "test_demo_passwords",  # builds small demos, starts serve --demo as processes
    "test_mail_gateway",  # Dovecot, an SMTP server and the gateway as processes
    "test_sync_checking",  # the page checker as processes, one killed with its desk
})

#: single tests of other modules that start a process (the command line, `--version`) or
#: take seconds (measured with `pytest --durations`: each above one second on the 2-core
#: development machine, 2026-12-06)
SLOW_TESTS: dict[str, frozenset[str]] = {
    "test_conformance": frozenset({
        "test_the_command_line_runs_the_runner_and_exits_non_zero_on_failure"}),
    "test_delivery": frozenset({"test_version_is_the_package_metadata",
                                "test_version_without_metadata_falls_back_to_the_source_version"}),
    "test_demo": frozenset({"test_ensure_demo_builds_once_deterministically"}),
    "test_explain": frozenset({"test_every_entry_and_claim_of_generated_accounts_is_explained",
                               "test_the_generated_runs_reach_every_kind",
                               "test_every_claim_of_generated_self_referrals_is_explained"}),
    "test_mail_import": frozenset({
        "test_offline_the_mail_waits_in_the_outbox_and_sync_sends_it",
        "test_the_cli_prints_a_line_per_file_and_fails_for_a_malformed_one",
        "test_suggestions_from_the_senders_domain_but_not_for_free_mail"}),
    "test_mail_parse": frozenset({"test_damaged_mails_are_refused_in_words_never_with_a_crash"}),
    "test_search": frozenset({"test_any_text_gives_a_list_of_hits_never_an_error"}),
    "test_server": frozenset({"test_evidence_is_judged_by_its_bytes_not_its_name"}),
    "test_server_roles": frozenset({"test_each_role_against_each_command"}),
    "test_store_migrations": frozenset({"test_the_db_command_reports_and_upgrades"}),
    "test_store_encrypt_move": frozenset({
        "test_a_kill_at_each_step_of_the_move_leaves_one_readable_store"}),
    "test_store_keys": frozenset({
        "test_the_headless_commands_without_a_key_say_what_to_do_and_change_nothing"}),
    "test_sync": frozenset({
        "test_a_client_killed_between_sending_and_storing_the_answer_loses_nothing"}),
    "test_sync_apply": frozenset({"test_instants_are_stored_as_the_store_type_stores_them"}),
    "test_sync_faults": frozenset({"test_pulling_through_500s_timeouts_and_dropped_pages",
                                   "test_a_command_whose_answer_is_lost_is_applied_once"}),
}


def is_slow(item: pytest.Item) -> bool:
    module = item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""
    if module in SLOW_MODULES:
        return True
    if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    name = getattr(item, "originalname", None) or item.name.split("[", 1)[0]
    return name in SLOW_TESTS.get(module, frozenset())
