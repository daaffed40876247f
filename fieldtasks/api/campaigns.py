"""Campaigns: what a client organization publishes, and the stores, products or vehicles in it."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from fieldtasks.api.access import current_caller, organization_id, roles
from fieldtasks.api.blueprint import Blueprint
from fieldtasks.api.campaign_schemas import (
    CampaignCreateSchema,
    CampaignEditSchema,
    CampaignSchema,
    ImportReportSchema,
    ProductListSchema,
    PublishResultSchema,
    VehicleListSchema,
)
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.etags import IF_MATCH, etag_header, expected_version
from fieldtasks.api.feed_schemas import ProgressSchema
from fieldtasks.api.pages import PageQuerySchema, as_page, page_args, page_of
from fieldtasks.models import Role
from fieldtasks.services import campaigns, progress, publishing

blp = Blueprint("campaigns", __name__, url_prefix="/campaigns", description="Campaigns of the caller's organization.")

ETAG_HEADER_DOC = {"ETag": {"description": "The version to send in If-Match", "schema": {"type": "string"}}}


@blp.route("")
class Campaigns(MethodView):
    @roles(Role.CLIENT)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_of(CampaignSchema))
    def get(self, query):
        """My organization's campaigns, newest first, a page at a time"""
        with unit_of_work() as session:
            listed, cursor = campaigns.list_campaigns(session, organization_id(), **page_args(query))
            return as_page(listed, cursor)

    @roles(Role.CLIENT)
    @blp.arguments(CampaignCreateSchema)
    @blp.response(201, CampaignSchema)
    def post(self, data):
        """Create a draft campaign, with its stores and products (or vehicles) inline"""
        lists = {name: data.pop(name) for name in ("stores", "products", "vehicles", "deploy_spots")}
        caller = current_caller()
        with unit_of_work() as session:
            campaign = campaigns.create_campaign(
                session, organization_id=caller.organization_id, user_id=caller.user_id, fields=data, **lists
            )
            return campaign, 201, etag_header(campaign.version)


@blp.route("/<uuid:campaign_id>")
class CampaignById(MethodView):
    @roles(Role.CLIENT)
    @blp.response(200, CampaignSchema, headers=ETAG_HEADER_DOC)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, campaign_id):
        """One of my organization's campaigns"""
        with unit_of_work() as session:
            campaign = campaigns.get_campaign(session, organization_id(), campaign_id)
            return campaign, 200, etag_header(campaign.version)

    @roles(Role.CLIENT)
    @blp.arguments(CampaignEditSchema)
    @blp.response(200, CampaignSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="Active or closed campaigns cannot be edited")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    @blp.doc(parameters=[IF_MATCH])
    def patch(self, changes, campaign_id):
        """Edit a draft or paused campaign (send If-Match)"""
        version = expected_version()
        with unit_of_work() as session:
            campaign = campaigns.update_campaign(session, organization_id(), campaign_id, version, changes)
            return campaign, 200, etag_header(campaign.version)

    @roles(Role.CLIENT)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`campaign_active`, `campaign_paused`, `campaign_closed`: "
                      "only a draft (never published, no money moved) can be deleted; close the others")  # fmt: skip
    def delete(self, campaign_id):
        """Delete a draft campaign with its stores and products"""
        with unit_of_work() as session:
            campaigns.delete_draft(session, organization_id(), campaign_id)


@blp.route("/<uuid:campaign_id>/products")
class CampaignProducts(MethodView):
    @roles(Role.CLIENT)
    @blp.arguments(ProductListSchema)
    @blp.response(200, ImportReportSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`campaign_closed`")
    def post(self, data, campaign_id):
        """Add products; one already listed is reported, not added twice"""
        with unit_of_work() as session:
            return campaigns.add_campaign_products(session, organization_id(), campaign_id, data["products"])


@blp.route("/<uuid:campaign_id>/vehicles")
class CampaignVehicles(MethodView):
    @roles(Role.CLIENT)
    @blp.arguments(VehicleListSchema)
    @blp.response(200, ImportReportSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`campaign_closed`")
    def post(self, data, campaign_id):
        """Add vehicles to a scooter campaign"""
        with unit_of_work() as session:
            return campaigns.add_campaign_vehicles(session, organization_id(), campaign_id, data["vehicles"])


class PublishSchema(ma.Schema):
    accept_floor_top_up = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Publish even though the estimated hourly pay is below the minimum wage: the "
                  "floor's top-up of every worker is then charged to you"},
    )  # fmt: skip


@blp.route("/<uuid:campaign_id>/publish")
class Publish(MethodView):
    @roles(Role.CLIENT)
    @blp.arguments(PublishSchema, required=False)
    @blp.response(200, PublishResultSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`campaign_closed`, `campaign_ended`, `insufficient_funds`")
    @blp.alt_response(
        422,
        response="UNPROCESSABLE_ENTITY",
        description="`nothing_to_publish`, `no_deploy_spots`, `insufficient_budget` (it cannot pay every item) or "
        "`below_wage_floor` (reward per item x items per task / estimated minutes is below MIN_HOURLY_WAGE_CENTS; "
        "errors.reward_cents is the reward per item that reaches it)",
    )
    def post(self, options, campaign_id):
        """Offer the campaign to workers: one task per store or vehicle (again after adding, it adds what is new)"""
        with unit_of_work() as session:
            res = resources()
            wages = res.config.min_hourly_wage_cents
            return publishing.publish_campaign(
                session, organization_id(), campaign_id, now=res.clock(), wages=wages, **options
            )


@blp.route("/<uuid:campaign_id>/progress")
class Progress(MethodView):
    @roles(Role.CLIENT)
    @blp.response(200, ProgressSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, campaign_id):
        """Tasks by status, items verified / in review / rejected / not found, budget spent and left, stores covered,
        and the median hourly pay of settled tasks against the floor"""
        with unit_of_work() as session:
            res = resources()
            wages = res.config.min_hourly_wage_cents
            return progress.campaign_progress(session, organization_id(), campaign_id, now=res.clock(), wages=wages)


@blp.route("/<uuid:campaign_id>/pause")
class Pause(MethodView):
    @roles(Role.CLIENT)
    @blp.response(200, CampaignSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, campaign_id):
        """Hide the campaign's tasks; claims already held stay valid"""
        with unit_of_work() as session:
            return publishing.pause_campaign(session, organization_id(), campaign_id)


@blp.route("/<uuid:campaign_id>/close")
class Close(MethodView):
    @roles(Role.CLIENT)
    @blp.response(200, CampaignSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, campaign_id):
        """End the campaign: unclaimed tasks are cancelled; held ones can still be finished"""
        with unit_of_work() as session:
            return publishing.close_campaign(session, organization_id(), campaign_id, now=resources().clock())
