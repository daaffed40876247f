"""A campaign's stores: imported from a file, listed a page at a time, read, corrected and removed."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from fieldtasks.api.access import organization_id, roles
from fieldtasks.api.blueprint import BODY_413, Blueprint
from fieldtasks.api.campaign_schemas import ImportReportSchema
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.pages import as_page, page_args, page_of
from fieldtasks.api.store_schemas import StoreEditSchema, StoreQuerySchema, StoreSchema
from fieldtasks.models import Role
from fieldtasks.services import campaigns, stores

blp = Blueprint("stores", __name__, url_prefix="/campaigns", description="The stores of the caller's campaigns.")

STORE_FILE_BODY = {
    "required": True,
    "content": {
        "text/csv": {
            "schema": {"type": "string", "format": "binary", "description": "UTF-8, a header row first"},
            "example": "name,address,lat,lon,geofence_m\nMonoprix,1 rue X,48.86,2.35,100\n",
        },
        "application/geo+json": {"schema": {"type": "object", "description": "A FeatureCollection of Points"}},
    },
}
IN_USE = ("`store_in_use`: a worker holds its task (or has checked in there) until `errors.claim_expires_at`; "
          "`store_visited`: its task was handed in; `campaign_closed`")  # fmt: skip


@blp.route("/<uuid:campaign_id>/stores")
class CampaignStores(MethodView):
    @roles(Role.CLIENT)
    @blp.arguments(StoreQuerySchema, location="query")
    @blp.response(200, page_of(StoreSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, query, campaign_id):
        """The campaign's stores by name, a page at a time, each with its task's status (`?store_ref=` finds one)"""
        with unit_of_work() as session:
            listed, cursor = stores.list_stores(
                session, organization_id(), campaign_id, store_ref=query.get("store_ref"), now=resources().clock(),
                **page_args(query),
            )  # fmt: skip
        return as_page(listed, cursor)

    @roles(Role.CLIENT)
    @blp.doc(requestBody=STORE_FILE_BODY)
    @blp.response(200, ImportReportSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`campaign_closed`")
    @blp.alt_response(413, response="PAYLOAD_TOO_LARGE", description=BODY_413)
    @blp.alt_response(
        422,
        response="UNPROCESSABLE_ENTITY",
        description="`invalid_file` (neither CSV nor GeoJSON, or more than 5000 stores) or `wrong_kind` (scooters)",
    )
    def post(self, campaign_id):
        """Import stores from CSV (name,address,lat,lon[,geofence_m]) or GeoJSON points; bad rows are reported"""
        with unit_of_work() as session:
            return campaigns.import_stores(
                session, organization_id(), campaign_id, request.get_data(), request.mimetype
            )


@blp.route("/<uuid:campaign_id>/stores/<uuid:store_id>")
class CampaignStore(MethodView):
    @roles(Role.CLIENT)
    @blp.response(200, StoreSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, campaign_id, store_id):
        """One store of the campaign, with its task's status"""
        with unit_of_work() as session:
            return stores.read_store(session, organization_id(), campaign_id, store_id, now=resources().clock())

    @roles(Role.CLIENT)
    @blp.arguments(StoreEditSchema(partial=True))
    @blp.response(200, StoreSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=f"{IN_USE} (moving it); `store_already_listed`")
    def patch(self, changes, campaign_id, store_id):
        """Correct a store (its open task moves with it; once worked at, only its names and references change)"""
        with unit_of_work() as session:
            return stores.edit_store(
                session, organization_id(), campaign_id, store_id, changes, now=resources().clock()
            )

    @roles(Role.CLIENT)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=IN_USE)
    def delete(self, campaign_id, store_id):
        """Remove a store: its task is cancelled and what the escrow held for it goes back to your account"""
        with unit_of_work() as session:
            stores.remove_store(session, organization_id(), campaign_id, store_id, now=resources().clock())
