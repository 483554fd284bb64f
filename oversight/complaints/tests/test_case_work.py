# mypy: disable-error-code="no-untyped-call"
# (test helpers are untyped by the project's test override; calling them is fine)
"""Recipients' pages: the permission matrix, case work, retention, statistics, facts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from oversight.complaints import crypto, services
from oversight.complaints.facts import collect_facts
from oversight.complaints.models import (
    Case,
    Channel,
    DeletionRecord,
    Message,
    Note,
    Status,
    WrappedKey,
)
from oversight.complaints.tests.conftest import PASSPHRASES, TODAY
from oversight.ledger.models import LedgerEvent
from oversight.rules.complaints.obligation import check_complaint_procedures
from oversight.rules.core import Status as RuleStatus


def _unlocked(client_for, name):
    client = client_for(name)
    response = client.post(reverse("complaints:key"), {"passphrase": PASSPHRASES[name]})
    assert response.status_code == 302
    return client


# --- permission matrix ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "who", "expected"),
    [
        ("complaints:list", "anon", 302),
        ("complaints:list", "ivy", 403),
        (
            "complaints:list",
            "cleo",
            200,
        ),  # an insider holding no case sees an empty list
        ("complaints:list", "ada", 200),
        ("complaints:statistics", "anon", 302),
        ("complaints:statistics", "cleo", 403),
        ("complaints:statistics", "ben", 200),
        ("complaints:channel", "anon", 302),
        ("complaints:channel", "ben", 403),
        ("complaints:channel", "ada", 200),
        ("complaints:key", "anon", 302),
        ("complaints:key", "ivy", 403),
        ("complaints:key", "gus", 200),
    ],
)
def test_page_access(channel, personas, client_for, url, who, expected):
    client = Client() if who == "anon" else client_for(who)
    assert client.get(reverse(url)).status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anon", 302),
        ("eve", 404),
        ("ivy", 403),
        ("cleo", 404),
        ("ben", 404),
        ("ada", 200),
    ],
)
def test_case_access(channel, personas, keys, report, client_for, who, expected):
    case, _ = report(concerns=[personas["ben"]])
    client = Client() if who == "anon" else client_for(who)
    if who == "ada":
        client = _unlocked(client_for, "ada")
    before = LedgerEvent.objects.filter(chain=case.ledger_chain).count()
    response = client.get(reverse("complaints:detail", args=[case.id]))
    assert response.status_code == expected
    after = LedgerEvent.objects.filter(chain=case.ledger_chain).count()
    assert after == before + (1 if expected == 200 else 0)  # every view is recorded


def test_an_outsider_sees_only_her_own_companys_empty_register(
    channel, personas, keys, report, client_for
):
    case, _ = report()
    eve = client_for("eve")  # chair of another company
    response = eve.get(reverse("complaints:list"))
    assert response.status_code == 200
    assert case.id not in response.content.decode()
    assert eve.get(reverse("complaints:detail", args=[case.id])).status_code == 404


def test_a_holder_without_an_unlocked_key_is_sent_to_unlock_it(
    channel, personas, keys, report, client_for
):
    case, _ = report()
    response = client_for("ada").get(reverse("complaints:detail", args=[case.id]))
    assert response.status_code == 302
    assert reverse("complaints:key") in response.url


def test_a_wrong_passphrase_is_refused(channel, personas, keys, client_for):
    response = client_for("ada").post(
        reverse("complaints:key"), {"passphrase": "not it at all"}
    )
    assert response.status_code == 400
    assert b"does not unlock" in response.content


def test_setting_up_a_key_records_it_and_needs_a_long_passphrase(
    db, personas, client_for
):
    client = client_for("ben")
    assert (
        client.post(reverse("complaints:key"), {"passphrase": "short"}).status_code
        == 400
    )
    response = client.post(
        reverse("complaints:key"), {"passphrase": "a long enough passphrase"}
    )
    assert response.status_code == 302
    assert "complaints_unlock" in response.cookies
    assert response.cookies["complaints_unlock"]["samesite"] == "Strict"
    assert LedgerEvent.objects.filter(action="complaints.key_created").count() == 1


def test_publishing_takes_custodians_public_keys_and_shows_no_private_key(
    db, personas, keys, client_for
):
    kits = [crypto.new_recovery_kit() for _ in range(3)]
    lines = "\n".join(
        f"Counsel {i} | {crypto.format_public_key(k.public_key)}"
        for i, k in enumerate(kits)
    )
    client = client_for("ada")
    response = client.post(
        reverse("complaints:channel"),
        {"custodians": lines, "threshold": 2, "fallback": personas["gus"].pk},
    )
    assert response.status_code == 302
    page = client.get(reverse("complaints:channel")).content.decode()
    assert "Published on" in page
    assert "Counsel 2" in page
    for kit in kits:  # no private key is on any page, and none was ever made here
        assert kit.text not in page
    channel = Channel.objects.get()
    assert channel.recovery_threshold == 2
    assert [bytes(c.public_key) for c in channel.custodians.all()] == [
        k.public_key for k in kits
    ]
    assert (
        LedgerEvent.objects.filter(action="complaints.channel_published").count() == 1
    )
    assert (
        LedgerEvent.objects.filter(action="complaints.custodian_registered").count()
        == 3
    )


def test_publishing_refuses_a_typo_too_few_custodians_and_a_committee_member(
    db, personas, keys, client_for
):
    pk = crypto.format_public_key(crypto.new_recovery_kit().public_key)
    client = client_for("ada")
    url = reverse("complaints:channel")
    typo = pk[:-1] + ("0" if pk[-1] != "0" else "1")
    for data, message in (
        ({"custodians": f"Counsel | {typo}", "threshold": 1}, "typo"),
        ({"custodians": f"Counsel | {pk}", "threshold": 2}, "at least as many"),
        (
            {"custodians": f"Ben | {pk} | {personas['ben'].email}", "threshold": 1},
            "not be a committee member",
        ),
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Channel.objects.exists()


@pytest.mark.parametrize(
    ("data", "check"),
    [
        (
            {"action": "status", "status": Status.ACKNOWLEDGED},
            lambda c: c.status == Status.ACKNOWLEDGED and c.acknowledged_on,
        ),
        (
            {"action": "note", "text": "A note"},
            lambda c: Note.objects.filter(case=c).count() == 1,
        ),
        (
            {"action": "message", "text": "A question"},
            lambda c: Message.objects.filter(case=c).count() == 1,
        ),
        ({"action": "hold"}, lambda c: c.legal_hold),
        ({"action": "assign", "person": "ada"}, lambda c: c.assignee_tag),
    ],
)
def test_case_actions_change_state_and_write_one_ledger_row(
    channel, personas, keys, report, client_for, data, check
):
    case, _ = report()
    client = _unlocked(client_for, "ada")
    if data.get("person"):
        data = {**data, "person": personas[data["person"]].pk}
    before = LedgerEvent.objects.filter(chain=case.ledger_chain).count()
    response = client.post(reverse("complaints:act", args=[case.id]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert check(case)
    assert LedgerEvent.objects.filter(chain=case.ledger_chain).count() == before + 1


@pytest.mark.parametrize(
    "data",
    [
        {"action": "status", "status": "nonsense"},
        {"action": "note", "text": "  "},
        {"action": "exclude", "text": "no person"},
        {"action": "fly"},
        {"action": "approve", "grant": 999},
    ],
)
def test_bad_case_actions_are_a_clear_400_and_change_nothing(
    channel, personas, keys, report, client_for, data
):
    case, _ = report()
    client = _unlocked(client_for, "ada")
    before = LedgerEvent.objects.filter(chain=case.ledger_chain).count()
    response = client.post(reverse("complaints:act", args=[case.id]), data)
    assert response.status_code == 400
    assert LedgerEvent.objects.filter(chain=case.ledger_chain).count() == before


def test_the_reporter_reads_the_committees_reply(channel, personas, keys, report):
    case, receipt = report()
    key = services.case_key(case, personas["ada"], keys["ada"])
    services.send_message(
        case, actor=personas["ada"], key=key, text="Who else knew?", on=TODAY
    )
    token = services.reporter_sign_in(case.company, receipt, on=TODAY, expires_at=2e9)
    assert token is not None
    access = services.reporter_access(token, now=1e9)
    assert access is not None
    from oversight.complaints.presenters import reporter_view

    assert [m["text"] for m in reporter_view(access)["messages"]] == ["Who else knew?"]
    assert services.reporter_access(token, now=3e9) is None  # expired


# --- retention under a frozen clock -----------------------------------------------------


def test_retention_warns_then_shreds_and_a_legal_hold_blocks_it(
    channel, personas, keys, report, client_for
):
    held, _ = report(text="held")
    kept, _ = report(text="kept", files=[services.Upload("a.txt", "text/plain", b"x")])
    for case in (held, kept):
        services.set_status(
            case, actor=personas["ada"], status=Status.CLOSED, on=date(2026, 3, 10)
        )
    services.set_legal_hold(held, actor=personas["ada"], hold=True)
    company = kept.company
    # kept until 2033-03-10; warned from 90 days before
    with time_machine.travel(date(2032, 12, 9)):
        assert services.apply_retention(company, on=date(2032, 12, 9)) == {
            "warned": 0,
            "shredded": 0,
        }
    assert services.apply_retention(company, on=date(2032, 12, 10)) == {
        "warned": 1,
        "shredded": 0,
    }
    assert services.apply_retention(company, on=date(2032, 12, 11)) == {
        "warned": 0,
        "shredded": 0,
    }
    assert services.apply_retention(company, on=date(2033, 3, 10)) == {
        "warned": 0,
        "shredded": 0,
    }
    assert services.apply_retention(company, on=date(2033, 3, 11)) == {
        "warned": 0,
        "shredded": 1,
    }
    assert not Case.objects.filter(pk=kept.pk).exists()
    assert not WrappedKey.objects.filter(case_id=kept.pk).exists()
    assert Case.objects.filter(pk=held.pk).exists()  # the hold keeps it
    record = DeletionRecord.objects.get()
    assert record.category == "accounting"
    assert record.received_quarter == "2026-Q1"
    assert (
        LedgerEvent.objects.filter(
            chain=kept.ledger_chain, action="complaints.case_shredded"
        ).count()
        == 1
    )
    # statistics survive deletion
    stats = client_for("ada").get(reverse("complaints:statistics"))
    assert b"deleted" in stats.content


def test_statistics_suppress_small_cells(channel, personas, keys, report, client_for):
    for _ in range(4):
        report(category="accounting")
    report(category="auditing")
    html = client_for("ada").get(reverse("complaints:statistics")).content.decode()
    assert "<td>4</td>" in html or "<td>5</td>" in html
    assert "<td>1</td>" not in html


def test_the_daily_job_writes_dated_ledger_rows_and_sends_a_digest_even_when_empty(
    channel, personas, keys, report
):
    with time_machine.travel(datetime(2026, 3, 3, 20, 0, tzinfo=UTC)):
        call_command("complaints_daily")
    assert len(mail.outbox) == 3  # ada, ben and the fallback gus; no case numbers
    assert all(m.body == services.DIGEST_BODY for m in mail.outbox)
    case, _ = report()
    mail.outbox.clear()
    with time_machine.travel(datetime(2026, 3, 3, 20, 0, tzinfo=UTC)):
        call_command("complaints_daily")
    assert [m.body for m in mail.outbox] == [services.DIGEST_BODY] * 3
    received = LedgerEvent.objects.get(
        chain=case.ledger_chain, action="complaints.report_received"
    )
    assert received.data == {"on": "2026-03-02"}


# --- facts for the charter engine -------------------------------------------------------


def test_facts_feed_ac_wb_01(channel, personas, keys, report):
    company = report()[0].company
    assert (
        check_complaint_procedures(collect_facts(company, as_of=TODAY), TODAY).status
        == RuleStatus.MET
    )
    later = date(2026, 3, 20)  # acknowledgement was due on 9 March
    result = check_complaint_procedures(collect_facts(company, as_of=later), later)
    assert result.status == RuleStatus.MISSED
    assert "past its acknowledgement" in result.message
    case = Case.objects.get()
    services.set_status(
        case, actor=personas["ada"], status=Status.ACKNOWLEDGED, on=date(2026, 3, 5)
    )
    assert (
        check_complaint_procedures(collect_facts(company, as_of=later), later).status
        == RuleStatus.MET
    )


def test_facts_without_a_channel_say_no_procedure(db, company):
    result = check_complaint_procedures(collect_facts(company, as_of=TODAY), TODAY)
    assert result.status == RuleStatus.MISSED


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anon", 302), ("eve", 404), ("ivy", 403), ("cleo", 404), ("ben", 404)],
)
def test_actions_and_downloads_are_closed_to_everyone_without_the_key(
    channel, personas, keys, report, client_for, who, expected
):
    case, _ = report(
        concerns=[personas["ben"]],
        files=[services.Upload("a.txt", "text/plain", b"evidence")],
    )
    client = Client() if who == "anon" else client_for(who)
    file_id = case.attachments.get().id
    before = LedgerEvent.objects.filter(chain=case.ledger_chain).count()
    acted = client.post(reverse("complaints:act", args=[case.id]), {"action": "hold"})
    fetched = client.get(reverse("complaints:file", args=[case.id, file_id]))
    assert (acted.status_code, fetched.status_code) == (expected, expected)
    case.refresh_from_db()
    assert case.legal_hold is False
    assert LedgerEvent.objects.filter(chain=case.ledger_chain).count() == before


def test_a_holder_downloads_the_original_and_it_is_recorded(
    channel, personas, keys, report, client_for
):
    case, _ = report(files=[services.Upload("a.txt", "text/plain", b"evidence")])
    client = _unlocked(client_for, "ada")
    response = client.get(
        reverse("complaints:file", args=[case.id, case.attachments.get().id])
    )
    assert response.status_code == 200
    assert response.getvalue() == b"evidence"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert LedgerEvent.objects.filter(
        chain=case.ledger_chain, action="complaints.file_viewed"
    ).exists()


def test_the_demo_is_idempotent_and_hides_one_case_from_ben(db, company, personas):
    from oversight.complaints import demo, queries

    demo.populate(company, personas, today=date(2026, 6, 1))
    demo.populate(company, personas, today=date(2026, 6, 1))
    assert Case.objects.count() == 4
    assert queries.cases_for(personas["ada"], company).count() == 4
    assert queries.cases_for(personas["ben"], company).count() == 3


def test_the_list_shows_deadlines_and_reminders_in_a_fixed_number_of_queries(
    channel, personas, keys, report, client_for, django_assert_max_num_queries
):
    for _ in range(3):
        report()
    client = client_for("ada")
    with (
        time_machine.travel(datetime(2026, 3, 8, 20, 0, tzinfo=UTC)),
        django_assert_max_num_queries(20),
    ):
        html = client.get(reverse("complaints:list")).content.decode()
    assert "2026-03-09" in html  # acknowledge within 7 days of 2 March
    assert "2026-06-02" in html  # feedback within 3 months
    assert html.count("reminder: due") == 3


def test_export_needs_reauthentication_and_is_recorded(
    channel, personas, keys, report, client_for
):
    import time

    from oversight.accounts.decorators import SESSION_REAUTH_AT

    case, _ = report(text="Exported text")
    client = _unlocked(client_for, "ada")
    url = reverse("complaints:export", args=[case.id])
    first = client.get(url)
    assert first.status_code == 302
    assert reverse("accounts:confirm") in first.url
    session = client.session
    session[SESSION_REAUTH_AT] = time.time()
    session.save()
    response = client.get(url)
    assert response.status_code == 200
    assert b"Exported text" in response.content
    assert (
        LedgerEvent.objects.filter(
            chain=case.ledger_chain, action="complaints.case_exported"
        ).count()
        == 1
    )
    eve = client_for("eve")
    session = eve.session
    session[SESSION_REAUTH_AT] = time.time()
    session.save()
    assert eve.get(url).status_code == 404


def test_the_key_page_shows_the_fingerprint_a_recovery_request_names(
    keys, personas, client_for
):
    from oversight.complaints import ceremony
    from oversight.complaints.models import RecipientKey

    public = bytes(RecipientKey.objects.get(user=personas["ben"]).public_key)
    page = client_for("ben").get(reverse("complaints:key")).content.decode()
    assert f"<code>{ceremony.fingerprint(public)}</code>" in page


def test_before_a_key_exists_the_page_shows_no_fingerprint(personas, client_for):
    page = client_for("gus").get(reverse("complaints:key"))
    assert page.status_code == 200
    assert b"Set up your complaint key" in page.content
    assert b"fingerprint" not in page.content
