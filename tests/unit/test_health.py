from litestar.testing import TestClient

from shopmcp_entrypoints.http.app import create_app
from shopmcp_entrypoints.settings import Settings


def test_health_answers_ok() -> None:
    with TestClient(app=create_app(Settings())) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
