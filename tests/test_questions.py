"""Questions on a brief: asked by a worker who opened it, answered by the client, read by every worker under the
brief, and the new version of the brief paid again; a question left waiting shows in the campaign's progress."""

from __future__ import annotations

from tests.fieldwork import BASTILLE, HERE, credit, fresh_fix, new_worker, published_campaign, task_at
from tests.helpers import bearer, register, sign_in

QUESTION = "Do promotions count as the shelf price, or the price before the promotion?"
ANSWER = "The price the shopper pays that day: photograph the label as it is, promotion included."


def hand_in_all_missing(client, worker: dict, store: str, place: tuple[float, float]) -> None:
    """A task claimed, checked in and handed in with every product reported missing (no photo to read)."""
    task = task_at(client, worker, store)
    claimed = client.post(f"/tasks/{task['id']}/claim", json={"lat": place[0], "lon": place[1]}, headers=worker)
    checked_in = client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client, *place), headers=worker)
    assert (claimed.status_code, checked_in.status_code) == (200, 201)
    for item in client.get(f"/tasks/{task['id']}", headers=worker).json["items"]:
        client.post(f"/tasks/{task['id']}/items/{item['id']}/not-found", headers=worker)
    assert client.post(f"/tasks/{task['id']}/submit", headers=worker).status_code == 202


def briefings(client, worker: dict) -> list[int]:
    """The briefs this worker was paid for reading, in cents."""
    return [line["amount_cents"] for line in client.get("/me/ledger", headers=worker).json["items"]
            if line["kind"] == "briefing"]  # fmt: skip


def test_a_question_and_its_answer_reach_every_worker_and_the_new_brief_is_paid_again(client, clock):
    owner = register(client, "client")
    credit(client, owner["organization"]["id"], 1_000_000)
    campaign = published_campaign(client, bearer(sign_in(client, owner["email"])), reading_minutes=5)
    first_email = register(client, "worker")["email"]
    first, second = bearer(sign_in(client, first_email)), new_worker(client)
    assert client.post(f"/campaigns/{campaign['id']}/questions", json={"question": QUESTION},
                       headers=second).json["code"] == "brief_not_opened"  # fmt: skip
    brief = client.get(f"/campaigns/{campaign['id']}/brief", headers=first).json
    assert (brief["version"], brief["questions"]) == (1, [])
    hand_in_all_missing(client, first, "Monoprix Rivoli", (HERE["lat"], HERE["lon"]))
    assert briefings(client, first) == [101]  # the first reading, paid with the task
    asked = client.post(f"/campaigns/{campaign['id']}/questions", json={"question": QUESTION}, headers=first)
    again = client.post(f"/campaigns/{campaign['id']}/questions", json={"question": QUESTION}, headers=first)
    assert (asked.status_code, again.status_code, again.json["id"]) == (201, 200, asked.json["id"])  # a retry
    assert asked.json["mine"] is True and asked.json["answer"] is None
    clock.advance(hours=49)  # nobody answered for two days; everyone signs in again
    campaign["headers"], first = bearer(sign_in(client, owner["email"])), bearer(sign_in(client, first_email))
    progress = client.get(f"/campaigns/{campaign['id']}/progress", headers=campaign["headers"]).json
    assert progress["questions"]["count"] == 1 and progress["questions"]["over_48_hours"] == 1
    [seen] = client.get(f"/campaigns/{campaign['id']}/questions", headers=campaign["headers"]).json["items"]
    assert seen["question"] == QUESTION and seen["mine"] is False and "worker_id" not in seen  # never who asked
    answered = client.put(f"/campaigns/{campaign['id']}/questions/{seen['id']}/answer", json={"answer": ANSWER},
                          headers=campaign["headers"])  # fmt: skip
    assert answered.status_code == 200 and answered.json["answer"] == ANSWER
    assert (
        client.put(
            f"/campaigns/{campaign['id']}/questions/{seen['id']}/answer",
            json={"answer": ANSWER},
            headers=campaign["headers"],
        ).json
        == answered.json
    )  # the same answer again: nothing changes
    second = bearer(sign_in(client, register(client, "worker")["email"]))
    brief = client.get(f"/campaigns/{campaign['id']}/brief", headers=second).json
    assert brief["version"] == 2 and [(q["question"], q["answer"]) for q in brief["questions"]] == [(QUESTION, ANSWER)]
    assert [q["question"] for q in client.get(f"/campaigns/{campaign['id']}/questions", headers=second).json["items"]
            ] == [QUESTION]  # fmt: skip
    client.get(f"/campaigns/{campaign['id']}/brief", headers=first)  # the first worker reads the new version
    hand_in_all_missing(client, first, "Carrefour City Bastille", BASTILLE)
    assert briefings(client, first) == [101, 101]  # 5 minutes at 12.02 EUR an hour, for each version read
    assert client.get(f"/campaigns/{campaign['id']}/progress", headers=campaign["headers"]).json["questions"][
        "count"] == 0  # fmt: skip


def test_a_worker_waits_for_answers_before_asking_more_and_other_clients_see_nothing(client):
    campaign = published_campaign(client)
    worker = new_worker(client)
    client.get(f"/campaigns/{campaign['id']}/brief", headers=worker)
    for number in range(5):
        asked = client.post(f"/campaigns/{campaign['id']}/questions", json={"question": f"Question {number}?"},
                            headers=worker)  # fmt: skip
        assert asked.status_code == 201
    sixth = client.post(f"/campaigns/{campaign['id']}/questions", json={"question": "One more?"}, headers=worker)
    assert (sixth.status_code, sixth.json["code"]) == (409, "too_many_questions")
    other = published_campaign(client)["headers"]
    assert client.get(f"/campaigns/{campaign['id']}/questions", headers=other).status_code == 404
    [question, *_] = client.get(f"/campaigns/{campaign['id']}/questions", headers=campaign["headers"]).json["items"]
    refused = client.put(f"/campaigns/{campaign['id']}/questions/{question['id']}/answer", json={"answer": "x"},
                         headers=other)  # fmt: skip
    assert refused.status_code == 404
    assert (
        client.post(f"/campaigns/{campaign['id']}/questions", json={"question": ""}, headers=worker).status_code == 422
    )
