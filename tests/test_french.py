"""French for the people of the first deployments: a worker's phone asking in French (Accept-Language) reads every
sentence in French, through a review, a rejection and an appeal; the codes and the figures stay as they are."""

from __future__ import annotations

from tests.fieldwork import EVIAN, HERE, fresh_fix, new_worker, published_campaign, task_at
from tests.helpers import bearer, sign_in
from tests.verification import hand_in, item_of, label_photo, read_photo, stores_campaign

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}


def test_a_worker_is_told_of_a_review_a_rejection_and_an_appeal_in_french(client, staff):
    handed_in = hand_in(client, label_photo(gtin=EVIAN, price_cents=349), stores_campaign(client, 1))
    read_photo(client, handed_in)
    worker = {**handed_in.worker, **FRENCH}
    task = client.get(f"/tasks/{handed_in.task_id}", headers=worker)
    assert task.headers["Content-Language"] == "fr"
    [item] = [item for item in task.json["items"] if item["id"] == handed_in.item_id]
    [why] = item["reasons"]
    assert why["code"] == "wrong_product"
    assert (
        why["message"] == f"Le code-barres de la photo ({EVIAN}) n'est pas le produit de cette tâche (3017620422003)."
    )
    too_soon = client.post(f"/items/{handed_in.item_id}/appeal", json={"comment": "C'est le bon."}, headers=worker)
    assert (too_soon.status_code, too_soon.json["code"]) == (409, "not_rejected")
    assert too_soon.json["message"] == "Seul un article refusé peut faire l'objet d'un recours."

    moderator = bearer(sign_in(client, staff("moderator")))
    [case] = client.get("/moderation/cases", headers=moderator).json["items"]
    explanation = "C'est de l'eau, pas du Nutella."
    rejection = {"outcome": "reject", "reject_reason": "not_the_product", "explanation": explanation}
    assert client.post(f"/moderation/cases/{case['id']}/decision", json=rejection, headers=moderator).status_code == 200
    rejected = item_of(client, handed_in)
    assert rejected["verdict"] == "rejected"
    assert rejected["reasons"] == [{"code": "not_the_product", "message": explanation}]  # the moderator's words

    unsaid = client.post(f"/items/{handed_in.item_id}/appeal", json={}, headers=worker)
    assert (unsaid.status_code, unsaid.json["code"]) == (422, "validation_error")
    assert unsaid.json["message"] == "Des champs manquent ou ne sont pas valides ; voir errors."
    assert unsaid.json["errors"]["json"]["comment"] == ["Champ obligatoire manquant."]
    comment = {"comment": "La photo montre l'étiquette du Nutella, à gauche."}
    assert client.post(f"/items/{handed_in.item_id}/appeal", json=comment, headers=worker).status_code == 201
    again = client.post(f"/items/{handed_in.item_id}/appeal", json=comment, headers=worker)
    assert (again.status_code, again.json["code"]) == (409, "case_open")
    assert again.json["message"] == "Cet article a déjà un dossier ouvert."
    assert item_of(client, handed_in)["verdict"] == "under_appeal"
    english = client.post(f"/items/{handed_in.item_id}/appeal", json=comment, headers=handed_in.worker)
    assert english.json["message"] == "This item already has an open case." and "Content-Language" in english.headers


def test_a_check_in_refused_in_french_keeps_its_figures_as_numbers(client):
    published_campaign(client)  # Monoprix Rivoli here, and Carrefour City Bastille 1.5 km away
    worker = {**new_worker(client), **FRENCH}
    task = task_at(client, worker, "Carrefour City Bastille")
    assert client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker).status_code == 200
    refused = client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker)
    assert (refused.status_code, refused.json["code"]) == (422, "outside_geofence")
    distance = refused.json["errors"]["distance_m"]
    assert isinstance(distance, float) and distance > 1000
    said = f"Vous êtes à {distance / 1000:.1f} km du lieu ; approchez-vous à moins de "
    assert refused.json["message"].startswith(said), refused.json["message"]
