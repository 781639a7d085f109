import httpx
import pytest

pytestmark = pytest.mark.slow


def test_the_chat_page_is_served(server):
    response = httpx.get(server.url + "/", timeout=10)
    assert response.status_code == 200
    assert "<html" in response.text.lower()
