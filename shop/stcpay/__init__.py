"""STC Pay with the mobile number and the one-time password typed on the shop's own pages."""
