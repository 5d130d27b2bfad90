"""A transactional-email provider's HTTP API, behind settings (``SHOPMCP_EMAIL_API_URL``,
``SHOPMCP_EMAIL_API_KEY``, ``SHOPMCP_EMAIL_FROM``): one JSON POST per message,
``{"from", "to": [address], "subject", "text"}`` with the key as a bearer token, which is the
shape most providers' send endpoints take (or a small relay in front of one does).

Sent through the one HTTP policy (TLS verified, timeouts, the SSRF guard) and never retried: a
send that timed out may have been delivered, and a second code mailed is worse than a retry the
merchant asks for. The message text (it holds a sign-in code) never reaches a log or an error.
"""

from __future__ import annotations

import attrs

from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_domain.identity import EmailMessage


@attrs.frozen(repr=False)
class HttpEmailSender:
    http: UpstreamHttp
    url: str
    api_key: str
    sender: str

    def __repr__(self) -> str:
        return f"HttpEmailSender(url={self.url!r})"

    async def send(self, message: EmailMessage) -> None:
        await self.http.request(
            "POST",
            self.url,
            idempotent=False,
            json={
                "from": self.sender,
                "to": [message.to],
                "subject": message.subject,
                "text": message.text,
            },
            headers={"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"},
        )
