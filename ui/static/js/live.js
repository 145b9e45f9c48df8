// Live updates for the portal (server-sent events): filled in by the conversations feature.
