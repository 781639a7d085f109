import httpx
import pytest

pytestmark = pytest.mark.slow


def test_the_chat_page_is_served(server):
    response = httpx.get(server.url + "/", timeout=10)
    assert response.status_code == 200
    assert "<html" in response.text.lower()


def test_healthz_names_the_build_and_model_a_load_balancer_checks(server, guide_index):
    response = httpx.get(server.url + "/healthz", timeout=10)
    health = response.json()
    assert response.status_code == 200 and health["status"] == "ok"
    assert f"builds/{health['build']}" == (guide_index / "current").readlink().as_posix()
    assert health["model"] == "all-MiniLM-L6-v2" and health["passages"] > 0
