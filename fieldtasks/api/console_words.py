"""The reasons of a case in words written for a moderator: what to look at, not what the worker was told."""

from __future__ import annotations

# Every reason code an item can be sent to review for (fieldtasks.services.verdicts.REASONS), "appeal" and a client's
# "client_dispute".
REASON_WORDS = {
    "no_barcode": "No barcode read: is the expected product's label on the photo?",
    "wrong_product": "Another product's barcode read: wrong label, or a neighbour's in frame?",
    "price_unreadable": "No price read: read it on the photo.",
    "low_confidence": "Read, but unsure: check the reading against the photo.",
    "outside_geofence": "Photo's GPS outside the store's geofence.",
    "stale_photo": "Photo's EXIF time outside the claim.",
    "duplicate_photo": "Suspected copy of another photo: compare with the original.",
    "price_disagrees": "Price and unit price disagree for the quantity: which is right?",
    "price_outlier": "Price far from this product's recent median.",
    "price_mismatch": "Typed price differs from the price read: which does the label say?",
    "price_unconfirmed": "Typed price not confirmed by the photo: read it on the label.",
    "not_found": "Reported missing: does the photo show the empty place of this product?",
    "absence_unproven": "Reported missing without a photo: nothing to check.",
    "unreadable_photo": "A photo could not be opened.",
    "shelf_unreadable": "Shelf partly unreadable: is the product there?",
    "missing_photo": "A vehicle photo is missing.",
    "no_vehicle_code": "Vehicle code not read: is it the right vehicle?",
    "wrong_vehicle": "Another vehicle's code read.",
    "appeal": "Appeal: the worker contests a rejection (their words below).",
    "client_dispute": "The client disputes the price in its feed: approve to uphold it (or correct it), reject to "
    "withdraw it. The worker keeps the pay either way.",
}


def reason_words(code: str) -> str:
    return REASON_WORDS.get(code, code.replace("_", " "))


# The rejection a reason most often ends in: offered first in the case's rejection form.
SUGGESTED_REJECTION = {
    "wrong_product": "not_the_product",
    "duplicate_photo": "copied_photo",
    "outside_geofence": "not_the_store",
    "stale_photo": "not_the_store",
    "no_barcode": "unusable_photo",
    "unreadable_photo": "unusable_photo",
}
