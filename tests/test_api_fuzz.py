"""The API against its own schema: schemathesis, every check, on a live server —
anonymously and with the tokens of an applicant, a reviewer and a manager of the demo
data. 0 failures and 0 server errors, or the test fails with schemathesis's report.

Kept to about a minute or two: a few examples per operation, the four callers in
parallel. Every operation of the schema is fuzzed, the reviews API included (reviewer
assignments and pledges, the managers' ranking, decisions, approval and announcement).
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from tests.support.api import token_for

pytestmark = pytest.mark.api_fuzz

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
PERSONAS = {
    "applicant": "applicant@demo.mou-portal.example",
    "reviewer": "reviewer.mss@demo.mou-portal.example",
    "manager": "manager.mss@demo.mou-portal.example",
}


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_nothing_for_anyone(live_server, settings, tmp_path):
    settings.API_TOKEN_THROTTLE_RATE = "1000000/minute"
    call_command("seed_demo", verbosity=0)
    # The schema once, before the parallel runs (drf-spectacular loads its extensions on
    # first use, which is not safe from several threads at once).
    schema = tmp_path / "schema.json"
    schema.write_bytes(
        Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content
    )
    headers = {"anonymous": None}
    for name, email in PERSONAS.items():
        headers[name] = f"Authorization: Bearer {token_for(User.objects.get(email=email))}"

    runs = {}
    for name, header in headers.items():
        command = [
            str(SCHEMATHESIS),
            "run",
            str(schema),
            f"--url={live_server.url}",
            "--checks=all",
            "--max-examples=2",
            "--no-shrink",
            "--seed=2027",
            "--phases=coverage,fuzzing",
            "--request-timeout=30",
        ]
        if header:
            command.append(f"--header={header}")
        output = (tmp_path / f"{name}.txt").open("w")
        runs[name] = (subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT), output)

    reports = {}
    for name, (process, output) in runs.items():
        process.wait(timeout=400)
        output.close()
        reports[name] = (process.returncode, Path(output.name).read_text())

    failed = {name: text[-6000:] for name, (code, text) in reports.items() if code != 0}
    assert failed == {}, "\n\n".join(f"== {name}\n{text}" for name, text in failed.items())
    for _name, (_code, text) in reports.items():
        assert "passed" in text and "Server error" not in text
