"""The reasons of a case in words written for a moderator: what to look at, not what the worker was told."""

from __future__ import annotations

from fieldtasks.i18n import N_, localized

# Every reason code an item can be sent to review for (fieldtasks.services.verdicts.REASONS), "appeal" and a client's
# "client_dispute".
REASON_WORDS = {
    "no_barcode": N_("No barcode read: is the expected product's label on the photo?"),
    "wrong_product": N_("Another product's barcode read: wrong label, or a neighbour's in frame?"),
    "price_unreadable": N_("No price read: read it on the photo."),
    "low_confidence": N_("Read, but unsure: check the reading against the photo."),
    "outside_geofence": N_("Photo's GPS outside the store's geofence."),
    "stale_photo": N_("Photo's EXIF time outside the claim."),
    "duplicate_photo": N_("Suspected copy of another photo: compare with the original."),
    "price_disagrees": N_("Price and unit price disagree for the quantity: which is right?"),
    "price_outlier": N_("Price far from this product's recent median."),
    "price_mismatch": N_("Typed price differs from the price read: which does the label say?"),
    "price_unconfirmed": N_("Typed price not confirmed by the photo: read it on the label."),
    "not_found": N_("Reported missing: does the photo show the empty place of this product?"),
    "absence_unproven": N_("Reported missing without a photo: nothing to check."),
    "unreadable_photo": N_("A photo could not be opened."),
    "shelf_unreadable": N_("Shelf partly unreadable: is the product there?"),
    "missing_photo": N_("A vehicle photo is missing."),
    "no_vehicle_code": N_("Vehicle code not read: is it the right vehicle?"),
    "wrong_vehicle": N_("Another vehicle's code read."),
    "appeal": N_("Appeal: the worker contests a rejection (their words below)."),
    "client_dispute": N_(
        "The client disputes the price in its feed: approve to uphold it (or correct it), reject to "
        "withdraw it. The worker keeps the pay either way."
    ),
    # The rejections a moderator chooses from (fieldtasks.models.REJECT_REASONS).
    "not_the_product": N_("Not the product"),
    "not_the_store": N_("Not the store"),
    "unusable_photo": N_("Unusable photo"),
    "copied_photo": N_("Copied photo"),
    "not_a_shelf_label": N_("Not a shelf label"),
}


KIND_WORDS = {"review": N_("Review"), "appeal": N_("Appeal"), "dispute": N_("Client dispute")}  # of a case


def kind_words(kind: str) -> str:
    return localized(KIND_WORDS.get(kind, kind))


def reason_words(code: str) -> str:
    """A code in the moderator's words and language (an unknown code as itself, underscores as spaces)."""
    return localized(REASON_WORDS[code]) if code in REASON_WORDS else code.replace("_", " ")


# The rejection a reason most often ends in: offered first in the case's rejection form.
SUGGESTED_REJECTION = {
    "wrong_product": "not_the_product",
    "duplicate_photo": "copied_photo",
    "outside_geofence": "not_the_store",
    "stale_photo": "not_the_store",
    "no_barcode": "unusable_photo",
    "unreadable_photo": "unusable_photo",
}
