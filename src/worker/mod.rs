//! Background jobs: webhook delivery, escrow auto-release, expiry of remembered logins,
//! SLA-breach notifications.
