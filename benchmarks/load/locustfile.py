"""The load test run against server.py: browse, look at items, order."""

from locust import HttpUser, between, task


class Shopper(HttpUser):
    wait_time = between(0.01, 0.05)

    @task(5)
    def search(self) -> None:
        self.client.get("/api/search?q=shoes", name="GET /api/search")

    @task(3)
    def item(self) -> None:
        self.client.get("/api/items/7", name="/api/items/[id]")

    @task(2)
    def order(self) -> None:
        self.client.post("/api/orders", json={"item": 7, "qty": 1})
