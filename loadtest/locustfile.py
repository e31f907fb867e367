"""The deadline minute (``make loadtest``): applicants with ready drafts submit at once.

Each simulated applicant has a session already (prepared by ``loadtest/run.py``: the load is
the submission, not 300 password hashes), opens the review step of their draft, ticks both
consents and submits, once. They arrive through a proxy (``X-Forwarded-For`` and
``X-Request-Start``), as behind the documented TLS proxy.
"""

import json
import os
import re
import time
from itertools import count

from locust import HttpUser, constant, task

APPLICANTS = json.loads(open(os.environ["LOADTEST_APPLICANTS"]).read())  # noqa: SIM115
_next = count()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Applicant(HttpUser):
    wait_time = constant(1)

    def on_start(self):
        index = next(_next)
        self.applicant = APPLICANTS[index % len(APPLICANTS)]
        self.client.cookies.set("sessionid", self.applicant["session"])
        self.address = f"198.51.{index // 250}.{index % 250 + 1}"
        self.done = False

    def _headers(self):
        return {"X-Forwarded-For": self.address, "X-Request-Start": f"t={time.time():.3f}"}

    @task
    def submit(self):
        if self.done:
            return
        url = self.applicant["url"]
        page = self.client.get(url, headers=self._headers(), name="review step")
        token = TOKEN.search(page.text)
        with self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "consent_personal_data": "on",
                "consent_overseas_transfer": "on",
            },
            headers={**self._headers(), "Referer": self.host + url},
            allow_redirects=False,
            name="submit",
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"status {response.status_code}")
        self.done = True
