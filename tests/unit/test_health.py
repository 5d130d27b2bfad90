from tests.factories import World
from tests.unit.entrypoints.harness import running_gateway


async def test_health_answers_ok() -> None:
    async with running_gateway(World()) as gateway:
        response = await gateway.http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
