"""Back office: orders with their APS events; capture, void, refund and check status."""
