"""The audit anchor: signed checkpoints kept outside the database catch what the unkeyed chain
cannot (a chain rewritten from an edited entry on, a tail cut off with the head rewound)."""

import contextlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from ume.core import audit, audit_anchor, services
from ume.core.choices import Role
from ume.core.models import AuditEntry

from .audit_helpers import rechain, tamper, truncate

pytestmark = pytest.mark.django_db

KEY = "k3y-" + "0123456789abcdef" * 3


@pytest.fixture
def key(monkeypatch) -> audit_anchor.AnchorKey:
    monkeypatch.setenv(audit_anchor.KEY_ENV, KEY)
    return audit_anchor.load_key()


@pytest.fixture
def checkpoints(tmp_path) -> Path:
    return tmp_path / "audit-checkpoints.jsonl"


def checkpoint(path: Path, **options) -> str:
    err = io.StringIO()
    call_command("audit_checkpoint", output=str(path), stderr=err, **options)
    return err.getvalue()


def verify(path: Path, **options) -> str:
    out = io.StringIO()
    try:
        call_command("verify_audit", checkpoints=str(path), stdout=out, no_color=True, **options)
    except CommandError as exc:
        raise CommandError(f"{exc}\n--- output ---\n{out.getvalue()}") from exc
    return out.getvalue()


def head(org) -> AuditEntry:
    return AuditEntry.objects.filter(organisation=org).order_by("-seq").first()


def more_entries(world, n: int = 3) -> None:
    start = AuditEntry.objects.count()
    for i in range(n):
        services.department_create(
            actor=world[Role.ADMIN], organisation=world.org, data={"name": f"追加部署{start}-{i}"}
        )


# --- The key ------------------------------------------------------------------------------------


def test_without_a_key_checkpoints_are_refused(world, monkeypatch, checkpoints):
    monkeypatch.delenv(audit_anchor.KEY_ENV, raising=False)
    with pytest.raises(
        CommandError, match=r"No audit anchor key.*UME_AUDIT_ANCHOR_KEY.*--key-file"
    ):
        checkpoint(checkpoints)
    assert not checkpoints.exists()
    with pytest.raises(CommandError, match="No audit anchor key"):
        call_command("verify_audit", checkpoints=str(checkpoints), stdout=io.StringIO())


def test_a_short_or_missing_key_is_refused(world, monkeypatch, checkpoints, tmp_path):
    monkeypatch.setenv(audit_anchor.KEY_ENV, "secret")
    with pytest.raises(CommandError, match="too short"):
        checkpoint(checkpoints)
    with pytest.raises(CommandError, match="Cannot read the anchor key file"):
        checkpoint(checkpoints, key_file=str(tmp_path / "missing.key"))


def test_a_key_file_replaces_the_environment(world, monkeypatch, checkpoints, tmp_path):
    monkeypatch.delenv(audit_anchor.KEY_ENV, raising=False)
    key_file = tmp_path / "anchor.key"
    key_file.write_text(KEY + "\n")
    key_file.chmod(0o644)
    err = checkpoint(checkpoints, key_file=str(key_file))
    assert "readable by other users" in err
    key_file.chmod(0o600)
    assert "readable" not in checkpoint(checkpoints, key_file=str(key_file))
    assert f"organisation {world.org.pk}: OK" in verify(checkpoints, key_file=str(key_file))
    # The same secret from the environment signs the same way (the trailing newline is no part).
    monkeypatch.setenv(audit_anchor.KEY_ENV, KEY)
    verify(checkpoints)


# --- Writing checkpoints ----------------------------------------------------------------------


def test_checkpoints_record_each_head_signed(world, other_world, key, checkpoints):
    err = checkpoint(checkpoints)
    lines = checkpoints.read_text().splitlines()
    assert len(lines) == 2 and "2 checkpoint(s) appended" in err
    by_org = {json.loads(line)["organisation"]: json.loads(line) for line in lines}
    for org in (world.org, other_world.org):
        data = by_org[org.pk]
        assert data["seq"] == head(org).seq and data["hash"] == head(org).hash
        assert data["alg"] == "HMAC-SHA256" and data["key_id"] == key.key_id
        assert data["taken_at"].endswith("Z") and len(data["sig"]) == 64
    # Appending: a second run adds lines, never rewrites the file.
    checkpoint(checkpoints, organisation=[world.org.pk])
    assert checkpoints.read_text().splitlines()[:2] == lines
    assert len(checkpoints.read_text().splitlines()) == 3


def test_checkpoints_go_to_stdout_without_output(world, key):
    out, err = io.StringIO(), io.StringIO()
    call_command("audit_checkpoint", organisation=[world.org.pk], stdout=out, stderr=err)
    (line,) = out.getvalue().splitlines()
    parsed = audit_anchor.parse_checkpoint(line, key)
    assert (parsed.organisation_id, parsed.seq) == (world.org.pk, head(world.org).seq)
    assert f"checkpoint #{parsed.seq}" in err.getvalue()


def test_a_broken_chain_is_not_checkpointed(world, other_world, key, checkpoints):
    tamper(head(world.org).pk, actor_label="someone-else@example.jp")
    with pytest.raises(CommandError, match=r"not checkpointed.*broken at entry"):
        checkpoint(checkpoints)
    # The healthy organisation still gets its checkpoint.
    (line,) = checkpoints.read_text().splitlines()
    assert json.loads(line)["organisation"] == other_world.org.pk


# --- Verifying against checkpoints --------------------------------------------------------------


def test_a_growing_chain_holds_its_checkpoints(world, key, checkpoints):
    checkpoint(checkpoints)
    more_entries(world)
    checkpoint(checkpoints)
    more_entries(world)
    out = verify(checkpoints)
    assert f"organisation {world.org.pk}: OK" in out
    assert "checkpoints: 2 hold" in out
    assert f"head: seq {head(world.org).seq}, hash {head(world.org).hash}" in out


def test_a_rewritten_chain_passes_verify_chain_but_not_its_checkpoint(world, key, checkpoints):
    checkpoint(checkpoints)
    first_checkpoint = head(world.org).seq
    more_entries(world)
    checkpoint(checkpoints)
    target = AuditEntry.objects.get(organisation=world.org, seq=3)
    tamper(target.pk, actor_label="someone-else@example.jp")
    rechain(world.org.pk, from_seq=target.seq)
    assert audit.verify_chain(world.org.pk).ok  # the chain alone cannot tell
    with pytest.raises(CommandError, match="rewritten") as failed:
        verify(checkpoints)
    message = str(failed.value)
    assert f"checkpoint #{first_checkpoint}" in message  # the earliest one that fails
    assert f"organisation {world.org.pk}: CHECKPOINT FAILED" in message
    assert f"organisation {world.org.pk}: OK" in message  # …while the chain itself verifies


def test_a_chain_rewritten_after_the_checkpoint_still_holds_it(world, key, checkpoints):
    """Editing entries newer than every checkpoint is for verify_chain (and the next checkpoint)."""
    checkpoint(checkpoints)
    more_entries(world)
    tamper(head(world.org).pk, object_repr="改ざん")
    rechain(world.org.pk, from_seq=head(world.org).seq)
    assert "checkpoints: 1 hold" in verify(checkpoints)


def test_a_truncated_chain_with_its_head_rewound_fails_its_checkpoint(world, key, checkpoints):
    checkpoint(checkpoints)
    recorded = head(world.org).seq
    truncate(world.org.pk, keep=recorded - 3)
    assert audit.verify_chain(world.org.pk).ok  # the chain alone cannot tell
    with pytest.raises(CommandError, match="truncated") as failed:
        verify(checkpoints)
    assert f"the chain ends at #{recorded - 3} but the checkpoint recorded #{recorded}" in str(
        failed.value
    )


def test_a_truncated_chain_that_grew_again_fails_its_checkpoint(world, key, checkpoints):
    checkpoint(checkpoints)
    recorded = head(world.org).seq
    truncate(world.org.pk, keep=recorded - 2)
    more_entries(world)  # the application appends on top of the cut chain
    assert audit.verify_chain(world.org.pk).ok and head(world.org).seq > recorded
    with pytest.raises(CommandError, match=f"entry #{recorded} now has hash"):
        verify(checkpoints)


def test_a_vanished_organisation_fails_its_checkpoint(world, key, checkpoints):
    gone = audit_anchor.Checkpoint(987654, 42, "a" * 64, "2026-11-24T00:00:00.000000Z", key.key_id)
    checkpoints.write_text(gone.to_line(key) + "\n")
    with pytest.raises(CommandError, match=r"organisation 987654.*no longer in the database"):
        verify(checkpoints)


def _edited(line: str, **changes) -> str:
    data = json.loads(line)
    data.update(changes)
    return json.dumps(data)


def test_an_edited_or_forged_checkpoint_fails_its_signature(world, key, checkpoints):
    checkpoint(checkpoints)
    (line,) = checkpoints.read_text().splitlines()
    recorded = json.loads(line)
    truncate(world.org.pk, keep=recorded["seq"] - 2)
    current = head(world.org)
    # The attacker lowers the checkpoint to match the cut chain: the signature no longer matches.
    checkpoints.write_text(_edited(line, seq=current.seq, hash=current.hash) + "\n")
    with pytest.raises(CommandError, match=r"line 1: signature does not match: .*edited or forged"):
        verify(checkpoints)
    # …nor can they sign a new one without the key.
    forger = audit_anchor.AnchorKey(b"not-the-operator-key-" * 3)
    forged = audit_anchor.Checkpoint(
        world.org.pk, current.seq, current.hash, recorded["taken_at"], forger.key_id
    )
    checkpoints.write_text(forged.to_line(forger) + "\n")
    with pytest.raises(CommandError, match="line 1: signature does not match: signed with another"):
        verify(checkpoints)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "not JSON"),
        ('{"hello": "world"}', "not an audit checkpoint"),
        ("SIGNED_WRONG_TYPE", "signature does not match"),
    ],
)
def test_malformed_lines_are_reported_with_their_number(world, key, checkpoints, line, reason):
    checkpoint(checkpoints)
    good = checkpoints.read_text()
    if line == "SIGNED_WRONG_TYPE":  # a string where the sequence number goes
        line = _edited(good.splitlines()[0], seq=str(json.loads(good)["seq"]))
    checkpoints.write_text(good + "\n" + line + "\n")
    with pytest.raises(CommandError, match=f"line 3: {reason}"):
        verify(checkpoints)


def test_a_correctly_signed_line_of_the_wrong_types_is_refused(key):
    fields = audit_anchor.Checkpoint(1, 5, "a" * 64, "2026-11-24T00:00:00.000000Z", key.key_id)
    data = {**fields.fields(), "seq": "5"}
    line = json.dumps({**data, "sig": key.sign(audit.canonical_json(data).encode())})
    with pytest.raises(audit_anchor.CheckpointError, match="malformed"):
        audit_anchor.parse_checkpoint(line, key)
    assert audit_anchor.parse_checkpoint(fields.to_line(key), key) == fields


def test_an_empty_checkpoint_file_is_refused(world, key, checkpoints):
    checkpoints.write_text("\n")
    with pytest.raises(CommandError, match="No checkpoints"):
        verify(checkpoints)
    with pytest.raises(CommandError, match="Cannot read the checkpoint file"):
        verify(checkpoints.with_name("missing.jsonl"))


def test_an_organisation_without_checkpoint_is_noted(world, other_world, key, checkpoints):
    checkpoint(checkpoints, organisation=[world.org.pk])
    out = verify(checkpoints)
    assert "checkpoints: 1 hold" in out
    assert "checkpoints: none for this organisation" in out
    # Restricted to one organisation, the others' checkpoints are left alone.
    assert f"organisation {other_world.org.pk}" not in verify(
        checkpoints, organisation=[world.org.pk]
    )


def test_verify_audit_exits_non_zero_from_the_shell(world, key, checkpoints):
    """manage.py maps CommandError to exit status 1."""
    checkpoint(checkpoints)
    truncate(world.org.pk, keep=head(world.org).seq - 1)
    out, err = io.StringIO(), io.StringIO()
    utility = ManagementUtility(["manage.py", "verify_audit", "--checkpoints", str(checkpoints)])
    with (
        pytest.raises(SystemExit) as exited,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        utility.execute()
    assert exited.value.code == 1
    assert "CommandError: Audit verification failed" in err.getvalue()
