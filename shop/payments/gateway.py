"""The APS client configured from the running app's settings."""

from __future__ import annotations

from flask import current_app

from ..aps import APSClient, Credentials, Endpoints

_EXTENSION_KEY = "aps_client"


def get_client() -> APSClient:
    """Return the app's APS client, building it on first use."""
    client = current_app.extensions.get(_EXTENSION_KEY)
    if client is None:
        config = current_app.config
        client = APSClient(
            Credentials(
                merchant_identifier=config["APS_MERCHANT_IDENTIFIER"],
                access_code=config["APS_ACCESS_CODE"],
                request_phrase=config["APS_SHA_REQUEST_PHRASE"],
                response_phrase=config["APS_SHA_RESPONSE_PHRASE"],
                sha_type=config["APS_SHA_TYPE"],
            ),
            Endpoints(payment_page=config["APS_PAYMENT_PAGE_URL"], payment_api=config["APS_PAYMENT_API_URL"]),
            timeout=(config["APS_CONNECT_TIMEOUT"], config["APS_READ_TIMEOUT"]),
        )
        current_app.extensions[_EXTENSION_KEY] = client
    return client
